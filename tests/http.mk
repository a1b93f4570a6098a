# tests/http.mk - unit tests and fuzzers of the HTTP mode's pure parts
if HAVE_CMOCKA
HTTP_UNIT_TESTS = tests/test_http_parse tests/test_http_parse_scalar \
	tests/test_http_chunked tests/test_http_range tests/test_http_path \
	tests/test_http_date tests/test_http_mime tests/test_http_host \
	tests/test_http_cond tests/test_http_resp
check_PROGRAMS += $(HTTP_UNIT_TESTS)
TESTS += $(HTTP_UNIT_TESTS)
HTTP_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
HTTP_TEST_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)

tests_test_http_parse_SOURCES = tests/test_http_parse.c tests/test_http_guard.c
tests_test_http_parse_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_parse_LDADD = $(HTTP_TEST_LDADD)

# The same tests against the portable (non-SSE2) scanning code.
tests_test_http_parse_scalar_SOURCES = tests/test_http_parse.c \
	tests/test_http_guard.c src/http/http_parse.c src/http/http_host.c
tests_test_http_parse_scalar_CPPFLAGS = $(AM_CPPFLAGS) -DHTTP_PARSE_SCALAR
tests_test_http_parse_scalar_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_parse_scalar_LDADD = $(CMOCKA_LIBS)

tests_test_http_chunked_SOURCES = tests/test_http_chunked.c \
	tests/test_http_guard.c
tests_test_http_chunked_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_chunked_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_range_SOURCES = tests/test_http_range.c
tests_test_http_range_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_range_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_path_SOURCES = tests/test_http_path.c tests/test_http_guard.c
tests_test_http_path_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_path_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_date_SOURCES = tests/test_http_date.c
tests_test_http_date_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_date_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_host_SOURCES = tests/test_http_host.c tests/test_http_guard.c
tests_test_http_host_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_host_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_cond_SOURCES = tests/test_http_cond.c
tests_test_http_cond_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_cond_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_resp_SOURCES = tests/test_http_resp.c
tests_test_http_resp_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_resp_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_mime_SOURCES = tests/test_http_mime.c
tests_test_http_mime_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_mime_LDADD = $(HTTP_TEST_LDADD)
endif

# Fuzzing. The harnesses also replay their committed corpus in make check
# (built by the normal compiler, so they stay warning- and sanitizer-clean);
# `make fuzz [FUZZ_SECONDS=60]` builds them with clang and libFuzzer under
# ASan/UBSan straight from the sources and fuzzes each on a corpus copy.
FUZZ_CORPUS = $(abs_top_srcdir)/tests/fuzz/corpus
check_PROGRAMS += tests/fuzz/fuzz_http_parse_replay tests/fuzz/fuzz_conf_replay
TESTS += tests/fuzz/fuzz_http_parse_replay tests/fuzz/fuzz_conf_replay
tests_fuzz_fuzz_http_parse_replay_SOURCES = tests/fuzz/fuzz_http_parse.c \
	tests/fuzz/fuzz_replay.c
tests_fuzz_fuzz_http_parse_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/http"'
tests_fuzz_fuzz_http_parse_replay_LDADD = $(PREFORKD_LIBS)
tests_fuzz_fuzz_conf_replay_SOURCES = tests/fuzz/fuzz_conf.c \
	tests/fuzz/fuzz_replay.c
tests_fuzz_fuzz_conf_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/conf"'
tests_fuzz_fuzz_conf_replay_LDADD = $(PREFORKD_LIBS)
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/http.dict

FUZZ_SECONDS = 60
FUZZ_RUN = tests/fuzz/run
FUZZ_CFLAGS = -g -O1 -Wall -Wextra \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I$(top_builddir) -I$(top_srcdir)/src
FUZZ_HTTP_SRC = $(top_srcdir)/tests/fuzz/fuzz_http_parse.c \
	$(top_srcdir)/src/http/http_parse.c $(top_srcdir)/src/http/http_path.c \
	$(top_srcdir)/src/http/http_date.c $(top_srcdir)/src/http/http_host.c \
	$(top_srcdir)/src/http/http_ranges.c $(top_srcdir)/src/http/http_cond.c
FUZZ_CONF_SRC = $(top_srcdir)/tests/fuzz/fuzz_conf.c \
	$(top_srcdir)/src/conf/conf.c $(top_srcdir)/src/conf/conf_err.c \
	$(top_srcdir)/src/conf/conf_scan.c $(top_srcdir)/src/conf/conf_read.c \
	$(top_srcdir)/src/conf/conf_listen.c $(top_srcdir)/src/conf/conf_module.c \
	$(top_srcdir)/src/conf/conf_control.c $(top_srcdir)/src/conf/conf_status.c \
	$(top_srcdir)/src/conf/conf_proxy.c $(top_srcdir)/src/conf/conf_affinity.c \
	$(top_srcdir)/src/core/cidr.c $(top_srcdir)/src/core/log.c
FUZZ_HDR = $(top_srcdir)/src/http/http_parse.h $(top_srcdir)/src/http/http_path.h \
	$(top_srcdir)/src/http/http_host.h $(top_srcdir)/src/http/http_ranges.h \
	$(top_srcdir)/src/http/http_cond.h \
	$(top_srcdir)/src/http/http_date.h $(top_srcdir)/src/conf/conf.h \
	$(top_srcdir)/src/conf/conf_impl.h $(top_srcdir)/src/core/log.h

if HAVE_CLANG
tests/fuzz/fuzz_http_parse: $(FUZZ_HTTP_SRC) $(FUZZ_HDR) config.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_HTTP_SRC)

tests/fuzz/fuzz_conf: $(FUZZ_CONF_SRC) $(FUZZ_HDR) config.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) $(LIBCONFIG_CFLAGS) -o $@ \
		$(FUZZ_CONF_SRC) $(LIBCONFIG_LIBS)

# Each target: FUZZ_SECONDS on a fresh copy of its corpus; crashes are
# left in $(FUZZ_RUN)/NAME/artifacts and stop the run. Other fragments add
# their own: FUZZ_BINS += tests/fuzz/fuzz_NAME (with its build rule) and
# FUZZ_TARGETS += NAME:CORPUS (tests/fuzz/corpus/CORPUS, and
# tests/fuzz/CORPUS.dict when there is one).
FUZZ_BINS += tests/fuzz/fuzz_http_parse tests/fuzz/fuzz_conf
FUZZ_TARGETS += http_parse:http conf:conf
fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  name=$${t%%:*}; corpus=$${t##*:}; dir=$(FUZZ_RUN)/$$corpus; \
	  rm -rf $$dir; $(MKDIR_P) $$dir/corpus $$dir/artifacts; \
	  cp $(srcdir)/tests/fuzz/corpus/$$corpus/* $$dir/corpus/; \
	  dict=; test ! -f $(srcdir)/tests/fuzz/$$corpus.dict || \
	    dict=-dict=$(srcdir)/tests/fuzz/$$corpus.dict; \
	  echo "== fuzz_$$name: $(FUZZ_SECONDS) s on a copy of" \
	    "tests/fuzz/corpus/$$corpus"; \
	  tests/fuzz/fuzz_$$name $$dict -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$$dir/artifacts/ \
	    $$dir/corpus; \
	done
else
fuzz:
	@echo "make fuzz needs clang and libFuzzer (clang, libclang-rt-dev)" >&2
	@exit 1
endif
.PHONY: fuzz clean-fuzz
CLEANFILES += $(FUZZ_BINS)
clean-local: clean-fuzz
clean-fuzz:
	-rm -rf $(FUZZ_RUN)
