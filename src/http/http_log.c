/* http_log.c - access logs in Common Log Format, buffered per worker */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_log.h"
#include "core/log.h"
#include "net/conn.h"

#define LOG_BUF_SIZE (32 * 1024)

struct http_log {
	char *path;
	int fd;
	size_t len;
	struct http_log *next;
	char buf[LOG_BUF_SIZE];
};

static struct http_log *all_logs; /* this worker's open logs */

struct http_log *http_log_open(const char *path)
{
	struct http_log *lg = malloc(sizeof(*lg));

	if (lg == NULL)
		return NULL;
	lg->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	lg->path = strdup(path);
	if (lg->fd < 0 || lg->path == NULL) {
		int err = errno;
		if (lg->fd >= 0)
			close(lg->fd);
		free(lg->path);
		free(lg);
		errno = err;
		return NULL;
	}
	lg->len = 0;
	lg->next = all_logs;
	all_logs = lg;
	return lg;
}

static void log_flush(struct http_log *lg)
{
	if (lg->len > 0 && write(lg->fd, lg->buf, lg->len) < 0)
		log_warn("access log %s: %s", lg->path, strerror(errno));
	lg->len = 0;
}

void http_log_close(struct http_log *lg)
{
	struct http_log **p;

	if (lg == NULL)
		return;
	log_flush(lg);
	for (p = &all_logs; *p != NULL; p = &(*p)->next)
		if (*p == lg) {
			*p = lg->next;
			break;
		}
	close(lg->fd);
	free(lg->path);
	free(lg);
}

static void peer_name(const struct conn *c, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	snprintf(out, len, "-");
	if (conn_peer(c, &ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out,
			  (socklen_t)len);
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out,
			  (socklen_t)len);
}

void http_log_request(struct http_log *lg, const struct conn *c, const char *reqline,
		      size_t reqline_len, int status, uint64_t bytes)
{
	char peer[INET6_ADDRSTRLEN], when[40];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	if (LOG_BUF_SIZE - lg->len < 512 + reqline_len)
		log_flush(lg);
	if (reqline_len > 2048)
		reqline_len = 2048;
	peer_name(c, peer, sizeof(peer));
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm);
	n = snprintf(lg->buf + lg->len, LOG_BUF_SIZE - lg->len,
		     "%s - - [%s] \"%.*s\" %d %" PRIu64 "\n", peer, when,
		     (int)reqline_len, reqline, status, bytes);
	if (n > 0 && (size_t)n < LOG_BUF_SIZE - lg->len)
		lg->len += (size_t)n;
}

void http_log_flush_all(void)
{
	for (struct http_log *lg = all_logs; lg != NULL; lg = lg->next)
		log_flush(lg);
}

void http_log_reopen_all(void)
{
	for (struct http_log *lg = all_logs; lg != NULL; lg = lg->next) {
		int fd = open(lg->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			      0644);
		log_flush(lg);
		if (fd < 0) {
			log_warn("reopen access log %s: %s", lg->path,
				 strerror(errno));
			continue;
		}
		dup3(fd, lg->fd, O_CLOEXEC);
		close(fd);
	}
}
