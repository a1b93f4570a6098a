# control_lib.sh - helpers for the control socket's end-to-end tests
# (sourced after lib.sh and master_lib.sh): run preforkctl, read show info.

: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"
PY=$(command -v python3) || skip "python3 is not installed"
CTL=$T/ctl.sock
unset PREFORKD_CONTROL

# ctl ARGS...: preforkctl on $CTL; sets RC, OUT (stdout) and ERR (stderr)
ctl() {
	"$PREFORKCTL" -s "$CTL" "$@" >"$T/ctl.out" 2>"$T/ctl.err"
	RC=$?
	OUT=$(cat "$T/ctl.out")
	ERR=$(cat "$T/ctl.err")
}

# info KEY: a value of `show info`
info() {
	"$PREFORKCTL" -s "$CTL" show info | sed -n "s/^$1: //p"
}

# expect_rc WANT WHAT: fails unless the last ctl exited WANT
expect_rc() {
	[ "$RC" -eq "$1" ] ||
		fail "$2: exit $RC, not $1 (stdout: $OUT; stderr: $ERR)"
}

# ready_workers: the rows of `show proc` in state ready
ready_workers() {
	"$PREFORKCTL" -s "$CTL" show proc | awk '$4 == "ready"' | wc -l
}
