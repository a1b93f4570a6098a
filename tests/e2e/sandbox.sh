#!/bin/bash
# sandbox.sh - after setup every worker runs with no capabilities,
# no_new_privs and a seccomp filter; seccomp = false turns the filter off.
. "$TESTS_SRCDIR/e2e/lib.sh"

# status_of PID FIELD: a field of /proc/PID/status
status_of() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

for filter in true false; do
	read -r P < <(free_ports 1)
	cat >"$T/sandbox.conf" <<CONF
workers = 2;
seccomp = $filter;
listeners = ( { name = "e"; listen = "127.0.0.1:$P"; mode = "echo"; } );
CONF
	pf_start "$T/sandbox.conf"
	want=2
	[ "$filter" = false ] && want=0
	for w in $(worker_pids); do
		[ "$(status_of "$w" CapEff)" = 0000000000000000 ] || fail "worker $w keeps capabilities"
		[ "$(status_of "$w" NoNewPrivs)" = 1 ] || fail "worker $w lacks no_new_privs"
		[ "$(status_of "$w" Seccomp)" = "$want" ] ||
			fail "seccomp = $filter: worker $w has Seccomp $(status_of "$w" Seccomp), want $want"
	done
	"$TESTBIN/echo_client" "$P" 100000 >/dev/null || fail "seccomp = $filter: not serving"
	ok "seccomp = $filter: workers $(worker_pids): CapEff 0, NoNewPrivs 1, Seccomp $want, serving"
	pf_stop TERM
	[ "$PF_STATUS" = 0 ] || fail "exit status $PF_STATUS"
done
