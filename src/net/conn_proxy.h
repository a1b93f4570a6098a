/* conn_proxy.h - the PROXY protocol phase of a connection, between conn.c
 * and conn_proxy.c (not for modes: they see conn_peer only) */
#ifndef PREFORKD_NET_CONN_PROXY_H
#define PREFORKD_NET_CONN_PROXY_H

#include <stdbool.h>
#include <sys/socket.h>

#include "conn.h"

/* Whether a connection from peer (NULL: not known, as when the listener
 * takes a header from everyone) to lsn must start with a PROXY header. */
bool conn_proxy_wanted(const struct listener *lsn, const struct sockaddr *peer);

/* Starts c (not registered yet) in the PROXY phase: its header is read
 * (and consumed) before the mode's on_open; then conn_begin runs. The
 * caller registers c afterwards with c->watch.events and c->watch.fn
 * unless c was closed. */
void conn_proxy_start(struct conn *c);

/* Whether c is still reading its header (its mode has not started). */
bool conn_proxy_pending(const struct conn *c);

/* The header did not come within proxy_protocol_timeout: counts, closes. */
void conn_proxy_timeout(struct conn *c);

/* Forgets the address c's header announced (c is closing). */
void conn_proxy_forget(struct conn *c);

/* Frees every announced address (server_free). */
void conn_proxy_free_all(struct server *s);

/* conn.c: hands c to its mode (on_open, then on_read when it may read),
 * with the listener's own trigger and conn_on_event. */
void conn_begin(struct conn *c);

#endif
