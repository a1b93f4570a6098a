#!/bin/bash
# preforkctl.sh - the control client against a fake control server
# (tests/fake_control.py): every exit status, where the answer goes
# (stdout for OK, stderr for ERR), -s over $PREFORKD_CONTROL over the
# built-in default, the request line exactly as sent, and the one deadline
# over connect, send and read.
# Environment (set by make check): PREFORKCTL, TESTS_SRCDIR, PREFORKD.
. "$TESTS_SRCDIR/e2e/lib.sh"

: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"
PY=$(command -v python3) || skip "python3 is not installed"
FAKE=$TESTS_SRCDIR/fake_control.py
unset PREFORKD_CONTROL

# fake NAME [ARGS...]: starts the fake server on $T/NAME.sock (SOCK), which
# records what it receives in $T/NAME.req (REQ); waits 5 s at most.
fake() {
	SOCK=$T/$1.sock
	REQ=$T/$1.req
	shift
	rm -f "$SOCK" "$REQ"
	"$PY" "$FAKE" "$SOCK" --record "$REQ" --life 30 "$@" 2>>"$T/fake.log" &
	FAKE_PID=$!
	PIDS="$PIDS $FAKE_PID"
	wait_for 5 test -S "$SOCK" || fail "the fake server did not start"
}

