/* test_http_mime.c - Content-Type lookups by extension */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/mime.h"

#define UTF8 "; charset=utf-8"
#define BIN  "application/octet-stream"

static const struct {
	const char *path;
	const char *want;
} cases[] = {
    {"/index.html", "text/html" UTF8},
    {"/a.htm", "text/html" UTF8},
    {"/s.css", "text/css" UTF8},
    {"/app.js", "text/javascript" UTF8},
    {"/mod.mjs", "text/javascript" UTF8},
    {"/d.json", "application/json"},
    {"/r.txt", "text/plain" UTF8},
    {"/f.xml", "text/xml" UTF8},
    {"/i.svg", "image/svg+xml"},
    {"/i.png", "image/png"},
    {"/i.jpg", "image/jpeg"},
    {"/i.jpeg", "image/jpeg"},
    {"/i.gif", "image/gif"},
    {"/i.webp", "image/webp"},
    {"/favicon.ico", "image/vnd.microsoft.icon"},
    {"/i.avif", "image/avif"},
    {"/f.woff", "font/woff"},
    {"/f.woff2", "font/woff2"},
    {"/f.ttf", "font/ttf"},
    {"/f.otf", "font/otf"},
    {"/d.pdf", "application/pdf"},
    {"/a.zip", "application/zip"},
    {"/a.gz", "application/gzip"},
    {"/a.tar", "application/x-tar"},
    {"/m.wasm", "application/wasm"},
    {"/v.mp4", "video/mp4"},
    {"/v.webm", "video/webm"},
    {"/a.mp3", "audio/mpeg"},
    {"/a.ogg", "audio/ogg"},
    {"/t.csv", "text/csv" UTF8},
    {"/README.md", "text/markdown" UTF8},
    {"/7.7z", "application/x-7z-compressed"},
    {"/z.zst", "application/zstd"},
    {"/site.webmanifest", "application/manifest+json"},
    {"/x.xlsx", "application/vnd.openxmlformats-officedocument."
		"spreadsheetml.sheet"},
    {"/INDEX.HTML", "text/html" UTF8},
    {"/Photo.JpG", "image/jpeg"},
    {"/archive.tar.gz", "application/gzip"},
    {"/dir.d/file.css", "text/css" UTF8},
    {"relative.png", "image/png"},
    {"/dir.png/file", BIN},
    {"/Makefile", BIN},
    {"/.profile", BIN},
    {"/.config.json", "application/json"},
    {"/trailing.", BIN},
    {"/unknown.xyz", BIN},
    {"/", BIN},
    {"", BIN},
    {"/a.html5", BIN},
    {"/a.h", BIN},
    {"/a.verylongextension", BIN},
};

static void test_lookups(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = mime_type(cases[i].path);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", cases[i].path, got,
				 cases[i].want);
	}
}

/* Every extension of the table must be found (it is bisected). */
static void test_table_sorted(void **state)
{
	static const char *const exts[] = {
	    "7z",   "aac",   "apng",   "atom", "avi",	      "avif",
	    "bmp",  "bz2",   "cjs",    "css",  "csv",	      "doc",
	    "docx", "eot",   "epub",   "flac", "gif",	      "gz",
	    "htm",  "html",  "ico",    "ics",  "jpeg",	      "jpg",
	    "js",   "json",  "jsonld", "m4a",  "manifest",    "map",
	    "md",   "mid",   "midi",   "mjs",  "mov",	      "mp3",
	    "mp4",  "mpeg",  "odp",    "ods",  "odt",	      "oga",
	    "ogg",  "ogv",   "opus",   "otf",  "pdf",	      "png",
	    "ppt",  "pptx",  "rss",    "rtf",  "sh",	      "svg",
	    "tar",  "tif",   "tiff",   "ts",   "ttf",	      "txt",
	    "wasm", "wav",   "weba",   "webm", "webmanifest", "webp",
	    "woff", "woff2", "xhtml",  "xls",  "xlsx",	      "xml",
	    "xz",   "yaml",  "yml",    "zip",  "zst",
	};
	char path[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		strcpy(path, "/f.");
		strcat(path, exts[i]);
		if (strcmp(mime_type(path), BIN) == 0)
			fail_msg("%s not found", exts[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_table_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
