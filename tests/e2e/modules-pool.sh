#!/bin/bash
# modules-pool.sh - defer() on the worker's thread pool, with the sleeper
# test module: 100 ms jobs on 4 threads give 40 messages/s while a
# built-in echo on the same worker stays fast; 1,000 clients through a
# queue of 64 are all answered; 2,000 clients that leave mid-job get one
# PFD_GONE each while other clients on reused descriptors get only their
# own answers; job_timeout closes with a reason; a reload answers every job
# in flight; a hook that blocks the loop is named when the worker is
# replaced.
. "$TESTS_SRCDIR/e2e/lib.sh"

read -r PS PQ PT PE PG < <(free_ports 5 | tr '\n' ' ')
S=$TESTBIN/modules/sleeper.so
cat >"$T/p.conf" <<CONF
workers = 1;
worker_timeout = 2;
max_connections = 5000;
listeners = (
  { name = "sleep"; listen = "127.0.0.1:$PS"; mode = "module"; backlog = 4096;
    module = { path = "$S"; framing = "delimiter"; delimiter = "\n"; threads = 4; queue = 256; }; },
  { name = "queue"; listen = "127.0.0.1:$PQ"; mode = "module"; backlog = 4096;
    module = { path = "$S"; framing = "delimiter"; delimiter = "\n"; threads = 4; queue = 64; }; },
  { name = "timeout"; listen = "127.0.0.1:$PT"; mode = "module";
    module = { path = "$S"; framing = "delimiter"; delimiter = "\n"; threads = 1; job_timeout = 0.5; }; },
  { name = "gone"; listen = "127.0.0.1:$PG"; mode = "module"; backlog = 4096;
    module = { path = "$S"; framing = "delimiter"; delimiter = "\n"; threads = 32; queue = 4096; }; },
  { name = "echo"; listen = "127.0.0.1:$PE"; mode = "echo"; }
);
CONF
pf_start "$T/p.conf"
WORKER=$(worker_pids); WORKER=${WORKER%% *}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$WORKER/status"; }
stats() { python3 "$TESTS_SRCDIR/e2e/modclient.py" "$1" 'stats\n' "$2" >/dev/null; }

# 1. 40 connections of 100 ms jobs on 4 threads for 3 s, and echo beside.
python3 - "$PS" >"$T/rate.out" <<'PY' &
import socket, sys, threading, time
port, n, secs = int(sys.argv[1]), 40, 3.0
count = [0] * n
def run(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    end, k = time.monotonic() + secs, 0
    while time.monotonic() < end:
        s.sendall(b"sleep 100 c%d-%d\n" % (i, k))
        got = b""
        while not got.endswith(b"\n"):
            got += s.recv(100)
        assert got == b"done c%d-%d\n" % (i, k), got
        count[i] += 1
        k += 1
t0 = time.monotonic()
ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
[t.start() for t in ts]
[t.join() for t in ts]
print("%.1f" % (sum(count) / (time.monotonic() - t0)))
PY
RATE=$!
sleep 0.5
line=$("$PFLOAD" -q -m echo -p "$PE" -c 1 -s 64 -d 2 -t 5) || fail "echo beside the pool had errors: $line"
wait "$RATE" || fail "the 100 ms jobs were not all answered in order"
rate=$(cat "$T/rate.out")
p99=$(pfload_get p99_us "$line")
echo "40 connections of 100 ms jobs on 4 threads: $rate messages/s; echo beside them: $line"
awk -v r="$rate" 'BEGIN { exit !(r >= 36 && r <= 44) }' || fail "$rate messages/s, not 40 +- 4"
[ "$p99" -lt 5000 ] || fail "echo p99 $p99 us while the pool works (5 ms allowed)"
ok "100 ms jobs x 40 connections on 4 threads: $rate messages/s; echo p99 ${p99} us meanwhile"

# 2. 1,000 clients with one message each through a queue of 64.
burst() {
	python3 - "$PQ" "$1" <<'PY'
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
port, tag = int(sys.argv[1]), sys.argv[2]
conns = []
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"sleep 5 %s-%d\n" % (tag.encode(), i))
    conns.append(s)
bad = 0
for i, s in enumerate(conns):
    got = b""
    while not got.endswith(b"\n"):
        d = s.recv(100)
        if not d:
            break
        got += d
    bad += got != b"done %s-%d\n" % (tag.encode(), i)
    s.close()
print("answered %d of 1000" % (1000 - bad))
sys.exit(1 if bad else 0)
PY
}
burst warm >/dev/null || fail "the first 1,000 clients were not all answered"
before=$(rss_kb)
out=$(burst b) || fail "1,000 clients through a queue of 64: $out"
after=$(rss_kb)
echo "$out; worker RSS $before kB -> $after kB"
[ $(( (after - before) * 100 )) -le $(( before * 5 )) ] || [ "${SANITIZED:-no}" = yes ] ||
	fail "RSS grew more than 5%: $before -> $after kB"
