import ctypes

import zmqlib
from zmqlib import zmq_msg_t


def test_layout():
    assert ctypes.sizeof(zmq_msg_t) == 64
    assert ctypes.alignment(zmq_msg_t) == ctypes.sizeof(ctypes.c_void_p)


def test_init_close(lib):
    m = zmq_msg_t()
    assert lib.zmq_msg_init(ctypes.byref(m)) == 0
    assert lib.zmq_msg_size(ctypes.byref(m)) == 0
    assert lib.zmq_msg_more(ctypes.byref(m)) == 0
    assert lib.zmq_msg_close(ctypes.byref(m)) == 0
    rc, err = zmqlib.call_errno(lib.zmq_msg_close, ctypes.byref(m))
    assert (rc, err) == (-1, zmqlib.EFAULT)


def test_init_size_and_data(lib):
    for size in (0, 5, 33, 34, 1000, 1 << 20):
        m = zmq_msg_t()
        assert lib.zmq_msg_init_size(ctypes.byref(m), size) == 0
        assert lib.zmq_msg_size(ctypes.byref(m)) == size
        data = lib.zmq_msg_data(ctypes.byref(m))
        assert data
        payload = bytes((i * 7) & 0xFF for i in range(min(size, 4096)))
        ctypes.memmove(data, payload, len(payload))
        assert ctypes.string_at(data, len(payload)) == payload
        assert lib.zmq_msg_close(ctypes.byref(m)) == 0


def test_init_size_enomem(lib):
    m = zmq_msg_t()
    rc, err = zmqlib.call_errno(lib.zmq_msg_init_size, ctypes.byref(m),
                                ctypes.c_size_t(-1).value)
    assert (rc, err) == (-1, zmqlib.ENOMEM)


def test_copy(lib):
    for size in (5, 1000):
        a, b = zmq_msg_t(), zmq_msg_t()
        assert lib.zmq_msg_init_size(ctypes.byref(a), size) == 0
        ctypes.memset(lib.zmq_msg_data(ctypes.byref(a)), 0x5A, size)
        assert lib.zmq_msg_init(ctypes.byref(b)) == 0
        assert lib.zmq_msg_copy(ctypes.byref(b), ctypes.byref(a)) == 0
        assert lib.zmq_msg_close(ctypes.byref(a)) == 0
        assert lib.zmq_msg_size(ctypes.byref(b)) == size
        assert ctypes.string_at(lib.zmq_msg_data(ctypes.byref(b)), size) == \
            b"\x5a" * size
        assert lib.zmq_msg_get(ctypes.byref(b), zmqlib.ZMQ_SHARED) == \
            (1 if size > 33 else 0)
        assert lib.zmq_msg_close(ctypes.byref(b)) == 0


def test_move(lib):
    a, b = zmq_msg_t(), zmq_msg_t()
    assert lib.zmq_msg_init_size(ctypes.byref(a), 100) == 0
    assert lib.zmq_msg_init(ctypes.byref(b)) == 0
    assert lib.zmq_msg_move(ctypes.byref(b), ctypes.byref(a)) == 0
    assert lib.zmq_msg_size(ctypes.byref(a)) == 0
    assert lib.zmq_msg_size(ctypes.byref(b)) == 100
    assert lib.zmq_msg_close(ctypes.byref(a)) == 0
    assert lib.zmq_msg_close(ctypes.byref(b)) == 0


def test_init_data_free_fn_once(lib):
    calls = []
    buf = ctypes.create_string_buffer(b"user data", 9)
    hint = ctypes.c_void_p(0x1234)

    @zmqlib.FREE_FN
    def on_free(data, h):
        calls.append((data, h))

    a, b = zmq_msg_t(), zmq_msg_t()
    assert lib.zmq_msg_init_data(ctypes.byref(a), ctypes.addressof(buf), 9,
                                 on_free, hint) == 0
    assert lib.zmq_msg_data(ctypes.byref(a)) == ctypes.addressof(buf)
    assert lib.zmq_msg_init(ctypes.byref(b)) == 0
    assert lib.zmq_msg_copy(ctypes.byref(b), ctypes.byref(a)) == 0
    assert lib.zmq_msg_close(ctypes.byref(a)) == 0
    assert calls == []
    assert lib.zmq_msg_close(ctypes.byref(b)) == 0
    assert calls == [(ctypes.addressof(buf), 0x1234)]


def test_get_set_gets(lib):
    m = zmq_msg_t()
    assert lib.zmq_msg_init_size(ctypes.byref(m), 10) == 0
    assert lib.zmq_msg_get(ctypes.byref(m), zmqlib.ZMQ_MORE) == 0
    assert lib.zmq_msg_get(ctypes.byref(m), zmqlib.ZMQ_SHARED) == 0
    assert zmqlib.call_errno(lib.zmq_msg_get, ctypes.byref(m),
                             zmqlib.ZMQ_SRCFD) == (-1, zmqlib.EINVAL)
    assert zmqlib.call_errno(lib.zmq_msg_get, ctypes.byref(m), 100) == \
        (-1, zmqlib.EINVAL)
    assert zmqlib.call_errno(lib.zmq_msg_set, ctypes.byref(m),
                             zmqlib.ZMQ_MORE, 1) == (-1, zmqlib.EINVAL)
    assert zmqlib.call_errno(lib.zmq_msg_gets, ctypes.byref(m), b"foo") == \
        (None, zmqlib.EINVAL)
    assert zmqlib.call_errno(lib.zmq_msg_gets, ctypes.byref(m),
                             b"Socket-Type") == (None, zmqlib.EINVAL)
    assert lib.zmq_msg_close(ctypes.byref(m)) == 0
