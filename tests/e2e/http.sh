#!/bin/bash
# http.sh - the HTTP mode end to end: every status it answers, keep-alive,
# pipelining, HEAD, bodies, 304, ranges, and path traversal attempts that
# must never reach a file outside the root.
. "$TESTS_SRCDIR/e2e/lib.sh"

read -r PF PS < <(free_ports 2 | tr '\n' ' ')
W="$T/www"
mkdir -p "$W/sub" "$W/noindex" "$W/a/b"
printf 'Hello, world!' >"$W/hello.txt"
printf '<h1>home</h1>\n' >"$W/index.html"
printf '<h1>sub</h1>\n' >"$W/sub/index.html"
printf 'body{}\n' >"$W/a/b/style.css"
head -c 1048576 /dev/urandom >"$W/big.bin"
printf 'TOP-SECRET\n' >"$T/secret.txt"
ln -s hello.txt "$W/link-in"
ln -s ../secret.txt "$W/link-out"
ln -s /etc "$W/etc-link"
mkfifo "$W/fifo"
cat >"$T/http.conf" <<CONF
workers = 1;
listeners = (
  { name = "fixed"; listen = "127.0.0.1:$PF"; mode = "http";
    http = { response = "Hello, world!\n"; header_timeout = 1.0;
             max_header_size = 1024; max_body_size = 100; }; },
  { name = "static"; listen = "127.0.0.1:$PS"; mode = "http";
    http = { root = "$W"; access_log = "$T/access.log"; }; }
);
CONF
pf_start "$T/http.conf"

# req PORT REQUEST [QUIET_MS]: sends REQUEST (printf format), prints the answer
req() { printf "$2" | "$TESTBIN/rawclient" "$1" "${3:-300}"; }
# expect_status PORT REQUEST STATUS WHAT
expect_status() {
	got=$(req "$1" "$2" | head -n 1 | tr -d '\r')
	[ "$got" = "HTTP/1.1 $3" ] || fail "$4: expected '$3', got '$got'"
	ok "$4 -> $3"
}
H='Host: t\r\n'

# Deferred accept: the worker gets a connection once its first bytes are
# in. A request sent late (inside or after the kernel's deferral second)
# is answered; a client that stays silent is accepted after about a second
# all the same and then closed by the keep-alive timeout (5 s), not kept.
# These run in the background while the rest of the test goes on.
t0=$(date +%s%N)
("$TESTBIN/rawclient" "$PF" 15000 </dev/null >/dev/null
 echo "rc=$? ms=$((($(date +%s%N) - t0) / 1000000))") >"$T/silent.out" &
LATE_PIDS=$!
for d in 0.5 1.5 3; do
	((sleep $d; printf "GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n") |
		"$TESTBIN/rawclient" "$PF" 3000 >"$T/late-$d.out"; echo "rc=$?" >>"$T/late-$d.out") &
	LATE_PIDS="$LATE_PIDS $!"
done

# --- statuses from the fixed-response listener
expect_status "$PF" "GET / HTTP/1.1\r\n$H\r\n" "200 OK" "plain GET"
expect_status "$PF" "GET / HTTP/1.1\r\nHost : t\r\n\r\n" "400 Bad Request" "space before colon"
expect_status "$PF" "GET / HTTP/1.1\r\n$H X-Fold: a\r\n  b\r\n\r\n" "400 Bad Request" "obs-fold"
expect_status "$PF" "GET / HTTP/1.1\r\n\r\n" "400 Bad Request" "HTTP/1.1 without Host"
expect_status "$PF" "GET / HTTP/1.1\r\n${H}X: a\001b\r\n\r\n" "400 Bad Request" "control character in a value"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello" "400 Bad Request" "conflicting Content-Length"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\n" "400 Bad Request" "invalid Content-Length"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" "400 Bad Request" "Transfer-Encoding with Content-Length"
expect_status "$PF" "GET /$(head -c 2000 /dev/zero | tr '\0' a) HTTP/1.1\r\n$H\r\n" "414 URI Too Long" "request line over the limit"
expect_status "$PF" "GET / HTTP/1.1\r\n${H}X-Big: $(head -c 1500 /dev/zero | tr '\0' b)\r\n\r\n" "431 Request Header Fields Too Large" "headers over the limit"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: 101\r\n\r\n" "413 Content Too Large" "body over max_body_size"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n65\r\n" "413 Content Too Large" "chunked body over max_body_size"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n" "501 Not Implemented" "unknown Transfer-Encoding"
expect_status "$PF" "GET / HTTP/2.0\r\n$H\r\n" "505 HTTP Version Not Supported" "HTTP/2.0 request line"
expect_status "$PF" "DELETE / HTTP/1.1\r\n$H\r\n" "405 Method Not Allowed" "DELETE"
req "$PF" "PUT / HTTP/1.1\r\n$H\r\n" | grep -q $'^Allow: GET, HEAD\r$' || fail "405 without Allow"
ok "405 carries Allow: GET, HEAD"

