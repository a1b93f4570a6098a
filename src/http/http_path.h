/* http_path.h - request target to a safe, normalised path below the root */
#ifndef PREFORKD_HTTP_PATH_H
#define PREFORKD_HTTP_PATH_H

#include <stddef.h>

/*
 * Percent-decodes and normalises the path of a request target into out
 * (outlen bytes), NUL-terminated. The result starts with '/' and has no
 * "." or ".." segments and no empty segments, except that a trailing '/'
 * is kept when the path names a directory ("/a/", "/a/b/..", "/a/." give
 * "/a/"), so the caller can tell "/dir" from "/dir/". The query and any
 * fragment are dropped. Decoded bytes >= 0x80 are kept as they are.
 * Accepted targets: origin-form ("/path?query") and absolute-form
 * ("http://host/path", scheme http or https, case-insensitive; the
 * authority is skipped and an empty path is "/"), as RFC 9112 3.2.2 asks
 * servers to accept. Returns the length (without the NUL), or -1 when the
 * target must be refused with 400: another form ("*", "host:port",
 * "path"), a raw or encoded NUL, an encoded '/' (%2F), a '\' raw or
 * encoded, a bad %-escape, a ".." (in any encoding: %2e%2e, .%2e, ...)
 * that would climb above the root, a control character or DEL raw or
 * encoded, or out too small. Safe for any input; out is undefined on -1.
 */
int http_path_normalize(const char *target, size_t len, char *out,
			size_t outlen);

#endif
