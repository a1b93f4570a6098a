#!/bin/bash
# control.sh - the master's control socket through preforkctl: ping, show
# info and proc, a good reload, a reload with a typo, with a taken port,
# with workers that never get ready, with a worker that exits, two reloads
# at once, no daemon, an unknown command, a too long request, nine idle
# clients (the ninth is busy; HTTP and WATCHDOG go on), the socket's mode,
# a second master on a live socket, drain, stop, a stale socket, a stop
# while a reload waits.
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/e2e/control_lib.sh"

set -- $(free_ports 2)
PORT=$1 PORT2=$2

# conf WORKERS [EXTRA LISTENER]: writes $T/p.conf
conf() {
	cat >"$T/p.conf" <<EOC
workers = $1;
shutdown_timeout = 2.0;
control = { socket = "ctl.sock"; mode = "0660"; };
listeners = (
  { name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
    http = { response = "hello\n"; }; }${2:+,
  $2}
);
EOC
}

# A fake service manager: WATCHDOG=1 lines it receives go to $T/notify.log.
"$PY" - "$T/notify.sock" "$T/notify.log" <<'EOP' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        try:
            d = s.recv(4096).decode()
        except socket.timeout:
            break
        for line in d.split("\n"):
            if line:
                f.write(line + "\n")
EOP
NOTIFY_PID=$!
PIDS="$PIDS $NOTIFY_PID"
wait_for 5 test -S "$T/notify.sock" || fail "the fake notify socket"

conf 3
export NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000
pf_start "$T/p.conf"
unset NOTIFY_SOCKET WATCHDOG_USEC

# --- ping, the socket's mode and show info
ctl ping
expect_rc 0 ping
[ "$OUT" = pong ] || fail "ping answered '$OUT'"
[ "$(stat -c %a "$CTL")" = 660 ] || fail "socket mode $(stat -c %a "$CTL"), not 660"
ctl show info
expect_rc 0 "show info"
for k in pid version uptime_seconds state health generation workers \
	workers_ready connections requests_total reloads_ok reloads_failed \
	last_reload config; do
	echo "$OUT" | grep -q "^$k: " || fail "show info has no $k: $OUT"
done
[ "$(info pid)" = "$PF_PID" ] || fail "show info pid"
[ "$(info state)" = running ] || fail "state $(info state)"
[ "$(info workers_ready)" = 3 ] || fail "workers_ready $(info workers_ready)"
ctl show proc
expect_rc 0 "show proc"
[ "$(echo "$OUT" | head -n 1)" = \
  "slot generation pid state uptime restarts connections requests cpu" ] ||
	fail "show proc header: $OUT"
[ "$(echo "$OUT" | awk 'NR > 1 && $2 == 1 && $4 == "ready"' | wc -l)" = 3 ] ||
	fail "show proc rows: $OUT"
ok "ping, mode 0660, show info, show proc"

# --- a good reload
ctl reload
expect_rc 0 "good reload"
echo "$OUT" | grep -Eq '^reload: ok, generation 2, 3 workers ready in [0-9.]+ s$' ||
	fail "good reload answered: $OUT"
[ "$(info generation)" = 2 ] || fail "generation after a good reload"
echo "$(info last_reload)" | grep -q "ok, generation 2" || fail "last_reload: $(info last_reload)"
http_ok "$PORT" hello || fail "HTTP after a good reload"
log_count "control: reload \(from pid [0-9]+, uid $(id -u)\)" | grep -qx 1 ||
	fail "the reload is not logged with the peer's pid and uid"
ok "good reload: $OUT"

# --- a reload with a typo
cp "$T/p.conf" "$T/good.conf"
sed -i 's/^workers = 3;/workrs = 3;/' "$T/p.conf"
ctl reload
expect_rc 1 "reload with a typo"
echo "$ERR" | grep -q "ERR\|failed: config" || fail "typo: $ERR"
echo "$ERR" | grep -Eq "p\.conf:1: unknown setting 'workrs'" ||
	fail "typo: no FILE:LINE line on stderr: $ERR"
