/* http_log.h - access logs in Common Log Format, buffered per worker */
#ifndef PREFORKD_HTTP_LOG_H
#define PREFORKD_HTTP_LOG_H

#include <stdint.h>
#include <sys/socket.h>

struct conn;
struct http_log;

/* Opens (appending, creating) path; NULL with errno set on failure. */
struct http_log *http_log_open(const char *path);
void http_log_close(struct http_log *lg);

/* Appends one line: the client (conn_peer: the address a PROXY header
 * announced, else the socket's peer), request line, status and body
 * bytes sent. */
void http_log_request(struct http_log *lg, const struct conn *c,
		      const char *reqline,
		      size_t reqline_len, int status, uint64_t bytes);

/* Writes out every open log's buffer / reopens every log's file. */
void http_log_flush_all(void);
void http_log_reopen_all(void);

#endif
