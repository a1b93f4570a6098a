#!/bin/bash
# e2e.sh - kvsync through the real daemon (mode = "module"): put/get/since
# with the Python client, error answers (wrong token, unknown client,
# malformed JSON) and a close for an oversized message, 50 reloads under a
# write load, then kill -9 of a worker and of the master mid-load; every
# answered put must be in the database afterwards, none answered twice.
# The workers run under their seccomp filter (KVSYNC_E2E_SECCOMP=false
# turns it off, to tell a sandbox refusal from a bug).
. "$TESTS_SRCDIR/e2e/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
SRC="$TESTS_SRCDIR/../modules/kvsync"
SO=${KVSYNC_SO:-$(dirname "$(dirname "$PREFORKD")")/modules/kvsync/kvsync.so}
[ -f "$SO" ] || skip "kvsync.so is not built ($SO)"
KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
CLIENT=(python3 "$SRC/kvsync_client.py" --timeout 5 --key "$KEY")

PORT=$(free_ports 1)
cat >"$T/kv.conf" <<EOF
workers = 2;
seccomp = ${KVSYNC_E2E_SECCOMP:-true};
shutdown_timeout = 15.0; # above busy_timeout: a draining job may wait for the lock
log_level = "notice";
listeners = ( { name = "sync"; listen = "127.0.0.1:$PORT"; mode = "module";
  module = { path = "$SO";
             framing = "delimiter"; delimiter = "\r\nEOF\r\n";
             max_message = 65536;
             threads = 4; queue = 256; job_timeout = 10.0;
             settings = { db = "$T/kv.db"; key = "$KEY";
                          clients = "app,loader"; tables = "users,orders";
                          busy_timeout = 5000; synchronous = "full"; }; }; } );
EOF
"$PREFORKD" -t -c "$T/kv.conf" >"$T/t.out" 2>&1 || {
	cat "$T/t.out" >&2
	fail "preforkd -t refused the kvsync configuration"
}
sed "s/key = \"$KEY\"/key = \"abcd\"/" "$T/kv.conf" >"$T/short.conf"
"$PREFORKD" -t -c "$T/short.conf" >"$T/t.out" 2>&1 &&
	fail "preforkd -t accepted a 2-byte key"
grep -Eq "short.conf:[0-9]+: .*(key|hex digits)" "$T/t.out" ||
	fail "the short key was not reported as FILE:LINE: $(cat "$T/t.out")"
ok "-t: valid settings pass, a short key fails with FILE:LINE"

pf_start "$T/kv.conf"

# ---- round trips through the CLI
v=$("${CLIENT[@]}" --port "$PORT" --client app put users alice '{"age":30}') ||
	fail "put failed"
[ "$v" = 1 ] || fail "first put answered version '$v', not 1"
got=$("${CLIENT[@]}" --port "$PORT" --client loader get users alice) ||
	fail "get failed"
[ "$got" = '{"age": 30} 1' ] || fail "get answered '$got'"
"${CLIENT[@]}" --port "$PORT" --client app get users nobody 2>/dev/null &&
	fail "get of an absent row succeeded"
ok "put and get through the CLI"

