#!/bin/bash
# fleet.sh - two preforkd instances (127.0.0.2, 127.0.0.3) behind a real
# HAProxy (send-proxy-v2, httpchk GET /healthz every 100 ms, fall 2, rise
# 2) with keep-alive and per-request load through it: (a) a rolling reload
# gives 0 client errors; (b) a rolling restart (SIGTERM, drain_delay 0.8 s,
# longer than HAProxy's fall time, then a new start) gives 0 client errors
# and HAProxy logs each server DOWN before its instance stopped accepting;
# (c) kill -9 of one whole instance costs at most the requests in flight,
# HAProxy marks it DOWN within its check time and traffic goes on through
# the other. The access logs show the load generator's address as HAProxy
# relayed it (HAProxy itself connects from 127.0.0.5).
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v haproxy >/dev/null || skip "haproxy is not installed (tests/setup-debian)"
# Loopback addresses other than 127.0.0.1 must be usable.
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.5", 0))' 2>/dev/null ||
	skip "cannot bind 127.0.0.5"

# On failure, the instances' and HAProxy's logs too.
fail() {
	echo "FAIL: $*" >&2
	for f in a.log b.log haproxy.log; do
		[ -f "$T/$f" ] && { echo "--- $f (last 25 lines)"; tail -n 25 "$T/$f"; } >&2
	done
	exit 1
}

read -r PORT HP < <(free_ports 2 | tr '\n' ' ')
declare -A ADDR=([a]=127.0.0.2 [b]=127.0.0.3) PID=()

conf() { # conf NAME
	cat >"$T/$1.conf" <<CONF
workers = 2;
drain_delay = 0.8;
shutdown_timeout = 5.0;
listeners = ({ name = "web"; listen = "${ADDR[$1]}:$PORT"; mode = "http";
  proxy_protocol = "v2";
  http = { response = "hello from $1\n"; health_path = "/healthz";
           access_log = "$T/access.$1.log"; }; });
CONF
}

start() { # start NAME: a new instance, ready
	"$PREFORKD" -c "$T/$1.conf" >>"$T/$1.log" 2>&1 &
	PID[$1]=$!
	PIDS="$PIDS ${PID[$1]}"
	wait_for 10 grep -q "\\[${PID[$1]}\\]: ready: " "$T/$1.log" ||
		fail "instance $1 did not become ready"
}

# stop_wait NAME: waits (10 s at most) for instance NAME to exit
stop_wait() {
	_i=0
	while kill -0 "${PID[$1]}" 2>/dev/null && [ "$_i" -lt 200 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	kill -0 "${PID[$1]}" 2>/dev/null && fail "instance $1 did not stop"
	wait "${PID[$1]}"
}

# ms of a preforkd log line's timestamp
line_ms() { date -d "$(echo "$1" | cut -c1-23)" +%s%3N; }

# hap_ms NAME STATE AFTER_MS: when HAProxy logged server NAME STATE after
hap_ms() {
	awk -v s="be/$1 is $2" -v t="$3" 'index($0, s) && $1 >= t { print $1; exit }' \
		"$T/haproxy.log"
}

hap_has() { [ -n "$(hap_ms "$@")" ]; }

for n in a b; do conf "$n"; start "$n"; done

cat >"$T/haproxy.cfg" <<CFG
global
  maxconn 1000
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  timeout check 500ms
  retries 3
  option redispatch
  retry-on conn-failure empty-response
frontend fe
  bind 127.0.0.1:$HP
  default_backend be
backend be
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host fleet
  http-check expect status 200
  default-server send-proxy-v2 check inter 100 fastinter 100 downinter 100 fall 2 rise 2 source 127.0.0.5
  server a ${ADDR[a]}:$PORT
  server b ${ADDR[b]}:$PORT
CFG
stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s%3N)" "$l"; done; }
haproxy -db -f "$T/haproxy.cfg" > >(stamp >"$T/haproxy.log") 2>&1 &
HAP=$!
PIDS="$PIDS $HAP"
wait_for 5 "$PFLOAD" -q -m http -p "$HP" -n 4 >/dev/null || fail "HAProxy does not relay"

