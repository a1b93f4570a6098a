#!/bin/bash
# modules-crash.sh - a module that crashes (SIGSEGV, then SIGABRT, then
# SIGBUS) in on_message takes down only its own worker: that worker's
# connections end, the other worker's go on without one error, the log
# names the module, the hook and the signal, and the master restarts the
# slot with backoff.
. "$TESTS_SRCDIR/e2e/lib.sh"

read -r P < <(free_ports 1)
cat >"$T/c.conf" <<CONF
workers = 2;
listeners = (
  { name = "crashy"; listen = "127.0.0.1:$P"; mode = "module";
    module = { path = "$TESTBIN/modules/crashy.so"; framing = "delimiter"; delimiter = "\n"; }; }
);
CONF
pf_start "$T/c.conf"

# crash SIGNAL WORD: 40 connections spread over both workers; WORD on one
# connection of one worker; then every connection of the other worker must
# answer 50 more lines, every one of the crashed worker's must have ended.
crash() {
	python3 - "$P" "$2" <<'PY' || fail "$1: the crash was not confined to its worker"
import socket, sys, time
port, word = int(sys.argv[1]), sys.argv[2].encode()
def ask(s, line):
    s.sendall(line + b"\n")
    got = b""
    while not got.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            return None
        got += d
    return got[:-1]
conns = []
for i in range(200):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    conns.append((s, ask(s, b"pid")))
    if i >= 39 and len({p for _, p in conns}) == 2:
        break
pids = sorted({p for _, p in conns})
if len(pids) != 2:
    sys.exit("connections reached %d worker(s), not 2" % len(pids))
victim = pids[0]
mine = [s for s, p in conns if p == victim]
others = [s for s, p in conns if p != victim]
mine[0].sendall(word + b"\n")
time.sleep(0.3)
errors = 0
for s in others:
    for k in range(50):
        if ask(s, b"line %d" % k) != b"line %d" % k:
            errors += 1
ended = 0
for s in mine:
    try:
        s.settimeout(2)
        ended += s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        ended += 1
print("victim pid %s: %d of its %d connections ended; %d other connections x 50 lines: %d errors"
      % (victim.decode(), ended, len(mine), len(others), errors))
print("VICTIM", victim.decode())
sys.exit(0 if errors == 0 and ended == len(mine) else 1)
PY
}

for c in "SEGV segv" "ABRT abort" "BUS bus"; do
	sig=${c% *}
	before=$(grep -c "restarting worker" "$T/preforkd.log")
	out=$(crash "$sig" "${c#* }") || fail "$sig: $out"
	echo "$out" | grep -v '^VICTIM'
	victim=$(echo "$out" | sed -n 's/^VICTIM //p')
	wait_for 5 log_has "worker [0-9]\\[$victim\\]: module 'crashy' 0\\.1 crashed in on_message: SIG$sig" ||
		fail "$sig: no log line naming the module, the hook and the signal"
	wait_for 5 log_has "\\(pid $victim, gen 1\\).*killed by signal SIG$sig" ||
		fail "$sig: the master did not log how worker $victim died"
	restarted() { [ "$(grep -c "restarting worker" "$T/preforkd.log")" -gt "$before" ]; }
	two_workers() { [ "$(pgrep -P "$PF_PID" | wc -l)" -eq 2 ]; }
	wait_for 5 restarted ||
		fail "$sig: the slot was not restarted"
	wait_for 10 two_workers || fail "$sig: 2 workers did not come back"
	ok "$sig in on_message: only worker $victim's connections ended; logged; $(grep "restarting worker" "$T/preforkd.log" | tail -1 | sed 's/.*: //')"
done
grep -q "restarting worker [0-9] in [1-9][0-9]* ms" "$T/preforkd.log" || fail "no backoff delay logged"
delays=$(grep -o "restarting worker [0-9] in [0-9]* ms" "$T/preforkd.log" | awk '{print $5}' | tr '\n' ' ')
ok "restarts with backoff: delays (ms) $delays"
pf_stop
[ "$PF_STATUS" = 0 ] || fail "preforkd exited $PF_STATUS"
