# tests/proxy.mk - unit tests and the fuzzer of the PROXY protocol parser
# (src/net/proxy.c) and CIDR ranges (src/core/cidr.c)

if HAVE_CMOCKA
PROXY_UNIT_TESTS = tests/test_proxy tests/test_cidr
check_PROGRAMS += $(PROXY_UNIT_TESTS)
TESTS += $(PROXY_UNIT_TESTS)
tests_test_proxy_SOURCES = tests/test_proxy.c tests/test_http_guard.c
tests_test_proxy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_proxy_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
tests_test_cidr_SOURCES = tests/test_cidr.c
tests_test_cidr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_cidr_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

# The fuzzer replays its committed corpus in make check; make fuzz runs it
# under libFuzzer (see tests/http.mk).
check_PROGRAMS += tests/fuzz/fuzz_proxy_replay
TESTS += tests/fuzz/fuzz_proxy_replay
tests_fuzz_fuzz_proxy_replay_SOURCES = tests/fuzz/fuzz_proxy.c \
	tests/fuzz/fuzz_replay.c
tests_fuzz_fuzz_proxy_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/proxy"'
tests_fuzz_fuzz_proxy_replay_LDADD = $(PREFORKD_LIBS)
EXTRA_DIST += tests/fuzz/proxy.dict

FUZZ_PROXY_SRC = $(top_srcdir)/tests/fuzz/fuzz_proxy.c \
	$(top_srcdir)/src/net/proxy.c
if HAVE_CLANG
tests/fuzz/fuzz_proxy: $(FUZZ_PROXY_SRC) $(top_srcdir)/src/net/proxy.h config.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_PROXY_SRC)
FUZZ_BINS += tests/fuzz/fuzz_proxy
FUZZ_TARGETS += proxy:proxy
endif
