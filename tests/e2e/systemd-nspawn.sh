#!/bin/bash
# systemd-nspawn.sh - preforkd as a service under a real systemd: a
# throw-away container (systemd-nspawn booting the host's own /usr on a
# tmpfs root, with a private network namespace that has only loopback)
# gets the built binary, the generated unit and a configuration, then:
#   systemctl start returns only after READY=1: the first curl is answered;
#   the master runs as a dynamic user holding only CAP_NET_BIND_SERVICE and
#   has bound port 80; the workers hold no capability;
#   systemctl status shows the master's STATUS= line;
#   systemctl reload (preforkctl reload over the control socket in
#   RuntimeDirectory=) with a changed response exits 0 once the new
#   generation is ready: the new body is served;
#   a broken configuration, or a new listener whose port is taken:
#   systemctl reload fails and the journal says why, the unit stays active
#   and serving; a SIGHUP straight to the master shows the error in the
#   status while the old generation keeps serving;
#   kill -9 of the master: Restart=on-failure brings up a new MainPID;
#   systemctl stop: clean exit (Result=success, exit status 0), nothing left;
#   the access log was written to LogsDirectory=;
#   the root-master drop-in of preforkd(8): workers run as "user".
# Skipped (exit 77) when this machine cannot boot the container: not root,
# no systemd-nspawn, or the container does not come up.
# Environment (set by make check): PREFORKD, TESTS_SRCDIR, TESTBIN.
set -u

: "${PREFORKD:?PREFORKD is not set (run through make check)}"
: "${TESTBIN:?TESTBIN is not set (run through make check)}"
: "${PREFORKCTL:?PREFORKCTL is not set (run through make check)}"
TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
BUILD=$(cd "$TESTBIN/.." && pwd)
UNIT=$BUILD/systemd/preforkd.service
CONF=/etc/preforkd/preforkd.conf # inside the container
NSPAWN=""
L=""
D=""

