# soak_lib.sh - helpers of the soak scripts (sourced after tests/e2e/lib.sh
# and tests/e2e/master_lib.sh): the master's children and their generations,
# connections a worker holds, and the steady-state check that follows a
# storm (descriptors, RSS, zombies, old generations).

# A time limit (make soak's run) or ^C ends the script through its EXIT
# trap (lib.sh's e2e_cleanup: every pid started is killed, the dir removed).
# On a failure the preforkd log is kept as tests/soak/NAME.preforkd.log (in
# the build directory, where make soak runs).
trap 'exit 143' INT TERM
soak_exit() {
	_rc=$?
	if [ "$_rc" -ne 0 ] && [ "$_rc" -ne 77 ] && [ -f "$T/preforkd.log" ] && [ -d tests/soak ]; then
		cp "$T/preforkd.log" "tests/soak/$(basename "$0" .sh).preforkd.log" &&
			echo "(the whole preforkd log: tests/soak/$(basename "$0" .sh).preforkd.log)" >&2
	fi
	e2e_cleanup
}
trap soak_exit EXIT

[ -x "$PFLOAD" ] || skip "pfload is not built"

# children: pids of PF_PID's children, one a line
children() { pgrep -P "$PF_PID"; }

# title PID: the process title (argv) of PID, NULs as spaces
title() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ *$//'; }

# gen_of PID: G of a worker titled "preforkd: worker N (gen G)"
gen_of() { title "$1" | sed -n 's/^preforkd: worker [0-9]* (gen \([0-9]*\))$/\1/p'; }

# current_gen: the generation this master last made active (1 at start)
current_gen() {
	_g=$(grep -E "master\\[$PF_PID\\]: reload: generation [0-9]+ ready" \
		"$T/preforkd.log" | tail -n 1 | sed 's/.*generation \([0-9]*\) ready.*/\1/')
	echo "${_g:-1}"
}

# zombies: PF_PID's children in state Z
zombies() {
	_n=0
	for _p in $(children); do
		[ "$(awk '{ print $3 }' "/proc/$_p/stat" 2>/dev/null)" = Z ] &&
			_n=$((_n + 1))
	done
	echo "$_n"
}

# old_workers GEN: children whose title is not a worker of generation GEN
old_workers() {
	_n=0
	for _p in $(children); do
		[ -e "/proc/$_p" ] || continue # reaped meanwhile
		[ "$(gen_of "$_p")" = "$1" ] || _n=$((_n + 1))
	done
	echo "$_n"
}

# settled N: exactly N children, all of the current generation, none a zombie
settled() {
	_g=$(current_gen)
	[ "$(children | wc -l)" -eq "$1" ] && [ "$(old_workers "$_g")" -eq 0 ] &&
		[ "$(zombies)" -eq 0 ]
}

# held_conns PID PORT: TCP connections on local port PORT, in any state but
# LISTEN and TIME-WAIT, that PID has open: its socket descriptors matched
# against ss's inode numbers. Quick enough to run between SIGSTOP and SIGKILL
# of a worker (ss -p reads every process's descriptors; /proc/net/tcp lists
# the many TIME-WAIT sockets of a connection-per-request load).
held_conns() {
	ss -tnHe state established state syn-recv state fin-wait-1 \
		state fin-wait-2 state close-wait state last-ack state closing \
		"( sport = :$2 )" 2>/dev/null |
		awk 'FILENAME != "-" { gsub(/[^0-9]/, ""); want[$0] = 1; next }
		     match($0, /ino:[0-9]+/) && (substr($0, RSTART + 4, RLENGTH - 4) in want) { n++ }
		     END { print n + 0 }' \
			<(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null) -
}

# us_now: wall-clock microseconds, without a fork where bash has EPOCHREALTIME
us_now() { [ -n "${EPOCHREALTIME:-}" ] && echo "${EPOCHREALTIME//[.,]/}" || date +%s%6N; }

