#!/bin/bash
# metrics.sh - the status listener against the real daemon: /metrics parses
# with Debian's prometheus_client (one HELP and TYPE per family, _total
# counters, histograms ending in +Inf = _count); 100 requests over 10
# connections count exactly 100 (and 10 connections, 100 2xx), a 404 one
# 4xx; 3 reloads and a kill -9 of a worker never lower an aggregate
# counter; /livez, /readyz (503 while stopping), 404, 405, 431; a
# non-loopback peer is refused until allow_remote = true; a 17th client
# gets 503 busy, silent clients are closed at 10 s; a changed status address
# moves the listener. Heartbeats come once a second: waits are bounded polls.
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"
PY=/usr/bin/python3
CHECK="$TESTS_SRCDIR/e2e/metrics_check.py"
"$PY" -c 'import prometheus_client' 2>/dev/null ||
	skip "python3-prometheus-client is not installed"

set -- $(free_ports 3)
PORT=$1 SPORT=$2 SPORT2=$3
mkdir -p "$T/www"
echo "hello" >"$T/www/index.html"
write_conf() { # write_conf ALLOW_REMOTE [STATUS_PORT]
	cat >"$T/p.conf" <<EOF
workers = 2;
shutdown_timeout = 5.0;
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { root = "$T/www"; }; });
status = { listen = "*:${2:-$SPORT}"; allow_remote = $1; };
EOF
}
write_conf false
pf_start "$T/p.conf"

URL="http://127.0.0.1:$SPORT"
REQ='preforkd_http_requests_total{listener="web"}'
OK2='preforkd_http_responses_total{code="2xx",listener="web"}'
E4='preforkd_http_responses_total{code="4xx",listener="web"}'
ACC='preforkd_connections_accepted_total{listener="web"}'
N=0 # scrapes so far

# scrape: the metrics into $T/m.$N (N counts up); $M names the file
scrape() {
	N=$((N + 1))
	M="$T/m.$N"
	curl -sf --max-time 5 "$URL/metrics" >"$M"
}
get() { "$PY" "$CHECK" get "$M" "$1"; }
code() { curl -s -o "$T/body" -w '%{http_code}' --max-time 5 "$@"; }
# reaches SERIES WANT: a fresh scrape shows SERIES >= WANT
reaches() { scrape && [ "$(get "$1")" -ge "$2" ]; }
# await SERIES WANT: polls (10 s at most) until SERIES reaches WANT
await() { wait_for 10 reaches "$1" "$2" || fail "$1 stayed at $(get "$1"), want $2"; }

# 1. The text: a real parser takes it, with every rule of the format.
scrape || fail "GET /metrics failed"
"$PY" "$CHECK" check "$M" || fail "/metrics does not pass the format checks"
head -c 300 "$M" | grep -q '^# HELP preforkd_build_info' || fail "no build_info first"
ok "/metrics parses: $("$PY" "$CHECK" check "$M")"

# 2. 100 requests over 10 connections: exactly 100 requests, 100 2xx, 10
#    connections (curl reuses one connection for its 10 URLs).
urls=""
for i in $(seq 10); do urls="$urls http://127.0.0.1:$PORT/"; done
base_req=$(get "$REQ") base_ok=$(get "$OK2") base_acc=$(get "$ACC")
curls=""
for c in $(seq 10); do
	# shellcheck disable=SC2086
	curl -sf --max-time 10 $urls >/dev/null &
	curls="$curls $!"
done
for p in $curls; do wait "$p" || fail "a client failed"; done
sent=100
await "$REQ" $((base_req + sent))
[ "$(get "$REQ")" -eq $((base_req + sent)) ] ||
	fail "requests: $(get "$REQ"), want $((base_req + sent))"
[ "$(get "$OK2")" -eq $((base_ok + 100)) ] ||
	fail "2xx: $(get "$OK2"), want $((base_ok + 100))"
