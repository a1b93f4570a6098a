# tests/metrics.mk - tests of the status listener and the metrics: the
# renderer and the counters' aggregation (unit), /metrics, /livez and
# /readyz against the real daemon (end to end)
if HAVE_CMOCKA
check_PROGRAMS += tests/test_metrics
tests_test_metrics_SOURCES = tests/test_metrics.c
tests_test_metrics_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_metrics_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
TESTS += tests/test_metrics
endif

TESTS += tests/e2e/metrics.sh
EXTRA_DIST += tests/e2e/metrics.sh tests/e2e/metrics_check.py