[ "$(info generation)" = 2 ] || fail "generation changed after a typo"
echo "$(info last_reload)" | grep -q "failed: config" || fail "last_reload: $(info last_reload)"
[ "$(info reloads_failed)" = 1 ] || fail "reloads_failed"
http_ok "$PORT" hello || fail "HTTP after a bad reload"
ok "typo: exit 1, $(echo "$ERR" | grep 'p.conf:1')"

# --- a reload whose new listener's port is taken
"$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
time.sleep(60)' "$PORT2" &
HOLD=$!
PIDS="$PIDS $HOLD"
wait_for 5 bash -c "ss -ltnH '( sport = :$PORT2 )' | grep -q ." ||
	fail "the port holder did not start"
conf 3 "{ name = \"taken\"; listen = \"127.0.0.1:$PORT2\"; mode = \"echo\"; }"
ctl reload
expect_rc 1 "reload with a taken port"
echo "$ERR" | grep -q "failed: bind" || fail "taken port: $ERR"
echo "$ERR" | grep -q "$PORT2" || fail "taken port: the address is not named: $ERR"
[ "$(info generation)" = 2 ] || fail "generation changed after ERR bind"
http_ok "$PORT" hello || fail "the old generation does not answer after ERR bind"
kill "$HOLD"
ok "taken port: exit 1, $(echo "$ERR" | tail -n 1)"

# --- a reload whose workers never get ready: their access log is a FIFO
# that nobody reads, so opening it blocks them before they report ready.
mkfifo "$T/fifo.log"
cat >"$T/p.conf" <<EOC
workers = 3;
shutdown_timeout = 1.0;
control = { socket = "ctl.sock"; mode = "0660"; };
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
  http = { response = "hello\n"; access_log = "$T/fifo.log"; }; });
EOC
t0=$(ms_now)
ctl reload
t1=$(ms_now)
expect_rc 1 "reload whose workers never get ready"
echo "$ERR" | grep -q "failed: timeout" || fail "never ready: $ERR"
[ $((t1 - t0)) -ge 9500 ] || fail "ERR timeout after $((t1 - t0)) ms, before the deadline"
[ "$(info generation)" = 2 ] || fail "generation changed after ERR timeout"
http_ok "$PORT" hello || fail "HTTP after ERR timeout"
ok "never ready: exit 1 after $((t1 - t0)) ms, $(echo "$ERR" | tail -n 1)"

# --- a reload whose worker exits before it is ready: its access log's
# folder does not exist
sed -i "s|access_log = \"$T/fifo.log\"|access_log = \"$T/no/such/dir.log\"|" "$T/p.conf"
grep -q no/such "$T/p.conf" || fail "no missing folder in the configuration"
ctl reload
expect_rc 1 "reload whose worker exits"
echo "$ERR" | grep -q "failed: worker-exit" || fail "worker exit: $ERR"
echo "$ERR" | grep -Eq "worker [0-9]+ \(gen 5\) exited with status [0-9]+ before the generation was ready" ||
	fail "worker exit: no reason line: $ERR"
[ "$(info generation)" = 2 ] || fail "generation changed after ERR worker-exit"
http_ok "$PORT" hello || fail "HTTP after ERR worker-exit"
ok "worker exits: exit 1, $(echo "$ERR" | tail -n 1)"

# --- two reloads sent together
cp "$T/good.conf" "$T/p.conf"
"$PREFORKCTL" -s "$CTL" reload >"$T/r1" 2>&1 &
R1=$!
"$PREFORKCTL" -s "$CTL" reload >"$T/r2" 2>&1 &
R2=$!
wait "$R1"; rc1=$?
wait "$R2"; rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] ||
	fail "two reloads: exit $rc1 and $rc2 ($(cat "$T/r1" "$T/r2"))"
g1=$(sed -n 's/^reload: ok, generation \([0-9]*\),.*/\1/p' "$T/r1")
g2=$(sed -n 's/^reload: ok, generation \([0-9]*\),.*/\1/p' "$T/r2")
[ -n "$g1" ] && [ -n "$g2" ] && [ "$g1" != "$g2" ] ||
	fail "two reloads: generations '$g1' and '$g2'"
