# tests/pool.mk - the worker thread pool (src/core/pool.c) and its unit test.
# The pool uses threads, so the library is compiled with -pthread and
# everything that links it (the daemon, every test) links with -pthread:
# PTHREAD_CFLAGS and PTHREAD_LIBS come from configure.ac.
src_libpreforkd_a_SOURCES += src/core/pool.c src/core/pool.h
src_libpreforkd_a_CFLAGS += $(PTHREAD_CFLAGS)
PREFORKD_LIBS += $(PTHREAD_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/test_pool
TESTS += tests/test_pool
tests_test_pool_SOURCES = tests/test_pool.c
tests_test_pool_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_pool_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif
