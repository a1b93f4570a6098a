#!/bin/bash
# master-stop.sh - SIGTERM lets a slow client's response complete, then
# preforkd exits 0; a client that never reads is cut at shutdown_timeout;
# SIGQUIT stops at once; workers die with a killed master
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"

PORT=$(free_ports 1)
mkdir "$T/www"
# Larger than the loopback socket buffers, so the worker is still sending.
truncate -s 32M "$T/www/big"
start() { # start SHUTDOWN_TIMEOUT
	cat >"$T/p.conf" <<EOF
workers = 2;
shutdown_timeout = $1;
log_level = "info";
listeners = ({ name = "files"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { root = "$T/www"; }; });
EOF
	: >"$T/preforkd.log"
	pf_start "$T/p.conf"
}

# 1. A slow client mid-response: it completes, then exit 0.
start 20.0
curl -fsS --limit-rate 8M -o "$T/got" "http://127.0.0.1:$PORT/big" 2>"$T/curl.err" &
CURL=$!
PIDS="$PIDS $CURL"
sleep 1
t0=$(ms_now)
kill -TERM "$PF_PID"
sleep 0.5
kill -0 "$PF_PID" 2>/dev/null || fail "preforkd exited while a response was in flight"
wait "$CURL" || fail "the slow download failed: $(cat "$T/curl.err")"
[ "$(stat -c %s "$T/got")" -eq $((32 << 20)) ] || fail "the download is short"
pf_stop
took=$(($(ms_now) - t0))
echo "slow client: complete, preforkd exited $PF_STATUS ${took} ms after SIGTERM"
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
log_has "still running at the deadline" && fail "a worker was killed"

# 2. A client that never reads: exit at shutdown_timeout (2 s).
start 2.0
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /big HTTP/1.1\r\nHost: t\r\n\r\n' >&3
sleep 0.5
t0=$(ms_now)
kill -TERM "$PF_PID"
pf_stop
took=$(($(ms_now) - t0))
exec 3<&-
echo "stuck client: preforkd exited $PF_STATUS ${took} ms after SIGTERM"
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
[ "$took" -ge 1800 ] || fail "exited after $took ms, before shutdown_timeout"
[ "$took" -le 4000 ] || fail "exited after $took ms, long after shutdown_timeout"
log_has "still running at the deadline; killing it" || fail "no SIGKILL logged"

# 3. SIGQUIT: fast stop even with a download in flight.
start 20.0
curl -sS --limit-rate 1M -o /dev/null "http://127.0.0.1:$PORT/big" 2>/dev/null &
CURL=$!
PIDS="$PIDS $CURL"
sleep 0.5
t0=$(ms_now)
pf_stop QUIT
took=$(($(ms_now) - t0))
kill "$CURL" 2>/dev/null
echo "SIGQUIT: preforkd exited $PF_STATUS ${took} ms after the signal"
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGQUIT"
[ "$took" -le 1500 ] || fail "SIGQUIT took $took ms"

# 4. Workers die with their master.
start 20.0
workers=$(worker_pids)
kill -KILL "$PF_PID"
gone() { for p in $workers; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
wait_for 2 gone || fail "workers outlived a killed master"
ok "drain completes, deadline kills, SIGQUIT is fast, orphans exit"
