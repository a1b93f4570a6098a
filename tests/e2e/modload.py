#!/usr/bin/env python3
"""modload.py - request/response load on a line-framed module listener for
the reload tests: CONNS threads, each sending "c<i> <k>" and expecting
"<BUILD> c<i> <k>" for a build in BUILDS, reconnecting every 25 messages.

  modload.py PORT CONNS BUILDS STOPFILE SECONDS

An answer that is wrong, a reset, or no answer within 5 s is a failure. A
close before an answer (a draining worker closes a connection between
messages as it goes idle, and one sent at that moment meets the FIN) is
retried on a new connection and counted as resent. Prints one line:
messages=N failed=N resent=N builds=A:N,B:N and exits 1 on any failure.
"""
import socket
import sys
import threading
import time

port, conns, builds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
stopfile, seconds = sys.argv[4], float(sys.argv[5])
lock = threading.Lock()
stats = {"messages": 0, "failed": 0, "resent": 0}
seen = {b: 0 for b in builds}
errors = []


def exchange(s, line):
    s.sendall(line + b"\n")
    got = b""
    while not got.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            return None
        got += d
    return got[:-1]


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def run(i, deadline):
    s, k, sent_here = connect(), 0, 0
    while time.monotonic() < deadline:
        try:
            open(stopfile).close()
            break
        except OSError:
            pass
        line = b"c%d %d" % (i, k)
        try:
            got = exchange(s, line)
        except (ConnectionResetError, BrokenPipeError, socket.timeout) as e:
            with lock:
                stats["failed"] += 1
                errors.append("%s: %r" % (line, e))
            s = connect()
            k += 1
            continue
        if got is None:
            with lock:
                stats["resent"] += 1
            s.close()
            s = connect()
            continue  # the same line again
        build, _, rest = got.partition(b" ")
        with lock:
            stats["messages"] += 1
            if rest != line or build.decode() not in seen:
                stats["failed"] += 1
                errors.append("sent %r got %r" % (line, got))
            else:
                seen[build.decode()] += 1
        k += 1
        sent_here += 1
        if sent_here % 25 == 0:
            s.close()
            s = connect()
    s.close()


deadline = time.monotonic() + seconds
threads = [threading.Thread(target=run, args=(i, deadline)) for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("messages=%d failed=%d resent=%d builds=%s" % (
    stats["messages"], stats["failed"], stats["resent"],
    ",".join("%s:%d" % kv for kv in seen.items())))
for e in errors[:10]:
    print("  " + e)
sys.exit(1 if stats["failed"] else 0)
