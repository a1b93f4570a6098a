#!/bin/bash
# doc-man.sh - the man pages render with no groff warning (`groff -man
# -Tutf8 -ww`, what `man -l` shows), and they document every command-line
# option (of preforkd and preforkctl), every signal the master handles,
# every configuration setting that src/ knows and every control command of
# the table in src/master/ctl_request.c, each as an entry of its own (.TP
# then .B NAME).
# Environment (set by make check): TESTS_SRCDIR.
set -u

: "${TESTS_SRCDIR:?TESTS_SRCDIR is not set (run through make check)}"
TOP=$(cd "$TESTS_SRCDIR/.." && pwd)
MAN8=$TOP/doc/preforkd.8
MAN5=$TOP/doc/preforkd.conf.5
MAN3=$TOP/doc/preforkd-handler.3
MANCTL=$TOP/doc/preforkctl.8
errors=0

fail() { echo "FAIL: $*" >&2; errors=$((errors + 1)); }

if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed (apt-get install groff-base), so" \
		"the man pages cannot be rendered" >&2
	exit 77
fi

# 1. Render each page; any warning (-ww turns them all on) is a failure.
for page in "$MAN8" "$MAN5" "$MAN3" "$MANCTL"; do
	[ -f "$page" ] || { fail "$page is missing"; continue; }
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		fail "groff -man -Tutf8 -ww $page (exit $rc):"
		printf '%s\n' "$out" >&2
	else
		echo "ok: $(basename "$page") renders with no warning"
	fi
done

# entry PAGE REGEX: PAGE has a .TP entry whose tag line matches REGEX.
# (The regex goes through the environment: awk -v would eat backslashes.)
entry() {
	RE=$2 awk 'tp && $0 ~ ENVIRON["RE"] { found = 1 } { tp = ($0 == ".TP") }
		END { exit !found }' "$1"
}

# 2. Every option of getopt's string in main.c has an entry in preforkd.8.
optstring=$(sed -n 's/.*getopt(argc, argv, "\([^"]*\)").*/\1/p' "$TOP/src/main.c")
[ -n "$optstring" ] || fail "cannot find the getopt string in src/main.c"
for opt in $(printf '%s' "$optstring" | tr -d ':' | fold -w1); do
	entry "$MAN8" '^\.BI? \\-'"$opt"'( |$)' ||
		fail "preforkd.8 has no entry for option -$opt"
done
echo "ok: options documented: $optstring"

# 3. Every signal the master's loop handles has an entry in preforkd.8.
sigs=$(grep -o 'case SIG[A-Z0-9]*' "$TOP/src/master/master.c" | sed 's/case //' | sort -u)
[ -n "$sigs" ] || fail "cannot find the signals in src/master/master.c"
for sig in $sigs; do
	entry "$MAN8" '^\.BR? (.* )?"?'"$sig"'( |"|$)' ||
		fail "preforkd.8 has no entry for $sig"
done
echo "ok: signals documented:" $sigs

# 4. Every setting name of the tables of src/conf/conf.c and
# src/conf/conf_control.c has an entry in preforkd.conf.5.
settings=$(awk '/^(static )?const char \*const (global|listener|http|module|conf_control)_names\[\]/ { t = 1 }
	t { s = $0; while (match(s, /"[a-z_]+"/)) {
		print substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH) } }
	t && /};/ { t = 0 }' "$TOP/src/conf/conf.c" "$TOP/src/conf/conf_control.c" | sort -u)
n=$(printf '%s\n' "$settings" | grep -c .)
[ "$n" -ge 20 ] || fail "found only $n setting names in src/conf/conf.c"
for s in $settings; do
	entry "$MAN5" '^\.B '"$s"'$' || fail "preforkd.conf.5 has no entry for '$s'"
done
echo "ok: $n settings documented"

# 4b. Every call and hook of the handler ABI has an entry in
# preforkd-handler(3).
# A member starts on a line after one that ends a declaration or comment.
hooks=$(awk 'start && match($0, /\(\*[a-z_]+\)\(/) { print substr($0, RSTART + 2, RLENGTH - 4) }
	{ start = $0 ~ /([;{]|\*\/)[[:space:]]*$/ || $0 ~ /;[[:space:]]*\/\*.*\*\/[[:space:]]*$/ }' \
	"$TOP/include/preforkd/handler.h" | sort -u)
n=$(printf '%s\n' "$hooks" | grep -c .)
[ "$n" -ge 20 ] || fail "found only $n calls and hooks in include/preforkd/handler.h"
for h in $hooks; do
	grep -Eq '^\.BI? "?[^"]*[ (*]'"$h"'[)(]' "$MAN3" || fail "preforkd-handler.3 has no entry for '$h'"
done
echo "ok: $n calls and hooks of the ABI documented"

# 5. Every option of preforkctl's getopt string has an entry in
# preforkctl.8.
ctlopts=$(sed -n 's/.*getopt(argc, argv, "+\{0,1\}\([^"]*\)").*/\1/p' \
	"$TOP/src/ctl/preforkctl.c")
[ -n "$ctlopts" ] || fail "cannot find the getopt string in src/ctl/preforkctl.c"
for opt in $(printf '%s' "$ctlopts" | tr -d ':' | fold -w1); do
	entry "$MANCTL" '^\.BI? \\-'"$opt"'( |$)' ||
		fail "preforkctl.8 has no entry for option -$opt"
done
echo "ok: preforkctl options documented: $ctlopts"

# 6. Every row of the control command table has an entry in preforkctl.8:
# ".B verb", ".B verb word" (a '-' written as "\-"), or for a count
# ".BI "verb " n".
rows=$(sed -n 's/^ *{"\([a-z]*\)", SHAPE_\([A-Z]*\), \(NULL\|"[^"]*"\), CTL_CMD_.*/\1 \2 \3/p' \
	"$TOP/src/master/ctl_request.c" | tr -d '"')
n=$(printf '%s\n' "$rows" | grep -c .)
[ "$n" -ge 14 ] || fail "found only $n commands in src/master/ctl_request.c"
while read -r verb shape word; do
	case $shape in
	NONE) re="^\\.B $verb\$" name=$verb ;;
	WORD) re="^\\.B $verb $(printf '%s' "$word" | sed 's/-/\\\\-/; s/+/\\+/')\$"
		name="$verb $word" ;;
	COUNT) re="^\\.BI \"$verb \" n\$" name="$verb N" ;;
	*) fail "unknown argument shape $shape of '$verb'"; continue ;;
	esac
	entry "$MANCTL" "$re" || fail "preforkctl.8 has no entry for '$name' ($re)"
done <<EOF
$rows
EOF
echo "ok: $n control commands documented"

# 7. The pages are installed by make install.
grep -q 'dist_man_MANS *=.*doc/preforkd\.8.*doc/preforkd\.conf\.5' \
	"$TOP/tests/systemd.mk" || fail "the man pages are not in dist_man_MANS"
grep -q 'dist_man_MANS *+= *doc/preforkctl\.8' "$TOP/src/ctl/local.mk" ||
	fail "preforkctl.8 is not in dist_man_MANS (src/ctl/local.mk)"

[ "$errors" -eq 0 ] || exit 1
echo "PASS: doc-man"
