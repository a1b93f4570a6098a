# tests/local.mk - unit tests (cmocka) and end-to-end tests
if HAVE_CMOCKA
check_PROGRAMS += tests/test_conf
tests_test_conf_SOURCES = tests/test_conf.c
tests_test_conf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_conf_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_conf
endif