skip() { echo "SKIP: $*" >&2; exit 77; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
T0=$(now_ms)
ok() { printf 'ok [%5.1f s]: %s\n' "$(($(now_ms) - T0))e-3" "$*"; }
since() { echo "$(($(now_ms) - $1)) ms"; }

# C COMMAND...: runs COMMAND inside the container, 30 s at most.
C() { timeout 30 nsenter -t "$L" -a "$@"; }

fail() {
	echo "FAIL: $*" >&2
	if [ -n "$L" ] && kill -0 "$L" 2>/dev/null; then
		echo "--- systemctl status preforkd" >&2
		C systemctl status --no-pager --full preforkd >&2 2>&1
		echo "--- journal of preforkd.service (last 60 lines)" >&2
		C journalctl -u preforkd --no-pager -o short-precise -n 60 >&2 2>&1
	fi
	exit 1
}

# Stops the container: SIGTERM halts it cleanly, a second one terminates it
# at once, SIGKILL if even that hangs. Every wait is bounded.
stop_container() {
	_p=$NSPAWN
	NSPAWN=""
	[ -n "$_p" ] || return 0
	for sig in TERM TERM KILL; do
		kill -"$sig" "$_p" 2>/dev/null || break
		for _ in $(seq 100); do
			kill -0 "$_p" 2>/dev/null || break 2
			sleep 0.05
		done
	done
	wait "$_p" 2>/dev/null
}

cleanup() {
	stop_container
	[ -n "$D" ] && rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- Can this machine do it? --------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root: systemd-nspawn boots a container"
for tool in systemd-nspawn nsenter curl setsid pgrep timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip "$tool is not installed (tests/setup-debian installs" \
			"systemd-container, curl, util-linux, procps)"
done
[ -x /usr/lib/systemd/systemd ] || [ -x /lib/systemd/systemd ] ||
	skip "systemd is not installed: nothing to boot in the container"
[ -f "$UNIT" ] || fail "$UNIT was not generated (make builds it)"

# ---- What the container gets (bound read-only at /opt/pftest) -----------

D=$(mktemp -d "${TMPDIR:-/tmp}/preforkd-nspawn.XXXXXX")
chmod 755 "$D" # the dynamic user must reach the binary
cp "$PREFORKD" "$D/preforkd"
cp "$PREFORKCTL" "$D/preforkctl"
chmod 755 "$D/preforkd" "$D/preforkctl"
# The socket preforkctl talks to by default, as configure set it.
CTLSOCK=$(sed -n 's/^#define PREFORKD_CONTROL_SOCKET "\(.*\)"$/\1/p' "$BUILD/config.h")
[ -n "$CTLSOCK" ] || fail "no PREFORKD_CONTROL_SOCKET in $BUILD/config.h"

# The generated unit, with its binary and configuration where the container
# has them (its /usr is the host's, read-only).
sed -E -e 's#^(ExecStartPre|ExecStart)=/[^ ]*/preforkd #\1=/opt/pftest/preforkd #' \
	-e 's#^ExecReload=/[^ ]*/preforkctl #ExecReload=/opt/pftest/preforkctl #' \
	-e "s#-c /[^ ]*/preforkd/preforkd\\.conf#-c $CONF#" \
	"$UNIT" >"$D/preforkd.service"
[ "$(grep -c "^Exec.*=/opt/pftest/preforkd .*-c $CONF\$" "$D/preforkd.service")" -eq 2 ] ||
	fail "could not point ExecStartPre and ExecStart at the test binary"
grep -qx "ExecReload=/opt/pftest/preforkctl reload" "$D/preforkd.service" ||
	fail "could not point ExecReload at the test preforkctl"

# A sanitizer build: LeakSanitizer needs ptrace at exit, which the unit's
# system call filter refuses; leaks are checked by the other tests.
if ldd "$PREFORKD" 2>/dev/null | grep -q 'libasan'; then
	printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' >"$D/asan.conf"
fi

# make_conf BODY [GLOBALS [LOG]]: a configuration with an HTTP listener on
# port 80 (a privileged port), an echo listener on [::1]:7 and an access log.
make_conf() {
	cat <<EOF
workers = 2;
control = { socket = "$CTLSOCK"; };
${2:-}
listeners = (
  { name = "web";
    listen = "127.0.0.1:80";
    mode = "http";
    http = {
      response = "$1\\n";
      access_log = "/var/log/preforkd/${3:-access.log}";
    };
  },
  { name = "echo";
    listen = "[::1]:7";
    mode = "echo";
  }${4:+,
  $4}
);
EOF
}
make_conf body-one >"$D/one.conf"
make_conf body-two >"$D/two.conf"
{ make_conf body-two; echo 'workrs = 3;'; } >"$D/broken.conf"
make_conf body-three "" access.log \
	'{ name = "taken"; listen = "127.0.0.1:8081"; mode = "echo"; }' >"$D/taken.conf"
# A new file: those the dynamic user wrote are root's now (see preforkd(8)).
make_conf body-root 'user = "nobody"; group = "nogroup";' root.log >"$D/root.conf"
"$PREFORKD" -t -c "$D/one.conf" >/dev/null || fail "the test configuration is invalid"

# The root-master drop-in, as preforkd(8) prints it (group nogroup here).
sed -n '/^# \/etc\/systemd\/system\/preforkd\.service\.d\/root\\-master\.conf$/,/^\.EE$/p' \
	"$TOP/doc/preforkd.8" | sed -e '1d;$d' -e 's/\\-/-/g' -e 's/www-data/nogroup/' \
	>"$D/root-master.conf"
grep -q '^DynamicUser=no$' "$D/root-master.conf" ||
	fail "cannot find the root-master drop-in in doc/preforkd.8"

# An empty /etc looks like a first boot: no service enabled by presets.
printf 'disable *\n' >"$D/00-disable-all.preset"

# ---- Boot --------------------------------------------------------------

t=$(now_ms)
setsid systemd-nspawn --directory=/ --volatile=yes --register=no --keep-unit \
	--private-network --machine="pftest$$" --console=pipe \
	--bind-ro="$D:/opt/pftest" \
	--bind-ro="$D/00-disable-all.preset:/etc/systemd/system-preset/00-disable-all.preset" \
	-b -- systemd.mask=systemd-firstboot.service \
	</dev/null >"$D/nspawn.log" 2>&1 &
NSPAWN=$!
for _ in $(seq 200); do # 10 s
	L=$(pgrep -P "$NSPAWN" -x systemd) && break
	kill -0 "$NSPAWN" 2>/dev/null || break
	sleep 0.05
done
if [ -z "$L" ]; then
	tail -n 20 "$D/nspawn.log" >&2
	skip "systemd-nspawn did not start systemd in a container (log above)"
fi
state=""
for _ in $(seq 600); do # 30 s
	state=$(C systemctl is-system-running 2>/dev/null)
	case $state in running | degraded) break ;; esac
	sleep 0.05
done
case $state in
running | degraded) ;;
*)
	tail -n 20 "$D/nspawn.log" >&2
	skip "the container did not finish booting in 30 s (state '$state')"
	;;
esac
ok "container booted in $(since "$t") ($state)"
[ "$state" = degraded ] && C systemctl --failed --no-legend --no-pager | sed 's/^/  failed: /'

# ---- Install -----------------------------------------------------------

t=$(now_ms)
C sh -ec "mkdir -p /etc/preforkd /etc/systemd/system/preforkd.service.d
	cp /opt/pftest/preforkd.service /etc/systemd/system/preforkd.service
	cp /opt/pftest/one.conf $CONF
	if [ -f /opt/pftest/asan.conf ]; then
		cp /opt/pftest/asan.conf /etc/systemd/system/preforkd.service.d/
	fi" || fail "cannot install the unit and the configuration"
# Enabled (which also reloads systemd), the unit stays loaded when
# inactive, with its last result.
C systemctl enable preforkd 2>/dev/null || fail "systemctl enable (the [Install] section)"
ok "unit and configuration installed, unit enabled in $(since "$t")"

show() { C systemctl show -p "$1" --value preforkd; }
curl_body() { C curl -sS --max-time 5 http://127.0.0.1/; }
# wait_for SECONDS COMMAND...: retries every 50 ms until it succeeds.
wait_for() {
	_n=$(($1 * 20))
	shift
	until "$@"; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		sleep 0.05
	done
}
status_has() { show StatusText | grep -Eq -- "$1"; }
body_is() { [ "$(curl_body 2>/dev/null)" = "$1" ]; }
proc_field() { C sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

# ---- Start: returns only after READY=1 ---------------------------------

t=$(now_ms)
C systemctl start preforkd || fail "systemctl start"
ok "systemctl start returned in $(since "$t")"
body=$(curl_body) || fail "curl right after systemctl start returned"
[ "$body" = body-one ] || fail "right after start the body is '$body', not 'body-one'"
ok "served at once after start returned: '$body'"
[ "$(show ActiveState)/$(show SubState)" = active/running ] ||
	fail "after start: $(show ActiveState)/$(show SubState)"
pid1=$(show MainPID)
[ "$pid1" -gt 0 ] || fail "MainPID is $pid1"
echo_reply=$(printf 'ping\n' | C timeout 5 bash -c 'exec 3<>/dev/tcp/::1/7 && cat >&3 && head -n 1 <&3')
[ "$echo_reply" = ping ] || fail "the echo listener on [::1]:7 answered '$echo_reply'"
ok "echo listener answers on [::1]:7"

# Privileges: a dynamic user with only CAP_NET_BIND_SERVICE (1 << 10) in
# the master, none in the workers.
uid=$(proc_field "$pid1" Uid | awk '{ print $1 }')
[ -n "$uid" ] && [ "$uid" -ne 0 ] || fail "the master runs as uid '$uid', not a dynamic user"
[ "$(proc_field "$pid1" CapEff)" = 0000000000000400 ] ||
	fail "the master's CapEff is $(proc_field "$pid1" CapEff), not CAP_NET_BIND_SERVICE alone"
workers=$(C pgrep -P "$pid1" | tr '\n' ' ')
[ "$(echo "$workers" | wc -w)" -eq 2 ] || fail "workers of $pid1: '$workers'"
for w in $workers; do
	[ "$(proc_field "$w" Uid | awk '{ print $1 }')" = "$uid" ] || fail "worker $w: not uid $uid"
	[ "$(proc_field "$w" CapEff)" = 0000000000000000 ] || fail "worker $w holds capabilities"
done
ok "master uid $uid with CAP_NET_BIND_SERVICE only bound port 80; workers ($workers) hold none"

# ---- Status ------------------------------------------------------------

wait_for 5 status_has '^2 workers \(gen 1\)' || fail "StatusText is '$(show StatusText)'"
line=$(C systemctl status --no-pager preforkd | grep 'Status: ')
echo "$line" | grep -q 'Status: "2 workers (gen 1)' || fail "systemctl status shows no STATUS line"
ok "systemctl status:$line"

# ---- Reload with a changed body ------------------------------------------

C cp /opt/pftest/two.conf "$CONF"
t=$(now_ms)
C systemctl reload preforkd || fail "systemctl reload"
ok "systemctl reload returned in $(since "$t")"
# preforkctl returned only once generation 2 was ready: served at once.
body_is body-two || fail "after the reload returned the body is '$(curl_body)', not 'body-two'"
C journalctl -u preforkd --no-pager -o cat |
	grep -Eq '^reload: ok, generation 2, 2 workers ready in [0-9.]+ s$' ||
	fail "the journal does not have preforkctl's answer to the reload"
ok "new body served $(since "$t") after the reload began"
wait_for 5 status_has '^2 workers \(gen 2\).*; last reload [0-9:]+ ok$' ||
	fail "StatusText after the reload is '$(show StatusText)'"
[ "$(show MainPID)" = "$pid1" ] || fail "the reload changed MainPID"
wait_for 5 eval '[ "$(show ActiveState)" = active ]' || fail "not active after the reload"
ok "status after the reload: $(show StatusText)"

# ---- A broken configuration ------------------------------------------------

C cp /opt/pftest/broken.conf "$CONF"
if C systemctl reload preforkd 2>/dev/null; then
	fail "systemctl reload succeeded with a broken configuration"
fi
C journalctl -u preforkd --no-pager -o cat | grep -q "$CONF:[0-9]*: unknown setting 'workrs'" ||
	fail "the journal does not say why the reload failed"
C journalctl -u preforkd --no-pager -o cat | grep -q "reload failed: config" ||
	fail "the journal does not have preforkctl's ERR config"
[ "$(show ActiveState)" = active ] && body_is body-two ||
	fail "a refused reload disturbed the service"
ok "systemctl reload of a broken configuration fails, says why, keeps serving"

# A new listener whose port another process holds: ERR bind.
C sh -c 'exec python3 -c "
import socket, time
s = socket.socket(); s.bind((\"127.0.0.1\", 8081)); s.listen(1); time.sleep(60)
" >/dev/null 2>&1 &' || fail "cannot start the port holder"
port_held() { C ss -ltnH "( sport = :8081 )" | grep -q .; }
wait_for 5 port_held || fail "nobody holds port 8081"
C cp /opt/pftest/taken.conf "$CONF"
if C systemctl reload preforkd 2>/dev/null; then
	fail "systemctl reload succeeded with a port that is taken"
fi
C journalctl -u preforkd --no-pager -o cat | grep -q 'bind 127.0.0.1:8081: Address already in use' ||
	fail "the journal does not say the port is taken"
C journalctl -u preforkd --no-pager -o cat | grep -q "reload failed: bind" ||
	fail "the journal does not have preforkctl's ERR bind"
[ "$(show ActiveState)" = active ] && body_is body-two ||
	fail "a reload with a taken port disturbed the service"
C cp /opt/pftest/broken.conf "$CONF"
ok "systemctl reload with a taken port fails, says why, keeps serving"

# The master's own check, as when the file changes between the two.
C systemctl kill --kill-whom=main --signal=HUP preforkd || fail "systemctl kill -s HUP"
wait_for 5 status_has "reload failed: $CONF:[0-9]+: unknown setting 'workrs'" ||
	fail "StatusText after a bad SIGHUP is '$(show StatusText)'"
line=$(C systemctl status --no-pager preforkd | grep 'Status: ')
echo "$line" | grep -q "reload failed" || fail "systemctl status does not show the reload error"
body_is body-two || fail "the old generation stopped serving after a failed reload"
ok "systemctl status:$line"
C cp /opt/pftest/two.conf "$CONF"

# ---- kill -9 of the master: Restart=on-failure -------------------------------

t=$(now_ms)
C kill -KILL "$pid1" || fail "kill -9 $pid1"
restarted() {
	_p=$(show MainPID)
	[ "$_p" -gt 0 ] && [ "$_p" != "$pid1" ] && [ "$(show ActiveState)" = active ]
}
wait_for 20 restarted || fail "no new master 20 s after kill -9 ($(show ActiveState), MainPID $(show MainPID))"
pid2=$(show MainPID)
ok "kill -9 of master $pid1: new master $pid2 active $(since "$t") later (RestartSec=$(show RestartUSec))"
[ "$(show NRestarts)" = 1 ] || fail "NRestarts is $(show NRestarts), not 1"
body=$(curl_body) || fail "curl after the restart"
[ "$body" = body-two ] || fail "after the restart the body is '$body'"
for w in $workers; do
	C test -e "/proc/$w" && fail "worker $w of the killed master is still alive"
done
ok "served after the restart: '$body'; the old workers are gone"

# ---- Stop --------------------------------------------------------------

t=$(now_ms)
C systemctl stop preforkd || fail "systemctl stop"
ok "systemctl stop returned in $(since "$t")"
result="$(show ActiveState) $(show Result) $(show ExecMainCode) $(show ExecMainStatus)"
# ExecMainCode 1 is CLD_EXITED: the master exited (was not killed), status 0.
[ "$result" = "inactive success 1 0" ] ||
	fail "after stop: ActiveState Result ExecMainCode ExecMainStatus = $result"
C journalctl -u preforkd --no-pager -o cat | grep -q 'master: stopped' ||
	fail "the master did not log that it stopped"
left=$(C pgrep -f 'preforkd: ')
[ -z "$left" ] || fail "processes left after stop: $left"
ok "stopped cleanly: $result (ActiveState Result ExecMainCode ExecMainStatus)"

# ---- The access log, in LogsDirectory= -------------------------------------

# (Workers write it in batches: those of the master killed with -9 lost
# theirs, so only some of the requests are there.)
clf='^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}(:[0-9]{2}){3} [-+][0-9]{4}\] "GET / HTTP/1\.1" 200 [0-9]+$'
n=$(C cat /var/log/preforkd/access.log | grep -Ec "$clf")
[ "$n" -ge 1 ] || fail "no request in /var/log/preforkd/access.log"
ok "/var/log/preforkd/access.log (LogsDirectory=) has $n requests in Common Log Format"

# ---- The root-master drop-in of preforkd(8) -----------------------------------

C cp /opt/pftest/root-master.conf /etc/systemd/system/preforkd.service.d/
C cp /opt/pftest/root.conf "$CONF"
C systemctl daemon-reload || fail "daemon-reload"
C systemctl start preforkd || fail "systemctl start with the root-master drop-in"
body=$(curl_body) || fail "curl (root master)"
[ "$body" = body-root ] || fail "root master: the body is '$body'"
pid3=$(show MainPID)
[ "$(proc_field "$pid3" Uid | awk '{ print $1 }')" = 0 ] || fail "the master is not root"
nobody=$(C id -u nobody)
for w in $(C pgrep -P "$pid3"); do
	[ "$(proc_field "$w" Uid | awk '{ print $1 }')" = "$nobody" ] || fail "worker $w is not user nobody"
	[ "$(proc_field "$w" CapEff)" = 0000000000000000 ] || fail "worker $w holds capabilities"
done
t=$(now_ms)
C systemctl stop preforkd || fail "systemctl stop (root master)"
result="$(show ActiveState) $(show Result) $(show ExecMainCode) $(show ExecMainStatus)"
[ "$result" = "inactive success 1 0" ] || fail "root master, after stop: $result"
C grep -Eq "$clf" /var/log/preforkd/root.log ||
	fail "the workers (user nobody) could not write the access log"
ok "root-master drop-in: master root, workers 'nobody' with no capability, access log written, stopped in $(since "$t")"

# ---- Halt --------------------------------------------------------------

t=$(now_ms)
stop_container
ok "container halted in $(since "$t")"
echo "PASS: systemd-nspawn"
