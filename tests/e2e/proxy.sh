#!/bin/bash
# proxy.sh - the PROXY protocol per listener, end to end: echo never echoes
# a v1 or v2 header (whole or split across reads), LOCAL and UNKNOWN keep
# the socket's address, a source outside proxy_protocol_from needs no
# header, curl --haproxy-protocol and a relayed address reach the access
# log and a module's peer(), malformed headers are closed with no answer and counted by reason
# in /metrics, logged at most once a second, an empty connection is
# counted and not logged, proxy_protocol_timeout closes a slow header.
. "$TESTS_SRCDIR/e2e/lib.sh"

command -v curl >/dev/null || skip "curl is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
PC="python3 $TESTS_SRCDIR/e2e/proxy_client.py"

read -r P1 P2 P3 P4 P5 P6 SP < <(free_ports 7 | tr '\n' ' ')
mkdir -p "$T/www" && echo hi >"$T/www/index.html"
cat >"$T/proxy.conf" <<CONF
workers = 2;
listeners = (
  { name = "e1"; listen = "127.0.0.1:$P1"; mode = "echo"; proxy_protocol = "v1"; },
  { name = "e2"; listen = "127.0.0.1:$P2"; mode = "echo"; proxy_protocol = "v2";
    trigger = "level"; },
  { name = "outside"; listen = "127.0.0.1:$P3"; mode = "echo"; proxy_protocol = "any";
    proxy_protocol_from = ["10.0.0.0/8", "::1"]; },
  { name = "inside"; listen = "127.0.0.1:$P4"; mode = "echo"; proxy_protocol = "any";
    proxy_protocol_from = ["10.0.0.0/8", "127.0.0.0/8"]; },
  { name = "web"; listen = "127.0.0.1:$P5"; mode = "http"; proxy_protocol = "any";
    proxy_protocol_timeout = 0.5;
    http = { root = "$T/www"; access_log = "$T/access.log"; }; },
  { name = "mod"; listen = "127.0.0.1:$P6"; mode = "module"; proxy_protocol = "v1";
    module = { path = "$TESTBIN/modules/greeter.so"; framing = "delimiter";
               delimiter = "\\r\\nEOF\\r\\n"; }; }
);
status = { listen = "127.0.0.1:$SP"; };
CONF
pf_start "$T/proxy.conf"

# 1. Headers are consumed before the mode sees a byte.
for c in "$P1 echo v1" "$P1 echo v1 split" "$P1 echo v1unknown" \
	"$P2 echo v2" "$P2 echo v2 split" "$P2 echo v2local" \
	"$P4 echo v2 split" "$P4 echo v1"; do
	out=$($PC $c) || fail "$c: $out"
done
ok "echo returns only the payload after v1, v2, LOCAL, UNKNOWN headers, whole and split (edge and level)"

out=$($PC "$P3" plain) || fail "a client outside proxy_protocol_from: $out"
ok "a source outside proxy_protocol_from needs no header"

# 2. The access log shows the announced client.
curl -sf --max-time 5 --haproxy-protocol "http://127.0.0.1:$P5/" >/dev/null ||
	fail "curl --haproxy-protocol got no answer"
python3 - "$P5" <<'PY' || fail "a relayed HTTP request got no 200"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(b"PROXY TCP6 2001:db8::7 2001:db8::1 5555 80\r\n"
          b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
sys.exit(0 if got.startswith(b"HTTP/1.1 200") else 1)
PY
wait_for 5 grep -q '^2001:db8::7 .*"GET /index.html HTTP/1.1" 200' "$T/access.log" ||
	fail "the access log does not show the relayed client: $(cat "$T/access.log")"
wait_for 5 grep -q '^127.0.0.1 .*"GET / HTTP/1.1" 200' "$T/access.log" ||
	fail "the access log does not show curl's announced address"
ok "the access log shows curl's and a relayed client's address: $(tr '\n' '|' <"$T/access.log")"

# A module's peer() sees the announced client too.
peer=$(python3 - "$P6" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(b"PROXY TCP4 198.51.100.9 192.0.2.1 6553 80\r\npeer\r\nEOF\r\n")
got = b""
while not got.endswith(b"\r\nEOF\r\n"):
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.decode(errors="replace").replace("\r\nEOF\r\n", ""))
PY
) || fail "module peer() over PROXY"
[ "$peer" = "198.51.100.9:6553" ] || fail "module peer() said '$peer', the header announced 198.51.100.9:6553"
ok "a module's peer() sees the announced client: $peer"

# 3. Malformed headers: closed with no answer, counted by reason.
V2SIG=0d0a0d0a000d0a515549540a
bad() { out=$($PC "$@") || fail "$*: $out"; }
bad "$P1" bad "$(printf 'PROXY TCP4 010.0.0.1 10.0.0.2 1 2\r\n' | od -An -tx1 | tr -d ' \n')"
bad "$P1" bad "$(printf 'GET / HTTP/1.0\r\n\r\n' | od -An -tx1 | tr -d ' \n')"
bad "$P1" bad "${V2SIG}2111000c0102030405060708000100020000"
bad "$P2" bad "${V2SIG}1111000c010203040506070800010002"
bad "$P2" bad "${V2SIG}2141000c010203040506070800010002"
bad "$P2" bad "${V2SIG}2211000c010203040506070800010002"
bad "$P2" trunc "${V2SIG}21"
bad "$P5" bad "$(printf 'PROXY TCP4 1.2.3.4' | od -An -tx1 | tr -d ' \n')" 3
bad "$P1" empty
bad "$P1" empty
ok "malformed, truncated and slow headers are closed with no answer"

metric() { curl -sf --max-time 5 "http://127.0.0.1:$SP/metrics" |
	grep -F "preforkd_proxy_protocol_errors_total{listener=\"$1\",reason=\"$2\"} $3"; }
for m in "e1 v1_leading_zero 1" "e1 not_proxy 1" "e1 v2_not_accepted 1" \
	"e2 v2_bad_version 1" "e2 v2_bad_family 1" "e2 v2_bad_command 1" "e2 truncated 1" \
	"web timeout 1" "e1 empty 2"; do
	wait_for 5 metric $m >/dev/null || fail "metric not counted: $m"
done
ok "each rejection counted by reason in /metrics"

log_has 'e1: closing a connection from 127.0.0.1: bad PROXY protocol header \(v1_leading_zero\)' ||
	fail "the first rejection was not logged"
log_has 'header \(empty\)' && fail "an empty connection was logged"
before=$(grep -c 'bad PROXY protocol header' "$T/preforkd.log")
start=$(date +%s%N)
for i in $(seq 1 30); do bad "$P1" bad 474554202f0d0a; done
sleep 1.1
secs=$(( ($(date +%s%N) - start + 999999999) / 1000000000 ))
after=$(grep -c 'bad PROXY protocol header' "$T/preforkd.log")
# Two workers: each logs at most once a second.
[ $((after - before)) -le $(( 2 * (secs + 1) )) ] ||
	fail "$((after - before)) messages for 30 bad headers in ${secs} s"
ok "30 bad headers in ${secs} s gave $((after - before)) log lines (at most one a second per worker)"

pf_stop TERM
[ "$PF_STATUS" = 0 ] || fail "exit status $PF_STATUS"
ok "stopped cleanly"
