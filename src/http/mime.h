/* mime.h - Content-Type by file name extension */
#ifndef PREFORKD_MIME_H
#define PREFORKD_MIME_H

/*
 * The Content-Type for path by the extension of its last segment
 * (case-insensitive; "archive.tar.gz" is gz; a name that starts with its
 * only dot, like ".profile", has none), from a built-in table of common
 * types. Text types carry "; charset=utf-8". "application/octet-stream"
 * when the extension is unknown or absent. The result is a static string.
 */
const char *mime_type(const char *path);

#endif
