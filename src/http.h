/* http.h - the HTTP/1.1 mode: keep-alive, pipelining, fixed response or
 * static files */
#ifndef PREFORKD_HTTP_H
#define PREFORKD_HTTP_H

#include "conn.h"

extern const struct conn_mode http_mode;

/* Prepares lsn->mode_data (the fixed response, the root, the access log).
 * Returns 0, or -1 after logging why. */
int http_listener_init(struct listener *lsn);
void http_listener_free(struct listener *lsn);

#endif
