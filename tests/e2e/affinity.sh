#!/bin/bash
# affinity.sh - cpu_affinity end to end under taskset-limited masks:
# "auto" pins slot k to the k-th CPU of the master's mask (wrapping),
# a list pins slot k to its k-th entry, "off" pins nothing; `show proc`
# shows each worker's CPU and the kernel agrees; a CPU the machine does
# not have is logged and the worker runs unpinned.
. "$TESTS_SRCDIR/e2e/lib.sh"
: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"
command -v taskset >/dev/null || skip "taskset is not installed"
NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs, has $NCPU"
LAST=$((NCPU - 1))

PORT=$(free_ports 1)
run() { # run AFFINITY WORKERS TASKSET_CPUS
	cat >"$T/a.conf" <<CONF
workers = $2;
cpu_affinity = $1;
control = { socket = "$T/ctl.sock"; };
listeners = ({ name = "e"; listen = "127.0.0.1:$PORT"; mode = "echo"; });
CONF
	: >"$T/preforkd.log"
	"$(command -v taskset)" -c "$3" "$PREFORKD" -c "$T/a.conf" >>"$T/preforkd.log" 2>&1 &
	PF_PID=$!
	PIDS="$PIDS $PF_PID"
	wait_for 10 log_has "\\[$PF_PID\\]: ready: " || fail "preforkd did not become ready"
	"$PREFORKCTL" -s "$T/ctl.sock" show proc >"$T/proc" || fail "show proc failed"
	[ "$(head -n 1 "$T/proc" | awk '{print $NF}')" = cpu ] || fail "no cpu column: $(head -n 1 "$T/proc")"
}
# cpus_of: "slot:cpu(show proc):cpu(kernel)" for every worker row
cpus_of() {
	awk 'NR > 1 {print $1, $3, $NF}' "$T/proc" | sort -n | while read -r slot pid cpu; do
		k=$(awk '/^Cpus_allowed_list/ {print $2}' "/proc/$pid/status")
		printf '%s:%s:%s ' "$slot" "$cpu" "$k"
	done
}

run '"auto"' 3 "$LAST,0"
got=$(cpus_of)
[ "$got" = "0:0:0 1:$LAST:$LAST 2:0:0 " ] || fail "auto under taskset -c $LAST,0: $got"
ok "auto, mask {0,$LAST}, 3 workers: $got"
pf_stop

run '"auto"' 2 "$LAST"
got=$(cpus_of)
[ "$got" = "0:$LAST:$LAST 1:$LAST:$LAST " ] || fail "auto under taskset -c $LAST: $got"
ok "auto, mask {$LAST}, 2 workers: $got"
pf_stop

run "[$LAST, 0]" 3 "0-$LAST"
got=$(cpus_of)
[ "$got" = "0:$LAST:$LAST 1:0:0 2:$LAST:$LAST " ] || fail "list [$LAST, 0]: $got"
ok "list [$LAST, 0], 3 workers: $got"
pf_stop

run '"off"' 2 "0,$LAST"
got=$(cpus_of)
[ "$got" = "0:-:0,$LAST 1:-:0,$LAST " ] || [ "$got" = "0:-:0-$LAST 1:-:0-$LAST " ] ||
	fail "off: $got"
ok "off: $got"
pf_stop

# A CPU this machine does not have (sched_setaffinity: EINVAL).
run "[1000]" 1 "0"
got=$(cpus_of)
log_has "worker 0: cannot pin to CPU 1000" || fail "an unusable CPU was not logged"
[ "$got" = "0:0:0 " ] || fail "the worker did not keep its mask: $got"
ok "an unusable CPU is logged; the worker runs unpinned: $got"
pf_stop
[ "$PF_STATUS" = 0 ] || fail "exit status $PF_STATUS"
