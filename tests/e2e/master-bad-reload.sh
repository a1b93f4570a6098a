#!/bin/bash
# master-bad-reload.sh - reloads that must fail leave the old generation
# serving: a broken file (every error logged as FILE:LINE), a listener that
# cannot bind, a new generation whose workers cannot start; then a good
# reload takes effect. Also: a bind error at start exits 1 before any worker.
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"

PORT=$(free_ports 1)
# TEST-NET-1 is on no interface here: bind fails with EADDRNOTAVAIL.
UNBINDABLE="192.0.2.1:$PORT"
write_conf() { # write_conf BODY [MORE-HTTP-SETTINGS [MORE-LISTENERS]]
	cat >"$T/p.conf" <<EOF
workers = 2;
shutdown_timeout = 2.0;
log_level = "info";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "$1\n"; ${2:-} }; }${3:-});
EOF
}
write_conf old
pf_start "$T/p.conf"
before=$(worker_pids)
still_old() {
	http_ok "$PORT" old || fail "the old generation stopped serving"
	[ "$(worker_pids)" = "$before" ] || fail "the old workers were replaced"
}
failures_reach() { [ "$(log_count "reload failed")" -ge "$1" ]; }

# 1. A broken file: two errors, each logged with its line.
cat >"$T/p.conf" <<EOF
workers = 2;
workrs = 3;
shutdown_timeout = "soon";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "new\n"; }; });
EOF
kill -HUP "$PF_PID"
wait_for 5 log_has "reload failed" || fail "no reload failure logged"
grep -A2 "reload failed" "$T/preforkd.log"
log_has "$T/p.conf:2: .*workrs" || fail "the error on line 2 was not logged"
log_has "$T/p.conf:3: .*shutdown_timeout" || fail "the error on line 3 was not logged"
still_old

# 2. A new listener that cannot bind.
write_conf new "" ", { name = \"nowhere\"; listen = \"$UNBINDABLE\"; mode = \"echo\"; }"
kill -HUP "$PF_PID"
wait_for 5 failures_reach 2 || fail "the bind error did not fail the reload"
grep "reload failed: listener" "$T/preforkd.log"
log_has "reload failed: listener \"nowhere\": bind $UNBINDABLE" ||
	fail "the bind error was not logged"
still_old

# 3. A new generation whose workers exit at setup: rolled back.
write_conf new "access_log = \"$T/no/such/dir/access.log\";"
kill -HUP "$PF_PID"
# Not failures_reach 3: a broken file logs two "reload failed" lines.
wait_for 10 log_has "reload failed: worker" || fail "the failed generation was not rolled back"
grep "reload failed: worker" "$T/preforkd.log"
log_has "reload failed: worker [0-9] \(gen [0-9]+\) exited with status 3 before the generation was ready" ||
	fail "the rollback reason was not logged"
still_old

# 4. A good reload takes effect; the old generation drains away.
write_conf new
kill -HUP "$PF_PID"
wait_for 5 log_has "reload: generation [0-9]+ ready" || fail "the good reload did not finish"
http_ok "$PORT" new || fail "the new response is not served"
wait_for 5 log_has "generation 1 is gone" || fail "the old generation did not stop"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"

# 5. At start, a bind error exits 1 before any worker starts.
write_conf x "" ", { name = \"nowhere\"; listen = \"$UNBINDABLE\"; mode = \"echo\"; }"
: >"$T/start.log"
"$PREFORKD" -c "$T/p.conf" >"$T/start.log" 2>&1 &
pid=$!
PIDS="$PIDS $pid"
wait_for 5 eval '! kill -0 $pid' || fail "preforkd kept running after a bind error"
wait "$pid"
rc=$?
cat "$T/start.log"
[ "$rc" -eq 1 ] || fail "exit status $rc after a bind error at start, not 1"
grep -q "bind $UNBINDABLE" "$T/start.log" || fail "the bind error was not reported"
grep -Eq "worker [0-9]+ \(pid" "$T/start.log" && fail "a worker started before the bind error"
ok "broken file, bind error and failed generation all left the old one serving"