[ "$(get "$ACC")" -eq $((base_acc + 10)) ] ||
	fail "connections: $(get "$ACC"), want $((base_acc + 10))"
ok "100 requests over 10 connections: +100 requests, +100 2xx, +10 connections"

# 3. A 404 is one 4xx; other paths and methods of the status listener.
base_4=$(get "$E4")
[ "$(code "http://127.0.0.1:$PORT/missing")" = 404 ] || fail "no 404 from web"
sent=$((sent + 1))
await "$E4" $((base_4 + 1))
[ "$(get "$E4")" -eq $((base_4 + 1)) ] || fail "4xx: $(get "$E4"), want $((base_4 + 1))"
[ "$(get "$OK2")" -eq $((base_ok + 100)) ] || fail "the 404 counted as a 2xx"
ok "a 404 raises 4xx by exactly 1"
[ "$(code "$URL/livez")" = 200 ] || fail "/livez is not 200"
[ "$(code "$URL/readyz")" = 200 ] && grep -qx ready "$T/body" ||
	fail "/readyz is not 200 ready while running"
[ "$(code "$URL/nope")" = 404 ] || fail "/nope is not 404"
[ "$(code -X POST -d x "$URL/metrics")" = 405 ] || fail "POST is not 405"
[ "$(code -I "$URL/metrics")" = 405 ] || fail "HEAD is not 405"
big=$(head -c 5000 /dev/zero | tr '\0' a)
[ "$(code -H "X-Big: $big" "$URL/metrics")" = 431 ] || fail "a 5 KB head is not 431"
curl -s -D - -o /dev/null "$URL/livez" | grep -qi '^connection: close' ||
	fail "no Connection: close"
ok "/livez 200, /readyz 200, 404, 405 for POST and HEAD, 431, Connection: close"

# 4. Three reloads (with requests between) and a kill -9 of a worker: no
#    aggregate counter goes down, and no request is lost by a reload (a
#    draining worker reports its last counts as it exits).
for r in 1 2 3; do
	scrape
	before=$M
	# shellcheck disable=SC2086
	curl -sf --max-time 10 $urls >/dev/null || fail "requests before reload $r"
	sent=$((sent + 10))
	kill -HUP "$PF_PID"
	gen=$((r + 1))
	wait_for 15 log_has "generation $((gen - 1)) is gone" ||
		fail "reload $r did not finish"
	await "$REQ" $((base_req + sent))
	"$PY" "$CHECK" monotonic "$before" "$M" || fail "a counter went down across reload $r"
	[ "$(get preforkd_generation)" -eq "$gen" ] || fail "generation is not $gen"
done
[ "$(get "$REQ")" -eq $((base_req + sent)) ] ||
	fail "after 3 reloads: $(get "$REQ") requests, want $((base_req + sent))"
[ "$(get 'preforkd_reloads_total{result="ok"}')" -eq 3 ] || fail "reloads_total ok != 3"
[ "$(get preforkd_config_last_reload_successful)" -eq 1 ] || fail "last reload not successful"
scrape
before=$M
victim=$(slot_pid 0)
[ -n "$victim" ] || fail "no worker in slot 0"
kill -KILL "$victim"
replaced() { [ "$(log_count "worker 0 \(pid [0-9]+, gen 4\) ready")" -ge 2 ]; }
wait_for 10 replaced || fail "slot 0 was not restarted"
await preforkd_worker_restarts_total 1
"$PY" "$CHECK" monotonic "$before" "$M" || fail "a counter went down across kill -9"
[ "$(get "$REQ")" -eq $((base_req + sent)) ] ||
	fail "after kill -9: $(get "$REQ") requests, want $((base_req + sent))"
"$PY" "$CHECK" check "$M" || fail "/metrics after the reloads fails the format checks"
ok "3 reloads and a kill -9: nothing went down, $sent requests all counted"

# 5. A peer that is not loopback (this host's own non-loopback address) is
#    closed unanswered, and logged; allow_remote = true lets it in, on the
#    same socket (the address did not change).
remote=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -n 1)
if [ -n "$remote" ]; then
	out=$(curl -s --max-time 5 "http://$remote:$SPORT/livez"; echo "rc=$?")
	# closed unanswered: empty reply (52) or reset (56), never an answer
	case $out in rc=52 | rc=56) ;; *) fail "peer $remote was answered: $out" ;; esac
	wait_for 5 log_has "status: refused $remote" || fail "refusal not logged"
	write_conf true
	kill -HUP "$PF_PID"
	gen=$((gen + 1))
	wait_for 15 log_has "generation $((gen - 1)) is gone" || fail "reload $gen did not finish"
	[ "$(code "http://$remote:$SPORT/livez")" = 200 ] ||
		fail "allow_remote = true did not let $remote in"
	[ "$(log_count 'status: listening on')" -eq 1 ] ||
		fail "the status socket was reopened on a reload that kept its address"
	ok "peer $remote refused with allow_remote = false, served with true"
else
	echo "note: no non-loopback address; the peer check is only in test_metrics"
fi

# 5b. A reload that changes the status address moves the listener: the
#     new port answers, the old one refuses; the counters carry on.
scrape
before=$M
write_conf true "$SPORT2"
kill -HUP "$PF_PID"
gen=$((gen + 1))
wait_for 15 log_has "generation $((gen - 1)) is gone" || fail "reload $gen did not finish"
SPORT_OLD=$SPORT SPORT=$SPORT2
URL="http://127.0.0.1:$SPORT"
[ "$(code "$URL/livez")" = 200 ] || fail "the new status port does not answer"
curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$SPORT_OLD/livez"
[ $? -eq 7 ] || fail "the old status port still accepts"
scrape
"$PY" "$CHECK" monotonic "$before" "$M" || fail "a counter went down across the move"
ok "a changed status address moves the listener (old port refused)"

# 6. Bounded clients: 16 silent ones hold every slot; the 17th gets 503;
#    the master closes the silent ones 10 s after they connected.
fds=""
t0=$(ms_now)
for i in $(seq 16); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$SPORT" || fail "connect $i"
	fds="$fds $fd"
done
[ "$(code "$URL/livez")" = 503 ] && grep -qx busy "$T/body" ||
	fail "a 17th client was not refused with 503 busy"
[ "$(code "http://127.0.0.1:$PORT/")" = 200 ] || fail "HTTP stopped answering"
live() { [ "$(code "$URL/livez")" = 200 ]; }
wait_for 15 live || fail "silent clients were not closed within 15 s"
held_ms=$(($(ms_now) - t0))
[ "$held_ms" -ge 9500 ] || fail "silent clients were closed after $held_ms ms, before 10 s"
n=0
for fd in $fds; do # each was closed by the master: reading gives EOF
	read -r -t 1 -u "$fd" _ 2>/dev/null
	[ $? -eq 1 ] && n=$((n + 1))
	exec {fd}>&-
done
[ "$n" -eq 16 ] || fail "only $n of the 16 silent clients saw the master close"
ok "16 clients at most: the 17th got 503 busy; silent ones closed after ${held_ms} ms"

# 7. /readyz is 503 while stopping (a request head left half-sent keeps a
#    worker draining until its header timeout), /livez stays 200.
exec {held}<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET / HTTP/1.1\r\n' >&"$held"
await 'preforkd_connections_active{listener="web"}' 1
kill -TERM "$PF_PID"
stopping() { [ "$(code "$URL/readyz")" = 503 ] && grep -qx stopping "$T/body"; }
wait_for 5 stopping || fail "/readyz was not 503 stopping while stopping"
[ "$(code "$URL/livez")" = 200 ] || fail "/livez was not 200 while stopping"
exec {held}>&-
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "preforkd exited $PF_STATUS"
ok "/readyz 503 stopping, /livez 200 while draining; clean stop"
