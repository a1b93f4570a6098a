#!/bin/bash
# hostile.sh - hostile clients: slowloris, a reader that never reads, a
# flood over max_connections, and descriptor exhaustion (EMFILE).
. "$TESTS_SRCDIR/e2e/lib.sh"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

read -r P1 P2 < <(free_ports 2 | tr '\n' ' ')
mkdir -p "$T/www"
truncate -s 256M "$T/www/huge.bin"
cat >"$T/hostile.conf" <<CONF
workers = 1;
max_connections = 2000;
listeners = (
  { name = "fixed"; listen = "127.0.0.1:$P1"; mode = "http"; backlog = 2048;
    http = { response = "Hello, world!\n"; header_timeout = 1.0; }; },
  { name = "files"; listen = "127.0.0.1:$P2"; mode = "http"; send_timeout = 1.0;
    http = { root = "$T/www"; }; }
);
CONF
pf_start "$T/hostile.conf"

# slowloris: 1,000 connections trickle headers; all go at header_timeout
# while a normal client keeps its latency.
"$TESTBIN/slowclient" loris "$P1" 1000 5 >"$T/loris.out" &
loris=$!
sleep 0.3
line=$("$PFLOAD" -q -m http -p "$P1" -c 4 -d 1.5 -b $'Hello, world!\n') ||
	fail "a normal client had errors during slowloris: $line"
wait $loris
read -r closed slowest < <(sed -n 's/^closed=\([0-9]*\) of [0-9]* slowest_ms=\([0-9]*\)$/\1 \2/p' "$T/loris.out")
[ "$closed" = 1000 ] || fail "slowloris: only $closed of 1000 closed: $(cat "$T/loris.out")"
[ "$slowest" -lt 3000 ] || fail "slowloris: the last close came after $slowest ms (header_timeout 1 s)"
p99=$(pfload_get p99_us "$line")
[ "$p99" -lt 10000 ] || fail "normal client p99 $p99 us during slowloris"
ok "slowloris: 1000/1000 closed by header_timeout (last after $slowest ms); normal client p99 $p99 us"

# a client that never reads a 256 MiB answer: cut at send_timeout
worker=$(worker_pids)
before=$(awk '/^VmRSS/ {print $2}' "/proc/${worker%% *}/status")
got=$("$TESTBIN/slowclient" noread "$P2" /huge.bin 3)
after=$(awk '/^VmRSS/ {print $2}' "/proc/${worker%% *}/status")
[ "$got" = closed ] || fail "a client that never reads was not cut by send_timeout"
[ $((after - before)) -lt 1024 ] || fail "RSS grew by $((after - before)) kB under a slow reader"
log_has "send timeout" || true
ok "slow reader closed by send_timeout; worker RSS $before -> $after kB"
pf_stop TERM

# a flood over max_connections is refused fast, with 503, and the server
# recovers. The clients each send a request: an HTTP listener defers
# accepting until one does.
read -r P3 < <(free_ports 1)
cat >"$T/flood.conf" <<CONF
workers = 1;
max_connections = 100;
listeners = ( { name = "fixed"; listen = "127.0.0.1:$P3"; mode = "http"; backlog = 2048;
  http = { response = "Hello, world!\n"; }; } );
CONF
pf_start "$T/flood.conf"
"$PFLOAD" -q -m idle -w -p "$P3" -c 1100 -d 3 >"$T/flood.out" &
flood=$!
sleep 1
start=$(date +%s%N)
status=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P3/")
waited=$((($(date +%s%N) - start) / 1000000))
[ "$status" = 503 ] || fail "a connection over the limit got '$status', not 503"
[ "$waited" -lt 1000 ] || fail "a connection over the limit waited $waited ms for its answer"
wait $flood
held=$(pfload_get requests "$(cat "$T/flood.out")")
refused=$(pfload_get bad_status "$(cat "$T/flood.out")")
[ "$held" = 100 ] && [ "$refused" = 1000 ] ||
	fail "flood: want 100 served and 1,000 refused with 503: $(cat "$T/flood.out")"
line=$("$PFLOAD" -q -m http -p "$P3" -c 8 -n 2000 -b $'Hello, world!\n') ||
	fail "no recovery after the flood: $line"
ok "1,100 clients over max_connections = 100: $held served, $refused answered 503 (in $waited ms), recovered"
pf_stop TERM

# EMFILE: 256 descriptors, 1,000 clients; no busy loop, service resumes
command -v prlimit >/dev/null || skip "prlimit (util-linux) is missing"
read -r P4 < <(free_ports 1)
cat >"$T/emfile.conf" <<CONF
workers = 1;
listeners = ( { name = "fixed"; listen = "127.0.0.1:$P4"; mode = "http"; backlog = 2048;
  http = { response = "Hello, world!\n"; }; } );
CONF
"$PREFORKD" -c "$T/emfile.conf" >>"$T/preforkd.log" 2>&1 &
PF_PID=$!
PIDS="$PIDS $PF_PID"
wait_for 10 log_has "\\[$PF_PID\\]: ready: " || fail "not ready"
prlimit --pid "$(worker_pids | tr -d ' ')" --nofile=256:256 ||
	fail "cannot lower the worker's RLIMIT_NOFILE"
worker=$(worker_pids | tr -d ' ')
"$PFLOAD" -q -m idle -w -p "$P4" -c 1000 -d 3 >"$T/emfile.out" &
idle=$!
sleep 0.5
t0=$(cpu_ticks "$worker")
sleep 2
t1=$(cpu_ticks "$worker")
wait $idle
[ $((t1 - t0)) -lt 50 ] || fail "EMFILE: the worker used $((t1 - t0)) ticks of CPU in 2 s (busy loop?)"
log_has "Too many open files" || fail "EMFILE was not logged"
warnings=$(grep -c "Too many open files" "$T/preforkd.log")
[ "$warnings" -le 6 ] || fail "EMFILE logged $warnings times in about 3 s"
resume() { "$PFLOAD" -q -m http -p "$P4" -c 2 -n 100 -b $'Hello, world!\n' >/dev/null; }
wait_for 1 resume ||
	fail "service did not resume within a second after descriptors freed up"
ok "EMFILE at 256 descriptors with 1,000 clients: $((t1 - t0)) ticks of CPU in 2 s, logged $warnings times, service resumed"
pf_stop TERM
