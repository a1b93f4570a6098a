# tests/soak.mk - the soak suite (make soak): long runs of reloads, worker
# kills, hostile clients and the master under valgrind. About 10 minutes in
# all, each script under the time limit in its "# limit: N s" line; not part
# of make check. One script only: make soak SOAK=tests/soak/kill-storm.sh
SOAK_ALL = \
	tests/soak/reload-storm.sh \
	tests/soak/kill-storm.sh \
	tests/soak/hostile-long.sh \
	tests/soak/memcheck.sh
EXTRA_DIST += $(SOAK_ALL) tests/soak/run tests/soak/soak_lib.sh \
	tests/soak/memcheck.supp
CLEANFILES += tests/soak/*.log
SOAK = $(SOAK_ALL)
SOAK_NEEDS = $(sbin_PROGRAMS) bench/pfload$(EXEEXT) \
	tests/freeport$(EXEEXT) tests/slowclient$(EXEEXT)

soak: $(SOAK_NEEDS)
	@$(AM_TESTS_ENVIRONMENT) $(BASH) $(srcdir)/tests/soak/run $(SOAK)

# The master under valgrind memcheck, alone.
memcheck: $(SOAK_NEEDS)
	@$(MAKE) $(AM_MAKEFLAGS) soak SOAK=tests/soak/memcheck.sh

.PHONY: soak memcheck
