# src/http/local.mk - the HTTP/1.1 mode: parser, paths, dates, MIME types,
# responses, static files and their cache, access logs. Uses core, conf, net;
# never proto.
src_libpreforkd_a_SOURCES += \
	src/http/http.c src/http/http.h \
	src/http/http_parse.c src/http/http_parse.h \
	src/http/http_path.c src/http/http_path.h \
	src/http/http_date.c src/http/http_date.h \
	src/http/mime.c src/http/mime.h \
	src/http/http_resp.c src/http/http_resp.h \
	src/http/http_static.c src/http/http_static.h \
	src/http/http_cache.c src/http/http_cache.h \
	src/http/http_log.c src/http/http_log.h \
	src/http/http_host.c src/http/http_host.h \
	src/http/http_cond.c src/http/http_cond.h \
	src/http/http_ranges.c src/http/http_ranges.h \
	src/http/http_multipart.c src/http/http_multipart.h
