import ctypes

import zmqlib
from zmqlib import call_errno

HELLO = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])


def encode(lib, data):
    out = ctypes.create_string_buffer(len(data) * 5 // 4 + 1)
    return lib.zmq_z85_encode(out, data, len(data))


def test_rfc32_vector(lib):
    assert encode(lib, HELLO) == b"HelloWorld"
    dest = ctypes.create_string_buffer(8)
    assert lib.zmq_z85_decode(dest, b"HelloWorld") == ctypes.addressof(dest)
    assert dest.raw == HELLO


def test_key_round_trip(lib):
    key = bytes(range(32))
    text = encode(lib, key)
    assert text == b"009c61o!#m2NH?C3>iWS5d]J*6CRx17-skh9337x"
    dest = ctypes.create_string_buffer(32)
    assert lib.zmq_z85_decode(dest, text)
    assert dest.raw == key


def test_bad_sizes(lib):
    out = ctypes.create_string_buffer(64)
    for n in (1, 2, 3, 5, 7):
        assert call_errno(lib.zmq_z85_encode, out, HELLO, n) == \
            (None, zmqlib.EINVAL)
    dest = ctypes.create_string_buffer(64)
    for text in (b"", b"Hell", b"HelloWorl", b"HelloWorld0"):
        assert call_errno(lib.zmq_z85_decode, dest, text) == \
            (None, zmqlib.EINVAL)


def test_bad_characters(lib):
    dest = ctypes.create_string_buffer(64)
    for text in (b"Hello orld", b"Hello~orld", b"Hello\x7forld",
                 b"Hello,orld", b"%nSc1"):
        assert call_errno(lib.zmq_z85_decode, dest, text) == \
            (None, zmqlib.EINVAL)
