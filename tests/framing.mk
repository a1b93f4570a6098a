# tests/framing.mk - unit tests and the fuzzer of message framing for
# handler modules (src/proto/framing.c)

if HAVE_CMOCKA
check_PROGRAMS += tests/test_framing
TESTS += tests/test_framing
tests_test_framing_SOURCES = tests/test_framing.c tests/test_http_guard.c
tests_test_framing_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_framing_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

# The fuzz target replays its committed corpus in make check; `make fuzz`
# builds it with clang and libFuzzer (rules and FUZZ_CFLAGS in http.mk).
check_PROGRAMS += tests/fuzz/fuzz_framing_replay
TESTS += tests/fuzz/fuzz_framing_replay
tests_fuzz_fuzz_framing_replay_SOURCES = tests/fuzz/fuzz_framing.c \
	tests/fuzz/fuzz_replay.c
tests_fuzz_fuzz_framing_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/framing"'
tests_fuzz_fuzz_framing_replay_LDADD = $(PREFORKD_LIBS)

FUZZ_FRAMING_SRC = $(top_srcdir)/tests/fuzz/fuzz_framing.c \
	$(top_srcdir)/src/proto/framing.c
if HAVE_CLANG
tests/fuzz/fuzz_framing: $(FUZZ_FRAMING_SRC) \
		$(top_srcdir)/src/proto/framing.h config.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_FRAMING_SRC)
FUZZ_BINS += tests/fuzz/fuzz_framing
FUZZ_TARGETS += framing:framing
endif
