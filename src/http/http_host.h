/* http_host.h - syntax of a Host value or a request-target's authority */
#ifndef PREFORKD_HTTP_HOST_H
#define PREFORKD_HTTP_HOST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether s[0..n) is uri-host [ ":" port ] (RFC 9110 7.2, RFC 3986 3.2.2):
 * a non-empty reg-name (unreserved, sub-delims, %-escapes) or IPv4 address,
 * or an IP-literal ("[" IPv6address or IPvFuture "]"), then at most one
 * ":" and a port of at most five digits not over 65535 (an empty port is
 * allowed as RFC 3986 allows it). With need_port the port must be there
 * and not empty (CONNECT's authority-form, RFC 9112 3.2.3). No userinfo,
 * no whitespace, no "\". Pure; reads only s[0..n).
 */
bool http_host_valid(const char *s, size_t n, bool need_port);

#endif
