# src/ctl/local.mk - preforkctl, the control client; the protocol's request
# table (src/master/ctl_request.c, also the master's); their tests
src_libpreforkd_a_SOURCES += src/master/ctl_request.c src/master/ctl_request.h

# preforkctl needs nothing but libc: it compiles the request table itself
# rather than link the daemon's library.
sbin_PROGRAMS += src/preforkctl
src_preforkctl_SOURCES = src/ctl/preforkctl.c \
	src/ctl/ctl_client.c src/ctl/ctl_client.h \
	src/ctl/ctl_answer.c src/ctl/ctl_answer.h \
	src/master/ctl_request.c src/master/ctl_request.h
src_preforkctl_CFLAGS = $(AM_CFLAGS)

dist_man_MANS += doc/preforkctl.8

if HAVE_CMOCKA
CTL_UNIT_TESTS = tests/test_ctl_request tests/test_ctl_answer
check_PROGRAMS += $(CTL_UNIT_TESTS)
TESTS += $(CTL_UNIT_TESTS)
tests_test_ctl_request_SOURCES = tests/test_ctl_request.c \
	tests/test_http_guard.c src/master/ctl_request.c
tests_test_ctl_request_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_ctl_request_LDADD = $(CMOCKA_LIBS)
tests_test_ctl_answer_SOURCES = tests/test_ctl_answer.c \
	tests/test_http_guard.c src/ctl/ctl_answer.c
tests_test_ctl_answer_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_ctl_answer_LDADD = $(CMOCKA_LIBS)
endif

# Fuzzing the request and answer parsers (see tests/http.mk): a replay of
# the committed corpus in make check, and `make fuzz` with clang.
check_PROGRAMS += tests/fuzz/fuzz_ctl_replay
TESTS += tests/fuzz/fuzz_ctl_replay
tests_fuzz_fuzz_ctl_replay_SOURCES = tests/fuzz/fuzz_ctl.c \
	tests/fuzz/fuzz_replay.c src/master/ctl_request.c src/ctl/ctl_answer.c
tests_fuzz_fuzz_ctl_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/ctl"'
FUZZ_CTL_SRC = $(top_srcdir)/tests/fuzz/fuzz_ctl.c \
	$(top_srcdir)/src/master/ctl_request.c $(top_srcdir)/src/ctl/ctl_answer.c
FUZZ_CTL_HDR = $(top_srcdir)/src/master/ctl_request.h \
	$(top_srcdir)/src/ctl/ctl_answer.h
if HAVE_CLANG
tests/fuzz/fuzz_ctl: $(FUZZ_CTL_SRC) $(FUZZ_CTL_HDR) config.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CTL_SRC)
FUZZ_BINS += tests/fuzz/fuzz_ctl
FUZZ_TARGETS += ctl:ctl
endif

# End to end against a fake control server (the master's socket is tested
# with the master).
AM_TESTS_ENVIRONMENT += \
	PREFORKCTL='$(abs_top_builddir)/src/preforkctl'; export PREFORKCTL;
TESTS += tests/e2e/preforkctl.sh
EXTRA_DIST += tests/e2e/preforkctl.sh tests/fake_control.py
