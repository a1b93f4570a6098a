# conf-check.sh - the command line around the configuration: -t on a bad and
# a good file, -V, -h, an unknown option, a missing file, a hostile @include.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

# run ARGS...: runs preforkd, sets RC, OUT (stdout) and ERR (stderr)
run() {
	"$PREFORKD" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# has TEXT REGEX: TEXT has a line matching the extended regex
has() { printf '%s\n' "$1" | grep -Eq -- "$2"; }

# Three different mistakes: an unknown setting (line 2), a port out of range
# (line 6), a mode that does not exist (line 10).
cat >"$T/bad.conf" <<'EOF'
workers = 2;
workrs = 4;
listeners = (
  { name = "echo";
    mode = "echo";
    listen = "127.0.0.1:70000";
  },
  { name = "web";
    listen = "127.0.0.1:8080";
    mode = "htpp";
  }
);
EOF
run -t -c "$T/bad.conf"
[ "$RC" -eq 1 ] || fail "bad config: exit $RC, expected 1"
[ -z "$OUT" ] || fail "bad config: unexpected stdout: $OUT"
has "$ERR" "^$T/bad.conf:2: unknown setting 'workrs' \(did you mean 'workers'\?\)$" ||
	fail "bad config: no error at line 2: $ERR"
has "$ERR" "^$T/bad.conf:6: bad listen \"127.0.0.1:70000\": port must be a number in 1\.\.65535$" ||
	fail "bad config: no error at line 6: $ERR"
has "$ERR" "^$T/bad.conf:10: 'mode' = \"htpp\" is not one of echo, http" ||
	fail "bad config: no error at line 10: $ERR"
[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 3 ] || fail "bad config: not exactly 3 errors: $ERR"
[ "$(printf '%s\n' "$ERR" | cut -d: -f2 | tr '\n' ' ')" = "2 6 10 " ] ||
	fail "bad config: errors not in line order: $ERR"
ok "-t reports three mistakes, each with its line, in order, exit 1"

cat >"$T/good.conf" <<'EOF'
workers = "auto";
listeners = (
  { name = "echo"; listen = "127.0.0.1:7080"; mode = "echo"; },
  { name = "hello"; listen = "[::1]:8080"; mode = "http";
    http = { response = "Hello, world!\n"; }; }
);
EOF
run -t -c "$T/good.conf"
[ "$RC" -eq 0 ] || fail "good config: exit $RC: $ERR"
[ "$OUT" = "$T/good.conf: configuration is valid" ] || fail "good config: stdout: $OUT"
[ -z "$ERR" ] || fail "good config: unexpected stderr: $ERR"
ok "-t on a valid file: exit 0, \"FILE: configuration is valid\""

run -c "$T/good.conf" -t
[ "$RC" -eq 0 ] || fail "-c before -t: exit $RC"
ok "-c FILE -t works in either order"

if [ -n "${TESTS_SRCDIR:-}" ] && [ -f "$TESTS_SRCDIR/../etc/preforkd.conf" ]; then
	run -t -c "$TESTS_SRCDIR/../etc/preforkd.conf"
	[ "$RC" -eq 0 ] || fail "etc/preforkd.conf: exit $RC: $ERR"
	ok "the shipped etc/preforkd.conf is valid"
fi

run -V
[ "$RC" -eq 0 ] || fail "-V: exit $RC"
has "$OUT" '^preforkd [0-9]+\.[0-9]+\.[0-9]+' || fail "-V: $OUT"
ok "-V prints the version: $OUT"

run -h
[ "$RC" -eq 0 ] || fail "-h: exit $RC"
has "$OUT" '^usage: preforkd \[-c FILE\] \[-t\] \[-V\] \[-h\]' || fail "-h: $OUT"
has "$OUT" '-t ' || fail "-h does not describe -t: $OUT"
[ -z "$ERR" ] || fail "-h: unexpected stderr: $ERR"
ok "-h prints usage on stdout, exit 0"

run -x
[ "$RC" -eq 1 ] || fail "-x: exit $RC, expected 1"
has "$ERR" '^usage: preforkd' || fail "-x: no usage on stderr: $ERR"
ok "an unknown option exits 1 with usage on stderr"

run -t -c "$T/bad.conf" extra
[ "$RC" -eq 1 ] || fail "extra argument: exit $RC, expected 1"
has "$ERR" "unexpected argument 'extra'" || fail "extra argument: $ERR"
ok "a stray argument exits 1"

run -t -c "$T/nonexistent.conf"
[ "$RC" -eq 1 ] || fail "missing file: exit $RC, expected 1"
[ "$ERR" = "$T/nonexistent.conf: cannot read: No such file or directory" ] ||
	fail "missing file: $ERR"
ok "a missing file: \"FILE: cannot read: No such file or directory\", exit 1"

run -t -c "$T"
[ "$RC" -eq 1 ] || fail "directory as config: exit $RC, expected 1"
has "$ERR" "^$T: cannot read: Is a directory$" || fail "directory as config: $ERR"
ok "a directory as the config file is a clear error"

# libconfig's scanner exits the whole process on an @included directory; the
# loader must catch it first (a reload would otherwise kill the master).
mkdir "$T/dir"
printf 'workers = 1;\n@include "%s/dir"\n' "$T" >"$T/inc.conf"
cat "$T/good.conf" | sed 1d >>"$T/inc.conf"
run -t -c "$T/inc.conf"
[ "$RC" -eq 1 ] || fail "@include of a directory: exit $RC, expected 1: $ERR"
has "$ERR" "^$T/inc.conf:2: cannot @include \"$T/dir\": Is a directory$" ||
	fail "@include of a directory: $ERR"
ok "@include of a directory: an error at its line, exit 1"

# An error inside an @included file names that file and its line.
printf 'log_level = "info";\nmax_connections = 0;\n' >"$T/part.conf"
printf 'workers = 1;\n@include "%s/part.conf"\n' "$T" >"$T/main.conf"
sed 1d "$T/good.conf" >>"$T/main.conf"
run -t -c "$T/main.conf"
[ "$RC" -eq 1 ] || fail "error in an include: exit $RC"
has "$ERR" "^$T/part.conf:2: 'max_connections' = 0 is out of range" ||
	fail "error in an include: $ERR"
ok "an error in an @included file names that file and line"
