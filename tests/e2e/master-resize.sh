#!/bin/bash
# master-resize.sh - reloads that shrink and grow `workers` under keep-alive
# and Connection: close load: no client error, and no listening socket is
# closed while its listener is configured (a shrink hands sockets over)
. "$TESTS_SRCDIR/e2e/lib.sh"
. "$TESTS_SRCDIR/e2e/master_lib.sh"
[ -x "$PFLOAD" ] || skip "pfload is not built"
command -v ss >/dev/null || skip "ss (iproute2) is not installed"

PORT=$(free_ports 1)
write_conf() { # write_conf WORKERS
	cat >"$T/p.conf.new" <<EOF
workers = $1;
shutdown_timeout = 5.0;
log_level = "notice";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "hello\n"; }; });
EOF
	mv "$T/p.conf.new" "$T/p.conf"
}
reloads_done() { [ "$(log_count 'reload: generation [0-9]+ ready')" -ge "$1" ]; }
listening() { ss -ltnH "( sport = :$PORT )" | wc -l; }
write_conf 2
pf_start "$T/p.conf"

"$PFLOAD" -q -m http -p "$PORT" -c 8 -d 8 -b "hello
" >"$T/keepalive.out" 2>&1 &
KA=$!
"$PFLOAD" -q -m http -p "$PORT" -c 4 -d 8 -C >"$T/close.out" 2>&1 &
CL=$!
PIDS="$PIDS $KA $CL"
sleep 0.3
sizes="4 1 3 6 2 5 1 4 2 3 6 1 2 5 3 1 4 2"
n=0
for w in $sizes; do
	write_conf "$w"
	kill -HUP "$PF_PID"
	n=$((n + 1))
	wait_for 5 reloads_done "$n" ||
		fail "reload to $w workers did not finish"
	sleep 0.3
done
wait "$KA"; ka=$?
wait "$CL"; cl=$?
echo "keep-alive: $(cat "$T/keepalive.out")"
echo "close:      $(cat "$T/close.out")"
echo "listening sockets after shrinking to 2: $(listening)"
[ "$ka" -eq 0 ] || fail "keep-alive clients saw errors"
[ "$cl" -eq 0 ] || fail "Connection: close clients saw errors"
log_has "reload failed" && fail "a reload failed"
# Six slots were open once: their six sockets all stay while configured.
[ "$(listening)" -eq 6 ] || fail "$(listening) listening sockets, not 6"
two_left() { [ "$(pgrep -cP "$PF_PID")" -eq 2 ]; }
wait_for 5 two_left || fail "not 2 workers at the end"
# Each socket is held by the master and exactly one worker; each of the two
# workers serves three of the six.
ss -ltnpH "( sport = :$PORT )" >"$T/ss.out"
while read -r line; do
	holders=$(echo "$line" | grep -o 'pid=[0-9]*' | sort -u | grep -vc "pid=$PF_PID\$")
	echo "$line" | grep -q "pid=$PF_PID," || fail "the master does not hold a socket: $line"
	[ "$holders" -eq 1 ] || fail "a socket has $holders workers: $line"
done <"$T/ss.out"
for p in $(worker_pids); do
	cnt=$(grep -c "pid=$p," "$T/ss.out")
	[ "$cnt" -eq 3 ] || fail "worker $p serves $cnt sockets, not 3"
done
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "${n} resizing reloads under load, no client error"
