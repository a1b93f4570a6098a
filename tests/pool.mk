# tests/pool.mk - the unit test of the worker thread pool (src/core/pool.c)

if HAVE_CMOCKA
check_PROGRAMS += tests/test_pool
TESTS += tests/test_pool
tests_test_pool_SOURCES = tests/test_pool.c
tests_test_pool_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_pool_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif
