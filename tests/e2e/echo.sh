#!/bin/bash
# echo.sh - the echo mode end to end, for both triggers: 1 MiB written
# before reading, 100 clients x 1,000 random-size round trips,
# backpressure with a client that never reads, idle_timeout, max_connections.
. "$TESTS_SRCDIR/e2e/lib.sh"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

for trigger in edge level; do
	read -r P1 P2 < <(free_ports 2 | tr '\n' ' ')
	cat >"$T/echo.conf" <<CONF
workers = 1;
max_connections = 200;
listeners = (
  { name = "echo"; listen = "127.0.0.1:$P1"; mode = "echo"; trigger = "$trigger"; },
  { name = "quiet"; listen = "127.0.0.1:$P2"; mode = "echo"; trigger = "$trigger";
    idle_timeout = 0.5; }
);
CONF
	pf_start "$T/echo.conf"

	"$TESTBIN/echo_client" "$P1" 1048576 >/dev/null ||
		fail "$trigger: 1 MiB written before reading was not echoed intact"
	ok "$trigger: 1 MiB echoed byte-exact"

	line=$("$PFLOAD" -q -m echo -p "$P1" -c 100 -n 100000 -s 1-65536 -d 120 -t 10) ||
		fail "$trigger: random-size round trips had errors: $line"
	[ "$(pfload_get requests "$line")" -ge 100000 ] ||
		fail "$trigger: only $(pfload_get requests "$line") round trips"
	ok "$trigger: 100 clients x 1,000 round trips of 1 B-64 KiB: $line"

	worker=$(worker_pids); worker=${worker%% *}; [ -n "$worker" ] || worker=$PF_PID
	before=$(rss_kb "$worker")
	stallers=""
	for i in 1 2 3 4; do
		"$TESTBIN/echo_client" "$P1" 65536 stall 2 >"$T/stall.$i" &
		stallers="$stallers $!"
	done
	wait $stallers
	after=$(rss_kb "$worker")
	sent=$(awk '{s += $1} END {print s}' "$T"/stall.*)
	echo "stalled clients wrote $sent bytes; worker RSS $before kB -> $after kB"
	[ $((after - before)) -lt 4096 ] ||
		fail "$trigger: worker RSS grew by $((after - before)) kB under a client that does not read"
	ok "$trigger: backpressure keeps RSS bounded"

	line=$("$PFLOAD" -q -m idle -p "$P2" -c 5 -d 2) || true
	[ "$(pfload_get closed "$line")" = 5 ] ||
		fail "$trigger: idle_timeout 0.5 s did not close 5 silent connections in 2 s: $line"
	ok "$trigger: idle_timeout closes silent connections"
	pf_stop TERM
	[ "$PF_STATUS" = 0 ] || fail "$trigger: exit status $PF_STATUS after SIGTERM"
done

# max_connections: 10 held, everything above is closed at once.
read -r P1 < <(free_ports 1)
cat >"$T/limit.conf" <<CONF
workers = 1;
max_connections = 10;
listeners = ( { name = "echo"; listen = "127.0.0.1:$P1"; mode = "echo"; } );
CONF
pf_start "$T/limit.conf"
line=$("$PFLOAD" -q -m idle -p "$P1" -c 25 -d 1) || true
[ "$(pfload_get closed "$line")" = 15 ] ||
	fail "max_connections = 10: expected 15 of 25 closed, got: $line"
log_has "max_connections \(10\) reached" || fail "the limit was not logged"
"$TESTBIN/echo_client" "$P1" 1000 >/dev/null || fail "not serving after the limit"
ok "max_connections enforced, logged, and service goes on"
# A second preforkd on the same address must not share it silently
# through SO_REUSEPORT: it fails before starting any worker.
timeout 10 "$PREFORKD" -c "$T/limit.conf" >"$T/second.log" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "a second instance on the same port exited $rc, not 1"
grep -q "another process listens there" "$T/second.log" ||
	fail "a second instance did not say why: $(cat "$T/second.log")"
ok "a second instance on the same address exits 1: another process listens there"
pf_stop TERM
