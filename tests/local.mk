# tests/local.mk - unit tests (cmocka) and end-to-end tests (shell scripts
# that start the real binary on loopback; see tests/e2e/lib.sh)
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(BASH)
AM_TESTS_ENVIRONMENT = \
	PREFORKD='$(abs_top_builddir)/src/preforkd'; \
	PFLOAD='$(abs_top_builddir)/bench/pfload'; \
	FREEPORT='$(abs_top_builddir)/tests/freeport'; \
	TESTS_SRCDIR='$(abs_top_srcdir)/tests'; \
	TESTBIN='$(abs_top_builddir)/tests'; \
	SANITIZED='$(TESTS_SANITIZED)'; \
	export PREFORKD PFLOAD FREEPORT TESTS_SRCDIR TESTBIN SANITIZED;
# Memory figures mean little under ASan (its allocator quarantines what is
# freed): tests report them there but assert them in the plain build.
if SANITIZERS
TESTS_SANITIZED = yes
else
TESTS_SANITIZED = no
endif
EXTRA_DIST += tests/setup-debian tests/run-all tests/e2e/lib.sh
check_PROGRAMS += tests/freeport tests/rawclient tests/echo_client tests/slowclient
TESTS += tests/include-order.sh
EXTRA_DIST += tests/include-order.sh
TESTS += tests/e2e/echo.sh tests/e2e/http.sh tests/e2e/sandbox.sh tests/e2e/hostile.sh
EXTRA_DIST += tests/e2e/echo.sh tests/e2e/http.sh tests/e2e/sandbox.sh tests/e2e/hostile.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/test_conf
tests_test_conf_SOURCES = tests/test_conf.c
tests_test_conf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_conf_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_conf
check_PROGRAMS += tests/test_timers
tests_test_timers_SOURCES = tests/test_timers.c
tests_test_timers_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_timers_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_timers
check_PROGRAMS += tests/test_sandbox
tests_test_sandbox_SOURCES = tests/test_sandbox.c
tests_test_sandbox_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_sandbox_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_sandbox
check_PROGRAMS += tests/test_sock
tests_test_sock_SOURCES = tests/test_sock.c \
	tests/testutil.c tests/testutil.h
tests_test_sock_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_sock_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_sock
endif
