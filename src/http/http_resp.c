/* http_resp.c - building HTTP responses into an output buffer */
#include "config.h"

#include <stdbool.h>
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

/* The head being written: out[0..len) so far, in cap bytes. */
struct writer {
	char *out;
	size_t cap, len;
	bool full;
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->full || w->cap - w->len <= n) { /* keep room for the NUL */
		w->full = true;
		return;
	}
	memcpy(w->out + w->len, s, n);
	w->len += n;
}

static void put_str(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* "NAME: value\r\n" when value is not NULL. */
static void put_field(struct writer *w, const char *name, size_t name_len,
		      const char *value)
{
	if (value == NULL)
		return;
	put(w, name, name_len);
	put_str(w, value);
	put(w, "\r\n", 2);
}

static void put_u64(struct writer *w, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(w, digits + n, sizeof(digits) - n);
}

#define PUT_LIT(w, lit) put(w, lit, sizeof(lit) - 1)

/* Written by hand rather than with snprintf: it runs for every answer. */
size_t http_head_format(char *out, size_t cap, const struct http_head *h)
{
	struct writer w = {out, cap, 0, false};
	const char *conn = !h->keep_alive	       ? "Connection: close\r\n"
			   : h->version_minor == 0 ? "Connection: keep-alive\r\n"
						   : "";

	PUT_LIT(&w, "HTTP/1.1 ");
	put_u64(&w, h->status >= 100 && h->status <= 999 ? (uint64_t)h->status
							 : 500);
	PUT_LIT(&w, " ");
	put_str(&w, http_reason(h->status));
	PUT_LIT(&w, "\r\nServer: preforkd\r\nDate: ");
	put(&w, http_now_date(time(NULL)), HTTP_DATE_LEN);
	PUT_LIT(&w, "\r\n");
	put_field(&w, "Content-Type: ", 14, h->content_type);
	put_field(&w, "Last-Modified: ", 15, h->last_modified);
	put_field(&w, "ETag: ", 6, h->etag);
	PUT_LIT(&w, "Content-Length: ");
	put_u64(&w, h->content_length);
	PUT_LIT(&w, "\r\n");
	if (h->extra != NULL)
		put_str(&w, h->extra);
	put_str(&w, conn);
	PUT_LIT(&w, "\r\n");
	if (w.full)
		return 0;
	out[w.len] = '\0';
	return w.len;
}
