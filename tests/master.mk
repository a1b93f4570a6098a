# tests/master.mk - tests of the master (prefork, supervision, reload, stop,
# sd_notify)
if HAVE_CMOCKA
check_PROGRAMS += tests/test_backoff
tests_test_backoff_SOURCES = tests/test_backoff.c
tests_test_backoff_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_backoff_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_backoff
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/test_master_listeners tests/test_master_proc
tests_test_master_listeners_SOURCES = tests/test_master_listeners.c \
	tests/testutil.c tests/testutil.h
tests_test_master_listeners_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_master_listeners_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
tests_test_master_proc_SOURCES = tests/test_master_proc.c
tests_test_master_proc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_master_proc_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_master_listeners tests/test_master_proc
endif

MASTER_E2E = \
	tests/e2e/master-reload-load.sh \
	tests/e2e/master-kill-worker.sh \
	tests/e2e/master-crashloop.sh \
	tests/e2e/master-bad-reload.sh \
	tests/e2e/master-stop.sh \
	tests/e2e/master-resize.sh \
	tests/e2e/master-reload-leak.sh \
	tests/e2e/master-signals.sh
TESTS += $(MASTER_E2E)
EXTRA_DIST += $(MASTER_E2E) tests/e2e/master_lib.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/test_master_notify
tests_test_master_notify_SOURCES = tests/test_master_notify.c \
	tests/testutil.c tests/testutil.h
tests_test_master_notify_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_master_notify_LDADD = $(CMOCKA_LIBS)
TESTS += tests/test_master_notify
endif

# The control socket, end to end through preforkctl.
CONTROL_E2E = tests/e2e/control.sh tests/e2e/control-scale.sh
TESTS += $(CONTROL_E2E)
EXTRA_DIST += $(CONTROL_E2E) tests/e2e/control_lib.sh
