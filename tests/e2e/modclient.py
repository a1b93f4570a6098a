#!/usr/bin/env python3
"""modclient.py - a small client for the module end-to-end tests.

  modclient.py PORT SEND EXPECT [--pieces N] [--shut] [--closed]
sends SEND (Python escapes, e.g. 'abc\\n'), N bytes per write (default all
at once), then with --shut half-closes; reads until EXPECT has arrived (or
EOF with --closed, which also requires the server to close) within 5 s,
and exits 0 when what came is exactly EXPECT; else prints what came and
exits 1.
"""
import argparse
import socket
import sys
import time


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("send")
    ap.add_argument("expect")
    ap.add_argument("--pieces", type=int, default=0)
    ap.add_argument("--shut", action="store_true")
    ap.add_argument("--closed", action="store_true")
    a = ap.parse_args()
    data, want = unescape(a.send), unescape(a.expect)
    s = socket.create_connection(("127.0.0.1", a.port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    step = a.pieces or len(data) or 1
    for i in range(0, len(data), step):
        s.sendall(data[i:i + step])
        if a.pieces:
            time.sleep(0.002)
    if a.shut:
        s.shutdown(socket.SHUT_WR)
    got, deadline, eof = b"", time.monotonic() + 5, False
    while time.monotonic() < deadline:
        if len(got) >= len(want) and not a.closed:
            break
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            eof = True
            break
        got += d
    if got != want or (a.closed and not eof):
        print("sent %r, expected %r%s, got %r%s" % (
            data[:80], want[:200], " and a close" if a.closed else "",
            got[:200], " then EOF" if eof else ""))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