expect_status "$PF" "GET index.html HTTP/1.1\r\n$H\r\n" "400 Bad Request" "a target in none of the four forms"
expect_status "$PF" "GET * HTTP/1.1\r\n$H\r\n" "400 Bad Request" "asterisk-form with GET"
expect_status "$PF" "GET /caf\303\251 HTTP/1.1\r\n$H\r\n" "400 Bad Request" "raw bytes above 0x7f in the target"
expect_status "$PF" "GET / HTTP/1.1\r\nHost: \r\n\r\n" "400 Bad Request" "empty Host"
expect_status "$PF" "GET / HTTP/1.0\r\nHost: 1.2.3.4:9000:80\r\n\r\n" "400 Bad Request" "Host with two ports"
expect_status "$PF" "GET http://[::1/ HTTP/1.1\r\n$H\r\n" "400 Bad Request" "absolute-form with a broken IPv6 literal"
expect_status "$PF" "GET http://[::1]:8/ HTTP/1.1\r\n$H\r\n" "200 OK" "absolute-form with an IPv6 literal"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello" "400 Bad Request" "Content-Length list"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n" "400 Bad Request" "chunk-ext of a bare ';'"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n" "400 Bad Request" "whitespace after a chunk size"
expect_status "$PF" "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a=\"b c\"\r\nhello\r\n0\r\n\r\n" "405 Method Not Allowed" "a valid chunk-ext"

# header_timeout: a request that never finishes gets 408, then the close
got=$(printf "GET / HTTP/1.1\r\n$H" | "$TESTBIN/rawclient" "$PF" 3000 | head -n 1 | tr -d '\r')
[ "$got" = "HTTP/1.1 408 Request Timeout" ] || fail "slow headers: got '$got'"
ok "unfinished headers -> 408 after header_timeout"

# --- keep-alive, pipelining, HEAD, bodies
out=$(req "$PF" "GET / HTTP/1.1\r\n$H\r\nHEAD / HTTP/1.1\r\n$H\r\nGET / HTTP/1.0\r\n\r\n"; echo "rc=$?")
[ "$(echo "$out" | grep -c '^HTTP/1.1 200 OK')" = 3 ] || fail "pipelined: $out"
[ "$(echo "$out" | grep -c '^Hello, world!')" = 2 ] || fail "HEAD must have no body: $out"
echo "$out" | grep -q '^rc=0' || fail "HTTP/1.0 without keep-alive must close"
ok "three pipelined requests answered in order, HEAD without body, 1.0 closes"
out=$(req "$PF" "GET / HTTP/1.1\r\n$H\r\n"; echo "rc=$?")
echo "$out" | grep -q '^rc=3' || fail "HTTP/1.1 keep-alive connection was closed: $out"
out=$(req "$PF" "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"; echo "rc=$?")
echo "$out" | grep -q $'^Connection: keep-alive\r$' || fail "1.0 keep-alive not confirmed"
echo "$out" | grep -q '^rc=3' || fail "1.0 keep-alive connection was closed"
out=$(req "$PF" "GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n"; echo "rc=$?")
echo "$out" | grep -q '^rc=0' || fail "Connection: close was not honoured"
ok "keep-alive by default in 1.1, on request in 1.0, Connection: close honoured"
# The answer before a close carries the FIN: a Connection: close exchange
# brings the client no more TCP segments than the same one kept alive.
segs() { printf "$2" | "$TESTBIN/rawclient" "$1" 300 segs 2>&1 >/dev/null | sed -n 's/^segs_in=//p'; }
kept=$(segs "$PF" "GET / HTTP/1.1\r\n$H\r\n")
closed=$(segs "$PF" "GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n")
[ -n "$kept" ] && [ "$closed" = "$kept" ] ||
	fail "the FIN took a segment of its own: $closed segments in with close, $kept kept alive"
