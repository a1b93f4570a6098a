# bench/local.mk - load generator and benchmarks (built, never installed)
noinst_PROGRAMS += bench/pfload bench/floor
bench_pfload_SOURCES = bench/pfload.c bench/pfload.h bench/pfload_conn.c \
	bench/pfload_http.c bench/pfload_echo.c bench/pfload_stats.c
bench_floor_SOURCES = bench/floor.c
# bench/run's module of defer against inline (built by make, never installed)
noinst_PROGRAMS += bench/defer_echo.so
bench_defer_echo_so_SOURCES = bench/defer_echo.c
bench_defer_echo_so_CFLAGS = $(PFD_SO_CC)
bench_defer_echo_so_LDFLAGS = $(PFD_SO_LD)
EXTRA_DIST += bench/run bench/README.md bench/ratios.png

# pfload's own error counting, against a deliberately bad server
check_PROGRAMS += tests/test_pfload_badserver
tests_test_pfload_badserver_SOURCES = tests/test_pfload_badserver.c
TESTS += tests/pfload-errors.sh
EXTRA_DIST += tests/pfload-errors.sh
