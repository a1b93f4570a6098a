# tests/fleet.mk - preforkd in a fleet behind a load balancer: the PROXY
# protocol phase of connections (src/net/conn_proxy.c) and its settings
# (src/conf/conf_proxy.c), health checks and drain, cpu_affinity
# (src/conf/conf_affinity.c, src/worker/affinity.c); their tests
src_libpreforkd_a_SOURCES += \
	src/net/conn_proxy.c src/net/conn_proxy.h \
	src/conf/conf_proxy.c src/conf/conf_affinity.c \
	src/worker/affinity.c src/worker/affinity.h

if HAVE_CMOCKA
FLEET_UNIT_TESTS = tests/test_conf_proxy tests/test_proxy_names \
	tests/test_affinity
check_PROGRAMS += $(FLEET_UNIT_TESTS)
TESTS += $(FLEET_UNIT_TESTS)
tests_test_conf_proxy_SOURCES = tests/test_conf_proxy.c
tests_test_conf_proxy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_conf_proxy_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
tests_test_proxy_names_SOURCES = tests/test_proxy_names.c
tests_test_proxy_names_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_proxy_names_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
tests_test_affinity_SOURCES = tests/test_affinity.c
tests_test_affinity_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_affinity_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

# End to end: fleet.sh needs haproxy (tests/setup-debian) and skips without.
FLEET_E2E = tests/e2e/proxy.sh tests/e2e/drain.sh tests/e2e/fleet.sh \
	tests/e2e/affinity.sh
TESTS += $(FLEET_E2E)
EXTRA_DIST += $(FLEET_E2E) tests/e2e/proxy_client.py tests/e2e/drain_probe.py
