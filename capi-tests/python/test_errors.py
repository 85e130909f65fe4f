import ctypes
import errno
import os

import zmqlib


def test_errno_after_failure(lib):
    rc, err = zmqlib.call_errno(lib.zmq_ctx_get, None, zmqlib.ZMQ_IO_THREADS)
    assert rc == -1
    assert err == zmqlib.EFAULT
    # ctypes restores the saved errno before the next foreign call
    assert lib.zmq_errno() == zmqlib.EFAULT


def test_errno_reads_errno(lib):
    ctypes.set_errno(errno.EAGAIN)
    assert lib.zmq_errno() == errno.EAGAIN
    ctypes.set_errno(0)
    assert lib.zmq_errno() == 0


def test_strerror_native(lib):
    assert lib.zmq_strerror(zmqlib.EFSM) == \
        b"Operation cannot be accomplished in current state"
    assert lib.zmq_strerror(zmqlib.ENOCOMPATPROTO) == \
        b"The protocol is not compatible with the socket type"
    assert lib.zmq_strerror(zmqlib.ETERM) == b"Context was terminated"
    assert lib.zmq_strerror(zmqlib.EMTHREAD) == b"No thread available"


def test_strerror_system(lib):
    for code in (errno.EINVAL, errno.EAGAIN, errno.EFAULT, errno.ENOMEM,
                 errno.ENOTSUP, errno.ECONNREFUSED, errno.ETIMEDOUT, 0):
        assert lib.zmq_strerror(code).decode() == os.strerror(code)


def test_strerror_hostunreach(lib):
    assert lib.zmq_strerror(errno.EHOSTUNREACH) == b"Host unreachable"
