/* http_path.h - request target to a safe, normalised path below the root */
#ifndef PREFORKD_HTTP_PATH_H
#define PREFORKD_HTTP_PATH_H

#include <stddef.h>

enum { HTTP_PATH_BAD = -1, HTTP_PATH_MISSING = -2 };

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
 * servers to accept. Returns the length (without the NUL), or
 * HTTP_PATH_BAD when the target must be refused with 400: another form
 * ("*", "host:port", "path"), an encoded '/' (%2F), NUL, CR or LF, a '\'
 * raw or encoded, a bad %-escape, a ".." (in any encoding: %2e%2e, .%2e,
 * ...) that would climb above the root, a raw control character or DEL;
 * or HTTP_PATH_MISSING when it names no file that can be served (answer
 * 404, without asking the file system): another encoded control character
 * or DEL, a segment longer than NAME_MAX, or a path too long for out. Safe
 * for any input; out is undefined on error.
 */
int http_path_normalize(const char *target, size_t len, char *out,
			size_t outlen);

/*
 * Writes path (NUL-terminated, as http_path_normalize made it) into out
 * (outlen bytes) as a URI path: bytes other than unreserved, sub-delims,
 * ':', '@' and '/' are %-escaped, so that it can go into a Location field
 * and lead back to the same path. Returns the length without the NUL, or
 * -1 when out is too small.
 */
int http_path_encode(const char *path, char *out, size_t outlen);

#endif
