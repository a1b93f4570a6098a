#!/bin/bash
# systemd-unit.sh - offline checks of the generated unit: it has what the
# service needs, `systemd-analyze verify` is clean (with ExecStart pointing
# at the built binary, and the Documentation= man pages found), and
# `systemd-analyze security --offline=true --threshold=20` passes (exposure
# 2.0 or less).
# Environment (set by make check): PREFORKD, TESTS_SRCDIR, TESTBIN.
set -u

: "${PREFORKD:?PREFORKD is not set (run through make check)}"
: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"
: "${TESTBIN:?TESTBIN is not set (run through make check)}"
TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
BUILD=$(cd "$TESTBIN/.." && pwd)
UNIT=$BUILD/systemd/preforkd.service
T=$(mktemp -d "${TMPDIR:-/tmp}/preforkd-unit.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok: $*"; }

[ -f "$UNIT" ] || fail "$UNIT was not generated (make builds it)"

# 1. The generated unit: no placeholder left, the directives the service
# relies on are there.
grep -n '@[a-zA-Z_]*@' "$UNIT" && fail "a configure placeholder is left in $UNIT"
for want in 'Type=notify' 'NotifyAccess=main' \
	'ExecStartPre=/.*/preforkd -t -c /.*/preforkd/preforkd\.conf' \
	'ExecStart=/.*/preforkd -c /.*/preforkd/preforkd\.conf' \
	'ExecReload=/.*/preforkctl reload' 'KillMode=mixed' \
	'Restart=on-failure' 'WatchdogSec=[1-9][0-9]*s' 'LimitNOFILE=[1-9][0-9]*' \
	'DynamicUser=yes' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
	'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'LogsDirectory=preforkd' \
	'RuntimeDirectory=preforkd'; do
	grep -Eq "^$want\$" "$UNIT" || fail "$UNIT has no line matching ^$want\$"
done
stop=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$UNIT")
[ -n "$stop" ] && [ "$stop" -gt 10 ] ||
	fail "TimeoutStopSec=${stop:-?}s is not above the default shutdown_timeout (10 s)"
ok "generated unit has every directive (TimeoutStopSec=${stop}s)"

# The same commands, pointed at the built binary and the repository's
# default configuration: that configuration passes the unit's own check.
sed -E -e "s#^(ExecStartPre|ExecStart)=/[^ ]*/preforkd #\\1=$PREFORKD #" \
	-e "s#^ExecReload=/[^ ]*/preforkctl #ExecReload=$PREFORKCTL #" \
	-e "s#-c /[^ ]*/preforkd/preforkd\\.conf#-c $TOP/etc/preforkd.conf#" \
	"$UNIT" >"$T/preforkd.service"
grep -q "^ExecStart=$PREFORKD -c $TOP/etc/preforkd.conf\$" "$T/preforkd.service" ||
	fail "could not point the test copy of the unit at $PREFORKD"
cmd=$(sed -n 's/^ExecStartPre=//p' "$T/preforkd.service")
# shellcheck disable=SC2086
out=$($cmd 2>&1) || fail "ExecStartPre ($cmd) failed: $out"
ok "ExecStartPre passes: $out"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd-analyze is not installed (apt-get install systemd):" \
		"cannot verify the unit or rate its exposure"
fi

# 2. systemd-analyze verify: clean. It checks that ExecStart's binary
# exists and runs man(1) on every Documentation= page: give it ours.
mkdir -p "$T/man/man5" "$T/man/man8"
ln -s "$TOP/doc/preforkd.8" "$T/man/man8/preforkd.8"
ln -s "$TOP/doc/preforkd.conf.5" "$T/man/man5/preforkd.conf.5"
ln -s "$TOP/doc/preforkctl.8" "$T/man/man8/preforkctl.8"
manopt=--man=yes
command -v man >/dev/null 2>&1 || manopt=--man=no
out=$(MANPATH=$T/man systemd-analyze verify "$manopt" "$T/preforkd.service" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || printf '%s' "$out" | grep -q 'preforkd'; then
	printf '%s\n' "$out" >&2
	fail "systemd-analyze verify $manopt: exit $rc"
fi
ok "systemd-analyze verify $manopt is clean"

# verify must be able to fail here, or the check above proves nothing.
sed "s#^ExecStart=$PREFORKD #ExecStart=$T/no-such-preforkd #" \
	"$T/preforkd.service" >"$T/broken.service"
if MANPATH=$T/man systemd-analyze verify "$manopt" "$T/broken.service" \
	>/dev/null 2>&1; then
	fail "systemd-analyze verify accepts an ExecStart binary that does not exist"
fi
ok "systemd-analyze verify rejects a missing ExecStart binary"

# 3. systemd-analyze security: exposure 2.0 or less.
out=$(systemd-analyze security --offline=true --threshold=20 \
	"$T/preforkd.service" 2>&1)
rc=$?
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for preforkd\.service: \([0-9.]*\).*/\1/p')
if [ "$rc" -ne 0 ] || [ -z "$score" ]; then
	printf '%s\n' "$out" >&2
	fail "systemd-analyze security --offline=true --threshold=20: exit $rc"
fi
printf '%s\n' "$out" | grep '✗' | sed 's/^/  /'
ok "systemd-analyze security: exposure $score (threshold 2.0)"
echo "PASS: systemd-unit"