# The same, the second sent while the first is pending (a few
# microseconds apart): it is queued, and answered by the next generation.
# A generation can be ready before the second request is even read, so
# the pair is sent again (10 times at most) until the queue is seen.
queued=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
	ans=$("$PY" - "$CTL" <<'EOP'
import socket, sys
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); socks.append(s)
for s in socks:
    s.sendall(b"reload\n")
for s in socks:
    s.settimeout(20)
    a = b""
    while not a.endswith(b"\n\n"):
        d = s.recv(4096)
        if not d: break
        a += d
    print(a.decode().split("\n")[1])
EOP
)
	q1=$(echo "$ans" | sed -n '1s/^reload: ok, generation \([0-9]*\),.*/\1/p')
	q2=$(echo "$ans" | sed -n '2s/^reload: ok, generation \([0-9]*\),.*/\1/p')
	[ -n "$q1" ] && [ "$q2" = $((q1 + 1)) ] || fail "queued reload: generations '$q1' and '$q2'"
	if log_has "\\[$PF_PID\\]: reload queued: generation $q1 is starting"; then
		queued=$attempt
		break
	fi
done
echo "$ans (queued on attempt $queued)"
[ -n "$queued" ] || fail "the second reload was not queued in 10 attempts"
ok "two reloads at once: generations $g1 and $g2; queued: $q1 then $q2"

# --- usage errors and refusals
"$PREFORKCTL" -s "$T/nobody.sock" ping 2>/dev/null
[ $? -eq 3 ] || fail "no daemon: not exit 3"
"$PREFORKCTL" -s "$CTL" frobnicate 2>/dev/null
[ $? -eq 2 ] || fail "unknown command: not exit 2"
ans=$("$PY" - "$CTL" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"ping " + b"x" * 1100 + b"\n")
print(s.recv(4096).decode().split("\n")[0])
EOP
)
[ "$ans" = "ERR too-long" ] || fail "a long request answered '$ans'"
ans=$("$PY" - "$CTL" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"frobnicate\n")
a = b""
while True:
    d = s.recv(4096)
    if not d: break
    a += d
print(repr(a.decode()))
EOP
)
echo "$ans" | grep -q "^'ERR unknown-command" || fail "unknown verb answered $ans"
echo "$ans" | grep -q '\\n\\n'"'"'$' || fail "the answer does not end with an empty line: $ans"
ok "no daemon 3, unknown command 2, ERR too-long, ERR unknown-command"

# --- nine idle clients: the ninth is busy; HTTP and WATCHDOG go on; the
# eight are closed 10 s after they connected, also one that sends a byte
# every 2 s
wd0=$(grep -c '^WATCHDOG=1' "$T/notify.log")
"$PY" - "$CTL" "$PORT" >"$T/idle.out" 2>&1 <<'EOP'
import socket, sys, threading, time, urllib.request
path, port = sys.argv[1], int(sys.argv[2])
idle = []
for _ in range(8):
    s = socket.socket(socket.AF_UNIX); s.connect(path); idle.append(s)
t0 = time.time()
def dribble(s):
    # A byte every 2 s, never a newline: it must not extend the limit.
    try:
        for b in b"pingpingping":
            s.send(bytes([b]))
            time.sleep(2)
    except OSError:
        pass
threading.Thread(target=dribble, args=(idle[0],), daemon=True).start()
time.sleep(0.3)
n = socket.socket(socket.AF_UNIX); n.connect(path); n.settimeout(5)
print("ninth:", n.recv(4096).decode().split("\n")[0])
ok = 0
for _ in range(20):
    with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2) as r:
        ok += r.read() == b"hello\n"
    time.sleep(0.1)
print("http:", ok)
# The idle limit: each of the eight is closed at 10 s.
for s in idle:
    s.settimeout(15)
    try:
        s.recv(1)
    except ConnectionResetError:
        pass
