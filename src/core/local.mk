# src/core/local.mk - mechanisms any process may use: the event loop (the only
# epoll caller), timer lists, buffers, listening sockets, logging, process
# titles, restart backoff, SHA-256, the worker thread pool, CIDR ranges.
# Includes nothing from the other folders.
src_libpreforkd_a_SOURCES += \
	src/core/log.c src/core/log.h \
	src/core/loop.c src/core/loop.h \
	src/core/tlist.c src/core/tlist.h \
	src/core/buf.c src/core/buf.h \
	src/core/sock.c src/core/sock.h \
	src/core/proctitle.c src/core/proctitle.h \
	src/core/backoff.c src/core/backoff.h \
	src/core/sha256.c src/core/sha256.h \
	src/core/pool.c src/core/pool.h \
	src/core/cidr.c src/core/cidr.h
