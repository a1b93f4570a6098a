#!/bin/bash
# master-signals.sh - process titles, SIGUSR1 reopens the workers' access
# logs, workers ignore SIGHUP, a worker whose loop stops is killed after
# worker_timeout and restarted, workers drop to `user` when run as root
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"

PORT=$(free_ports 1)
USER_LINE=""
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	USER_LINE='user = "nobody";'
	chmod 755 "$T" # nobody writes no file here; it only needs to reach it
fi
mkdir -m 777 "$T/logs"
cat >"$T/p.conf" <<EOF
workers = 2;
worker_timeout = 1.5;
shutdown_timeout = 2.0;
log_level = "info";
$USER_LINE
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "hello\n"; access_log = "$T/logs/access.log"; }; });
EOF
pf_start "$T/p.conf"

# Titles.
title=$(ps -o args= -p "$PF_PID")
[ "$title" = "preforkd: master" ] || fail "master title is \"$title\""
w0=$(slot_pid 0)
title=$(ps -o args= -p "$w0")
[ "$title" = "preforkd: worker 0 (gen 1)" ] || fail "worker title is \"$title\""

# Privileges: the workers run as nobody, the master stays root.
if [ -n "$USER_LINE" ]; then
	[ "$(ps -o user= -p "$w0")" = nobody ] || fail "worker 0 runs as $(ps -o user= -p "$w0")"
	[ "$(ps -o user= -p "$PF_PID")" = root ] || fail "the master dropped root"
	grep -q "^Groups:[[:space:]]*$(id -g nobody)[[:space:]]*$" "/proc/$w0/status" ||
		fail "worker 0 kept supplementary groups: $(grep Groups "/proc/$w0/status")"
	echo "workers run as nobody"
fi

# SIGHUP sent to a worker itself is ignored.
kill -HUP "$w0"
sleep 0.2
kill -0 "$w0" || fail "a worker died of SIGHUP"

# SIGUSR1: the access log is reopened after rotation.
for _ in 1 2 3 4; do http_ok "$PORT" hello || fail "request failed"; done
mv "$T/logs/access.log" "$T/logs/access.log.1"
kill -USR1 "$PF_PID"
wait_for 2 log_has "reopening log files" || fail "SIGUSR1 was not handled"
sleep 0.2
for _ in 1 2 3 4 5 6; do http_ok "$PORT" hello || fail "request failed"; done
wait_for 2 test -s "$T/logs/access.log" || fail "no new access log after SIGUSR1"
echo "rotated log: $(wc -l <"$T/logs/access.log.1") lines, new log: $(wc -l <"$T/logs/access.log") lines"

# A worker whose loop stops turning is killed after worker_timeout (1.5 s).
sleep 3.2 # past the crash-loop window: the restart is immediate
victim=$(slot_pid 1)
kill -STOP "$victim"
wait_for 5 log_has "worker 1 \(pid $victim, gen 1\) sent no heartbeat" ||
	fail "the stopped worker was not detected"
replaced() { [ "$(log_count 'worker 1 \(pid [0-9]+, gen 1\) ready')" -ge 2 ]; }
wait_for 3 replaced || fail "the hung worker was not replaced"
grep -E "worker 1 \(pid $victim" "$T/preforkd.log"
for _ in 1 2 3 4; do http_ok "$PORT" hello || fail "request failed after the restart"; done

pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "titles, SIGUSR1, SIGHUP ignored by workers, heartbeat timeout${USER_LINE:+, user}"
