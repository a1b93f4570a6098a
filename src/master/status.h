/* status.h - the status listener: /metrics, /livez and /readyz over
 * HTTP/1.1, served by the master's loop without ever blocking it */
#ifndef PREFORKD_STATUS_H
#define PREFORKD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf/conf.h"
#include "http/http_parse.h"

#define STATUS_MAX_CLIENTS 16	 /* more at once get 503 */
#define STATUS_MAX_REQUEST 4096	 /* a longer request head gets 431 */
#define STATUS_TIMEOUT_MS  10000 /* a client's whole life, answer included */

struct master;

/*
 * Makes m's status listener what sc says: opens it (bound before anything
 * is answered), keeps it when the address is unchanged (allow_remote may
 * change), moves it to a new address, or closes it when sc->listen is
 * NULL. Returns 0, or -1 with the reason in err; the listener then stays
 * as it was.
 */
int status_apply(struct master *m, const struct status_conf *sc, char *err,
		 size_t errlen);

/* Closes the listener and every client. */
void status_close(struct master *m);

/* What a request asks for. */
enum status_route {
	STATUS_METRICS,
	STATUS_LIVEZ,
	STATUS_READYZ,
	STATUS_NOT_FOUND,  /* 404 */
	STATUS_BAD_METHOD, /* 405: anything but GET */
};

/* Routes a parsed request by method and path (a query string is ignored). */
enum status_route status_route(const struct http_request *req);

/* Whether a peer at sa may be served: a loopback address (127.0.0.0/8,
 * ::1, or 127.0.0.0/8 mapped into IPv6), or any when allow_remote. */
bool status_peer_allowed(const struct sockaddr *sa, bool allow_remote);

/* Why m is not ready ("starting", "stopping"), or NULL when it is:
 * /readyz answers 503 with that word, or 200. */
const char *status_not_ready(const struct master *m);

#endif
