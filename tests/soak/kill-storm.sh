#!/bin/bash
# kill-storm.sh - a random worker SIGKILLed every 200 ms for 60 s while
# keep-alive and connection-per-request clients load an http listener: the
# clients' failures are bounded by the connections the killed workers held
# (each counted between SIGSTOP and SIGKILL, so none slips in after the
# count); afterwards the master's descriptors and RSS are where they were,
# no zombie, no worker of another generation.
#
# Victims are chosen among the workers up for 3.3 s or more: a worker that
# dies sooner is a crash loop to the master (backoff 100 ms doubling to 30 s,
# tested by tests/e2e/master-crashloop.sh), and at one kill per 200 ms among
# a few workers every slot would soon be backing off for many seconds, with
# the connections queued on its sockets waiting. So there are 24 workers:
# about 17 are younger than 3.3 s at any time, the rest are candidates.
# limit: 240 s
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/soak/soak_lib.sh"

WORKERS=24 STORM_S=60 EVERY_US=200000 MIN_UP_CS=330
PORT=$(free_ports 1)
cat >"$T/p.conf" <<CONF
workers = $WORKERS;
shutdown_timeout = 5.0;
log_level = "info";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               backlog = 1024; http = { response = "hello\n"; }; });
CONF
# kill_one: SIGSTOP a random candidate, count what it holds, SIGKILL it;
# adds to KILLS and HELD, or to SKIPPED when there is no candidate. A worker
# killed in the last 5 s is no candidate: under load its exit (closing its
# sockets) and the master's reaping can take longer than a tick, and until
# it is a zombie it looks alive (its connections would be counted twice).
KILLS=0 HELD=0 SKIPPED=0 MAXHELD=0 GONE="" TICK=0
declare -A KILLED_AT
kill_one() {
	local v n h c pool=()
	TICK=$((TICK + 1))
	candidates "$MIN_UP_CS"
	for c in "${CANDIDATES[@]}"; do
		[ $((TICK - ${KILLED_AT[$c]:--100})) -gt 25 ] && pool+=("$c")
	done
	n=${#pool[@]}
	if [ "$n" -eq 0 ]; then
		SKIPPED=$((SKIPPED + 1))
		return
	fi
	v=${pool[RANDOM % n]}
	kill -STOP "$v" 2>/dev/null || { SKIPPED=$((SKIPPED + 1)); return; }
	h=$(held_conns "$v" "$PORT")
	if ! kill -KILL "$v" 2>/dev/null; then
		# gone between SIGSTOP and SIGKILL: not our kill (see below)
		GONE="$GONE $v" HELD=$((HELD + h))
		return
	fi
	KILLED_AT[$v]=$TICK
	KILLS=$((KILLS + 1)) HELD=$((HELD + h))
	[ "$h" -le "$MAXHELD" ] || MAXHELD=$h
}

pf_start "$T/p.conf"
settled_all() { settled "$WORKERS"; }

# Warm up the master's reap-and-restart path (and its allocator) with a few
# kills under load, then take the baseline.
"$PFLOAD" -q -m http -p "$PORT" -c 16 -d 6 -b "hello
" >/dev/null 2>&1 &
warm=$!
PIDS="$PIDS $warm"
sleep 3.5
for _ in 1 2 3 4 5 6; do
	kill_one
	sleep 0.2
done
wait "$warm"
wait_for 10 settled_all || fail "warm-up: the killed workers were not replaced"
sleep 0.5
read -r fd0 rss0 < <(rss_baseline)
echo "baseline after $KILLS warm-up kills: master fds $fd0, VmRSS $rss0 kB"
log_lines=$(wc -l <"$T/preforkd.log")
KILLS=0 HELD=0 SKIPPED=0 MAXHELD=0 GONE=""
sleep 3.5 # every worker a candidate again

"$PFLOAD" -q -m http -p "$PORT" -c 32 -t 10 -d 600 -b "hello
" >"$T/keepalive.out" 2>"$T/keepalive.err" &
KA=$!
"$PFLOAD" -q -m http -p "$PORT" -c 8 -t 10 -d 600 -C -b "hello
" >"$T/close.out" 2>"$T/close.err" &
CL=$!
PIDS="$PIDS $KA $CL"
sleep 1

ticks=$((STORM_S * 1000000 / EVERY_US))
t0=$(us_now)
for i in $(seq 1 "$ticks"); do
	kill -0 "$PF_PID" || fail "the master is gone after $KILLS kills"
	kill_one
	pace_to $((t0 + i * EVERY_US))
done
storm_ms=$((($(us_now) - t0) / 1000))
# The last replacements come up under load, then one more second of it.
wait_for 10 settled_all || fail "the killed workers were not all replaced"
sleep 1
kill -TERM "$KA" "$CL"
wait "$KA"; ka=$?
wait "$CL"; cl=$?
ka_line=$(cat "$T/keepalive.out") cl_line=$(cat "$T/close.out")
[ -n "$ka_line" ] && [ -n "$cl_line" ] || fail "a load generator printed nothing: $(cat "$T"/*.err)"
ka_err=$(pfload_errors "$ka_line") cl_err=$(pfload_errors "$cl_line")
failed=$((ka_err + cl_err))

# The master's side, from the log lines of the storm: every kill seen and
# restarted; the time from a death to its replacement's ready line.
tail -n +"$((log_lines + 1))" "$T/preforkd.log" >"$T/storm.log"
seen=$(grep -c "master\\[$PF_PID\\]: worker [0-9]* (pid [0-9]*, gen 1) killed by signal SIGKILL" "$T/storm.log")
deaths=$(grep -cE "master\\[$PF_PID\\]: worker [0-9]+ \\(pid [0-9]+, gen 1\\) (killed by signal|exited)" "$T/storm.log")
at_once=$(grep -c "master\\[$PF_PID\\]: restarting worker [0-9]* in 0 ms" "$T/storm.log")
backoff=$(grep -cE "master\\[$PF_PID\\]: restarting worker [0-9]+ in [1-9][0-9]* ms" "$T/storm.log")
read -r replaced avg_ms max_ms < <(awk '
	function ms(s,  a) { split(substr(s, 12, 12), a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
	function slot(s) { match(s, /worker [0-9]+ /); return substr(s, RSTART + 7, RLENGTH - 8) }
	/killed by signal SIGKILL/ { dead[slot($0)] = ms($0) }
	/\) ready$/ { s = slot($0)
		if (s in dead) { d = ms($0) - dead[s]; n++; sum += d; if (d > max) max = d; delete dead[s] } }
	END { printf "%d %d %d\n", n, n ? sum / n : 0, max }' "$T/storm.log")

echo "storm: $KILLS workers SIGKILLed in $storm_ms ms ($ticks ticks of 200 ms, $SKIPPED without a candidate up for 3.3 s)"
for g in $GONE; do
	echo "worker $g died between our SIGSTOP and SIGKILL; the log says:"
	grep -E "\\(pid $g, |\\[$g\\]" "$T/preforkd.log" | sed 's/^/  /'
done
echo "master: $deaths deaths logged ($seen by SIGKILL), $at_once restarted at once, $backoff after a backoff;" \
	"$replaced replacements ready after $avg_ms ms on average, $max_ms ms at most"
echo "keep-alive (32 conns): $ka_line"
echo "per-request (8 conns): $cl_line"
echo "failed: $failed (keep-alive $ka_err, per-request $cl_err);" \
	"connections held by the killed workers: $HELD (at most $MAXHELD by one)"

[ "$KILLS" -ge $((ticks * 3 / 4)) ] || fail "only $KILLS kills in $ticks ticks"
[ -z "$GONE" ] || fail "workers died but not of our SIGKILL:$GONE"
[ "$seen" -eq "$KILLS" ] || fail "$KILLS kills, but the master logged $seen SIGKILL deaths"
[ "$deaths" -eq "$KILLS" ] || fail "$KILLS kills, but the master logged $deaths deaths"
[ "$failed" -le "$HELD" ] ||
	fail "$failed client failures, but the killed workers held only $HELD connections"
for l in "$ka_line" "$cl_line"; do
	[ "$(pfload_get requests "$l")" -ge 1000 ] || fail "too few requests: $l"
done

steady_check "after the kill storm" "$fd0" "$rss0" "$WORKERS"
"$PFLOAD" -q -m http -p "$PORT" -c 4 -n 200 -b "hello
" >/dev/null || fail "not serving after the storm"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "kill storm: $KILLS workers killed, $failed failures <= $HELD connections held, master fds and RSS steady"