# load SECONDS TAG: keep-alive and per-request load through HAProxy
load() {
	"$PFLOAD" -q -m http -p "$HP" -c 8 -d "$1" -t 5 >"$T/ka.$2" 2>&1 &
	KA=$!
	"$PFLOAD" -q -m http -p "$HP" -c 2 -C -d "$1" -t 5 >"$T/pr.$2" 2>&1 &
	PR=$!
}
load_check() { # load_check TAG MAX_ERRORS
	wait "$KA"; wait "$PR"
	for f in "$T/ka.$1" "$T/pr.$1"; do
		l=$(tail -n 1 "$f")
		e=0
		for k in connect_errors resets timeouts bad_status short mismatches; do
			e=$((e + $(pfload_get "$k" "$l")))
		done
		echo "$1 $(basename "$f" | cut -d. -f1): $l"
		[ "$(pfload_get requests "$l")" -gt 100 ] || fail "$1: too few requests: $l"
		ERRS=$((ERRS + e))
	done
	[ "$ERRS" -le "$2" ] || fail "$1: $ERRS client errors (at most $2)"
}

# (a) A rolling reload.
load 4 reload
sleep 0.5
# HAProxy reaches the instances from 127.0.0.5: an access log line with
# 127.0.0.1 can only come from the PROXY header.
command -v ss >/dev/null && { [ -n "$(ss -Htn state established "( src 127.0.0.5 )")" ] ||
	fail "HAProxy does not connect from 127.0.0.5"; }
for n in a b; do
	kill -HUP "${PID[$n]}"
	wait_for 5 grep -q "\\[${PID[$n]}\\]: reload: generation 2 ready" "$T/$n.log" ||
		fail "instance $n did not reload"
	sleep 0.7
done
ERRS=0; load_check reload 0
ok "(a) rolling reload of both instances: 0 client errors"

# (b) A rolling restart: SIGTERM, drain_delay, a new start.
load 6 restart
sleep 0.5
for n in a b; do
	t_term=$(ms_now)
	kill -TERM "${PID[$n]}"
	stop_wait "$n"
	t_exit=$(ms_now)
	t_closed=$(line_ms "$(grep "\\[${PID[$n]}\\]: drain_delay is over" "$T/$n.log")")
	t_down=$(hap_ms "$n" DOWN "$t_term")
	[ -n "$t_down" ] || fail "HAProxy never marked $n DOWN"
	echo "$n: SIGTERM at 0, HAProxy DOWN at $((t_down - t_term)) ms, stopped accepting at $((t_closed - t_term)) ms, exited at $((t_exit - t_term)) ms"
	[ "$t_down" -lt "$t_closed" ] || fail "$n stopped accepting before HAProxy marked it DOWN"
	t_start=$(ms_now)
	start "$n"
	wait_for 5 hap_has "$n" UP "$t_start" || fail "HAProxy did not mark $n UP again"
	echo "$n: restarted; HAProxy UP $(( $(hap_ms "$n" UP "$t_start") - t_start )) ms after the start"
done
ERRS=0; load_check restart 0
ok "(b) rolling restart: 0 client errors, each server DOWN at HAProxy before its instance stopped accepting"

# (c) kill -9 of one whole instance.
load 3 kill
sleep 1
victims="$(pgrep -P "${PID[a]}" | tr '\n' ' ') ${PID[a]}"
t_kill=$(ms_now)
kill -KILL $victims
wait "${PID[a]}" 2>/dev/null
ERRS=0; load_check kill 10
t_down=$(hap_ms a DOWN "$t_kill")
[ -n "$t_down" ] || fail "HAProxy never marked a DOWN after kill -9"
[ $((t_down - t_kill)) -le 1000 ] || fail "HAProxy marked a DOWN $((t_down - t_kill)) ms after kill -9"
line=$("$PFLOAD" -q -m http -p "$HP" -c 4 -d 1 -b "hello from b
") || fail "traffic through b after the kill had errors: $line"
ok "(c) kill -9: $ERRS client errors (at most the 10 requests in flight), DOWN after $((t_down - t_kill)) ms, traffic goes on: $line"

for n in a b; do
	[ -s "$T/access.$n.log" ] || fail "no access log from $n"
	grep -qv '^127\.0\.0\.1 - - ' "$T/access.$n.log" &&
		fail "$n logged a client other than the load generator: $(grep -v '^127\.0\.0\.1 ' "$T/access.$n.log" | head -1)"
done
ok "access logs: $(cat "$T"/access.*.log | wc -l) lines, each with the load generator's address 127.0.0.1 as HAProxy relayed it"
kill -TERM "${PID[b]}"; stop_wait b
kill -TERM "$HAP"; wait "$HAP" 2>/dev/null
exit 0
