#!/bin/bash
# include-order.sh - the folders of src/ include one way: a file includes
# only from its own folder and the folders listed before it in DESIGN.md
# (core < conf < net < proto, http < worker < master < ctl; proto and http
# never include each other; main.c may include any). Checks the tree, then
# checks that the check itself fails on a tree that breaks the rule.
set -u
ORDER="core conf net proto http worker master ctl"

rank() { # rank FOLDER: its place in ORDER (proto and http share one), or -1
	case $1 in
	core) echo 0 ;; conf) echo 1 ;; net) echo 2 ;; proto | http) echo 3 ;;
	worker) echo 4 ;; master) echo 5 ;; ctl) echo 6 ;; *) echo -1 ;;
	esac
}

# check_tree SRC: prints every violation as FILE:LINE: why; 1 if any.
check_tree() {
	local src=$1 bad=0 f own line inc dir
	while IFS= read -r f; do
		own=${f#"$src"/}
		own=${own%%/*}
		[ "$own" = "${f##*/}" ] && continue # src/main.c may use any
		if [ "$(rank "$own")" -lt 0 ]; then
			echo "$f: folder '$own' is not one of: $ORDER"
			bad=1
			continue
		fi
		while IFS=: read -r line inc; do
			inc=${inc#*\"}
			inc=${inc%%\"*}
			case $inc in
			config.h | preforkd/*) continue ;; # generated; the public ABI
			*/*) dir=${inc%%/*} ;;
			*)
				[ -f "$(dirname "$f")/$inc" ] && continue
				echo "$f:$line: \"$inc\" is not in $own/; name its folder"
				bad=1
				continue
				;;
			esac
			if [ "$(rank "$dir")" -lt 0 ] || [ ! -f "$src/$inc" ]; then
				echo "$f:$line: \"$inc\" is not a header of src/"
				bad=1
			elif [ "$own" = ctl ] || [ "$dir" = "$own" ]; then
				continue
			elif [ "$(rank "$dir")" -ge "$(rank "$own")" ]; then
				echo "$f:$line: $own/ may not include $dir/ (order: $ORDER;" \
					"proto and http never include each other)"
				bad=1
			fi
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	done < <(find "$src" -name '*.[ch]' | sort)
	return $bad
}

top=${TESTS_SRCDIR:-$(dirname "$0")}/..
status=0
out=$(check_tree "$top/src") || status=1
[ -z "$out" ] || echo "$out"
n=$(find "$top/src" -name '*.[ch]' | wc -l)
[ "$n" -ge 40 ] || { echo "found only $n files under $top/src"; status=1; }

# The check must catch what it is for: core using net, http using proto,
# an unqualified header from another folder.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/core" "$tmp/src/net" "$tmp/src/proto" "$tmp/src/http"
touch "$tmp/src/net/conn.h" "$tmp/src/proto/echo.h" "$tmp/src/core/log.h"
for bad in 'core/x.c:#include "net/conn.h"' 'http/x.c:#include "proto/echo.h"' \
	'net/x.c:#include "log.h"'; do
	rm -f "$tmp"/src/*/x.c
	printf '%s\n' "${bad#*:}" >"$tmp/src/${bad%%:*}"
	if check_tree "$tmp/src" >/dev/null; then
		echo "the check accepted ${bad%%:*}: ${bad#*:}"
		status=1
	fi
done
printf '#include "core/log.h"\n#include "conn.h"\n' >"$tmp/src/net/x.c"
rm -f "$tmp"/src/{core,http}/x.c
check_tree "$tmp/src" || { echo "the check refused a good tree"; status=1; }

[ $status = 0 ] && echo "ok: $n files include only from their own or earlier folders"
exit $status
