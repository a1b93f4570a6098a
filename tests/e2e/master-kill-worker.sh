#!/bin/bash
# master-kill-worker.sh - kill -9 of a worker under load: its replacement
# serves within 200 ms, only the killed worker's own connections see an
# error, and connections queued on its sockets are served, not reset
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"
[ -x "$PFLOAD" ] || skip "pfload is not built"
command -v ss >/dev/null || skip "ss (iproute2) is not installed"

PORT=$(free_ports 1)
cat >"$T/p.conf" <<EOF
workers = 3;
shutdown_timeout = 5.0;
log_level = "info";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "hello\n"; }; });
EOF
pf_start "$T/p.conf"
# Past the crash-loop window: a death now is restarted at once.
sleep 3.2

# 1. kill -9 under keep-alive load.
"$PFLOAD" -q -m http -p "$PORT" -c 12 -d 3 -b "hello
" >"$T/ka.out" 2>&1 &
LOAD=$!
PIDS="$PIDS $LOAD"
sleep 0.7
victim=$(slot_pid 0)
[ -n "$victim" ] || fail "no worker for slot 0"
held=$(conns_of "$victim" "$PORT")
t0=$(ms_now)
kill -KILL "$victim"
replaced() { [ "$(log_count 'worker 0 \(pid [0-9]+, gen 1\) ready')" -ge 2 ]; }
wait_for 5 replaced || fail "slot 0 was not replaced"
t1=$(log_ms 'worker 0 \(pid [0-9]+, gen 1\) ready')
latency=$((t1 - t0))
wait "$LOAD"
line=$(cat "$T/ka.out")
errors=$(pfload_errors "$line")
echo "keep-alive: $line"
echo "killed worker held $held connections; clients saw $errors errors;" \
	"replacement ready after $latency ms"
log_has "worker 0 \(pid $victim, gen 1\) killed by signal SIGKILL" ||
	fail "the exit was not logged"
log_has "restarting worker 0 in 0 ms" || fail "slot 0 was not restarted at once"
[ "$latency" -le 200 ] || fail "replacement ready after $latency ms"
[ "$errors" -le "$held" ] ||
	fail "$errors client errors, but the killed worker held only $held connections"
for _ in 1 2 3 4 5 6; do
	http_ok "$PORT" hello || fail "a request failed after the replacement"
done

# 2. Connections queued on a dead worker's socket are served by its
# replacement: stop slot 1 so its accept queue fills, then kill it.
victim=$(slot_pid 1)
kill -STOP "$victim"
"$PFLOAD" -q -m http -p "$PORT" -C -c 8 -n 300 -t 5 >"$T/close.out" 2>&1 &
LOAD=$!
PIDS="$PIDS $LOAD"
queued=0
for _ in $(seq 40); do
	queued=$(accept_queue "$PORT")
	[ "$queued" -ge 4 ] && break
	sleep 0.05
done
kill -KILL "$victim"
wait "$LOAD"; rc=$?
line=$(cat "$T/close.out")
echo "queued on the stopped worker: $queued; after its replacement: $line"
[ "$queued" -ge 1 ] || fail "no connection queued on the stopped worker"
[ "$rc" -eq 0 ] || fail "queued connections saw errors"

kill -0 "$PF_PID" || fail "the master died"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "replacement in $latency ms; $queued queued connections served"
