#!/usr/bin/env python3
# fake_control.py - a stand-in for the master's control socket, for
# testing preforkctl: it answers each connection as its arguments say and
# records the bytes it received. It exits after --count connections or
# --life seconds, whichever comes first.
import argparse
import os
import socket
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("socket", help="path of the AF_UNIX socket to serve")
    p.add_argument("--answer", default="OK\n\n",
                   help="bytes to answer, with Python escapes (\\n, \\x00)")
    p.add_argument("--huge", type=int, default=0, metavar="BYTES",
                   help="answer OK and this many bytes of body lines")
    p.add_argument("--delay", type=float, default=0.0,
                   help="seconds to wait before answering")
    p.add_argument("--dribble", type=float, default=0.0, metavar="SECONDS",
                   help="send the answer a byte at a time, this far apart")
    p.add_argument("--hold", type=float, default=0.0,
                   help="seconds to keep the connection open after answering")
    p.add_argument("--no-read", action="store_true",
                   help="answer without reading the request")
    p.add_argument("--record", metavar="FILE",
                   help="append the bytes of each request to FILE")
    p.add_argument("--count", type=int, default=1,
                   help="connections to serve before exiting")
    p.add_argument("--life", type=float, default=60.0,
                   help="seconds after which the server exits anyway")
    p.add_argument("--backlog-full", action="store_true",
                   help="never accept, and fill the accept queue itself")
    return p.parse_args()


def read_request(conn, deadline):
    """The bytes up to and including the first newline (or EOF, or 4 KiB)."""
    data = b""
    while b"\n" not in data and len(data) < 4096:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        conn.settimeout(min(left, 10.0))
        try:
            chunk = conn.recv(4096 - len(data))
        except (socket.timeout, ConnectionError):
            break
        if not chunk:
            break
        data += chunk
    return data


def answer_bytes(args):
    if args.huge:
        line = b"x" * 99 + b"\n"
        return b"OK\n" + line * (args.huge // len(line) + 1) + b"\n"
    return args.answer.encode("latin-1").decode("unicode_escape").encode(
        "latin-1")


def send_answer(conn, data, args, deadline):
    conn.settimeout(max(deadline - time.monotonic(), 0.1))
    try:
        if args.dribble > 0:
            for i in range(len(data)):
                conn.sendall(data[i:i + 1])
                time.sleep(args.dribble)
        else:
            conn.sendall(data)
    except (socket.timeout, ConnectionError):
        pass


def serve(conn, args, deadline):
    if not args.no_read:
        req = read_request(conn, deadline)
        if args.record:
            with open(args.record, "ab") as f:
                f.write(req)
    time.sleep(max(min(args.delay, deadline - time.monotonic()), 0))
    send_answer(conn, answer_bytes(args), args, deadline)
    time.sleep(max(min(args.hold, deadline - time.monotonic()), 0))


def fill_queue(path):
    """Connections to ourselves until the queue takes no more."""
    fillers = []
    while len(fillers) < 64:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect(path)
        except BlockingIOError:
            c.close()
            return fillers
        fillers.append(c)
    sys.exit("fake_control: the accept queue never filled")


def main():
    args = parse_args()
    deadline = time.monotonic() + args.life
    tmp = args.socket + ".tmp"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(tmp)
    srv.listen(0 if args.backlog_full else 16)
    fillers = fill_queue(tmp) if args.backlog_full else []
    # Appear only once listening: a client that sees the path can connect.
    os.rename(tmp, args.socket)
    if args.backlog_full:
        time.sleep(max(deadline - time.monotonic(), 0))
        for c in fillers:
            c.close()
        return
    for _ in range(args.count):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        srv.settimeout(left)
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        with conn:
            serve(conn, args, deadline)
    srv.close()


if __name__ == "__main__":
    main()