ok "the last answer and the FIN arrive in one segment ($closed segments in all)"
out=$(req "$PF" "POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n$H\r\nPOST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n$H\r\n")
[ "$(echo "$out" | grep -c '^HTTP/1.1 ')" = 4 ] || fail "bodies broke the framing: $out"
[ "$(echo "$out" | grep -c '^HTTP/1.1 200 OK')" = 2 ] || fail "bodies broke the framing: $out"
ok "Content-Length and chunked bodies are discarded, keep-alive stays in sync"
"$PFLOAD" -q -m http -p "$PF" -c 8 -P 16 -n 20000 -b $'Hello, world!\n' >/dev/null ||
	fail "pipelined load had errors"
ok "20,000 pipelined requests, every body checked"

# --- static files
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n$H\r\n" "200 OK" "static file"
req "$PS" "GET /hello.txt HTTP/1.1\r\n$H\r\n" | grep -q $'^Content-Type: text/plain' || fail "text/plain expected"
expect_status "$PS" "GET / HTTP/1.1\r\n$H\r\n" "200 OK" "index.html for /"
req "$PS" "GET /sub/ HTTP/1.1\r\n$H\r\n" | grep -q '<h1>sub</h1>' || fail "sub/index.html not served"
req "$PS" "GET /a/b/style.css HTTP/1.1\r\n$H\r\n" | grep -q $'^Content-Type: text/css' || fail "text/css expected"
expect_status "$PS" "GET /noindex/ HTTP/1.1\r\n$H\r\n" "404 Not Found" "directory without index.html (no listing)"
expect_status "$PS" "GET /missing HTTP/1.1\r\n$H\r\n" "404 Not Found" "missing file"
expect_status "$PS" "GET /fifo HTTP/1.1\r\n$H\r\n" "403 Forbidden" "not a regular file"
expect_status "$PS" "GET /link-in HTTP/1.1\r\n$H\r\n" "200 OK" "symlink inside the root"
lm=$(req "$PS" "HEAD /hello.txt HTTP/1.1\r\n$H\r\n" | sed -n 's/^Last-Modified: \(.*\)\r$/\1/p')
[ -n "$lm" ] || fail "no Last-Modified"
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n${H}If-Modified-Since: $lm\r\n\r\n" "304 Not Modified" "If-Modified-Since = Last-Modified"
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n${H}If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n" "200 OK" "modified since 2000"
out=$(req "$PS" "GET /hello.txt HTTP/1.1\r\n${H}Range: bytes=7-11\r\n\r\n")
echo "$out" | head -n 1 | grep -q '206 Partial Content' || fail "range: $out"
echo "$out" | grep -q $'^Content-Range: bytes 7-11/13\r$' || fail "Content-Range: $out"
[ "$(echo "$out" | tail -n 1)" = "world" ] || fail "range body: $out"
ok "Range: bytes=7-11 -> 206 'world'"
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n${H}Range: bytes=50-\r\n\r\n" "416 Range Not Satisfiable" "range past the end"
curl -s -o "$T/big.out" "http://127.0.0.1:$PS/big.bin" || fail "curl big.bin"
cmp -s "$T/big.out" "$W/big.bin" || fail "1 MiB file differs"
ok "1 MiB file sent intact (sendfile)"
[ "$(curl -s -r 1000-1999 "http://127.0.0.1:$PS/big.bin" | cmp - <(tail -c +1001 "$W/big.bin" | head -c 1000) && echo same)" = same ] ||
	fail "range of the large file differs"
ok "range of a large file"

# --- validators and preconditions (RFC 9110 13.2.2), cached and not
# hdr NAME: the value of header NAME in the answer on stdin
hdr() { sed -n "s/^$1: \(.*\)\r\$/\1/p" | head -n 1; }
for f in hello.txt big.bin; do
	tag=$(req "$PS" "HEAD /$f HTTP/1.1\r\n$H\r\n" | hdr ETag)
	case "$tag" in \"*\") ;; *) fail "$f: no strong ETag: '$tag'" ;; esac
	[ "$(req "$PS" "GET /$f HTTP/1.1\r\n$H\r\n" | hdr ETag)" = "$tag" ] || fail "$f: ETag not stable"
	out=$(req "$PS" "GET /$f HTTP/1.1\r\n${H}If-None-Match: $tag\r\n\r\n")
	echo "$out" | head -n 1 | grep -q '304 Not Modified' || fail "$f: If-None-Match: $out"
	[ "$(echo "$out" | hdr ETag)" = "$tag" ] || fail "$f: 304 without its ETag"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-None-Match: \"x\", W/$tag\r\n\r\n" "304 Not Modified" "$f: weak If-None-Match in a list"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-None-Match: *\r\n\r\n" "304 Not Modified" "$f: If-None-Match: *"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-None-Match: \"x\"\r\nIf-Modified-Since: $lm\r\n\r\n" "200 OK" "$f: If-None-Match wins over If-Modified-Since"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-Match: $tag\r\n\r\n" "200 OK" "$f: If-Match the ETag"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-Match: \"x\"\r\n\r\n" "412 Precondition Failed" "$f: If-Match another tag"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-Match: W/$tag\r\n\r\n" "412 Precondition Failed" "$f: If-Match a weak tag"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}If-Unmodified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n\r\n" "412 Precondition Failed" "$f: If-Unmodified-Since 2000"
	out=$(req "$PS" "GET /$f HTTP/1.1\r\n${H}Range: bytes=0-4\r\nIf-Range: $tag\r\n\r\n")
	echo "$out" | head -n 1 | grep -q '206 Partial Content' || fail "$f: If-Range the ETag: $out"
	[ "$(echo "$out" | hdr ETag)" = "$tag" ] || fail "$f: 206 without its ETag"
	expect_status "$PS" "GET /$f HTTP/1.1\r\n${H}Range: bytes=0-4\r\nIf-Range: \"x\"\r\n\r\n" "200 OK" "$f: If-Range another tag"
done
# A resumed download of a file that changed meanwhile gets all of it.
printf 'version one' >"$W/resume.txt"
tag=$(req "$PS" "HEAD /resume.txt HTTP/1.1\r\n$H\r\n" | hdr ETag)
printf 'version two' >"$W/resume.txt"
sleep 1.1 # the small-file cache looks at the file once a second
out=$(req "$PS" "GET /resume.txt HTTP/1.1\r\n${H}Range: bytes=8-\r\nIf-Range: $tag\r\n\r\n")
echo "$out" | head -n 1 | grep -q '200 OK' || fail "If-Range after a change: $out"
[ "$(echo "$out" | tail -n 1)" = "version two" ] || fail "If-Range after a change spliced: $out"
[ "$(echo "$out" | hdr ETag)" != "$tag" ] || fail "the ETag did not change with the file"
ok "a changed file gets a new ETag, and If-Range with the old one the whole file"

# --- a directory without its slash: 301 to it, query kept
out=$(req "$PS" "GET /sub HTTP/1.1\r\n$H\r\n")
echo "$out" | head -n 1 | grep -q '301 Moved Permanently' || fail "/sub: $out"
[ "$(echo "$out" | hdr Location)" = /sub/ ] || fail "/sub: Location: $out"
[ "$(req "$PS" "GET /a/b?x=1%%202 HTTP/1.1\r\n$H\r\n" | hdr Location)" = "/a/b/?x=1%202" ] ||
	fail "query not kept in the Location"
mkdir -p "$W/sp ace"
[ "$(req "$PS" "GET /sp%%20ace HTTP/1.1\r\n$H\r\n" | hdr Location)" = "/sp%20ace/" ] ||
	fail "Location not percent-encoded"
curl -s -L "http://127.0.0.1:$PS/sub" | grep -q '<h1>sub</h1>' || fail "curl -L /sub"
ok "directories without their slash: 301 with Location (encoded, query kept), curl -L follows"
expect_status "$PS" "GET /$(head -c 7900 /dev/zero | tr '\0' a) HTTP/1.1\r\n$H\r\n" "404 Not Found" "a 7,900-byte name"
expect_status "$PS" "GET /%%02 HTTP/1.1\r\n$H\r\n" "404 Not Found" "an encoded control byte"

# --- several ranges: multipart/byteranges, from memory and from a file
# multipart_want FILE SIZE CTYPE BOUNDARY A-B...: the body as RFC 9110 14.6 frames it
multipart_want() {
	local f=$1 size=$2 ct=$3 b=$4 r
	shift 4
	for r in "$@"; do
		printf '\r\n--%s\r\nContent-Type: %s\r\nContent-Range: bytes %s/%s\r\n\r\n' "$b" "$ct" "$r" "$size"
		tail -c +$((${r%-*} + 1)) "$f" | head -c $((${r#*-} - ${r%-*} + 1))
	done
	printf '\r\n--%s--\r\n' "$b"
}
seq 1 2000 | head -c 4000 >"$W/ranges.txt" # small: served from the cache
req "$PS" "GET /ranges.txt HTTP/1.1\r\n$H\r\n" >/dev/null
for spec in "ranges.txt 4000 3000-3009,0-9,1000-1009 0-9 1000-1009 3000-3009" \
	"big.bin 1048576 500000-500999,0-999,-100 0-999 500000-500999 1048476-1048575" \
	"big.bin 1048576 0-400000,600000- 0-400000 600000-1048575"; do
	set -- $spec
	f=$1 size=$2 ranges=$3
	shift 3
	# read slowly, so that the socket fills up between and inside parts
	curl -s --limit-rate 4M -D "$T/mp.head" -o "$T/mp.body" -r "$ranges" \
		"http://127.0.0.1:$PS/$f" || fail "curl -r $ranges $f"
	head -n 1 "$T/mp.head" | grep -q '206 Partial Content' || fail "$f $ranges: $(cat "$T/mp.head")"
	b=$(hdr Content-Type <"$T/mp.head" | sed -n 's/^multipart\/byteranges; boundary=//p')
	[ -n "$b" ] || fail "$f $ranges: not multipart: $(cat "$T/mp.head")"
	ct=$(req "$PS" "HEAD /$f HTTP/1.1\r\n$H\r\n" | hdr Content-Type)
	multipart_want "$W/$f" "$size" "$ct" "$b" "$@" >"$T/mp.want"
	cmp -s "$T/mp.body" "$T/mp.want" || fail "$f $ranges: multipart body differs"
	[ "$(hdr Content-Length <"$T/mp.head")" = "$(stat -c %s "$T/mp.want")" ] || fail "$f $ranges: Content-Length"
	ok "$f, ranges $ranges: 206 multipart/byteranges, parts sorted, body exact"
done
out=$(req "$PS" "GET /hello.txt HTTP/1.1\r\n${H}Range: bytes=0-1,3-4\r\n\r\n")
echo "$out" | grep -q $'^Content-Range: bytes 0-4/13\r$' || fail "close ranges not coalesced: $out"
ok "ranges a few bytes apart are coalesced into one part"
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n${H}Range: bytes=0-,0-,0-\r\n\r\n" "200 OK" "overlapping ranges adding up past the size"
expect_status "$PS" "GET /hello.txt HTTP/1.1\r\n${H}Range: bytes=5-1\r\n\r\n" "416 Range Not Satisfiable" "malformed range"
expect_status "$PS" "HEAD /hello.txt HTTP/1.1\r\n${H}Range: bytes=0-1\r\n\r\n" "200 OK" "Range on HEAD is ignored (defined for GET only)"
expect_status "$PS" "OPTIONS * HTTP/1.1\r\n$H\r\n" "405 Method Not Allowed" "OPTIONS asterisk-form"
# a multipart answer from a file, then a request on the same connection
out=$(req "$PS" "GET /big.bin HTTP/1.1\r\n${H}Range: bytes=0-0,1000000-1000000\r\n\r\nGET /hello.txt HTTP/1.1\r\n$H\r\n" 1000)
[ "$(echo "$out" | grep -c '^HTTP/1.1 ')" = 2 ] && echo "$out" | tail -n 1 | grep -q '^Hello, world!$' ||
	fail "keep-alive after a multipart file answer"
ok "keep-alive goes on after a multipart answer sent from a file"

# --- the in-memory cache of small files follows changes within a second
printf 'first' >"$W/cached.txt"
req "$PS" "GET /cached.txt HTTP/1.1\r\n$H\r\n" | grep -q '^first$' || fail "cached.txt"
printf 'second' >"$W/cached.txt"
sleep 1.1
req "$PS" "GET /cached.txt HTTP/1.1\r\n$H\r\n" | grep -q '^second$' || fail "a changed file was served stale"
ln -sf ../secret.txt "$W/cached.txt"
sleep 1.1
out=$(req "$PS" "GET /cached.txt HTTP/1.1\r\n$H\r\n")
echo "$out" | grep -q TOP-SECRET && fail "a cached file replaced by a link out of the root leaked"
echo "$out" | head -n 1 | grep -q '404 Not Found' || fail "link out of the root: $out"
ok "cached files: a change is served within a second, a swap to an escaping link is refused"

# --- traversal: none may answer with the secret, each must be refused
n=0
for target in /../secret.txt /..%2fsecret.txt /%2e%2e/secret.txt /%2E%2E/secret.txt \
	/.%2e/secret.txt /%2e./secret.txt /sub/../../secret.txt /sub/%2e%2e/%2e%2e/secret.txt \
	/a/b/../../../secret.txt /..\\secret.txt /%5c..%5csecret.txt /link-out /link-out/ \
	/etc-link/passwd /etc-link/hostname /hello.txt%00.html /%00 //../secret.txt \
	/./../secret.txt /sub/./../../secret.txt /%252e%252e/secret.txt "/..%c0%afsecret.txt" \
	/a/%2e%2e/%2e%2e/%2e%2e/secret.txt "/.." "/../" ../secret.txt secret.txt \
	"http://t/../secret.txt" /sub/..%2f..%2fsecret.txt; do
	out=$(req "$PS" "GET ${target//%/%%} HTTP/1.1\r\n$H\r\n")
	st=$(echo "$out" | head -n 1 | tr -d '\r')
	echo "$out" | grep -q 'TOP-SECRET\|root:' && fail "traversal $target leaked a file outside the root"
	case "$st" in
	"HTTP/1.1 400 Bad Request" | "HTTP/1.1 403 Forbidden" | "HTTP/1.1 404 Not Found") ;;
	*) fail "traversal $target: unexpected '$st'" ;;
	esac
	n=$((n + 1))
done
ok "$n traversal attempts refused (400/403/404), none left the root"

wait $LATE_PIDS
for d in 0.5 1.5 3; do
	grep -q $'^HTTP/1.1 200 OK\r$' "$T/late-$d.out" && grep -q '^rc=0$' "$T/late-$d.out" ||
		fail "a request sent ${d} s after connecting: $(cat "$T/late-$d.out")"
done
ok "requests sent 0.5, 1.5 and 3 s after connecting are answered"
read -r rc ms < <(sed 's/[a-z]*=//g' "$T/silent.out")
[ "$rc" = 0 ] && [ "$ms" -ge 4500 ] && [ "$ms" -le 12000 ] ||
	fail "a silent client: $(cat "$T/silent.out") (want closed after 4.5-12 s)"
ok "a silent client is closed after $ms ms (accepted late, keep-alive timeout)"

sleep 1.2 # the access log is written out once a second
grep -q '"GET /hello.txt HTTP/1.1" 200 13' "$T/access.log" || fail "access log line missing"
ok "access log in Common Log Format"
pf_stop TERM
[ "$PF_STATUS" = 0 ] || fail "exit status $PF_STATUS after SIGTERM"
