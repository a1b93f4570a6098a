#!/bin/bash
# master-crashloop.sh - a worker that fails at every start (its access log
# directory is gone, so it exits at setup): the restarts back off 100, 200,
# 400, 800 ms, the master stays up, the other slot keeps serving, and the
# slot comes back once the directory does
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"

PORT=$(free_ports 1)
mkdir "$T/logs"
cat >"$T/p.conf" <<EOF
workers = 2;
shutdown_timeout = 2.0;
log_level = "info";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "hello\n"; access_log = "$T/logs/access.log"; }; });
EOF
pf_start "$T/p.conf"
sleep 3.2 # past the crash-loop window

# The running workers keep their open log; a new one cannot open it.
mv "$T/logs" "$T/logs.away"
survivor=$(slot_pid 1)
kill -KILL "$(slot_pid 0)"
wait_for 10 log_has "restarting worker 0 in 800 ms" ||
	fail "no backoff up to 800 ms in the log"
for d in 0 100 200 400 800; do
	log_has "restarting worker 0 in $d ms" || fail "no restart after $d ms"
done
log_has "worker 0 \(pid [0-9]+, gen 1\) exited with status 3" ||
	fail "the failed starts were not logged"
grep -E "restarting worker 0 in|access_log" "$T/preforkd.log" | head -n 8

kill -0 "$PF_PID" || fail "the master died"
[ "$(slot_pid 1)" = "$survivor" ] || fail "slot 1 was disturbed"
# Slot 0's socket waits for its worker; new connections that land on slot
# 1's socket are served. Each try lands on one of the two at random.
served=0
for _ in $(seq 20); do
	http_ok "$PORT" hello && served=$((served + 1))
	[ "$served" -ge 3 ] && break
done
echo "served while slot 0 backs off: $served"
[ "$served" -ge 3 ] || fail "slot 1 did not serve"

# The directory is back: the next attempt succeeds.
mv "$T/logs.away" "$T/logs"
back() { [ "$(log_count 'worker 0 \(pid [0-9]+, gen 1\) ready')" -ge 2 ]; }
wait_for 40 back || fail "slot 0 did not come back"
for _ in 1 2 3 4 5 6; do
	http_ok "$PORT" hello || fail "a request failed after slot 0 came back"
done
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "backoff logged, master up, slot 1 served, slot 0 recovered"
