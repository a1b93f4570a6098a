#!/bin/bash
# master-reload-load.sh - 50 reloads, 100 ms apart, while keep-alive and
# Connection: close clients load an http listener: no error of any kind
. "$TESTS_SRCDIR/e2e/lib.sh"
[ -x "$PFLOAD" ] || skip "pfload is not built"

PORT=$(free_ports 1)
cat >"$T/p.conf" <<EOF
workers = 2;
shutdown_timeout = 5.0;
log_level = "notice";
listeners = ({ name = "web"; listen = "127.0.0.1:$PORT"; mode = "http";
               http = { response = "hello\n"; }; });
EOF
pf_start "$T/p.conf"

"$PFLOAD" -q -m http -p "$PORT" -c 8 -d 7 -b "hello
" >"$T/keepalive.out" 2>&1 &
KA=$!
"$PFLOAD" -q -m http -p "$PORT" -c 4 -d 7 -C >"$T/close.out" 2>&1 &
CL=$!
PIDS="$PIDS $KA $CL"
sleep 0.5
for _ in $(seq 50); do
	kill -HUP "$PF_PID"
	sleep 0.1
done
wait "$KA"; ka=$?
wait "$CL"; cl=$?
echo "keep-alive: $(cat "$T/keepalive.out")"
echo "close:      $(cat "$T/close.out")"
reloads=$(grep -c "reload: generation" "$T/preforkd.log")
echo "reloads completed: $reloads"

[ "$ka" -eq 0 ] || fail "keep-alive clients saw errors"
[ "$cl" -eq 0 ] || fail "Connection: close clients saw errors"
for f in keepalive close; do
	line=$(cat "$T/$f.out")
	[ "$(pfload_get requests "$line")" -gt 100 ] || fail "$f: too few requests"
done
log_has "reload failed" && fail "a reload failed"
[ "$reloads" -ge 10 ] || fail "only $reloads reloads completed"
kill -0 "$PF_PID" || fail "the master died"
pf_stop
[ "$PF_STATUS" -eq 0 ] || fail "exit status $PF_STATUS after SIGTERM"
ok "50 reloads under load, no client error"