# pace_to US: sleeps until wall-clock microsecond US (at once if past)
pace_to() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		_left=$(($1 - ${EPOCHREALTIME//[.,]/}))
	else
		_left=$(($1 - $(date +%s%6N)))
	fi
	[ "$_left" -le 0 ] || sleep "$(printf '%d.%06d' $((_left / 1000000)) $((_left % 1000000)))"
}

# candidates CS: sets CANDIDATES to the pids of PF_PID's live children up
# for CS centiseconds or more (no fork: it runs 5 times a second under load)
TCK=$(getconf CLK_TCK)
candidates() {
	local up _ kids c line f
	CANDIDATES=()
	read -r up _ </proc/uptime
	up=${up/./} # centiseconds
	up=$((10#$up))
	if [ -r "/proc/$PF_PID/task/$PF_PID/children" ]; then
		read -r kids <"/proc/$PF_PID/task/$PF_PID/children"
	else
		kids=$(children)
	fi
	for c in $kids; do
		read -r line 2>/dev/null <"/proc/$c/stat" || continue
		f=(${line##*) }) # from the state on: the name may hold spaces
		[ "${f[0]}" != Z ] || continue
		[ $((up - f[19] * 100 / TCK)) -ge "$1" ] && CANDIDATES+=("$c")
	done
	return 0
}

# asan_build: the binary is instrumented (its allocator keeps freed memory,
# so RSS says nothing about leaks; valgrind cannot run it)
asan_build() { grep -q __asan_init "$PREFORKD"; }

# smaps_rss PID: "RSS-kB mapping" for each mapping of PID with pages resident
# (steady_check prints the mappings whose RSS changed since rss_baseline)
smaps_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { m = $6 ? $6 ":" $2 ":" $3 : "anon:" $1 }
	     /^Rss:/ && $2 > 0 { print $2, m }' "/proc/$1/smaps" 2>/dev/null | sort -k2
}
# rss_baseline: prints the master's descriptors and RSS ("FD RSS") and keeps
# its per-mapping RSS for steady_check
rss_baseline() {
	smaps_rss "$PF_PID" >"$T/smaps.0"
	echo "$(fd_count "$PF_PID") $(rss_kb "$PF_PID")"
}

# steady_check LABEL FD0 RSS0 WORKERS: after a storm, with WORKERS workers
# configured, waits (15 s at most: old generations drain, exits are reaped)
# until the children are WORKERS workers of the current generation and no
# zombie, then prints and checks the master's descriptors and RSS against
# FD0/RSS0, the zombies and the workers of other generations.
# RSS_SLACK (kB, default 4: one page) is the RSS tolerance.
steady_check() {
	_label=$1 _fd0=$2 _rss0=$3 _w=$4
	wait_for 15 settled "$_w" || {
		for _p in $(children); do echo "  child $_p: $(title "$_p") state $(awk '{ print $3 }' "/proc/$_p/stat")"; done
		fail "$_label: not $_w workers of generation $(current_gen) and no zombie within 15 s"
	}
	_g=$(current_gen)
	_fd1=$(fd_count "$PF_PID") _rss1=$(rss_kb "$PF_PID")
	_z=$(zombies) _old=$(old_workers "$_g") _n=$(children | wc -l)
	echo "$_label: master fds $_fd0 -> $_fd1, VmRSS $_rss0 kB -> $_rss1 kB" \
		"($((_rss1 - _rss0)) kB); children $_n (workers = $_w), zombies $_z," \
		"workers of a generation other than $_g: $_old"
	for _p in $(children); do title "$_p"; echo; done |
		sed 's/worker [0-9]*/worker N/' | sort | uniq -c | sed 's/^ */  titles: /'
	[ "$_fd1" -eq "$_fd0" ] || { ls -l "/proc/$PF_PID/fd"; fail "$_label: master fds $_fd0 -> $_fd1"; }
	if asan_build; then
		echo "$_label: ASan build, RSS not compared (its allocator keeps freed memory)"
	else
		_d=$((_rss1 - _rss0))
		if [ "$_d" -ne 0 ] && [ -f "$T/smaps.0" ]; then
			smaps_rss "$PF_PID" >"$T/smaps.1"
			echo "$_label: mappings whose RSS changed (kB before -> after):"
			join -1 2 -2 2 -a 1 -a 2 -e 0 -o 0,1.1,2.1 "$T/smaps.0" "$T/smaps.1" |
				awk '$2 != $3 { print "  " $1 ": " $2 " -> " $3 }'
		fi
		[ "${_d#-}" -le "${RSS_SLACK:-4}" ] ||
			fail "$_label: master VmRSS $_rss0 kB -> $_rss1 kB (more than ${RSS_SLACK:-4} kB)"
	fi
	[ "$_z" -eq 0 ] || fail "$_label: $_z zombie children"
	[ "$_old" -eq 0 ] || fail "$_label: $_old children not of generation $_g"
	[ "$_n" -eq "$_w" ] || fail "$_label: $_n children, $_w workers configured"
}
