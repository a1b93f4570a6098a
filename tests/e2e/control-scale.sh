#!/bin/bash
# control-scale.sh - scale through the control socket and SIGTTIN/SIGTTOU:
# new slots are ready before the answer; the runtime count outlives a
# reload that keeps the file's workers and yields to one that changes it;
# scale 4 -> scale 1 under keep-alive load loses no request; a reload
# keeps the control socket or moves it; workers = "auto" counts the CPUs of
# the affinity mask.
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
. "$TESTS_SRCDIR/e2e/control_lib.sh"

PORT=$(free_ports 1)

# conf WORKERS: writes $T/p.conf
conf() {
	cat >"$T/p.conf" <<EOC
workers = $1;
shutdown_timeout = 3.0;
log_level = "notice";
control = { socket = "$CTL"; };
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
  http = { response = "hello\n"; }; });
EOC
}

conf 2
pf_start "$T/p.conf"

# --- scale 4: four ready workers of a new generation when it answers
ctl scale 4
expect_rc 0 "scale 4"
echo "$OUT" | grep -Eq '^scale: ok, generation 2, 4 workers ready in' ||
	fail "scale 4 answered: $OUT"
[ "$(ready_workers)" -ge 4 ] || fail "scale 4: $(ready_workers) ready workers"
[ "$("$PREFORKCTL" -s "$CTL" show proc | awk '$2 == 2 && $4 == "ready"' | wc -l)" = 4 ] ||
	fail "scale 4: not 4 ready workers of generation 2"
[ "$(info workers)" = 4 ] && [ "$(info workers_config)" = 2 ] ||
	fail "scale 4: show info says $(info workers) workers, $(info workers_config) in the file"
log_has "control: scale to 4 workers \\(from pid [0-9]+, uid $(id -u)\\)" ||
	fail "scale is not logged with the peer"
ok "scale 4: $(echo "$OUT" | head -n 1)"

# --- a reload that keeps the file's workers keeps the runtime count
ctl reload
expect_rc 0 "reload keeping workers"
echo "$OUT" | grep -Eq '^reload: ok, generation 3, 4 workers ready' ||
	fail "reload keeping workers answered: $OUT"
echo "$OUT" | grep -q "set at run time (the file says 2)" ||
	fail "the reload does not say the runtime count stands: $OUT"
ok "reload, file still 2: $(echo "$OUT" | tr '\n' ';')"

# --- a reload that changes them: the file wins, and the answer says so
conf 3
ctl reload
expect_rc 0 "reload changing workers"
echo "$OUT" | grep -Eq '^reload: ok, generation 4, 3 workers ready' ||
	fail "reload changing workers answered: $OUT"
echo "$OUT" | grep -q "the file's 3 replaces the runtime 4" ||
	fail "the reload does not say the file wins: $OUT"
ctl reload
echo "$OUT" | grep -q "set at run time" && fail "the runtime count came back: $OUT"
ok "reload, file now 3: $(echo "$OUT" | tr '\n' ';')"

# --- SIGTTIN / SIGTTOU are scale +1 / -1
gen=$(info generation)
kill -TTIN "$PF_PID"
wait_for 10 bash -c "[ \"\$('$PREFORKCTL' -s '$CTL' show info | sed -n 's/^workers: //p')\" = 4 ] &&
	[ \"\$('$PREFORKCTL' -s '$CTL' show info | sed -n 's/^state: //p')\" = running ]" ||
	fail "SIGTTIN did not make 4 workers"
kill -TTOU "$PF_PID"
wait_for 10 bash -c "[ \"\$('$PREFORKCTL' -s '$CTL' show info | sed -n 's/^workers: //p')\" = 3 ] &&
	[ \"\$('$PREFORKCTL' -s '$CTL' show info | sed -n 's/^state: //p')\" = running ]" ||
	fail "SIGTTOU did not go back to 3 workers"
[ "$(info generation)" -eq $((gen + 2)) ] || fail "SIGTTIN/SIGTTOU: generation $(info generation)"
ok "SIGTTIN -> 4 workers, SIGTTOU -> 3"

# --- scale +1, -1, config, and out of range
ctl scale +1
expect_rc 0 "scale +1"
echo "$OUT" | grep -q "4 workers ready" || fail "scale +1: $OUT"
ctl scale config
expect_rc 0 "scale config"
echo "$OUT" | grep -q "3 workers ready" || fail "scale config: $OUT"
ctl scale 3
expect_rc 0 "scale to the same count"
echo "$OUT" | grep -q "no change" || fail "scale 3 at 3: $OUT"
ctl scale 1
ctl scale -1
expect_rc 1 "scale -1 at one worker"
echo "$ERR" | grep -q "bad-argument" || fail "scale -1 at 1: $ERR"
ctl scale 0
expect_rc 2 "scale 0"
ok "scale +1, config, no change, -1 at 1 refused, 0 is usage"

# --- scale 4 -> scale 1 under keep-alive load: no client error
if [ -x "$PFLOAD" ]; then
	ctl scale 4
	expect_rc 0 "scale 4 before the load"
	"$PFLOAD" -q -m http -p "$PORT" -c 8 -d 4 -b "hello
" >"$T/ka.out" 2>&1 &
	KA=$!
	PIDS="$PIDS $KA"
	sleep 1
	ctl scale 1
	expect_rc 0 "scale 1 under load"
	wait "$KA"; ka=$?
	line=$(cat "$T/ka.out")
	echo "keep-alive: $line"
	[ "$ka" -eq 0 ] && [ "$(pfload_errors "$line")" -eq 0 ] ||
		fail "scale 4 -> 1 under load: client errors ($line)"
	[ "$(pfload_get requests "$line")" -gt 100 ] || fail "too few requests: $line"
	[ "$(info workers)" = 1 ] || fail "not 1 worker after scale 1"
	ok "scale 4 -> 1 under keep-alive load: 0 errors, $(pfload_get requests "$line") requests"
else
	echo "pfload is not built: the load part is skipped"
fi

# --- a reload that moves the control socket: answered on the old one, the
# new one listens, the old file is gone; a reload that keeps it keeps it
ino=$(stat -c %i "$CTL")
ctl reload
[ "$(stat -c %i "$CTL")" = "$ino" ] || fail "a reload re-created the control socket"
sed -i "s|socket = \"$CTL\"|socket = \"$T/moved.sock\"|" "$T/p.conf"
ctl reload
expect_rc 0 "reload moving the socket"
[ -e "$CTL" ] && fail "the old control socket is left after it moved"
"$PREFORKCTL" -s "$T/moved.sock" ping >/dev/null || fail "the moved socket does not answer"
ok "socket kept by a reload, moved by one that changes its path"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS"

# --- workers = "auto" counts the CPUs this process may run on
if command -v taskset >/dev/null; then
	conf '"auto"'
	taskset -c 0 "$PREFORKD" -c "$T/p.conf" >>"$T/preforkd.log" 2>&1 &
	PF_PID=$!
	PIDS="$PIDS $PF_PID"
	wait_for 10 log_has "\\[$PF_PID\\]: ready: " || fail "auto: not ready"
	[ "$(info workers)" = 1 ] || fail "workers = auto under taskset -c 0: $(info workers)"
	pf_stop
	ok "workers = \"auto\" under taskset -c 0: 1 worker"
fi
