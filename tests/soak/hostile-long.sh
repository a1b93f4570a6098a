#!/bin/bash
# hostile-long.sh - tests/e2e/hostile.sh's hostile clients, longer and
# bigger, while a normal client measures its latency throughout:
#   1. slowloris, 130 s: two interleaved streams of waves of 2,000
#      connections trickling a request head (up to 4,000 at once) -> every
#      one closed at header_timeout (3 s), the normal client's p99 under
#      10 ms, the workers' descriptors back where they were, their memory
#      following the connections held at once, not the number served;
#   2. slow readers, 45 s: waves of 50 clients asking for a 64 MiB file and
#      never reading -> every one cut at send_timeout (2 s), worker RSS flat;
#   3. pipelining non-readers, 12 s: 10 clients sending 34 MiB of pipelined
#      GETs and never reading an answer -> the workers stop reading them
#      (backpressure) and cut them at send_timeout, RSS flat.
# limit: 360 s
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/soak/soak_lib.sh"
[ -x "$TESTBIN/slowclient" ] || skip "tests/slowclient is not built"

LORIS_S=${SOAK_LORIS_S:-130} LORIS_N=2000 WAVE_S=4 HEADER_TIMEOUT=3
READ_WAVES=${SOAK_READ_WAVES:-8} READERS=50 SEND_TIMEOUT=2
PIPERS=10

read -r P1 P2 < <(free_ports 2 | tr '\n' ' ')
mkdir -p "$T/www"
truncate -s 64M "$T/www/big.bin"
cat >"$T/p.conf" <<CONF
workers = 2;
max_connections = 10000;
shutdown_timeout = 2.0;
log_level = "notice";
listeners = (
  { name = "fixed"; listen = "127.0.0.1:$P1"; mode = "http"; backlog = 4096;
    send_timeout = $SEND_TIMEOUT.0;
    http = { response = "Hello, world!\n"; header_timeout = $HEADER_TIMEOUT.0; }; },
  { name = "files"; listen = "127.0.0.1:$P2"; mode = "http"; backlog = 1024;
    send_timeout = $SEND_TIMEOUT.0; http = { root = "$T/www"; }; }
);
CONF
pf_start "$T/p.conf"
read -r W1 W2 < <(worker_pids)
[ -n "$W1" ] && [ -n "$W2" ] || fail "not two workers"
wfds() { echo $(($(fd_count "$W1") + $(fd_count "$W2"))); }
wrss() { echo $(($(rss_kb "$W1") + $(rss_kb "$W2"))); }
# normal LABEL SECONDS: a normal keep-alive client in the background (NORMAL)
normal() {
	"$PFLOAD" -q -m http -p "$P1" -c 4 -t 5 -d "$2" -b "Hello, world!
" >"$T/normal-$1.out" 2>&1 &
	NORMAL=$!
	PIDS="$PIDS $NORMAL"
}
# normal_done LABEL TEXT: waits for NORMAL, prints its line, fails on an
# error or a p99 of 10 ms or more
normal_done() {
	wait "$NORMAL" || fail "$2: the normal client saw errors: $(cat "$T/normal-$1.out")"
	_l=$(cat "$T/normal-$1.out")
	echo "$2: normal client (4 keep-alive conns): $_l"
	[ "$(pfload_get p99_us "$_l")" -lt 10000 ] ||
		fail "$2: the normal client's p99 is $(pfload_get p99_us "$_l") us"
}
# sample_rss FILE: appends the workers' RSS every 0.5 s until killed
sample_rss() { while :; do wrss >>"$1" 2>/dev/null; sleep 0.5; done; }
max_of() { sort -n "$1" | tail -n 1; }
# third_max FILE K: the largest sample of the K-th third (1..3) of FILE
third_max() {
	awk -v k="$2" '{ v[NR] = $1 } END { n = int(NR / 3); m = 0
		for (i = (k - 1) * n + 1; i <= k * n; i++) if (v[i] > m) m = v[i]; print m }' "$1"
}

# Warm-up: both listeners answer, a little of everything.
"$PFLOAD" -q -m http -p "$P1" -c 4 -n 2000 >/dev/null || fail "no answer on $P1"
curl -s -o /dev/null -r 0-1 "http://127.0.0.1:$P2/big.bin" 2>/dev/null || true
fds0=$(wfds) rss0=$(wrss) mfd0=$(fd_count "$PF_PID") mrss0=$(rss_kb "$PF_PID")
echo "baseline: workers' fds $fds0, workers' RSS $rss0 kB; master fds $mfd0, RSS $mrss0 kB"

