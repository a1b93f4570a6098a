# src/local.mk - the daemon: one folder per subsystem, each adding its files
# to src/libpreforkd.a (everything but main.c, which tests link too). A
# folder includes only from itself and the folders listed before it here
# (tests/include-order.sh checks it in make check).
noinst_LIBRARIES += src/libpreforkd.a
src_libpreforkd_a_SOURCES =
# The thread pool needs -pthread, and module loading libdl (in libc since
# glibc 2.34; $(DL_LIBS) is empty there).
src_libpreforkd_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(LIBSYSTEMD_CFLAGS) \
	$(LIBSECCOMP_CFLAGS) $(PTHREAD_CFLAGS)
include src/core/local.mk
include src/conf/local.mk
include src/net/local.mk
include src/proto/local.mk
include src/http/local.mk
include src/worker/local.mk
include src/master/local.mk

PREFORKD_LIBS = src/libpreforkd.a $(LIBCONFIG_LIBS) $(LIBSYSTEMD_LIBS) \
	$(LIBSECCOMP_LIBS) $(PTHREAD_LIBS) $(DL_LIBS)

sbin_PROGRAMS += src/preforkd
src_preforkd_SOURCES = src/main.c
src_preforkd_CFLAGS = $(AM_CFLAGS)
src_preforkd_LDADD = $(PREFORKD_LIBS)
