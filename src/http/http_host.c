/* http_host.c - syntax of a Host value or a request-target's authority */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "http_host.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* unreserved / sub-delims (RFC 3986 2.2, 2.3) */
static bool is_reg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~!$&'()*+,;=", c));
}

/* reg-name, non-empty: *( unreserved / pct-encoded / sub-delims ) */
static bool reg_name_valid(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
				return false;
			i += 2;
		} else if (!is_reg_char(s[i])) {
			return false;
		}
	}
	return true;
}

/* IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) */
static bool ipvfuture_valid(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && is_hex(s[i]))
		i++;
	if (i == 1 || i == n || s[i++] != '.' || i == n)
		return false;
	for (; i < n; i++)
		if (s[i] != ':' && !is_reg_char(s[i]))
			return false;
	return true;
}

/* The inside of an IP-literal's brackets. */
static bool ip_literal_valid(const char *s, size_t n)
{
	char text[INET6_ADDRSTRLEN];
	unsigned char addr[16];

	if (n > 0 && (s[0] == 'v' || s[0] == 'V'))
		return ipvfuture_valid(s, n);
	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	return inet_pton(AF_INET6, text, addr) == 1;
}

/* port = *DIGIT, here at most 65535 */
static bool port_valid(const char *s, size_t n, bool need_port)
{
	unsigned v = 0;

	if (n == 0)
		return !need_port;
	if (n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535;
}

bool http_host_valid(const char *s, size_t n, bool need_port)
{
	const char *end = s + n, *colon;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL ||
		    !ip_literal_valid(s + 1, (size_t)(close - s - 1)))
			return false;
		if (close + 1 == end)
			return !need_port;
		if (close[1] != ':')
			return false;
		return port_valid(close + 2, (size_t)(end - close - 2),
				  need_port);
	}
	colon = memchr(s, ':', n);
	if (colon == NULL)
		return !need_port && reg_name_valid(s, n);
	return reg_name_valid(s, (size_t)(colon - s)) &&
	       port_valid(colon + 1, (size_t)(end - colon - 1), need_port);
}
