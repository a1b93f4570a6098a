#!/usr/bin/env python3
"""test_client.py - kvsync_client.py against the real kvsync.so: the token
on a known vector (the one test_kvsync.c checks the module against), then
put/get/since and error answers through kvsync_pipe (the module behind a
fake host on a socketpair). Environment: KVSYNC_BUILD, the build folder of
modules/kvsync (make check sets it)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvsync_client as kc  # noqa: E402

KEY = bytes(range(32))
# From `openssl dgst -sha256 -mac HMAC -macopt hexkey:0001..1f`, as in
# test_kvsync.c, where the module accepts this very message.
VECTOR_PAYLOAD = b'{"client":"a","op":"get","table":"t","key":"k"}'
VECTOR_MSG = b"40364b3fa5a273f7" + VECTOR_PAYLOAD + b"037c8e1c62007e75"

BUILD = os.environ.get("KVSYNC_BUILD", "")
PIPE = os.path.join(BUILD, "kvsync_pipe")
MODULE = os.path.join(BUILD, "kvsync.so")


class TokenVector(unittest.TestCase):
    def test_token_of_the_known_vector(self):
        self.assertEqual(kc.token(KEY, VECTOR_PAYLOAD),
                         ("40364b3fa5a273f7", "037c8e1c62007e75"))

    def test_frame_is_head_payload_tail_delimiter(self):
        self.assertEqual(kc.frame(KEY, VECTOR_PAYLOAD),
                         VECTOR_MSG + b"\r\nEOF\r\n")

    def test_unframe_checks_the_token(self):
        self.assertEqual(kc.unframe(KEY, VECTOR_MSG), VECTOR_PAYLOAD)
        self.assertIsNone(kc.unframe(bytes(32), VECTOR_MSG))
        self.assertIsNone(kc.unframe(KEY, VECTOR_MSG[:-1] + b"4"))
        self.assertIsNone(kc.unframe(KEY, b"short"))


@unittest.skipUnless(os.access(PIPE, os.X_OK), "kvsync_pipe not built")
class AgainstTheModule(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kvsync-py.")
        ours, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [PIPE, MODULE, os.path.join(self.dir, "kv.db"), KEY.hex(),
             "app,other", "users,t"],
            stdin=theirs, stdout=theirs)
        theirs.close()
        ours.settimeout(20)
        self.sock = ours
        self.c = kc.KvsyncClient(None, None, KEY, "app", sock=ours)

    def tearDown(self):
        self.sock.close()
        try:
            self.assertEqual(self.proc.wait(timeout=20), 0)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.dir)

    def test_put_get(self):
        v1 = self.c.put("users", "alice", {"age": 30, "tags": ["x"]})
        self.assertEqual(self.c.get("users", "alice"),
                         ({"age": 30, "tags": ["x"]}, v1))
        v2 = self.c.put("users", "alice", "é\r\nEOF\r\n")
        self.assertGreater(v2, v1)
        self.assertEqual(self.c.get("users", "alice"),
                         ("é\r\nEOF\r\n", v2))
        self.assertIsNone(self.c.get("users", "nobody"))

    def test_since_over_several_answers(self):
        for i in range(250):
            self.c.put("t", "k%d" % i, i)
        rows = list(self.c.since("t", 0))
        self.assertEqual([r[0] for r in rows],
                         ["k%d" % i for i in range(250)])
        self.assertEqual([r[1] for r in rows], list(range(250)))
        versions = [r[2] for r in rows]
        self.assertEqual(versions, sorted(set(versions)))
        self.assertEqual(list(self.c.since("t", versions[-1])), [])
        self.assertEqual(len(list(self.c.since("t", versions[149]))), 100)
        first = self.c.since("t", 0)
        self.assertEqual(next(first)[0], "k0")
        first.close()  # left early: the other answers are drained
        self.assertEqual(self.c.get("t", "k3"), (3, versions[3]))
        self.c.put("t", "after", True)  # the connection goes on

    def test_errors_are_answers(self):
        with self.assertRaises(kc.KvsyncError) as e:
            self.c.get("nope", "k")
        self.assertEqual(e.exception.code, "unknown_table")
        stranger = kc.KvsyncClient(None, None, KEY, "mallory",
                                   sock=self.sock)
        with self.assertRaises(kc.KvsyncError) as e:
            stranger.get("users", "k")
        self.assertEqual(e.exception.code, "unknown_client")
        forger = kc.KvsyncClient(None, None, bytes(32), "app",
                                 sock=self.sock)
        forger.send({"op": "get", "table": "users", "key": "k"})
        with self.assertRaises(kc.KvsyncError) as e:
            self.c.recv()  # answered under the real key
        self.assertEqual(e.exception.code, "bad_token")
        self.c.send_raw(kc.frame(KEY, b'{"client":"app","op":'))
        with self.assertRaises(kc.KvsyncError) as e:
            self.c.recv()
        self.assertEqual(e.exception.code, "bad_json")
        self.assertEqual(self.c.put("users", "k", 1), 1)

    def test_the_cli(self):
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(20)
        port = srv.getsockname()[1]
        cli = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(
                os.path.abspath(__file__)), "kvsync_client.py"),
             "--port", str(port), "--key", KEY.hex(), "--client", "other",
             "put", "users", "bob", '{"n":1}'],
            stdout=subprocess.PIPE)
        conn, _ = srv.accept()
        srv.close()
        conn.settimeout(20)
        # Relay the CLI's one request to the module and its answer back.
        relay = kc.KvsyncClient(None, None, KEY, "x", sock=conn)
        self.sock.sendall(relay.recv_message() + kc.DELIM)
        conn.sendall(self.c.recv_message() + kc.DELIM)
        out, _ = cli.communicate(timeout=20)
        conn.close()
        self.assertEqual(cli.returncode, 0)
        self.assertEqual(out.strip(), b"1")
        self.assertEqual(self.c.get("users", "bob"), ({"n": 1}, 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
