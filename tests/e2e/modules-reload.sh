#!/bin/bash
# modules-reload.sh - 100 reloads under load while the module file changes:
# two builds alternately moved into place with mv (50 reloads), then copied
# over the file in place with cp (50). Every message is answered (0
# failed), nothing crashes, each generation logs its build's sha256, and
# after each reload new connections are served by the new build.
. "$TESTS_SRCDIR/e2e/lib.sh"

read -r P < <(free_ports 1)
A=$TESTBIN/modules/build_a.so
B=$TESTBIN/modules/build_b.so
HA=$(sha256sum "$A" | cut -d' ' -f1)
HB=$(sha256sum "$B" | cut -d' ' -f1)
[ "$HA" != "$HB" ] || fail "the two builds have the same contents"
cp "$A" "$T/m.so"
cat >"$T/r.conf" <<CONF
workers = 2;
shutdown_timeout = 5;
listeners = (
  { name = "m"; listen = "127.0.0.1:$P"; mode = "module";
    module = { path = "$T/m.so"; framing = "delimiter"; delimiter = "\n"; }; }
);
CONF
pf_start "$T/r.conf"
client() { python3 "$TESTS_SRCDIR/e2e/modclient.py" "$@"; }
client "$P" 'x\n' 'A x\n' || fail "build A does not answer"

python3 "$TESTS_SRCDIR/e2e/modload.py" "$P" 8 A,B "$T/stop" 120 >"$T/load.out" 2>&1 &
LOAD=$!
sleep 0.5
gen=1
for i in $(seq 1 100); do
	if [ $((i % 2)) = 1 ]; then so=$B; want=B; h=$HB; else so=$A; want=A; h=$HA; fi
	if [ "$i" -le 50 ]; then
		cp "$so" "$T/m.so.new" && mv "$T/m.so.new" "$T/m.so"
	else
		cp "$so" "$T/m.so" # the same inode, rewritten in place
	fi
	kill -HUP "$PF_PID"
	gen=$((gen + 1))
	wait_for 10 log_has "\\[$PF_PID\\]: reload: generation $gen ready" ||
		fail "reload $i: generation $gen not ready"
	n=$(grep -c "listener m: module build" "$T/preforkd.log")
	[ "$n" = "$gen" ] || fail "reload $i: $n module log lines for $gen generations"
	grep "listener m: module build" "$T/preforkd.log" | tail -1 | grep -q "build $want (sha256 $h)" ||
		fail "reload $i: generation $gen did not log build $want's sha256 $h"
	client "$P" "r$i\\n" "$want r$i\\n" || fail "reload $i: a new connection was not served by build $want"
done
touch "$T/stop"
wait "$LOAD"
rc=$?
cat "$T/load.out"
[ "$rc" = 0 ] || fail "messages failed during the reloads"
log_has "killed by signal|crashed in" && fail "a worker crashed during the reloads"
grep -q 'builds=A:[1-9][0-9]*,B:[1-9]' "$T/load.out" || fail "the load did not see both builds"
ok "100 reloads (50 by mv, 50 by cp over the file) under load: $(head -1 "$T/load.out"); each generation logged its build's sha256 and served it"
pf_stop
[ "$PF_STATUS" = 0 ] || fail "preforkd exited $PF_STATUS"
