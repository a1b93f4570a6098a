# lib.sh - shared helpers for end-to-end tests: temp dir, free ports,
# starting and stopping preforkd by pid, bounded waits. Sourced by tests.
# Environment (set by make check): PREFORKD, PFLOAD, FREEPORT, TESTS_SRCDIR.
set -u

: "${PREFORKD:?PREFORKD is not set (run through make check)}"
T=$(mktemp -d "${TMPDIR:-/tmp}/preforkd-e2e.XXXXXX")
PIDS=""

e2e_cleanup() {
	for p in $PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	# Workers of a killed master die with it (PDEATHSIG); give them a moment.
	sleep 0.1
	rm -rf "$T"
}
trap e2e_cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T/preforkd.log" ]; then
		echo "--- preforkd log (last 40 lines)" >&2
		tail -n 40 "$T/preforkd.log" >&2
	fi
	exit 1
}
skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok: $*"; }

# free_ports N: prints N distinct free loopback ports
free_ports() { "$FREEPORT" "${1:-1}"; }

# wait_for SECONDS COMMAND...: retries COMMAND every 50 ms until it succeeds
wait_for() {
	_limit=$(( $1 * 20 )); shift
	_i=0
	while ! "$@" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -ge "$_limit" ] && return 1
		sleep 0.05
	done
	return 0
}

# log_has PATTERN: the preforkd log contains an extended regex
log_has() { grep -Eq -- "$1" "$T/preforkd.log"; }

# pf_start CONF [ARGS...]: starts preforkd in the background, sets PF_PID,
# waits (10 s at most) until the master logs that it is ready
pf_start() {
	_conf=$1; shift
	"$PREFORKD" -c "$_conf" "$@" >>"$T/preforkd.log" 2>&1 &
	PF_PID=$!
	PIDS="$PIDS $PF_PID"
	# This master's own line: the log holds earlier servers' lines too.
	wait_for 10 log_has "\\[$PF_PID\\]: ready: " ||
		fail "preforkd did not become ready"
}

# pf_stop [SIGNAL]: stops PF_PID (default TERM), waits 15 s at most, and
# sets PF_STATUS to its exit status
pf_stop() {
	kill "-${1:-TERM}" "$PF_PID" 2>/dev/null
	_i=0
	while kill -0 "$PF_PID" 2>/dev/null && [ "$_i" -lt 300 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -0 "$PF_PID" 2>/dev/null && fail "preforkd did not stop within 15 s"
	wait "$PF_PID"
	PF_STATUS=$?
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$PF_PID" | tr '\n' ' ') # reaped: its pid may be reused
}

# worker_pids: the pids of PF_PID's children
worker_pids() { pgrep -P "$PF_PID" | tr '\n' ' '; }

# pfload_get KEY LINE: a value from pfload's key=value summary line
pfload_get() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
