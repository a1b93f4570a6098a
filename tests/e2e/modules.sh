#!/bin/bash
# modules.sh - handler modules end to end: the example echo and lines
# modules in both triggers, replies framed as each framing frames its
# input, settings, state and peer through the greeter test module, a
# module built against an older minor, max_message, and every refusal
# -t reports with FILE:LINE (ABI major 2, a thread in conf, a bad setting).
. "$TESTS_SRCDIR/e2e/lib.sh"

MOD=$TESTBIN/../modules
TMOD=$TESTBIN/modules
client() { python3 "$TESTS_SRCDIR/e2e/modclient.py" "$@"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; } # peak RSS

read -r PE PL PELV PLLV PG PLEN PNET POLD PBIG < <(free_ports 9 | tr '\n' ' ')
cat >"$T/m.conf" <<CONF
workers = 2;
listeners = (
  { name = "echo"; listen = "127.0.0.1:$PE"; mode = "module";
    module = { path = "$MOD/echo/echo.so"; }; },
  { name = "echo-level"; listen = "127.0.0.1:$PELV"; mode = "module"; trigger = "level";
    module = { path = "$MOD/echo/echo.so"; }; },
  { name = "lines"; listen = "127.0.0.1:$PL"; mode = "module";
    module = { path = "$MOD/lines/lines.so"; framing = "delimiter"; delimiter = "\n"; }; },
  { name = "lines-level"; listen = "127.0.0.1:$PLLV"; mode = "module"; trigger = "level";
    module = { path = "$MOD/lines/lines.so"; framing = "delimiter"; delimiter = "\n"; }; },
  { name = "greeter"; listen = "127.0.0.1:$PG"; mode = "module";
    module = { path = "$TMOD/greeter.so"; framing = "delimiter"; delimiter = "\r\nEOF\r\n";
               settings = { greeting = "hi"; repeat = 2; }; }; },
  { name = "greeter-len"; listen = "127.0.0.1:$PLEN"; mode = "module";
    module = { path = "$TMOD/greeter.so"; framing = "length32"; }; },
  { name = "greeter-net"; listen = "127.0.0.1:$PNET"; mode = "module";
    module = { path = "$TMOD/greeter.so"; framing = "netstring"; }; },
  { name = "old"; listen = "127.0.0.1:$POLD"; mode = "module";
    module = { path = "$TMOD/oldminor.so"; framing = "delimiter"; delimiter = "\n"; }; },
  { name = "big"; listen = "127.0.0.1:$PBIG"; mode = "module";
    module = { path = "$MOD/lines/lines.so"; framing = "delimiter"; delimiter = "\n";
               max_message = 1048576; }; }
);
CONF
out=$("$PREFORKD" -t -c "$T/m.conf" 2>&1) || fail "-t refused a good module configuration: $out"
pf_start "$T/m.conf"
for so in "$MOD/echo/echo.so" "$MOD/lines/lines.so" "$TMOD/greeter.so"; do
	h=$(sha256sum "$so" | cut -d' ' -f1)
	log_has "\\[$PF_PID\\]: listener [a-z-]+: module [a-z]+ [0-9.]+ \\(sha256 $h\\) from $so" ||
		fail "no log line with the sha256 of $so"
done
ok "each listener's module is logged with its name, version and sha256"

for p in $PE $PELV; do
	"$TESTBIN/echo_client" "$p" 1048576 >/dev/null ||
		fail "echo module on port $p: 1 MiB written before reading was not echoed intact"
	line=$("$PFLOAD" -q -m echo -p "$p" -c 50 -n 20000 -s 1-65536 -d 64 -t 10) ||
		fail "echo module on port $p: round trips had errors: $line"
done
ok "echo module, edge and level: 1 MiB byte-exact, 20,000 random-size round trips"

for p in $PL $PLLV; do
	client "$p" 'abc\nhello world\n\n' '3 cba\n11 dlrow olleh\n0 \n' ||
		fail "lines on $p: three lines in one write"
	client "$p" 'hello world\nsecond\n' '11 dlrow olleh\n6 dnoces\n' --pieces 1 ||
		fail "lines on $p: one byte per write"
	client "$p" 'tail without newline' '' --shut --closed ||
		fail "lines on $p: a partial last line must get no answer"
done
for p in $PL $PLLV; do
	line=$("$PFLOAD" -q -m echo -L -p "$p" -c 50 -n 20000 -s 200 -t 10) ||
		fail "lines on $p: pfload -L round trips had errors: $line"
done
ok "lines module, edge and level: several lines per read, 1-byte writes, no answer to a partial line, 20,000 checked round trips (pfload -L)"

E='\r\nEOF\r\n'
client "$PG" "a${E}bc${E}" "1 hi a${E}1 hi a${E}2 hi bc${E}2 hi bc${E}" --pieces 3 ||
	fail "greeter: settings, state and a 7-byte delimiter split across writes"
