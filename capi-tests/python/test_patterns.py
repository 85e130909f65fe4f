"""The classic patterns over inproc through ctypes: REQ/REP, PUB/SUB, PUSH/PULL and PAIR."""
import ctypes
import time

import pytest

import zmqlib

PAIR, PUB, SUB, REQ, REP, PULL, PUSH = 0, 1, 2, 3, 4, 7, 8
SUBSCRIBE, RCVMORE, EVENTS = 6, 13, 15
SNDMORE, DONTWAIT = 2, 1


@pytest.fixture
def ctx(lib):
    c = lib.zmq_ctx_new()
    sockets = []

    def socket(kind, endpoint, bind):
        s = lib.zmq_socket(c, kind)
        assert s
        rc = (lib.zmq_bind if bind else lib.zmq_connect)(s, endpoint.encode())
        assert rc == 0
        sockets.append(s)
        return s

    yield socket
    for s in sockets:
        assert lib.zmq_close(s) == 0
    assert lib.zmq_ctx_term(c) == 0


def send(lib, s, data, flags=0):
    assert lib.zmq_send(s, data, len(data), flags) == len(data)


def recv(lib, s, flags=0):
    buf = ctypes.create_string_buffer(256)
    n = lib.zmq_recv(s, buf, 256, flags)
    return None if n < 0 else buf.raw[:n]


def test_req_rep(lib, ctx):
    rep, req = ctx(REP, "inproc://py-rr", True), ctx(REQ, "inproc://py-rr", False)
    for i in range(5):
        send(lib, req, b"request %d" % i)
        assert recv(lib, rep) == b"request %d" % i
        send(lib, rep, b"reply %d" % i)
        assert recv(lib, req) == b"reply %d" % i
    rc, err = zmqlib.call_errno(lib.zmq_recv, req, None, 0, 0)
    assert (rc, err) == (-1, zmqlib.EFSM)


def test_pub_sub(lib, ctx):
    pub, sub = ctx(PUB, "inproc://py-ps", True), ctx(SUB, "inproc://py-ps", False)
    assert lib.zmq_setsockopt(sub, SUBSCRIBE, b"keep", 4) == 0
    time.sleep(0.05)
    for topic in (b"drop 1", b"keep 1", b"drop 2", b"keep 2"):
        send(lib, pub, topic)
    time.sleep(0.05)
    assert recv(lib, sub, DONTWAIT) == b"keep 1"
    assert recv(lib, sub, DONTWAIT) == b"keep 2"
    assert recv(lib, sub, DONTWAIT) is None


def test_push_pull(lib, ctx):
    push = ctx(PUSH, "inproc://py-pp", True)
    workers = [ctx(PULL, "inproc://py-pp", False) for _ in range(2)]
    for i in range(6):
        send(lib, push, b"task %d" % i)
    got = [[recv(lib, w) for _ in range(3)] for w in workers]
    assert got == [[b"task 0", b"task 2", b"task 4"], [b"task 1", b"task 3", b"task 5"]]


def test_pair_multipart(lib, ctx):
    a, b = ctx(PAIR, "inproc://py-pair", True), ctx(PAIR, "inproc://py-pair", False)
    send(lib, a, b"one", SNDMORE)
    send(lib, a, b"two")
    more, size = ctypes.c_int(), ctypes.c_size_t(4)
    assert recv(lib, b) == b"one"
    assert lib.zmq_getsockopt(b, RCVMORE, ctypes.byref(more), ctypes.byref(size)) == 0
    assert more.value == 1
    assert recv(lib, b) == b"two"
    assert lib.zmq_getsockopt(b, RCVMORE, ctypes.byref(more), ctypes.byref(size)) == 0
    assert more.value == 0