# ---- since over several answers, and the error answers, with the library
python3 - "$PORT" "$KEY" "$SRC" <<'PY' || fail "since or error answers"
import socket, sys
port, key, src = int(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
sys.path.insert(0, src)
import kvsync_client as kc

c = kc.KvsyncClient("127.0.0.1", port, key, "app").connect()
for i in range(250):
    c.put("users", "u%03d" % i, {"i": i})
rows = list(c.since("users", 0))
assert len(rows) == 251, len(rows)          # alice and 250 more
assert [r[2] for r in rows] == sorted({r[2] for r in rows})
assert list(c.since("users", rows[-1][2])) == []

def error_of(raw):
    c.send_raw(raw)
    try:
        c.recv()
    except kc.KvsyncError as e:
        return e.code
    raise AssertionError("no error answer")

assert error_of(kc.frame(b"\x01" * 32, b'{"client":"app","op":"get",'
                         b'"table":"users","key":"u001"}')) == "bad_token"
assert error_of(kc.frame(key, b'{"client":"eve","op":"get",'
                         b'"table":"users","key":"u001"}')) == "unknown_client"
assert error_of(kc.frame(key, b'{"client":"app","op":')) == "bad_json"
assert error_of(kc.frame(key, b'{"client":"app","op":"get",'
                         b'"table":"secrets","key":"u001"}')) == "unknown_table"
assert c.get("users", "u001") == ({"i": 1}, 3)   # the connection goes on

big = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    big.sendall(b"x" * 200000)
except OSError:
    pass                                          # reset while sending: closed
try:
    assert big.recv(1) == b"", "an oversized message was not closed"
except ConnectionResetError:
    pass
assert c.get("users", "u002") == ({"i": 2}, 4)
print("ok: since over 3 answers; bad_token, unknown_client, bad_json, "
      "unknown_table answered; oversized message closed")
PY

# ---- the write load: answered puts, recorded one per line
cat >"$T/writer.py" <<'PY'
import json, os, sys, threading, time
port, key, src, secs, out = (int(sys.argv[1]), bytes.fromhex(sys.argv[2]),
                             sys.argv[3], float(sys.argv[4]), sys.argv[5])
sys.path.insert(0, src)
import kvsync_client as kc

stop = out + ".stop"  # the test creates it to end the load early
lock, answered = threading.Lock(), []
stats = {"unanswered": 0, "busy": 0, "errors": 0}

def writer(w):
    deadline, n, c = time.monotonic() + secs, 0, None
    while time.monotonic() < deadline and not os.path.exists(stop):
        try:
            if c is None:
                c = kc.KvsyncClient("127.0.0.1", port, key, "loader",
                                    timeout=10).connect()
            k = "%s-w%d-%d" % (out.rsplit("/", 1)[-1], w, n)  # unique per run
            n += 1
            v = c.put("orders", k, {"w": w, "n": n})
            with lock:
                answered.append((k, {"w": w, "n": n}, v))
        except kc.KvsyncError as e:
            with lock:
                stats["busy" if e.code == "busy" else "errors"] += 1
        except OSError:
            if c is not None:
                with lock:
                    stats["unanswered"] += 1
                c.close()
            c = None
            time.sleep(0.02)
    if c:
        c.close()

ts = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
for t in ts: t.start()
for t in ts: t.join()
with open(out, "w") as f:
    for row in answered:
        f.write(json.dumps(row) + "\n")
print("answered=%d unanswered=%d busy=%d errors=%d" % (len(answered),
      stats["unanswered"], stats["busy"], stats["errors"]))
sys.exit(1 if stats["errors"] else 0)
PY

cat >"$T/verify.py" <<'PY'
import json, sys
port, key, src, files = (int(sys.argv[1]), bytes.fromhex(sys.argv[2]),
                         sys.argv[3], sys.argv[4:])
sys.path.insert(0, src)
import kvsync_client as kc

answered = [json.loads(l) for f in files for l in open(f)]
keys = [a[0] for a in answered]
versions = [a[2] for a in answered]
assert len(set(keys)) == len(keys), "a put was answered twice"
assert len(set(versions)) == len(versions), "a version was answered twice"
c = kc.KvsyncClient("127.0.0.1", port, key, "app").connect()
stored = {k: (v, ver) for k, v, ver in c.since("orders", 0)}
missing = [a for a in answered if stored.get(a[0]) != (a[1], a[2])]
assert not missing, "%d answered puts are not stored, e.g. %r" % (
    len(missing), missing[:3])
print("ok: %d answered puts all stored, %d rows in the table" % (
    len(answered), len(stored)))
PY
writer() { python3 "$T/writer.py" "$PORT" "$KEY" "$SRC" "$1" "$T/$2"; }
verify() { python3 "$T/verify.py" "$PORT" "$KEY" "$SRC" "$@"; }

# ---- 50 reloads, each waited for, under the write load
writer 60 reload.rows >"$T/reload.out" 2>&1 &
WR=$!
PIDS="$PIDS $WR"
sleep 0.5
reloads_at_least() { [ "$(grep -c "reload: generation" "$T/preforkd.log")" -ge "$1" ]; }
for i in $(seq 50); do
	kill -HUP "$PF_PID"
	wait_for 10 reloads_at_least "$i" || fail "reload $i did not complete"
done
sleep 0.5
touch "$T/reload.rows.stop"
wait "$WR" || fail "the writer failed: $(cat "$T/reload.out")"
echo "reload load: $(cat "$T/reload.out")"
n=$(sed -n 's/^answered=\([0-9]*\) .*/\1/p' "$T/reload.out")
[ "${n:-0}" -ge 100 ] || fail "only ${n:-0} puts answered during the reloads"
log_has "reload failed" && fail "a reload failed"
log_has "killed by signal|exited with status [1-9]" &&
	fail "a worker died during the reloads: $(grep -E 'killed by signal|exited with status [1-9]|killing it|stopping it|crashed in|stopped in|\[error\]' "$T/preforkd.log" | head -6)"
verify "$T/reload.rows" || fail "after 50 reloads"
ok "50 reloads under writes: every answered put stored, none twice"

# ---- kill -9 of a worker, then of the master, under the write load
writer 8 kill.rows >"$T/kill.out" 2>&1 &
WR=$!
PIDS="$PIDS $WR"
sleep 1.5
w=$(worker_pids); w=${w%% *}
[ -n "$w" ] || fail "no worker to kill"
kill -KILL "$w"
wait_for 10 log_has "pid $w, gen [0-9]+\\) killed by signal SIGKILL" ||
	fail "the worker's death was not logged"
sleep 1.5
workers=$(worker_pids)
kill -KILL "$PF_PID"
wait "$PF_PID" 2>/dev/null
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$PF_PID" | tr '\n' ' ') # reaped
for p in $workers; do
	wait_for 5 sh -c "! kill -0 $p" || fail "worker $p outlived its master"
done
pf_start "$T/kv.conf"
wait "$WR" || fail "the writer failed: $(cat "$T/kill.out")"
echo "kill load: $(cat "$T/kill.out")"
verify "$T/reload.rows" "$T/kill.rows" || fail "after kill -9"
ok "kill -9 of a worker and of the master: every answered put survived"

pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
log_has "AddressSanitizer|LeakSanitizer|runtime error" &&
	fail "a sanitizer report in the log"
ok "kvsync end to end"
