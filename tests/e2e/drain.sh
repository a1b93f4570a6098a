#!/bin/bash
# drain.sh - health and drain without a balancer: http.health_path answers
# 200 ok, 503 draining after `drain` and 200 after `undrain`, without
# access-log lines; a reload never turns it red; on SIGTERM with
# drain_delay it turns 503 at once while requests are still served, and
# after drain_delay new connections are refused at once (ECONNREFUSED)
# while a download in flight completes; no connection is reset after the
# kernel accepted it.
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
command -v curl >/dev/null || skip "curl is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"

PORT=$(free_ports 1)
mkdir "$T/www" && echo hello >"$T/www/index.html"
truncate -s 32M "$T/www/big"
cat >"$T/d.conf" <<CONF
workers = 2;
drain_delay = 1.5;
shutdown_timeout = 10.0;
control = { socket = "$T/ctl.sock"; };
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
  http = { root = "$T/www"; health_path = "/healthz"; access_log = "$T/access.log"; }; });
CONF
pf_start "$T/d.conf"
URL="http://127.0.0.1:$PORT"
health() { curl -s -o "$T/hbody" -w '%{http_code}' --max-time 2 "$URL/healthz"; }

[ "$(health)" = 200 ] && [ "$(cat "$T/hbody")" = ok ] || fail "health before drain: $(health)"
"$PREFORKCTL" -s "$T/ctl.sock" drain >/dev/null || fail "drain failed"
wait_for 2 test "$(health)" = 503 || fail "health after drain: $(health)"
[ "$(cat "$T/hbody")" = draining ] || fail "503 body: $(cat "$T/hbody")"
curl -sf --max-time 2 "$URL/index.html" >/dev/null || fail "a drained instance stopped serving"
"$PREFORKCTL" -s "$T/ctl.sock" undrain >/dev/null || fail "undrain failed"
wait_for 2 test "$(health)" = 200 || fail "health after undrain: $(health)"
ok "health: 200 ok, 503 draining after drain, 200 after undrain"

# A reload: health is polled all along and never fails.
kill -HUP "$PF_PID"
bad=0 n=0
t_end=$(( $(ms_now) + 1500 ))
while [ "$(ms_now)" -lt "$t_end" ]; do
	c=$(health); n=$((n + 1))
	[ "$c" = 200 ] || bad=$((bad + 1))
done
wait_for 5 log_has 'generation 2' || fail "the reload did not happen"
[ "$bad" = 0 ] || fail "$bad of $n health checks failed during a reload"
ok "$n health checks during a reload: all 200"

# SIGTERM with drain_delay = 1.5: a slow download keeps the stop going.
curl -fsS --limit-rate 4M -o "$T/got" "$URL/big" 2>"$T/curl.err" &
CURL=$!
PIDS="$PIDS $CURL"
sleep 0.3
python3 "$TESTS_SRCDIR/e2e/drain_probe.py" "$PORT" 3.2 >"$T/probe" &
PROBE=$!
t0=$(ms_now)
kill -TERM "$PF_PID"
wait_for 1 test "$(health)" = 503 || fail "health did not turn 503 at SIGTERM"
t_red=$(( $(ms_now) - t0 ))
sleep 0.5
curl -sf --max-time 2 "$URL/index.html" >/dev/null || fail "no request served during drain_delay"
ok "SIGTERM: health 503 after ${t_red} ms, requests still served during drain_delay"
wait "$PROBE"
probe=$(cat "$T/probe")
echo "probe from SIGTERM on: $probe"
pfget() { echo "$probe" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
[ "$(pfget reset)" = 0 ] || fail "connections reset after the kernel accepted them: $probe"
[ "$(pfget slow)" = 0 ] || fail "connections left waiting in a queue: $probe"
[ "$(pfget ok)" -gt 0 ] || fail "nothing served during drain_delay: $probe"
[ "$(pfget refused)" -gt 0 ] || fail "nothing refused after drain_delay: $probe"
fr=$(pfget first_refused_ms)
[ "$fr" -ge 1200 ] && [ "$fr" -le 2500 ] || fail "first refusal at $fr ms, drain_delay is 1500 ms: $probe"
[ "$(pfget last_ok_ms)" -lt "$fr" ] || fail "served after the first refusal: $probe"
[ "$(pfget refused_max_ms)" -lt 100 ] || fail "a refusal took $(pfget refused_max_ms) ms: $probe"
kill -0 "$PF_PID" 2>/dev/null || fail "preforkd exited before the download ended"
ok "after drain_delay new connections are refused at once; none reset"
wait "$CURL" || fail "the download in flight failed: $(cat "$T/curl.err")"
[ "$(stat -c %s "$T/got")" -eq $((32 << 20)) ] || fail "the download is short"
pf_stop
[ "$PF_STATUS" = 0 ] || fail "exit status $PF_STATUS"
grep -q healthz "$T/access.log" && fail "health checks were access-logged"
grep -q '"GET /index.html' "$T/access.log" || fail "no access log at all"
ok "the download in flight completed; exit 0; health checks not access-logged"
