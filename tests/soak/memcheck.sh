#!/bin/bash
# memcheck.sh - the master under valgrind memcheck through a start, 20
# reloads (worker counts and a second listener coming and going, plus two
# that fail: a broken file and an address that cannot be bound), keep-alive
# and connection-per-request load, a worker killed and restarted, SIGUSR1,
# and a SIGTERM (client failures bounded by what the killed worker held):
# valgrind reports no error and no definite leak in the
# master, and the master exits 0. Workers are forked, not exec'd: they run
# under valgrind too, but silently (--child-silent-after-fork); only the
# master's report is read. memcheck.supp suppresses one false leak report
# (the environment copied once at start, see there); the figure is printed.
# limit: 300 s
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/soak/soak_lib.sh"
command -v valgrind >/dev/null || skip "valgrind is not installed (apt-get install valgrind)"
asan_build && skip "an ASan build: valgrind cannot run it (LeakSanitizer checks the master there)"

RELOADS=20
read -r P1 P2 < <(free_ports 2 | tr '\n' ' ')
# The workers' seccomp filter is off: they run on valgrind's core, whose
# system calls it does not allow (the master never installs it).
write_conf() { # write_conf WORKERS [EXTRA-LISTENER]
	cat >"$T/p.conf.new" <<CONF
workers = $1;
shutdown_timeout = 5.0;
worker_timeout = 60.0;
seccomp = false;
log_level = "info";
listeners = ({ name = "web"; listen = "127.0.0.1:$P1"; mode = "http";
               http = { response = "hello\n"; access_log = "$T/access.log"; }; }${2:-});
CONF
	mv "$T/p.conf.new" "$T/p.conf"
}
ECHO=", { name = \"echo\"; listen = \"127.0.0.1:$P2\"; mode = \"echo\"; }"
reloads_ok() { log_count "master\\[$PF_PID\\]: reload: generation [0-9]+ ready"; }
reloads_failed() { log_count "master\\[$PF_PID\\]: reload failed"; }
reloads_ended() { [ $(($(reloads_ok) + $(reloads_failed))) -ge "$1" ]; }
vglog() { echo "$T/vg.$PF_PID.log"; }

write_conf 2
valgrind --tool=memcheck --leak-check=full --error-exitcode=1 \
	--trace-children=no --child-silent-after-fork=yes \
	--suppressions="$TESTS_SRCDIR/soak/memcheck.supp" \
	--log-file="$T/vg.%p.log" "$PREFORKD" -c "$T/p.conf" >>"$T/preforkd.log" 2>&1 &
PF_PID=$!
PIDS="$PIDS $PF_PID"
t0=$(ms_now)
wait_for 60 log_has "\\[$PF_PID\\]: ready: " || {
	cat "$(vglog)" >&2 2>/dev/null
	fail "preforkd under valgrind was not ready within 60 s"
}
echo "ready under valgrind after $(($(ms_now) - t0)) ms"

"$PFLOAD" -q -m http -p "$P1" -c 4 -t 10 -d 600 -b "hello
" >"$T/keepalive.out" 2>&1 &
KA=$!
"$PFLOAD" -q -m http -p "$P1" -c 2 -t 10 -d 600 -C -b "hello
" >"$T/close.out" 2>&1 &
CL=$!
PIDS="$PIDS $KA $CL"
sleep 1

n=0
for i in $(seq 1 "$RELOADS"); do
	case $((i % 4)) in
	0) write_conf 2 ;;
	1) write_conf 3 "$ECHO" ;;
	2) write_conf 1 ;;
	3) write_conf 2 "$ECHO" ;;
	esac
	[ "$i" -eq 7 ] && echo "workers = ;" >"$T/p.conf"
	[ "$i" -eq 13 ] &&
		write_conf 2 ", { name = \"x\"; listen = \"192.0.2.1:$P2\"; mode = \"echo\"; }"
	kill -HUP "$PF_PID"
	n=$((n + 1))
	wait_for 30 reloads_ended "$n" || fail "reload $i did not end within 30 s"
	if [ "$i" -eq 10 ]; then # the reap-and-restart path
		sleep 3.2
		# (titles are no use here: /proc/PID/cmdline shows valgrind's)
		victim=$(children | head -n 1)
		kill -STOP "$victim"
		held=$(held_conns "$victim" "$P1")
		kill -KILL "$victim"
		wait_for 30 log_has "worker [0-9]+ \\(pid $victim, gen [0-9]+\\) killed by signal SIGKILL" ||
			fail "the killed worker was not reaped"
		kill -USR1 "$PF_PID"
		wait_for 10 log_has "master\\[$PF_PID\\]: reopening log files" || fail "no SIGUSR1"
	fi
