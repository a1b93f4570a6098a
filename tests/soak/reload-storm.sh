#!/bin/bash
# reload-storm.sh - 300 SIGHUPs 100 ms apart, the configuration rewritten
# before each (1, 3, 2, 4 workers in turn), while keep-alive and
# connection-per-request clients load an http listener: no error of any kind
# in either client's counters; afterwards the master's descriptors and RSS
# are where they were, no zombie, no worker of an old generation.
# limit: 240 s
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/soak/soak_lib.sh"

HUPS=300 WARM=200
PORT=$(free_ports 1)
write_conf() { # write_conf WORKERS: replaced atomically (the master may read it any time)
	printf '%s\n' "workers = $1;" "shutdown_timeout = 10.0;" 'log_level = "notice";' \
		"listeners = ({ name = \"web\"; listen = \"127.0.0.1:$PORT\"; mode = \"http\";" \
		'  http = { response = "hello\n"; keepalive_timeout = 30.0; }; });' >"$T/p.conf.new"
	mv "$T/p.conf.new" "$T/p.conf"
}
COUNTS=(1 3 2 4)
reloads_done() { log_count "master\\[$PF_PID\\]: reload: generation [0-9]+ ready"; }
reloaded() { [ "$(reloads_done)" -ge "$1" ]; }

write_conf 4
pf_start "$T/p.conf"

# Warm up the master before the baseline: lazily loaded code, every worker
# count, reloads 100 ms apart, some load, and enough reloads for the heap to
# reach its high-water mark (glibc's free lists settle: without load the
# master's [heap] grows from 20 to 24 kB at about the 115th reload and stays
# there through 1,200). Warm-up and storm both end on the configuration of
# the baseline (4 workers).
"$PFLOAD" -q -m http -p "$PORT" -c 8 -d 5 -b "hello
" >/dev/null 2>&1 &
warm=$!
PIDS="$PIDS $warm"
for i in $(seq 1 "$WARM"); do
	write_conf "${COUNTS[(i - 1) % 4]}"
	kill -HUP "$PF_PID"
	wait_for 10 reloaded "$i" || fail "warm-up reload $i did not finish"
done
for i in $(seq 1 12); do # as in the storm: 100 ms apart
	write_conf "${COUNTS[(i - 1) % 4]}"
	kill -HUP "$PF_PID"
	sleep 0.1
done
wait "$warm"
reloads_idle() {
	[ "$(log_count "master\\[$PF_PID\\]: reloading ")" -eq \
	  $(( $(reloads_done) + $(log_count "master\\[$PF_PID\\]: reload failed") )) ]
}
all_reloads_ended() { reloads_idle && sleep 0.3 && reloads_idle; }
wait_for 30 all_reloads_ended || fail "warm-up: the reloads did not end"
wait_for 15 settled 4 || fail "warm-up: old generations did not go away"
sleep 0.5
read -r fd0 rss0 < <(rss_baseline)
base_reloads=$(reloads_done) base_queued=$(log_count "master\\[$PF_PID\\]: reload queued")
echo "baseline after $base_reloads warm-up reloads: master fds $fd0, VmRSS $rss0 kB"

"$PFLOAD" -q -m http -p "$PORT" -c 16 -t 10 -d 600 -b "hello
" >"$T/keepalive.out" 2>"$T/keepalive.err" &
KA=$!
"$PFLOAD" -q -m http -p "$PORT" -c 8 -t 10 -d 600 -C -b "hello
" >"$T/close.out" 2>"$T/close.err" &
CL=$!
PIDS="$PIDS $KA $CL"
sleep 1

# SIGHUP i goes at t0 + i * 100 ms (the time the loop itself takes is not
# added; a late one goes at once).
t0=$(us_now)
for i in $(seq 1 "$HUPS"); do
	write_conf "${COUNTS[(i - 1) % 4]}"
	kill -HUP "$PF_PID" || fail "the master is gone after $((i - 1)) SIGHUPs"
	pace_to $((t0 + i * 100000))
done
storm_ms=$((($(us_now) - t0) / 1000))
# The last SIGHUP may be queued behind a starting generation: let it finish
# under load too (every "reloading" has its "ready" or "failed", twice
# 300 ms apart), then one more second of load.
wait_for 30 all_reloads_ended || fail "the reloads did not end after the storm"
sleep 1
kill -TERM "$KA" "$CL"
wait "$KA"; ka=$?
wait "$CL"; cl=$?
ka_line=$(cat "$T/keepalive.out") cl_line=$(cat "$T/close.out")
reloads=$(($(reloads_done) - base_reloads))
queued=$(($(log_count "master\\[$PF_PID\\]: reload queued") - base_queued))
failed=$(log_count "master\\[$PF_PID\\]: reload failed") # the warm-up's too
echo "storm: $HUPS SIGHUPs in $storm_ms ms; $reloads reloads completed (SIGHUPs that came while a generation was starting: queued $queued times, merged $((HUPS - reloads))), $failed failed"
echo "keep-alive (16 conns): $ka_line"
echo "per-request (8 conns): $cl_line"
echo "errors: keep-alive $(pfload_errors "$ka_line"), per-request $(pfload_errors "$cl_line")"

[ -n "$ka_line" ] && [ -n "$cl_line" ] || fail "a load generator printed nothing: $(cat "$T"/*.err)"
[ "$ka" -eq 0 ] || fail "keep-alive clients saw errors (exit $ka)"
[ "$cl" -eq 0 ] || fail "connection-per-request clients saw errors (exit $cl)"
[ "$(pfload_errors "$ka_line")" -eq 0 ] && [ "$(pfload_errors "$cl_line")" -eq 0 ] ||
	fail "error counters are not all 0"
[ "$failed" -eq 0 ] || fail "$failed reloads failed"
[ "$reloads" -ge 50 ] || fail "only $reloads reloads completed in the storm"
for l in "$ka_line" "$cl_line"; do
	[ "$(pfload_get requests "$l")" -ge 1000 ] || fail "too few requests: $l"
done
log_has "master\\[$PF_PID\\]: .*(killed by signal|exited with status [1-9])" &&
	fail "a worker died abnormally during the storm"

steady_check "after the reload storm" "$fd0" "$rss0" 4
http_get() { "$PFLOAD" -q -m http -p "$PORT" -n 20 -b "hello
" >/dev/null; }
http_get || fail "not serving after the storm"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "reload storm: $HUPS SIGHUPs, $reloads reloads, 0 client errors, master fds and RSS steady"