client "$PG" "${E}" "1 hi ${E}1 hi ${E}" || fail "greeter: a zero-length message"
client "$PG" "x${E}quit${E}y${E}" "1 hi x${E}1 hi x${E}" --closed ||
	fail "greeter: PFD_CLOSE closes after the answers, and later input is not answered"
peer=$(python3 - "$PG" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"peer\r\nEOF\r\n")
got = b""
while not got.endswith(b"\r\nEOF\r\n"):
    got += s.recv(4096)
print("%s %s" % (got[:-7].decode(), "%s:%d" % s.getsockname()))
PY
) || fail "greeter: peer"
[ "${peer% *}" = "${peer#* }" ] || fail "greeter: peer() said ${peer% *}, the client is ${peer#* }"
ok "greeter: settings, per-connection state, PFD_CLOSE, zero-length message, peer() = ${peer% *}"

client "$PLEN" '\x00\x00\x00\x01a\x00\x00\x00\x00' \
	'\x00\x00\x00\x091 hello a\x00\x00\x00\x082 hello ' ||
	fail "length32: replies framed with a 4-byte length"
client "$PNET" '1:a,0:,' '9:1 hello a,8:2 hello ,' || fail "netstring: replies framed as netstrings"
client "$PNET" '01:a,' '' --closed || fail "netstring: a leading zero closes the connection"
log_has "greeter-net: fd [0-9]+: closed: " || fail "no log line for the malformed netstring"
ok "length32 and netstring: answers framed like the input; a malformed frame closes with a logged reason"

client "$POLD" 'x\n' 'old: x\n' || fail "a module built against an older minor's shorter table"
ok "a module with a shorter (older minor) table loads and answers"

workers=$(worker_pids)
before=0
for w in $workers; do before=$((before + $(hwm_kb "$w"))); done
python3 - "$PBIG" <<'PY' || fail "10 MiB without a delimiter against max_message 1 MiB"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
chunk, sent = b"x" * 65536, 0
try:
    while sent < 10 << 20:
        s.sendall(chunk)
        sent += len(chunk)
except (BrokenPipeError, ConnectionResetError):
    pass
s.settimeout(5)
try:
    while s.recv(65536):
        pass
except ConnectionResetError:
    pass
print("closed after %d of %d bytes" % (sent, 10 << 20))
PY
after=0
for w in $workers; do after=$((after + $(hwm_kb "$w"))); done
echo "workers' peak RSS $before kB -> $after kB"
[ $((after - before)) -lt 2048 ] || [ "${SANITIZED:-no}" = yes ] ||
	fail "peak RSS grew by $((after - before)) kB for a 10 MiB frame"
log_has "big: fd [0-9]+: closed: no delimiter within max_message" || fail "no log line for the oversized frame"
client "$PBIG" 'still\n' '5 llits\n' || fail "the listener stopped serving after an oversized frame"
ok "a 10 MiB frame against max_message 1 MiB: closed, logged, peak RSS +$((after - before)) kB"
pf_stop
[ "$PF_STATUS" = 0 ] || fail "preforkd exited $PF_STATUS"

# -t refuses what cannot run, each with FILE:LINE and the reason.
refuse() { # refuse NAME MODULE-GROUP-BODY LINE WORDS
	printf 'listeners = ({ name = "m"; listen = "127.0.0.1:%s"; mode = "module";\n  module = {\n    %s\n  }; });\n' \
		"$PE" "$2" >"$T/bad.conf"
	out=$("$PREFORKD" -t -c "$T/bad.conf" 2>&1) && fail "$1: -t accepted it"
	echo "$out" | grep -q "^$T/bad.conf:$3: .*$4" || fail "$1: expected '$T/bad.conf:$3: ...$4', got: $out"
	ok "-t refuses $1: $(echo "$out" | grep "^$T/bad.conf:" | head -1 | sed "s|$T/||")"
}
refuse "ABI major 2" "path = \"$TMOD/abi2.so\";" 3 "ABI 2.0; this preforkd speaks ABI 1"
refuse "a thread started in conf" "path = \"$TMOD/threaded.so\"; framing = \"delimiter\"; delimiter = \"\\\\n\";" 3 "started a thread"
refuse "an out-of-range setting" "path = \"$TMOD/greeter.so\"; framing = \"delimiter\"; delimiter = \"x\";
    settings = {
      repeat = 20; };" 5 "setting 'repeat': must be 1 to 10"
refuse "a setting of the wrong type" "path = \"$TMOD/greeter.so\"; framing = \"delimiter\"; delimiter = \"x\";
    settings = { greeting = 5; };" 4 "setting 'greeting' must be a string, not an integer"
refuse "a missing file" "path = \"$T/none.so\";" 3 "cannot open"
refuse "a framing the module has no hook for" "path = \"$MOD/lines/lines.so\";" 3 "needs its on_bytes hook"
refuse "a file that is not a module" "path = \"$TESTBIN/modules/../../src/preforkd\";" 3 ""
