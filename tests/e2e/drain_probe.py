#!/usr/bin/env python3
"""drain_probe.py - new connections during a graceful stop, for drain.sh.

  drain_probe.py PORT SECONDS
Every 10 ms for SECONDS: connects to 127.0.0.1:PORT, sends one GET / with
Connection: close and reads the answer. Each attempt is one of: ok (a 200
came), refused (ECONNREFUSED at connect), reset (the kernel accepted the
connection, then it was reset or closed without an answer), slow (the
connect took over 1 s: a queue nobody accepts from). Prints
"ok=N refused=N reset=N slow=N first_refused_ms=N last_ok_ms=N
refused_max_ms=N" (times since the start; -1 when none).
"""
import errno
import socket
import sys
import time

REQ = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"


def attempt(port):
    s = socket.socket()
    s.settimeout(3)
    t0 = time.monotonic()
    try:
        s.connect(("127.0.0.1", port))
    except ConnectionRefusedError:
        return "refused", time.monotonic() - t0
    except socket.timeout:
        return "slow", time.monotonic() - t0
    took = time.monotonic() - t0
    if took > 1:
        s.close()
        return "slow", took
    got = b""
    try:
        s.sendall(REQ)
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    s.close()
    return ("ok" if got.startswith(b"HTTP/1.1 200") else "reset"), took


def main():
    port, secs = int(sys.argv[1]), float(sys.argv[2])
    n = {"ok": 0, "refused": 0, "reset": 0, "slow": 0}
    first_refused = last_ok = -1
    refused_max = 0.0
    start = time.monotonic()
    while time.monotonic() - start < secs:
        what, took = attempt(port)
        at = int((time.monotonic() - start) * 1000)
        n[what] += 1
        if what == "refused":
            refused_max = max(refused_max, took)
            if first_refused < 0:
                first_refused = at
        if what == "ok":
            last_ok = at
        time.sleep(0.01)
    print("ok=%d refused=%d reset=%d slow=%d first_refused_ms=%d "
          "last_ok_ms=%d refused_max_ms=%d" %
          (n["ok"], n["refused"], n["reset"], n["slow"], first_refused,
           last_ok, int(refused_max * 1000)))


if __name__ == "__main__":
    main()