ok "1,000 clients, one message each, queue 64: $out, RSS $before -> $after kB"

# 3. 2,000 clients leave mid-job (their descriptors are reused at once)
# while 200 others wait for their own answers.
base=$(python3 - "$PG" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"stats\n"); print(s.recv(100).decode().strip())
PY
)
python3 - "$PG" <<'PY' || fail "clients that stayed did not get exactly their own answers"
import resource, socket, sys, threading
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
port = int(sys.argv[1])
bad = []
def stay(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    for k in range(3):
        s.sendall(b"sleep 20 stay%d-%d\n" % (i, k))
        got = b""
        while not got.endswith(b"\n"):
            d = s.recv(100)
            if not d:
                break
            got += d
        if got != b"done stay%d-%d\n" % (i, k):
            bad.append(got)
    s.close()
ts = [threading.Thread(target=stay, args=(i,)) for i in range(200)]
[t.start() for t in ts]
for i in range(2000):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"sleep 100 left%d\n" % i)
    s.close()
[t.join() for t in ts]
print("200 clients x 3 messages beside 2,000 that left: %d wrong answers" % len(bad))
sys.exit(1 if bad else 0)
PY
want_gone=$(( $(echo "$base" | sed 's/.*gone=//') + 2000 ))
want_done=$(( $(echo "$base" | sed 's/done=\([0-9]*\).*/\1/') + 600 ))
wait_for 30 stats "$PG" "done=$want_done gone=$want_gone\\n" ||
	fail "after 2,000 clients left mid-job: $(python3 "$TESTS_SRCDIR/e2e/modclient.py" "$PG" 'stats\n' x) (wanted done=$want_done gone=$want_gone)"
ok "2,000 clients left mid-job: exactly 2,000 PFD_GONE; 600 answers to the clients that stayed, each its own"

# 4. job_timeout.
python3 "$TESTS_SRCDIR/e2e/modclient.py" "$PT" 'sleep 1500 slow\n' '' --closed ||
	fail "a job over job_timeout did not close its connection"
log_has "timeout: fd [0-9]+: closed: its job ran past job_timeout" || fail "no log line for the job timeout"
ok "a job past job_timeout (0.5 s) closes its connection with a logged reason"

# 5. A reload while 20 jobs of 500 ms run: every one is answered.
python3 - "$PS" "$PF_PID" <<'PY' || fail "jobs in flight during a reload were not all answered"
import os, signal, socket, sys, time
port, master = int(sys.argv[1]), int(sys.argv[2])
conns = []
for i in range(20):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"sleep 500 r%d\n" % i)
    conns.append(s)
time.sleep(0.1)
os.kill(master, signal.SIGHUP)
ok = 0
for i, s in enumerate(conns):
    got = b""
    while not got.endswith(b"\n"):
        d = s.recv(100)
        if not d:
            break
        got += d
    ok += got == b"done r%d\n" % i
print("%d of 20 jobs in flight answered across the reload" % ok)
sys.exit(0 if ok == 20 else 1)
PY
wait_for 10 log_has "reload: generation 2 ready" || fail "the reload did not complete"
ok "a reload with 20 jobs in flight: all 20 answered by the draining worker"

# 6. A hook that blocks the loop past worker_timeout (2 s).
# (The first generation's worker may still be draining: the line is
# matched by its text, not by a pid.)
python3 "$TESTS_SRCDIR/e2e/modclient.py" "$PS" 'block 30000\n' '' >/dev/null 2>&1 &
wait_for 10 log_has "worker 0\\[[0-9]+\\]: module 'sleeper' 0\\.1 was stopped in on_message: it blocked the worker's loop" ||
	fail "the blocked worker was not named with its module and hook"
replaced() { [ "$(grep -c 'worker 0 (pid [0-9]*, gen 2) ready' "$T/preforkd.log")" -ge 2 ]; }
wait_for 10 replaced || fail "the blocked worker was not replaced"
line=$("$PFLOAD" -q -m echo -p "$PE" -c 4 -n 2000 -s 64 -t 5) || fail "echo after the replacement: $line"
ok "on_message blocking the loop: $(grep -o "module 'sleeper' 0.1 was stopped in on_message" "$T/preforkd.log" | head -1), worker replaced, echo serves again"
pf_stop
