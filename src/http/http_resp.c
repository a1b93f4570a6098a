/* http_resp.c - building HTTP responses into an output buffer */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "http_date.h"
#include "http_resp.h"

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

const char *http_now_date(time_t now)
{
	static char date[HTTP_DATE_LEN + 1];
	static time_t cached = -1;

	if (now != cached) {
		http_date_format(now, date);
		cached = now;
	}
	return date;
}

size_t http_head_format(char *out, size_t cap, const struct http_head *h)
{
	const char *conn = !h->keep_alive	       ? "Connection: close\r\n"
			   : h->version_minor == 0 ? "Connection: keep-alive\r\n"
						   : "";
	int n = snprintf(out, cap,
			 "HTTP/1.1 %d %s\r\nServer: preforkd\r\nDate: %s\r\n"
			 "%s%s%s%s%s%s%s%s%s"
			 "Content-Length: %" PRIu64 "\r\n%s%s\r\n",
			 h->status, http_reason(h->status),
			 http_now_date(time(NULL)),
			 h->content_type ? "Content-Type: " : "",
			 h->content_type ? h->content_type : "",
			 h->content_type ? "\r\n" : "",
			 h->last_modified ? "Last-Modified: " : "",
			 h->last_modified ? h->last_modified : "",
			 h->last_modified ? "\r\n" : "",
			 h->etag ? "ETag: " : "", h->etag ? h->etag : "",
			 h->etag ? "\r\n" : "", h->content_length,
			 h->extra ? h->extra : "", conn);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