done
write_conf 2
kill -HUP "$PF_PID"
n=$((n + 1))
wait_for 30 reloads_ended "$n" || fail "the last reload did not end"
sleep 1
kill -TERM "$KA" "$CL"
wait "$KA"; ka=$?
wait "$CL"; cl=$?
ka_line=$(cat "$T/keepalive.out") cl_line=$(cat "$T/close.out")
failed=$(($(pfload_errors "$ka_line") + $(pfload_errors "$cl_line")))
echo "keep-alive (4 conns): $ka_line"
echo "per-request (2 conns): $cl_line"
echo "reloads: $(reloads_ok) done, $(reloads_failed) failed (2 meant to);" \
	"client failures $failed, connections the killed worker held $held"
[ "$(reloads_failed)" -eq 2 ] || fail "$(reloads_failed) reloads failed, 2 were meant to"
[ -n "$ka_line" ] && [ -n "$cl_line" ] || fail "a load generator printed nothing"
[ "$failed" -le "$held" ] || fail "$failed client failures, the killed worker held $held connections"

t0=$(ms_now)
kill -TERM "$PF_PID"
for _ in $(seq 1 1200); do
	kill -0 "$PF_PID" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$PF_PID" 2>/dev/null && fail "the master did not exit within 60 s of SIGTERM"
wait "$PF_PID"
status=$?
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$PF_PID" | tr '\n' ' ')
echo "master exited with status $status, $(($(ms_now) - t0)) ms after SIGTERM"

vg=$(vglog)
[ -s "$vg" ] || fail "no valgrind report for the master ($vg)"
# The master's report, as valgrind wrote it.
sed -n '/HEAP SUMMARY/,$p' "$vg" | sed 's/^==[0-9]*== //'
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$vg" | tail -n 1 | tr -d ,)
lost() { # lost KIND: bytes in the LEAK SUMMARY line of KIND (0 without one)
	_b=$(sed -n "s/.*$1 lost: \\([0-9,]*\\) bytes.*/\\1/p" "$vg" | tail -n 1 | tr -d ,)
	echo "${_b:-0}"
}
definite=$(lost definitely) indirect=$(lost indirectly) possible=$(lost possibly)
reachable=$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$vg" | tail -n 1 | tr -d ,)
suppressed=$(sed -n 's/.*suppressed: \([0-9,]*\) bytes.*/\1/p' "$vg" | tail -n 1 | tr -d ,)
allocs=$(sed -n 's/.*total heap usage: \(.*\) allocated.*/\1/p' "$vg" | tail -n 1)
echo "memcheck of the master: $errors errors; definitely lost $definite bytes," \
	"indirectly lost $indirect, possibly lost $possible, still reachable ${reachable:-0}," \
	"suppressed ${suppressed:-0} (the environment copy); heap: $allocs allocated"
[ -n "$errors" ] || fail "no ERROR SUMMARY in $vg"
[ "$errors" -eq 0 ] || { cat "$vg"; fail "valgrind found $errors errors in the master"; }
[ "$definite" -eq 0 ] || { cat "$vg"; fail "the master leaked $definite bytes (definitely lost)"; }
[ "$status" -eq 0 ] || fail "the master exited with status $status"
ok "memcheck: start, $RELOADS reloads under load, a kill, SIGUSR1, SIGTERM: 0 errors, 0 bytes definitely lost"
