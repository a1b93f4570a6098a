# tests/fleet.mk - preforkd in a fleet behind a load balancer: the PROXY
# protocol phase of connections (src/net/conn_proxy.c) and its settings
# (src/conf/conf_proxy.c), health checks and drain; their tests
src_libpreforkd_a_SOURCES += \
	src/net/conn_proxy.c src/net/conn_proxy.h \
	src/conf/conf_proxy.c src/conf/conf_affinity.c \
	src/worker/affinity.c src/worker/affinity.h

TESTS += tests/e2e/proxy.sh
EXTRA_DIST += tests/e2e/proxy.sh tests/e2e/proxy_client.py

if HAVE_CMOCKA
check_PROGRAMS += tests/test_conf_proxy
TESTS += tests/test_conf_proxy
tests_test_conf_proxy_SOURCES = tests/test_conf_proxy.c
tests_test_conf_proxy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_conf_proxy_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/test_proxy_names
TESTS += tests/test_proxy_names
tests_test_proxy_names_SOURCES = tests/test_proxy_names.c
tests_test_proxy_names_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_proxy_names_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

TESTS += tests/e2e/drain.sh
EXTRA_DIST += tests/e2e/drain.sh tests/e2e/drain_probe.py

TESTS += tests/e2e/fleet.sh
EXTRA_DIST += tests/e2e/fleet.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/test_affinity
TESTS += tests/test_affinity
tests_test_affinity_SOURCES = tests/test_affinity.c
tests_test_affinity_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_affinity_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

TESTS += tests/e2e/affinity.sh
EXTRA_DIST += tests/e2e/affinity.sh
