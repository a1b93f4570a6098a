# src/local.mk - the daemon; everything but main.c is also linked by tests
noinst_LIBRARIES += src/libpreforkd.a
src_libpreforkd_a_SOURCES = \
	src/conf.c src/conf.h \
	src/conf_err.c src/conf_impl.h \
	src/conf_scan.c \
	src/conf_read.c \
	src/conf_listen.c \
	src/log.c src/log.h \
	src/master.c src/master.h \
	src/sock.c src/sock.h \
	src/loop.c src/loop.h \
	src/tlist.c src/tlist.h \
	src/buf.c src/buf.h \
	src/conn.c src/conn.h \
	src/echo.c src/echo.h \
	src/http.c src/http.h \
	src/http_resp.c src/http_resp.h \
	src/http_static.c src/http_static.h \
	src/http_cache.c src/http_cache.h \
	src/http_log.c src/http_log.h \
	src/worker.c src/worker.h \
	src/sandbox.c src/sandbox.h
src_libpreforkd_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(LIBSYSTEMD_CFLAGS) $(LIBSECCOMP_CFLAGS)

PREFORKD_LIBS = src/libpreforkd.a $(LIBCONFIG_LIBS) $(LIBSYSTEMD_LIBS) $(LIBSECCOMP_LIBS)

sbin_PROGRAMS += src/preforkd
src_preforkd_SOURCES = src/main.c
src_preforkd_CFLAGS = $(AM_CFLAGS)
src_preforkd_LDADD = $(PREFORKD_LIBS)
