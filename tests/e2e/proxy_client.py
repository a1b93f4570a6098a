#!/usr/bin/env python3
"""proxy_client.py - PROXY protocol clients for tests/e2e/proxy.sh.

  proxy_client.py PORT echo v1|v2|v2local|v1unknown [split]
      header (split: in three pieces 150 ms apart), then a payload; the
      echo must be exactly the payload
  proxy_client.py PORT plain     a payload without a header is echoed
  proxy_client.py PORT bad HEX   the bytes are answered by a close, no data
  proxy_client.py PORT trunc HEX the bytes, then FIN: a close, no data
  proxy_client.py PORT empty     connects and closes without a byte
Exit status 0 when the expectation holds, 1 (with a reason) otherwise.
"""
import socket
import struct
import sys
import time

SIG = b"\r\n\r\n\x00\r\nQUIT\n"
PAYLOAD = b"payload after the header\n"


def header(kind):
    if kind == "v1":
        return b"PROXY TCP4 203.0.113.7 192.0.2.1 4242 80\r\n"
    if kind == "v1unknown":
        return b"PROXY UNKNOWN whatever follows\r\n"
    if kind in ("v2", "v2local"):
        cmd = 0x21 if kind == "v2" else 0x20
        addr = socket.inet_aton("203.0.113.7") + socket.inet_aton("192.0.2.1")
        addr += struct.pack("!HH", 4242, 80)
        tlv = b"\x04\x00\x03abc"  # a TLV (NOOP type) to be skipped
        body = addr + tlv
        return SIG + bytes([cmd, 0x11]) + struct.pack("!H", len(body)) + body
    raise SystemExit("unknown header kind " + kind)


def read_all(s, want, limit=3.0):
    s.settimeout(limit)
    got = b""
    try:
        while len(got) < want:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except socket.timeout:
        pass
    return got


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=3)


def main():
    port, what = int(sys.argv[1]), sys.argv[2]
    s = connect(port)
    if what == "empty":
        s.close()
        return 0
    if what in ("bad", "trunc"):
        s.sendall(bytes.fromhex(sys.argv[3]))
        if what == "trunc":
            s.shutdown(socket.SHUT_WR)
        s.settimeout(float(sys.argv[4]) if len(sys.argv) > 4 else 3)
        try:
            b = s.recv(100)
        except ConnectionResetError:
            b = b""
        except socket.timeout:
            print("not closed in time")
            return 1
        if b:
            print("bad header got an answer: %r" % b)
            return 1
        return 0
    data = b"" if what == "plain" else header(sys.argv[3])
    if len(sys.argv) > 4 and sys.argv[4] == "split":
        cuts = [0, 5, len(data) - 3, len(data)]
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for a, b in zip(cuts, cuts[1:]):
            s.sendall(data[a:b])
            time.sleep(0.15)
        s.sendall(PAYLOAD)
    else:
        s.sendall(data + PAYLOAD)
    got = read_all(s, len(PAYLOAD))
    s.close()
    if got != PAYLOAD:
        print("expected %r, got %r" % (PAYLOAD, got))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
