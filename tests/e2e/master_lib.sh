# master_lib.sh - helpers for the master's end-to-end tests (sourced after
# lib.sh): worker pids by slot, times from the log, socket counts.

# ms_now: wall-clock milliseconds
ms_now() { date +%s%3N; }

# slot_pid SLOT: the pid of PF_PID's worker for SLOT (newest generation)
slot_pid() {
	ps -o pid=,args= --ppid "$PF_PID" |
		awk -v s="$1" '$3 == "worker" && $4 == s { p = $1 } END { print p }'
}

# log_count REGEX: lines of the preforkd log matching an extended regex
log_count() { grep -Ec -- "$1" "$T/preforkd.log"; }

# log_ms REGEX: wall-clock milliseconds of the last log line matching REGEX
log_ms() {
	_l=$(grep -E -- "$1" "$T/preforkd.log" | tail -n 1)
	[ -n "$_l" ] || return 1
	_s=$(date -d "${_l:0:19}" +%s) || return 1
	echo $((_s * 1000 + 10#${_l:20:3}))
}

# conns_of PID PORT: established connections that PID holds on PORT
conns_of() {
	ss -tnpH state established "( sport = :$2 )" | grep -c "pid=$1,"
}

# accept_queue PORT: connections waiting in the accept queues of PORT
accept_queue() {
	ss -ltnH "( sport = :$1 )" | awk '{ q += $2 } END { print q + 0 }'
}

# pfload_errors LINE: the sum of every error counter of a pfload summary
pfload_errors() {
	_n=0
	for _k in connect_errors resets timeouts bad_status short mismatches closed; do
		_n=$((_n + $(pfload_get "$_k" "$1")))
	done
	echo "$_n"
}

# fd_count PID / rss_kb PID: open descriptors and resident memory
fd_count() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# http_ok PORT [BODY]: one GET answered 200 (with BODY) within a second
http_ok() {
	_b=$(curl -fsS --max-time 1 "http://127.0.0.1:$1/") || return 1
	[ -z "${2:-}" ] || [ "$_b" = "$2" ]
}
