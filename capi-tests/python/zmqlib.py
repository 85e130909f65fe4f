"""Loads the libzmq under test with ctypes, with the C signatures declared.

The library is named by the environment variable ZMQ_LIB (a path); nothing
is looked up by name, so the system libzmq cannot stand in for it. The
signature table, the C types and the constants come from python/zmqctypes.py
at the top of the repository, which this module puts on sys.path.
"""
import ctypes
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))

import zmqctypes  # noqa: E402
from zmqctypes import (EAGAIN, EFAULT, EFSM, EINVAL,  # noqa: E402,F401
                       EMTHREAD, ENOCOMPATPROTO, ENOMEM, ETERM, FREE_FN,
                       TIMER_FN, mapping_of, zmq_msg_t)

ZMQ_HAUSNUMERO = zmqctypes.HAUSNUMERO

ZMQ_IO_THREADS = zmqctypes.IO_THREADS
ZMQ_MAX_SOCKETS = zmqctypes.MAX_SOCKETS
ZMQ_SOCKET_LIMIT = zmqctypes.SOCKET_LIMIT
ZMQ_THREAD_PRIORITY = zmqctypes.THREAD_PRIORITY
ZMQ_THREAD_SCHED_POLICY = zmqctypes.THREAD_SCHED_POLICY
ZMQ_MAX_MSGSZ = zmqctypes.MAX_MSGSZ
ZMQ_MSG_T_SIZE = zmqctypes.MSG_T_SIZE
ZMQ_THREAD_AFFINITY_CPU_ADD = zmqctypes.THREAD_AFFINITY_CPU_ADD
ZMQ_THREAD_AFFINITY_CPU_REMOVE = zmqctypes.THREAD_AFFINITY_CPU_REMOVE
ZMQ_THREAD_NAME_PREFIX = zmqctypes.THREAD_NAME_PREFIX
ZMQ_ZERO_COPY_RECV = 10  # a draft context option, not in zmqctypes
ZMQ_IPV6 = zmqctypes.IPV6
ZMQ_BLOCKY = zmqctypes.BLOCKY

ZMQ_MORE = zmqctypes.MORE
ZMQ_SRCFD = zmqctypes.SRCFD
ZMQ_SHARED = zmqctypes.SHARED


def library_path():
    path = os.environ.get("ZMQ_LIB")
    if not path:
        raise RuntimeError("environment variable ZMQ_LIB is not set "
                           "(path of the libzmq.so.5 under test)")
    if not os.path.exists(path):
        raise RuntimeError("ZMQ_LIB=%s does not exist" % path)
    return path


def mapped_files():
    files = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                files.add(parts[5].strip())
    return files


def load():
    """The library at ZMQ_LIB, as a zmqctypes.Library (lib.zmq_* raw)."""
    return zmqctypes.load(library_path())


def call_errno(fn, *args):
    """Calls fn with errno cleared; returns (result, errno)."""
    ctypes.set_errno(0)
    result = fn(*args)
    return result, ctypes.get_errno()
