# tests/master.mk - the master (prefork, supervision, reload, stop, sd_notify)
# and its tests
src_libpreforkd_a_SOURCES += \
	src/backoff.c src/backoff.h

if HAVE_CMOCKA
check_PROGRAMS += tests/test_backoff
tests_test_backoff_SOURCES = tests/test_backoff.c
tests_test_backoff_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_backoff_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_backoff
endif
