/* http.h - the HTTP/1.1 mode: keep-alive, pipelining, fixed response or
 * static files */
#ifndef PREFORKD_HTTP_H
#define PREFORKD_HTTP_H

#include "net/conn.h"

extern const struct mode http_mode;

#endif