# 1. slowloris
normal loris "$LORIS_S"
: >"$T/rss-loris"
sample_rss "$T/rss-loris" &
SAMPLER=$!
PIDS="$PIDS $SAMPLER"
t0=$(us_now)
waves=0 wpids=()
for i in $(seq 0 $((LORIS_S / WAVE_S * 2 - 2))); do
	# stream A starts at 0, 4, 8 ... s; stream B at 2, 6, 10 ... s
	pace_to $((t0 + i * WAVE_S * 500000))
	"$TESTBIN/slowclient" loris "$P1" "$LORIS_N" 20 >"$T/loris.$i" 2>&1 &
	wpids+=($!)
	PIDS="$PIDS $!"
	waves=$((waves + 1))
done
for p in "${wpids[@]}"; do wait "$p"; done
normal_done loris "slowloris"
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null
opened=$((waves * LORIS_N))
read -r closed slowest mean < <(cat "$T"/loris.* | awk '
	/^closed=/ { split($1, c, "="); split($4, s, "="); n += c[2]; sum += s[2]; k++
		     if (s[2] > max) max = s[2] }
	END { printf "%d %d %d\n", n, max, k ? sum / k : 0 }')
bad=$(grep -L '^closed=' "$T"/loris.* | wc -l)
rss_peak=$(max_of "$T/rss-loris")
rss_first=$(third_max "$T/rss-loris" 1) rss_last=$(third_max "$T/rss-loris" 3)
wait_for 5 eval '[ "$(wfds)" -le "$fds0" ]'
fds1=$(wfds) rss1=$(wrss)
echo "slowloris: $waves waves of $LORIS_N over ${LORIS_S} s ($opened connections, up to $((2 * LORIS_N)) at once):" \
	"$closed closed by the server, a wave's last close after $slowest ms at most ($mean ms on average;" \
	"header_timeout ${HEADER_TIMEOUT} s)"
echo "slowloris: workers' fds $fds0 -> $fds1 after; workers' RSS $rss0 kB before, at most $rss_peak kB" \
	"during (~$(((rss_peak - rss0) / (2 * LORIS_N))) kB per connection held), $rss1 kB after;" \
	"at most $rss_first kB in the first third of the waves, $rss_last kB in the last"
[ "$bad" -eq 0 ] || fail "slowloris: $bad waves failed: $(grep -Lh '^closed=' "$T"/loris.* | head -n 3 | xargs cat)"
[ "$closed" -eq "$opened" ] || fail "slowloris: only $closed of $opened closed"
[ "$slowest" -lt $((HEADER_TIMEOUT * 1000 + 3000)) ] ||
	fail "slowloris: a wave's last close came after $slowest ms (header_timeout $HEADER_TIMEOUT s)"
[ "$fds1" -le "$fds0" ] || fail "slowloris: workers' fds $fds0 -> $fds1"
# Memory follows the connections held at once, not the number served.
[ "$waves" -lt 9 ] || [ $((rss_last - rss_first)) -lt 2048 ] ||
	fail "slowloris: workers' RSS grew from $rss_first kB to $rss_last kB over the waves"

# 2. slow readers of a 64 MiB file (memory compared with what the workers
# kept after slowloris: freed connection memory is not given back)
rss1=$(wrss)
normal readers $((READ_WAVES * (SEND_TIMEOUT + 4)))
: >"$T/rss-read"
sample_rss "$T/rss-read" &
SAMPLER=$!
PIDS="$PIDS $SAMPLER"
cut=0 open_=0
for w in $(seq 1 "$READ_WAVES"); do
	rpids=()
	for r in $(seq 1 "$READERS"); do
		"$TESTBIN/slowclient" noread "$P2" /big.bin $((SEND_TIMEOUT + 2)) >"$T/read.$w.$r" 2>&1 &
		rpids+=($!)
		PIDS="$PIDS $!"
	done
	for p in "${rpids[@]}"; do wait "$p"; done
	cut=$((cut + $(cat "$T"/read.$w.* | grep -cx closed)))
done
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null
normal_done readers "slow readers"
rss_peak=$(max_of "$T/rss-read")
wait_for 5 eval '[ "$(wfds)" -le "$fds0" ]'
fds2=$(wfds) rss2=$(wrss)
total=$((READ_WAVES * READERS))
echo "slow readers: $total clients ($READ_WAVES waves of $READERS) never reading a 64 MiB file:" \
	"$cut cut by send_timeout (${SEND_TIMEOUT} s); workers' RSS $rss1 kB before, at most $rss_peak kB during" \
	"(+$((rss_peak - rss1)) kB), $rss2 kB after; workers' fds $fds0 -> $fds2"
[ "$cut" -eq "$total" ] || fail "slow readers: only $cut of $total cut by send_timeout"
[ $((rss_peak - rss1)) -lt 1024 ] || fail "slow readers: workers' RSS grew by $((rss_peak - rss1)) kB"
[ "$fds2" -le "$fds0" ] || fail "slow readers: workers' fds $fds0 -> $fds2"

# 3. pipelining clients that never read an answer
printf 'GET / HTTP/1.1\r\nHost: t\r\n\r\n%.0s' $(seq 1 4096) >"$T/pipe.1"
for _ in $(seq 1 5); do cat "$T/pipe.1"; done >"$T/pipe.5"
for _ in $(seq 1 8); do cat "$T/pipe.5"; done >"$T/pipe.40"
# 27 bytes each: 34 MiB, more than loopback's socket buffers hold (a client
# that could write it all had its requests read by the server)
for _ in $(seq 1 8); do cat "$T/pipe.40"; done >"$T/pipe.req"
reqs=$((4096 * 5 * 8 * 8))
normal pipes 12
: >"$T/rss-pipe"
sample_rss "$T/rss-pipe" &
SAMPLER=$!
PIDS="$PIDS $SAMPLER"
ppids=()
for k in $(seq 1 "$PIPERS"); do
	# bash's /dev/tcp: the client only writes; cat blocks once the server
	# stops reading, and fails once the server gives up on it. Prints cat's
	# status and when it ended; killed after 8 s (status 124).
	timeout -k 1 8 "$BASH" -c 't0=${EPOCHREALTIME//[.,]/}
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 99
		cat "$2" >&3 2>/dev/null; rc=$?
		echo "$rc $(( (${EPOCHREALTIME//[.,]/} - t0) / 1000 ))"; sleep 10' _ \
		"$P1" "$T/pipe.req" >"$T/piper.$k" 2>/dev/null &
	ppids+=($!)
	PIDS="$PIDS $!"
done
sleep 1
held=0
for w in $W1 $W2; do held=$((held + $(held_conns "$w" "$P1"))); done
for p in "${ppids[@]}"; do wait "$p"; done
# cut: cat failed (the server closed or reset); whole: cat wrote it all
read -r cut_p whole slowest_p < <(cat "$T"/piper.* | awk '
	NF == 2 && $1 != 0 { c++; if ($2 > m) m = $2 } NF == 2 && $1 == 0 { w++ }
	END { printf "%d %d %d\n", c, w, m }')
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null
normal_done pipes "pipelining non-readers"
rss_peak=$(max_of "$T/rss-pipe")
wait_for 5 eval '[ "$(wfds)" -le "$fds0" ]'
fds3=$(wfds) rss3=$(wrss)
echo "pipelining non-readers: $PIPERS clients each sending $reqs pipelined GETs ($(($(wc -c <"$T/pipe.req") / 1024)) KiB)" \
	"and reading nothing: connections held by the workers 1 s in $held (the normal client's 4 included);" \
	"$cut_p cut by the server (the last $slowest_p ms after connecting; send_timeout $SEND_TIMEOUT s), $whole had all their requests read;" \
	"workers' RSS $rss2 kB before, at most $rss_peak kB during (+$((rss_peak - rss2)) kB), $rss3 kB after;" \
	"workers' fds $fds0 -> $fds3"
[ "$cut_p" -eq "$PIPERS" ] || fail "pipelining non-readers: only $cut_p of $PIPERS cut by the server: $(cat "$T"/piper.* | tr '\n' ' ')"
[ "$slowest_p" -lt $((SEND_TIMEOUT * 1000 + 3000)) ] ||
	fail "pipelining non-readers: one was cut $slowest_p ms after connecting (send_timeout $SEND_TIMEOUT s)"
[ $((rss_peak - rss2)) -lt 2048 ] || fail "pipelining non-readers: workers' RSS grew by $((rss_peak - rss2)) kB"
[ "$fds3" -le "$fds0" ] || fail "pipelining non-readers: workers' fds $fds0 -> $fds3"

kill -0 "$W1" && kill -0 "$W2" || fail "a worker died"
log_has "killed by signal|exited with status [1-9]" && fail "a worker died abnormally"
mfd1=$(fd_count "$PF_PID") mrss1=$(rss_kb "$PF_PID")
echo "master: fds $mfd0 -> $mfd1, RSS $mrss0 -> $mrss1 kB"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "long hostile round: $opened slowloris connections closed at header_timeout, $total slow readers cut at send_timeout, $PIPERS pipelining non-readers held in check"
