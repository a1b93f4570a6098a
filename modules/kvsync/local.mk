# modules/kvsync/local.mk - the kvsync handler module (the seed's business
# server), its unit test over a fake host, its Python client and the
# client's test. Built only when configure found sqlite3, jansson, libcrypto.
TEST_EXTENSIONS += .py
PY_LOG_COMPILER = $(PYTHON3)
EXTRA_DIST += modules/kvsync/README.md modules/kvsync/kvsync_client.py \
	modules/kvsync/test_client.py modules/kvsync/e2e.sh

if BUILD_KVSYNC
# A plain shared object, no libtool, built as modules/local.mk builds the
# example modules: installed as $(moduledir)/kvsync.so, that is
# $(libdir)/preforkd/modules/kvsync.so.
module_PROGRAMS += modules/kvsync/kvsync.so
KVSYNC_SRC = modules/kvsync/kvsync.c \
	modules/kvsync/kvsync.h modules/kvsync/kvsync_conf.c \
	modules/kvsync/kvsync_token.c modules/kvsync/kvsync_req.c \
	modules/kvsync/kvsync_db.c
KVSYNC_CFLAGS = $(SQLITE3_CFLAGS) $(JANSSON_CFLAGS) $(LIBCRYPTO_CFLAGS)
KVSYNC_LIBS = $(SQLITE3_LIBS) $(JANSSON_LIBS) $(LIBCRYPTO_LIBS)
modules_kvsync_kvsync_so_SOURCES = $(KVSYNC_SRC)
modules_kvsync_kvsync_so_CFLAGS = $(PFD_SO_CC) $(KVSYNC_CFLAGS)
modules_kvsync_kvsync_so_LDFLAGS = $(PFD_SO_LD) -pthread
modules_kvsync_kvsync_so_LDADD = $(KVSYNC_LIBS)

KVSYNC_TEST_CPPFLAGS = $(AM_CPPFLAGS) \
	-DKVSYNC_SO='"$(abs_top_builddir)/modules/kvsync/kvsync.so"'
check_PROGRAMS += modules/kvsync/kvsync_pipe
modules_kvsync_kvsync_pipe_SOURCES = modules/kvsync/kvsync_pipe.c \
	modules/kvsync/fakehost.c modules/kvsync/fakehost.h
modules_kvsync_kvsync_pipe_CPPFLAGS = $(KVSYNC_TEST_CPPFLAGS)
modules_kvsync_kvsync_pipe_LDFLAGS = $(AM_LDFLAGS) -pthread
modules_kvsync_kvsync_pipe_LDADD = -ldl
EXTRA_modules_kvsync_kvsync_pipe_DEPENDENCIES = modules/kvsync/kvsync.so

if HAVE_CMOCKA
check_PROGRAMS += modules/kvsync/test_kvsync
TESTS += modules/kvsync/test_kvsync
modules_kvsync_test_kvsync_SOURCES = modules/kvsync/test_kvsync.c \
	modules/kvsync/fakehost.c modules/kvsync/fakehost.h
modules_kvsync_test_kvsync_CPPFLAGS = $(KVSYNC_TEST_CPPFLAGS)
modules_kvsync_test_kvsync_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(KVSYNC_CFLAGS)
modules_kvsync_test_kvsync_LDFLAGS = $(AM_LDFLAGS) -pthread
modules_kvsync_test_kvsync_LDADD = $(CMOCKA_LIBS) $(KVSYNC_LIBS) -ldl
EXTRA_modules_kvsync_test_kvsync_DEPENDENCIES = modules/kvsync/kvsync.so
endif

if HAVE_PYTHON3
AM_TESTS_ENVIRONMENT += \
	KVSYNC_BUILD='$(abs_top_builddir)/modules/kvsync'; \
	PYTHONDONTWRITEBYTECODE=1; export KVSYNC_BUILD PYTHONDONTWRITEBYTECODE;
TESTS += modules/kvsync/test_client.py
endif
# The fuzz target (the module linked in, inline, a database in /dev/shm)
# replays its committed corpus in make check; `make fuzz` builds it with
# clang and libFuzzer (FUZZ_CFLAGS and the fuzz rule in tests/http.mk).
check_PROGRAMS += tests/fuzz/fuzz_kvsync_replay
TESTS += tests/fuzz/fuzz_kvsync_replay
tests_fuzz_fuzz_kvsync_replay_SOURCES = tests/fuzz/fuzz_kvsync.c \
	tests/fuzz/fuzz_replay.c modules/kvsync/fakehost.c \
	modules/kvsync/fakehost.h $(KVSYNC_SRC)
tests_fuzz_fuzz_kvsync_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/modules/kvsync \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/kvsync"'
tests_fuzz_fuzz_kvsync_replay_CFLAGS = $(AM_CFLAGS) $(KVSYNC_CFLAGS)
tests_fuzz_fuzz_kvsync_replay_LDFLAGS = $(AM_LDFLAGS) -pthread
tests_fuzz_fuzz_kvsync_replay_LDADD = $(KVSYNC_LIBS) -ldl
FUZZ_KVSYNC_SRC = $(top_srcdir)/tests/fuzz/fuzz_kvsync.c \
	$(top_srcdir)/modules/kvsync/fakehost.c \
	$(top_srcdir)/modules/kvsync/kvsync.c \
	$(top_srcdir)/modules/kvsync/kvsync_conf.c \
	$(top_srcdir)/modules/kvsync/kvsync_token.c \
	$(top_srcdir)/modules/kvsync/kvsync_req.c \
	$(top_srcdir)/modules/kvsync/kvsync_db.c
if HAVE_CLANG
tests/fuzz/fuzz_kvsync: $(FUZZ_KVSYNC_SRC) \
		$(top_srcdir)/modules/kvsync/kvsync.h \
		$(top_srcdir)/modules/kvsync/fakehost.h
	$(AM_V_CC)$(MKDIR_P) tests/fuzz && \
	$(CLANG) $(FUZZ_CFLAGS) -I$(top_srcdir)/include \
		-I$(top_srcdir)/modules/kvsync $(KVSYNC_CFLAGS) \
		-o $@ $(FUZZ_KVSYNC_SRC) $(KVSYNC_LIBS) -pthread -ldl
FUZZ_BINS += tests/fuzz/fuzz_kvsync
FUZZ_TARGETS += kvsync:kvsync
endif

if HAVE_PYTHON3
TESTS += modules/kvsync/e2e.sh
endif
endif