# fake_stop: stops the last fake server (it may have exited already)
fake_stop() {
	kill -TERM "$FAKE_PID" 2>/dev/null
	_i=0
	while kill -0 "$FAKE_PID" 2>/dev/null && [ "$_i" -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	wait "$FAKE_PID" 2>/dev/null
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$FAKE_PID" | tr '\n' ' ')
}

# run ARGS...: runs preforkctl; sets RC and MS (elapsed milliseconds),
# stdout in $T/out, stderr in $T/err. Bounded by timeout(1) in any case.
run() {
	_t0=$(date +%s%N)
	timeout 60 "$PREFORKCTL" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	MS=$((($(date +%s%N) - _t0) / 1000000))
}

# expect WHAT RC: the last run exited RC
expect() {
	[ "$RC" -eq "$2" ] && return 0
	echo "--- stdout:" >&2; cat "$T/out" >&2
	echo "--- stderr:" >&2; cat "$T/err" >&2
	fail "$1: exit $RC, want $2"
}

# same FILE TEXT WHAT: FILE holds exactly TEXT (printf format)
same() {
	# shellcheck disable=SC2059
	printf "$2" >"$T/want"
	cmp -s "$1" "$T/want" && return 0
	echo "--- got:" >&2; od -c "$1" | head -20 >&2
	echo "--- want:" >&2; od -c "$T/want" | head -20 >&2
	fail "$3"
}

empty() { [ -s "$1" ] && { cat "$1" >&2; fail "$2"; }; return 0; }

# ---- 0: OK, the body on stdout, the request line exactly as sent ----
fake ok --answer 'OK\npong\n\n'
run -s "$SOCK" ping
expect "ping" 0
same "$T/out" 'pong\n' "ping: stdout is not the body"
empty "$T/err" "ping: stderr is not empty"
same "$REQ" 'ping\n' "ping: the server got another request line"
fake_stop
ok "OK: body on stdout, stderr empty, request 'ping\\n'"

fake info --answer 'OK\npid: 42\nstate: running\nworkers: 3\n\n'
run -s "$SOCK" show info
expect "show info" 0
same "$T/out" 'pid: 42\nstate: running\nworkers: 3\n' "show info: stdout"
same "$REQ" 'show info\n' "show info: request line"
fake_stop
ok "OK with three body lines, request 'show info\\n'"

fake empty --answer 'OK\n\n'
run -s "$SOCK" reload
expect "reload, empty body" 0
empty "$T/out" "reload: an empty body printed something"
empty "$T/err" "reload: stderr is not empty"
fake_stop
ok "OK with no body prints nothing"

# Words are sent as the table parses them, one space apart; options end
# at the command, so `scale -1` is the command's argument.
for args in 'scale|+1|scale +1' 'scale|-1|scale -1' '--|scale|-1|scale -1' \
	'scale|config|scale config' 'stop|fast|stop fast' \
	'show|metrics|show metrics' ' show	| proc |show proc' 'scale|12|scale 12'; do
	IFS='|' read -r -a words <<<"$args"
	want=${words[${#words[@]} - 1]}
	unset 'words[${#words[@]}-1]'
	fake words --answer 'OK\n\n'
	run -s "$SOCK" "${words[@]}"
	expect "'${words[*]}'" 0
	same "$REQ" "$want\\n" "'${words[*]}': the request line is not '$want'"
	fake_stop
done
ok "request lines: scale +1, scale -1 (with and without --), scale config, stop fast, show metrics, blanks normalised, scale 12"

# ---- 1: ERR, the token and the body on stderr ----
fake err --answer 'ERR config\n/etc/preforkd/preforkd.conf:3: unknown setting\n/etc/preforkd/preforkd.conf:9: bad port\n\n'
run -s "$SOCK" reload
expect "ERR config" 1
empty "$T/out" "ERR: stdout is not empty"
same "$T/err" 'preforkctl: reload failed: config\n/etc/preforkd/preforkd.conf:3: unknown setting\n/etc/preforkd/preforkd.conf:9: bad port\n' \
	"ERR: stderr is not the token line then the body"
fake_stop
ok "ERR: 'preforkctl: reload failed: config' and the error lines on stderr, stdout empty"

# The master answers `ERR busy` and closes without reading the request.
fake busy --no-read --answer 'ERR busy\n\n'
run -s "$SOCK" scale +1
expect "ERR busy, unread request" 1
same "$T/err" 'preforkctl: scale +1 failed: busy\n' "ERR busy: stderr"
fake_stop
ok "ERR busy from a server that never reads: exit 1"

# ---- 2: usage, checked locally; nothing is sent ----
fake usage --answer 'OK\n\n'
long=$(head -c 1100 /dev/zero | tr '\0' a)
n=0
while IFS= read -r line; do
	eval "set -- $line"
	run -s "$SOCK" "$@"
	expect "usage: $line" 2
	empty "$T/out" "usage: $line: stdout is not empty"
	[ -s "$T/err" ] || fail "usage: $line: nothing on stderr"
	n=$((n + 1))
done <<EOF
frobnicate
PING
ping extra
show
show config
show info proc
reload now
scale
scale 0
scale 1025
scale +2
scale -3
scale 04
scale many
stop now
stop fast fast
a b c d e f g
$'pi\nng'
ping $'\\x01'
ping \$long
EOF
for line in '' '-x ping' '-t 0 ping' '-t -1 ping' '-t abc ping' '-t 1s ping' \
	'-t nan ping' '-t inf ping' '-t 100000 ping' '-t' '-s'; do
	eval "set -- $line"
	run "$@"
	expect "usage: '$line'" 2
	n=$((n + 1))
done
run -s '' ping
expect "usage: an empty -s" 2
run -s "/tmp/$(head -c 120 /dev/zero | tr '\0' s)" ping
expect "usage: a socket path too long for AF_UNIX" 2
grep -q 'too long' "$T/err" || fail "a long socket path: $(cat "$T/err")"
run -s "$SOCK" frobnicate
grep -q "unknown command 'frobnicate'" "$T/err" ||
	fail "an unknown command is not named: $(cat "$T/err")"
run -s "$SOCK" scale many
grep -q "usage: preforkctl scale N|+1|-1|config" "$T/err" ||
	fail "a bad argument does not show the command's usage: $(cat "$T/err")"
[ ! -e "$REQ" ] || fail "a usage error connected to the server"
fake_stop
ok "exit 2 for $((n + 4)) bad command lines, and none of them connected"

run -h
expect "-h" 0
grep -q '^usage: preforkctl' "$T/out" || fail "-h does not print the usage on stdout"
grep -q 'scale N|+1|-1|config' "$T/out" || fail "-h does not list the commands"
run -V
expect "-V" 0
grep -Eq '^preforkctl [0-9]+\.[0-9]+' "$T/out" || fail "-V: $(cat "$T/out")"
ok "-h and -V on stdout, exit 0"

# ---- socket: -s over $PREFORKD_CONTROL over the built-in default ----
fake env --count 2 --answer 'OK\nfrom env\n\n'
ENV_SOCK=$SOCK ENV_PID=$FAKE_PID ENV_REQ=$REQ
PREFORKD_CONTROL=$ENV_SOCK run ping
expect "\$PREFORKD_CONTROL" 0
same "$T/out" 'from env\n' "\$PREFORKD_CONTROL was not used"
fake opt --count 1 --answer 'OK\nfrom -s\n\n'
rm -f "$ENV_REQ"
PREFORKD_CONTROL=$ENV_SOCK run -s "$SOCK" ping
expect "-s with \$PREFORKD_CONTROL set" 0
same "$T/out" 'from -s\n' "-s does not win over \$PREFORKD_CONTROL"
fake_stop
FAKE_PID=$ENV_PID fake_stop
[ ! -e "$ENV_REQ" ] || fail "with -s, the \$PREFORKD_CONTROL socket was contacted"
default=$("$PREFORKCTL" -h | sed -n 's/.*else \(.*\))$/\1/p')
[ -n "$default" ] || fail "-h does not name the default socket"
if [ ! -e "$default" ]; then
	run ping
	expect "the default socket, absent" 3
	grep -qF "$default" "$T/err" || fail "no -s, no env: not the default: $(cat "$T/err")"
	PREFORKD_CONTROL= run ping
	grep -qF "$default" "$T/err" || fail "an empty \$PREFORKD_CONTROL is not ignored"
	ok "the built-in default ($default) without -s and \$PREFORKD_CONTROL, or with it empty"
fi
ok "-s wins over \$PREFORKD_CONTROL, which is used without -s"

# ---- 3: cannot connect ----
run -s "$T/absent.sock" ping
expect "no socket" 3
grep -q 'No such file' "$T/err" || fail "no socket: $(cat "$T/err")"
"$PY" -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$T/stale.sock"
run -s "$T/stale.sock" ping
expect "a socket nobody listens on" 3
grep -q 'refused' "$T/err" || fail "stale socket: $(cat "$T/err")"
: >"$T/plain"
run -s "$T/plain" ping
expect "a regular file" 3
empty "$T/out" "cannot connect: stdout is not empty"
ok "exit 3: no socket, a stale socket (refused), a regular file"

fake full --backlog-full
run -s "$SOCK" -t 1 ping
expect "a full accept queue" 3
[ "$MS" -ge 900 ] && [ "$MS" -lt 3000 ] || fail "a full queue: gave up after $MS ms, want about 1000"
grep -q 'timed out' "$T/err" || fail "a full queue: $(cat "$T/err")"
fake_stop
ok "exit 3 after -t 1 ($MS ms) when the master accepts nothing (nothing was sent)"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	fake perm --answer 'OK\n\n'
	chmod 0600 "$SOCK"
	chmod 0711 "$T"
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PREFORKCTL" -s "$SOCK" ping >"$T/out" 2>"$T/err"
	RC=$?
	expect "permission denied" 3
	grep -q 'Permission denied' "$T/err" || fail "permission: $(cat "$T/err")"
	chmod 0700 "$T"
	fake_stop
	ok "exit 3 when the socket's mode shuts the user out"
else
	ok "(permission case skipped: needs root and setpriv to become another user)"
fi

# ---- 4: timed out, the whole exchange bounded by -t ----
fake slow --delay 5 --answer 'OK\n\n'
run -s "$SOCK" -t 0.5 reload
expect "a late answer" 4
[ "$MS" -ge 450 ] && [ "$MS" -lt 2500 ] || fail "-t 0.5 gave up after $MS ms"
empty "$T/out" "timeout: stdout is not empty"
grep -q 'outcome is unknown' "$T/err" || fail "timeout: $(cat "$T/err")"
same "$REQ" 'reload\n' "timeout: the request was not sent whole"
fake_stop
ok "exit 4 after $MS ms with -t 0.5, the request sent"

# A byte every 0.2 s: each read is quick, the whole answer is not.
fake dribble --dribble 0.2 --answer 'OK\nabcdefghijklmnopqrstuvwxyz\n\n'
run -s "$SOCK" -t 1 show proc
expect "a dribbled answer" 4
[ "$MS" -ge 900 ] && [ "$MS" -lt 3000 ] || fail "-t 1 over a dribble gave up after $MS ms"
fake_stop
ok "exit 4 after $MS ms with -t 1 while bytes keep coming (one deadline, not per read)"

fake mute --no-read --delay 10 --answer ''
run -s "$SOCK" -t 0.3 ping
expect "a server that never reads nor answers" 4
fake_stop
ok "exit 4 against a server that reads nothing and says nothing"

# The default outlasts a reload: the master waits up to 10 s.
fake patient --delay 10.5 --answer 'OK\nreload: ok, generation 2, 3 workers ready in 10.5 s\n\n'
run -s "$SOCK" reload
expect "an answer after 10.5 s with the default timeout" 0
same "$T/out" 'reload: ok, generation 2, 3 workers ready in 10.5 s\n' "patient reload: stdout"
fake_stop
ok "the default timeout waits for an answer after 10.5 s ($MS ms)"

# ---- 5: protocol errors; nothing printed on stdout ----
while IFS='|' read -r what answer hold; do
	fake proto --answer "$answer" --hold "${hold:-0}"
	run -s "$SOCK" -t 5 ping
	expect "protocol: $what" 5
	empty "$T/out" "protocol: $what: stdout is not empty"
	grep -q 'protocol error' "$T/err" || fail "protocol: $what: $(cat "$T/err")"
	[ "$MS" -lt 3000 ] || fail "protocol: $what: took $MS ms"
	fake_stop
done <<'EOF'
garbage|HELLO\n\n|
garbage, the connection held open|HELLO\n\n|10
garbage with no newline, held open|HELLO|10
an HTTP answer|HTTP/1.1 200 OK\r\n\r\n|
closed with no answer||
closed in the first line|OK|
closed before the empty line|OK\npong\n|
CRLF line ends|OK\r\npong\r\n\r\n|
ERR without a token|ERR\n\n|
an empty first line|\n\n|
a NUL first byte|\x00OK\n\n|
EOF
ok "exit 5: garbage (also at once on a held connection, with or without a newline), HTTP, EOF at 3 points, CRLF, ERR without token, empty first line, NUL"

fake huge --huge 5000000
run -s "$SOCK" -t 10 show metrics
expect "a 5 MB answer" 5
grep -q 'over 4 MiB' "$T/err" || fail "huge answer: $(cat "$T/err")"
empty "$T/out" "huge answer: stdout is not empty"
fake_stop
fake big --huge 3000000
run -s "$SOCK" -t 10 show metrics
expect "a 3 MB answer" 0
size=$(wc -c <"$T/out")
[ "$size" -ge 3000000 ] && [ "$size" -lt 3100000 ] || fail "3 MB answer: $size bytes on stdout"
fake_stop
ok "exit 5 for a 5 MB answer; a 3 MB one ($size bytes) is printed"

# The answer ends at its empty line: the client does not wait for EOF.
fake held --answer 'OK\npong\n\n' --hold 10
run -s "$SOCK" ping
expect "an answer on a held connection" 0
[ "$MS" -lt 3000 ] || fail "the client waited $MS ms for EOF after the empty line"
fake_stop
ok "the answer ends at its empty line ($MS ms on a connection held open 10 s)"

echo "PASS: preforkctl"