print("closed after: %.1f" % (time.time() - t0))
EOP
cat "$T/idle.out"
grep -qx "ninth: ERR busy" "$T/idle.out" || fail "the ninth client was not busy"
grep -qx "http: 20" "$T/idle.out" || fail "HTTP did not keep answering"
closed=$(sed -n 's/^closed after: //p' "$T/idle.out")
awk -v c="$closed" 'BEGIN { exit !(c >= 9.5 && c <= 11.5) }' ||
	fail "idle clients closed after $closed s, not 10"
wd1=$(grep -c '^WATCHDOG=1' "$T/notify.log")
[ $((wd1 - wd0)) -ge 15 ] || fail "WATCHDOG=1 only $((wd1 - wd0)) times in ~10 s"
ctl ping
expect_rc 0 "ping after the idle clients"
ok "nine idle clients: ERR busy, 20 HTTP answers, $((wd1 - wd0)) WATCHDOG=1, closed after $closed s"

# --- a second master on the live socket refuses to start; a stale socket
# is replaced
"$PREFORKD" -c "$T/p.conf" >"$T/second.log" 2>&1
[ $? -eq 1 ] || fail "a second master on a live control socket did not exit 1"
grep -q "answers on it" "$T/second.log" || fail "second master: $(cat "$T/second.log")"
kill -0 "$PF_PID" || fail "the first master died"
ctl ping
expect_rc 0 "ping after the second master"

# --- stop through the socket: the socket file goes away
ctl drain
expect_rc 0 drain
[ "$(info health)" = draining ] || fail "health after drain"
ctl undrain
[ "$(info health)" = ok ] || fail "health after undrain"
ctl stop
expect_rc 0 stop
pf_stop_wait() {
	wait_for 15 bash -c "! kill -0 $PF_PID"
}
pf_stop_wait || fail "the master did not stop"
wait "$PF_PID"
[ $? -eq 0 ] || fail "exit status after stop"
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$PF_PID" | tr '\n' ' ')
[ -e "$CTL" ] && fail "the socket file is left after stop"
ok "second master refused, drain/undrain, stop, socket unlinked"

"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$CTL"
[ -S "$CTL" ] || fail "no stale socket made"
pf_start "$T/p.conf"
log_has "replaced the stale socket" || fail "the stale socket was not replaced"
ctl ping
expect_rc 0 "ping on a replaced stale socket"
ok "stale socket replaced"

# --- a stop while a reload waits: the waiting client, and a reload sent
# while the master stops, get ERR stopping. (The blocked workers of the
# pending generation hold the stop for shutdown_timeout, 1 s.)
sed -i 's/access_log = "[^"]*";//; s|response = "hello\\n";|response = "hello\\n"; access_log = "'"$T"'/fifo.log";|' "$T/p.conf"
sed -i 's/^shutdown_timeout = .*/shutdown_timeout = 1.0;/' "$T/p.conf"
grep -q fifo.log "$T/p.conf" || fail "no FIFO access log in the configuration"
"$PREFORKCTL" -s "$CTL" reload >"$T/waiting.out" 2>&1 &
W=$!
wait_for 5 log_has "\\[$PF_PID\\]: generation 2: 3 workers starting" ||
	fail "the blocked reload did not start"
ctl stop
expect_rc 0 "stop while a reload waits"
ctl reload
expect_rc 1 "reload while stopping"
echo "$ERR" | grep -q "failed: stopping" || fail "reload while stopping: $ERR"
wait "$W"; wrc=$?
[ "$wrc" -eq 1 ] && grep -q "failed: stopping" "$T/waiting.out" ||
	fail "the waiting reload got exit $wrc: $(cat "$T/waiting.out")"
wait_for 15 bash -c "! kill -0 $PF_PID" || fail "the master did not stop"
wait "$PF_PID"
[ $? -eq 0 ] || fail "exit status after a stop during a reload"
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$PF_PID" | tr '\n' ' ')
ok "a reload waiting at stop and a reload while stopping: ERR stopping"
