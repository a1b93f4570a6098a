#!/bin/bash
# modules-install.sh - a module built out of tree against an installed
# copy: `make install DESTDIR=...`, then only the installed header found
# through the installed preforkd.pc, `cc -shared -fPIC $(pkg-config --cflags
# preforkd) echo.c -o echo.so`; the installed preforkd loads it and serves.
. "$TESTS_SRCDIR/e2e/lib.sh"

command -v cc >/dev/null || skip "no C compiler"
command -v pkg-config >/dev/null || skip "no pkg-config"
D=$T/dest
make -C "$TESTBIN/.." install DESTDIR="$D" >"$T/install.log" 2>&1 ||
	{ tail -20 "$T/install.log"; fail "make install DESTDIR=$D failed"; }
pc=$(find "$D" -name preforkd.pc | head -1)
[ -n "$pc" ] || fail "make install put no preforkd.pc under $D"
hdr=$(find "$D" -path '*/include/preforkd/handler.h' | head -1)
[ -n "$hdr" ] || fail "make install put no include/preforkd/handler.h under $D"
bin=$(find "$D" -name preforkd -type f -perm -u+x | head -1)
[ -n "$bin" ] || fail "make install put no preforkd under $D"
mods=$(find "$D" -path '*/preforkd/modules/echo.so' | head -1)
[ -n "$mods" ] || fail "make install put no modules/echo.so under $D"
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$D pkg-config --cflags preforkd) ||
	fail "pkg-config cannot read the installed preforkd.pc"
cflags=$(echo $cflags) # pkg-config ends it with a space
[ "$cflags" = "-I$(dirname "$(dirname "$hdr")")" ] || fail "pkg-config --cflags preforkd said '$cflags'"
mkdir "$T/out-of-tree"
cp "$TESTS_SRCDIR/../modules/echo/echo.c" "$T/out-of-tree/"
# shellcheck disable=SC2086
(cd "$T/out-of-tree" && cc -shared -fPIC $cflags echo.c -o echo.so) ||
	fail "the module did not build against the installed header"
ok "installed: $(echo "${hdr#"$D"}" "${pc#"$D"}" "${mods#"$D"}"); cc -shared -fPIC $cflags echo.c -o echo.so"

read -r P < <(free_ports 1)
cat >"$T/i.conf" <<CONF
workers = 1;
listeners = ({ name = "echo"; listen = "127.0.0.1:$P"; mode = "module";
  module = { path = "$T/out-of-tree/echo.so"; }; });
CONF
PREFORKD=$bin pf_start "$T/i.conf"
"$TESTBIN/echo_client" "$P" 65536 >/dev/null || fail "the out-of-tree module did not echo"
ok "the installed preforkd loads the out-of-tree module and it echoes 64 KiB byte-exact"
pf_stop
