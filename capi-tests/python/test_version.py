import ctypes

import zmqlib


def test_version(lib):
    major, minor, patch = ctypes.c_int(-1), ctypes.c_int(-1), ctypes.c_int(-1)
    lib.zmq_version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
    assert (major.value, minor.value) == (4, 3)
    assert patch.value in (4, 5)


def test_has_unknown_is_zero(lib):
    for name in (b"", b"foo", b"IPC", b"not-a-capability"):
        assert lib.zmq_has(name) == 0


def test_has_is_boolean(lib):
    for name in (b"ipc", b"pgm", b"tipc", b"norm", b"curve", b"gssapi",
                 b"draft", b"ws", b"wss", b"vmci"):
        assert lib.zmq_has(name) in (0, 1)
