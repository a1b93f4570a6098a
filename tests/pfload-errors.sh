#!/bin/sh
# pfload-errors.sh - pfload counts each kind of server misbehaviour in its
# own counter, and in no other; correct servers give no error at all.
# Runs from the build directory (make check); every step is time-bounded.
set -u
PFLOAD=${PFLOAD:-bench/pfload}
BAD=${PFLOAD_BADSERVER:-tests/test_pfload_badserver}
COUNTERS="connect_errors resets timeouts bad_status short mismatches closed"
tmp=$(mktemp -d) || exit 99
failed=0
srv=""

cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start MODE: runs the bad server, sets $port and $srv (its pid).
start() {
	: >"$tmp/port"
	"$BAD" "$1" >"$tmp/port" &
	srv=$!
	for _ in $(seq 50); do
		port=$(cat "$tmp/port")
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	echo "FAIL: $1: the bad server did not start"
	exit 1
}

stop() {
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=""
}

# value NAME LINE: the number after NAME= in the summary line.
value() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# check NAME MODE COUNTER ARGS...: runs pfload ARGS against MODE; COUNTER
# (or "none") must be the only error counter that moved, and the exit
# status must say so.
check() {
	name=$1 mode=$2 want=$3
	shift 3
	start "$mode"
	line=$(timeout 30 "$PFLOAD" -q -p "$port" "$@")
	rc=$?
	stop
	bad=""
	for k in $COUNTERS; do
		v=$(value "$k" "$line")
		if [ -z "$v" ]; then
			bad="$bad no-$k"
		elif [ "$k" = "$want" ] && [ "$v" -eq 0 ]; then
			bad="$bad $k-did-not-move"
		elif [ "$k" != "$want" ] && [ "$v" -ne 0 ]; then
			bad="$bad $k=$v"
		fi
	done
	exp=1
	[ "$want" = none ] && exp=0
	[ "$rc" -ne "$exp" ] && bad="$bad exit=$rc"
	if [ -n "$bad" ]; then
		echo "FAIL: $name:$bad"
		echo "  pfload $* -> $line"
		failed=1
	else
		echo "ok: $name ($line)"
	fi
}

# expect NAME N LINE-FIELD: the run of the last check completed N things.
completed() {
	v=$(value requests "$line")
	if [ "$v" != "$2" ]; then
		echo "FAIL: $1: requests=$v, want $2"
		failed=1
	fi
}

check "keep-alive, correct server" ok none -m http -n 50 -b 'Hello, world!' -l 13
completed "keep-alive count" 50
check "pipelined, correct server" ok none -m http -n 200 -c 4 -P 8
completed "pipelined count" 200
check "responses split into bytes" dribble none -m http -n 20 -P 4 -c 2
completed "split count" 20
check "HEAD" ok none -m http -n 10 -M HEAD -l 13
check "Connection: close" ok none -m http -n 20 -c 2 -C
completed "close count" 20
check "refused" refuse connect_errors -m http -n 3
check "reset" reset resets -m http -n 5
check "truncated" truncate short -m http -n 5
check "500" 500 bad_status -m http -n 5
check "2xx does not take 500" 500 bad_status -m http -n 5 -e 2xx
check "500 expected" 500 none -m http -n 5 -e 500
check "wrong body" badbody mismatches -m http -n 5 -b 'Hello, world!'
check "wrong length" ok mismatches -m http -n 5 -l 12
check "not HTTP" garbage mismatches -m http -n 5
check "silent" silent timeouts -m http -n 2 -t 0.3
check "keep-alive closed early" close closed -m http -n 5
check "closed before answering" drop closed -m http -n 3
check "closed before answering, -C" drop short -m http -n 3 -C
check "echo, correct server" echo none -m echo -n 100 -c 4 -s 1-3000
completed "echo count" 100
check "echo 1 MiB messages" echo none -m echo -n 4 -c 2 -s 1048576
check "echo truncated" echo-truncate short -m echo -n 3
check "echo corrupted" echo-corrupt mismatches -m echo -n 10
check "echo silent" silent timeouts -m echo -n 2 -t 0.3
# -R/-A: a fixed request and its exact answer (the echo server answers the
# request itself, so the answer file decides).
printf 'get users alice\r\nEOF\r\n' >"$tmp/req"
cp "$tmp/req" "$tmp/ans"
printf 'get users alicE\r\nEOF\r\n' >"$tmp/wrong"
check "fixed request, its answer" echo none -m echo -n 50 -c 3 -R "$tmp/req" -A "$tmp/ans"
completed "fixed count" 50
check "fixed request, another answer" echo mismatches -m echo -n 5 -R "$tmp/req" -A "$tmp/wrong"
check "fixed request, answer cut short" echo-truncate short -m echo -n 3 -R "$tmp/req" -A "$tmp/ans"
check "idle held" ok none -m idle -c 50 -d 0.5
completed "idle count" 50
check "idle warm" ok none -m idle -c 20 -d 0.5 -w
check "idle hung up" hangup closed -m idle -c 10 -d 0.5
check "idle refused" refuse connect_errors -m idle -c 10 -d 0.5

# Usage errors exit 2.
for args in "-m http" "-m nope -p 1" "-m http -p 1 -H 10.0.0.1" \
	"-m http -p 1 -C -P 2" "-m echo -p 1 -s 0" "-m echo -p 1 -R /dev/null" \
	"-m http -p 1 -R $tmp/req -A $tmp/ans" "-m echo -p 1 -L -s 8 -R $tmp/req -A $tmp/ans" \
	"-m echo -p 1 -R $tmp/nonexistent -A $tmp/ans"; do
	# shellcheck disable=SC2086
	timeout 10 "$PFLOAD" $args >/dev/null 2>&1
	rc=$?
	if [ "$rc" -ne 2 ]; then
		echo "FAIL: pfload $args: exit $rc, want 2"
		failed=1
	fi
done
exit $failed
