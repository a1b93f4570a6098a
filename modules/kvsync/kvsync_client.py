#!/usr/bin/env python3
"""kvsync_client.py - a client for preforkd's kvsync module, in the shape of
the seed's business client: one socket, messages ending in "\\r\\nEOF\\r\\n",
each carrying 16 hex digits of its token before the JSON payload and 16
after. The token is HMAC-SHA256(key, payload) cut to 128 bits.

As a library:
    c = KvsyncClient("127.0.0.1", 9000, bytes.fromhex(KEY), "app1")
    c.connect()
    c.put("users", "alice", {"age": 30})      # -> version
    c.get("users", "alice")                    # -> (value, version) or None
    for key, value, version in c.since("users", 0): ...
As a command:
    kvsync_client.py --host H --port P --key HEX --client ID put T K V
    kvsync_client.py ... get T K
    kvsync_client.py ... since T [VERSION]
Standard library only."""

import argparse
import hashlib
import hmac
import json
import socket
import sys

DELIM = b"\r\nEOF\r\n"
HALF = 16  # hex digits of the token on each side of the payload


def token(key, payload):
    """The 32 hex digits of payload's token: (first 16, last 16)."""
    tag = hmac.new(key, payload, hashlib.sha256).hexdigest()[:2 * HALF]
    return tag[:HALF], tag[HALF:]


def frame(key, payload):
    """One message as sent on the wire, delimiter included."""
    head, tail = token(key, payload)
    return head.encode() + payload + tail.encode() + DELIM


def unframe(key, msg):
    """The payload of a message (delimiter removed), or None when its token
    does not match (compared in constant time)."""
    if len(msg) < 2 * HALF:
        return None
    payload = msg[HALF:len(msg) - HALF]
    head, tail = token(key, payload)
    got = msg[:HALF] + msg[len(msg) - HALF:]
    if not hmac.compare_digest(got, (head + tail).encode()):
        return None
    return payload


class KvsyncError(Exception):
    """An answer with "ok": false; .code is its "error"."""

    def __init__(self, code, answer=None):
        super().__init__(code)
        self.code = code
        self.answer = answer


class KvsyncClient:
    """One connection to a kvsync listener; requests are answered in order."""

    def __init__(self, host, port, key, client, timeout=10.0, sock=None):
        self.host, self.port, self.key = host, port, key
        self.client, self.timeout = client, timeout
        self.sock, self.buf, self.next_id = sock, b"", 1

    def connect(self):
        self.sock = socket.create_connection((self.host, self.port),
                                             timeout=self.timeout)
        return self

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self if self.sock else self.connect()

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, request):
        """Sends request (a dict) with this client's id and a fresh request
        id; returns the id."""
        rid = self.next_id
        self.next_id += 1
        body = dict(request, client=self.client, id=rid)
        payload = json.dumps(body, separators=(",", ":")).encode()
        self.send_raw(frame(self.key, payload))
        return rid

    def recv_message(self):
        """The next whole message (delimiter removed) as bytes."""
        while DELIM not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("kvsync: connection closed")
            self.buf += data
        msg, self.buf = self.buf.split(DELIM, 1)
        return msg

    def recv(self, rid=None):
        """The next answer as a dict; its token is checked, and its id when
        rid is given. An "ok": false answer raises KvsyncError."""
        payload = unframe(self.key, self.recv_message())
        if payload is None:
            raise KvsyncError("bad_answer_token")
        answer = json.loads(payload)
        if rid is not None and answer.get("id") not in (rid, None):
            raise KvsyncError("wrong_id", answer)
        if not answer.get("ok"):
            raise KvsyncError(answer.get("error", "?"), answer)
        return answer

    def call(self, request):
        return self.recv(self.send(request))

    def put(self, table, key, value):
        """Stores value (any JSON value); returns its version."""
        return self.call({"op": "put", "table": table, "key": key,
                          "value": value})["version"]

    def get(self, table, key):
        """(value, version), or None when there is no such row."""
        try:
            a = self.call({"op": "get", "table": table, "key": key})
        except KvsyncError as e:
            if e.code == "not_found":
                return None
            raise
        return a["value"], a["version"]

    def since(self, table, version=0):
        """Yields (key, value, version) for every row changed after version,
        in version order, reading answers until the one with "end": true.
        A generator left early reads and drops the rest when closed."""
        rid = self.send({"op": "since", "table": table, "version": version})
        ended = False
        try:
            while not ended:
                a = self.recv(rid)
                ended = bool(a.get("end"))
                for row in a["rows"]:
                    yield row["key"], row["value"], row["version"]
        except KvsyncError:
            ended = True  # an error answer ends the stream too
            raise
        finally:
            while not ended:
                try:
                    ended = bool(self.recv(rid).get("end"))
                except (KvsyncError, OSError):
                    ended = True


def main(argv=None):
    p = argparse.ArgumentParser(description="kvsync client")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True, help="shared key, hex")
    p.add_argument("--client", required=True, help="this client's id")
    p.add_argument("--timeout", type=float, default=10.0)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("put", help="put TABLE KEY VALUE (VALUE as JSON, "
                       "else as a string)")
    s.add_argument("table")
    s.add_argument("row", metavar="KEY")  # "key" is the HMAC key's dest
    s.add_argument("value")
    s = sub.add_parser("get", help="get TABLE KEY")
    s.add_argument("table")
    s.add_argument("row", metavar="KEY")  # "key" is the HMAC key's dest
    s = sub.add_parser("since", help="since TABLE [VERSION]")
    s.add_argument("table")
    s.add_argument("version", type=int, nargs="?", default=0)
    a = p.parse_args(argv)

    c = KvsyncClient(a.host, a.port, bytes.fromhex(a.key), a.client,
                     a.timeout)
    try:
        with c:
            if a.cmd == "put":
                try:
                    value = json.loads(a.value)
                except ValueError:
                    value = a.value
                print(c.put(a.table, a.row, value))
            elif a.cmd == "get":
                got = c.get(a.table, a.row)
                if got is None:
                    print("not found", file=sys.stderr)
                    return 1
                print(json.dumps(got[0]), got[1])
            else:
                for key, value, version in c.since(a.table, a.version):
                    print(version, json.dumps(key), json.dumps(value))
    except KvsyncError as e:
        print("error:", e.code, file=sys.stderr)
        return 1
    except OSError as e:
        print("error:", e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
