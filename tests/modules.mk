# tests/modules.mk - tests of handler modules: the module group of the
# configuration, test modules that each show one contract (a crash, an ABI
# major 2, a shorter older table, a thread in conf, settings and state), and
# the end-to-end tests of the host with the example modules
TEST_SO_CC = $(AM_CFLAGS) -fPIC
TEST_SO_LD = $(AM_LDFLAGS) -shared

check_PROGRAMS += tests/modules/crashy.so tests/modules/abi2.so \
	tests/modules/threaded.so tests/modules/greeter.so \
	tests/modules/oldminor.so tests/modules/build_a.so \
	tests/modules/build_b.so tests/modules/sleeper.so
tests_modules_sleeper_so_SOURCES = tests/modules/sleeper.c
tests_modules_sleeper_so_CFLAGS = $(TEST_SO_CC)
tests_modules_sleeper_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_build_a_so_SOURCES = tests/modules/build.c
tests_modules_build_a_so_CPPFLAGS = $(AM_CPPFLAGS) -DBUILD='"A"'
tests_modules_build_a_so_CFLAGS = $(TEST_SO_CC)
tests_modules_build_a_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_build_b_so_SOURCES = tests/modules/build.c
tests_modules_build_b_so_CPPFLAGS = $(AM_CPPFLAGS) -DBUILD='"B"'
tests_modules_build_b_so_CFLAGS = $(TEST_SO_CC)
tests_modules_build_b_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_crashy_so_SOURCES = tests/modules/crashy.c
tests_modules_crashy_so_CFLAGS = $(TEST_SO_CC)
tests_modules_crashy_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_abi2_so_SOURCES = tests/modules/abi2.c
tests_modules_abi2_so_CFLAGS = $(TEST_SO_CC)
tests_modules_abi2_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_threaded_so_SOURCES = tests/modules/threaded.c
tests_modules_threaded_so_CFLAGS = $(TEST_SO_CC) $(PTHREAD_CFLAGS)
tests_modules_threaded_so_LDFLAGS = $(TEST_SO_LD)
tests_modules_threaded_so_LDADD = $(PTHREAD_LIBS)
tests_modules_greeter_so_SOURCES = tests/modules/greeter.c
tests_modules_greeter_so_CFLAGS = $(TEST_SO_CC)
tests_modules_greeter_so_LDFLAGS = $(TEST_SO_LD)
# Built against the shorter header of an older minor, not include/.
tests_modules_oldminor_so_SOURCES = tests/modules/oldminor.c
tests_modules_oldminor_so_CPPFLAGS = -I$(top_srcdir)/tests/modules/old
tests_modules_oldminor_so_CFLAGS = $(TEST_SO_CC)
tests_modules_oldminor_so_LDFLAGS = $(TEST_SO_LD)
EXTRA_DIST += tests/modules/old/preforkd/handler.h

if HAVE_CMOCKA
check_PROGRAMS += tests/test_conf_module tests/test_sha256
TESTS += tests/test_conf_module tests/test_sha256
tests_test_conf_module_SOURCES = tests/test_conf_module.c
tests_test_conf_module_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_conf_module_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
tests_test_sha256_SOURCES = tests/test_sha256.c
tests_test_sha256_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_sha256_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)
endif

MODULE_E2E = tests/e2e/modules.sh tests/e2e/modules-crash.sh \
	tests/e2e/modules-reload.sh tests/e2e/modules-install.sh \
	tests/e2e/modules-pool.sh
TESTS += $(MODULE_E2E)
EXTRA_DIST += $(MODULE_E2E)
EXTRA_DIST += tests/e2e/modclient.py tests/e2e/modload.py
