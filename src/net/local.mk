# src/net/local.mk - connections shared by all modes: accept, buffers,
# backpressure, timeouts, one close door; struct mode, what a mode plugs in;
# the PROXY protocol parser. Uses core, conf.
src_libpreforkd_a_SOURCES += \
	src/net/conn.c src/net/conn.h src/net/mode.h src/net/stats.h \
	src/net/proxy.c src/net/proxy.h
