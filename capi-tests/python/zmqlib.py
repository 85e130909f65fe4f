"""Loads the libzmq under test with ctypes and declares the C signatures.

The library is named by the environment variable ZMQ_LIB (a path); nothing
is looked up by name, so the system libzmq cannot stand in for it.
"""
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_long,
                    c_size_t, c_uint64, c_ulong, c_void_p)

EINVAL = 22
EFAULT = 14
ENOMEM = 12
EAGAIN = 11
ZMQ_HAUSNUMERO = 156384712
EFSM = ZMQ_HAUSNUMERO + 51
ENOCOMPATPROTO = ZMQ_HAUSNUMERO + 52
ETERM = ZMQ_HAUSNUMERO + 53
EMTHREAD = ZMQ_HAUSNUMERO + 54

ZMQ_IO_THREADS = 1
ZMQ_MAX_SOCKETS = 2
ZMQ_SOCKET_LIMIT = 3
ZMQ_THREAD_PRIORITY = 3
ZMQ_THREAD_SCHED_POLICY = 4
ZMQ_MAX_MSGSZ = 5
ZMQ_MSG_T_SIZE = 6
ZMQ_THREAD_AFFINITY_CPU_ADD = 7
ZMQ_THREAD_AFFINITY_CPU_REMOVE = 8
ZMQ_THREAD_NAME_PREFIX = 9
ZMQ_ZERO_COPY_RECV = 10
ZMQ_IPV6 = 42
ZMQ_BLOCKY = 70

ZMQ_MORE = 1
ZMQ_SRCFD = 2
ZMQ_SHARED = 3


class zmq_msg_t(Structure):
    """64 bytes, pointer aligned, like the C definition."""
    _fields_ = [("_", c_uint64 * 8)]


FREE_FN = CFUNCTYPE(None, c_void_p, c_void_p)
TIMER_FN = CFUNCTYPE(None, c_int, c_void_p)

_SIGNATURES = {
    "zmq_errno": (c_int, []),
    "zmq_strerror": (c_char_p, [c_int]),
    "zmq_version": (None, [POINTER(c_int), POINTER(c_int), POINTER(c_int)]),
    "zmq_has": (c_int, [c_char_p]),
    "zmq_ctx_new": (c_void_p, []),
    "zmq_ctx_term": (c_int, [c_void_p]),
    "zmq_ctx_shutdown": (c_int, [c_void_p]),
    "zmq_ctx_set": (c_int, [c_void_p, c_int, c_int]),
    "zmq_ctx_get": (c_int, [c_void_p, c_int]),
    "zmq_ctx_destroy": (c_int, [c_void_p]),
    "zmq_init": (c_void_p, [c_int]),
    "zmq_term": (c_int, [c_void_p]),
    "zmq_msg_init": (c_int, [POINTER(zmq_msg_t)]),
    "zmq_msg_init_size": (c_int, [POINTER(zmq_msg_t), c_size_t]),
    "zmq_msg_init_data": (c_int, [POINTER(zmq_msg_t), c_void_p, c_size_t,
                                  FREE_FN, c_void_p]),
    "zmq_msg_close": (c_int, [POINTER(zmq_msg_t)]),
    "zmq_msg_move": (c_int, [POINTER(zmq_msg_t), POINTER(zmq_msg_t)]),
    "zmq_msg_copy": (c_int, [POINTER(zmq_msg_t), POINTER(zmq_msg_t)]),
    "zmq_msg_data": (c_void_p, [POINTER(zmq_msg_t)]),
    "zmq_msg_size": (c_size_t, [POINTER(zmq_msg_t)]),
    "zmq_msg_more": (c_int, [POINTER(zmq_msg_t)]),
    "zmq_msg_get": (c_int, [POINTER(zmq_msg_t), c_int]),
    "zmq_msg_set": (c_int, [POINTER(zmq_msg_t), c_int, c_int]),
    "zmq_msg_gets": (c_char_p, [POINTER(zmq_msg_t), c_char_p]),
    "zmq_z85_encode": (c_char_p, [c_char_p, c_char_p, c_size_t]),
    "zmq_z85_decode": (c_void_p, [c_char_p, c_char_p]),
    "zmq_atomic_counter_new": (c_void_p, []),
    "zmq_atomic_counter_set": (None, [c_void_p, c_int]),
    "zmq_atomic_counter_inc": (c_int, [c_void_p]),
    "zmq_atomic_counter_dec": (c_int, [c_void_p]),
    "zmq_atomic_counter_value": (c_int, [c_void_p]),
    "zmq_atomic_counter_destroy": (None, [POINTER(c_void_p)]),
    "zmq_timers_new": (c_void_p, []),
    "zmq_timers_destroy": (c_int, [POINTER(c_void_p)]),
    "zmq_timers_add": (c_int, [c_void_p, c_size_t, TIMER_FN, c_void_p]),
    "zmq_timers_cancel": (c_int, [c_void_p, c_int]),
    "zmq_timers_set_interval": (c_int, [c_void_p, c_int, c_size_t]),
    "zmq_timers_reset": (c_int, [c_void_p, c_int]),
    "zmq_timers_timeout": (c_long, [c_void_p]),
    "zmq_timers_execute": (c_int, [c_void_p]),
    "zmq_stopwatch_start": (c_void_p, []),
    "zmq_stopwatch_intermediate": (c_ulong, [c_void_p]),
    "zmq_stopwatch_stop": (c_ulong, [c_void_p]),
    "zmq_sleep": (None, [c_int]),
    "zmq_socket": (c_void_p, [c_void_p, c_int]),
    "zmq_close": (c_int, [c_void_p]),
    "zmq_bind": (c_int, [c_void_p, c_char_p]),
    "zmq_connect": (c_int, [c_void_p, c_char_p]),
    "zmq_send": (c_int, [c_void_p, c_char_p, c_size_t, c_int]),
    "zmq_recv": (c_int, [c_void_p, c_void_p, c_size_t, c_int]),
    "zmq_setsockopt": (c_int, [c_void_p, c_int, c_void_p, c_size_t]),
    "zmq_getsockopt": (c_int, [c_void_p, c_int, c_void_p, POINTER(c_size_t)]),
}


def library_path():
    path = os.environ.get("ZMQ_LIB")
    if not path:
        raise RuntimeError("environment variable ZMQ_LIB is not set "
                           "(path of the libzmq.so.5 under test)")
    if not os.path.exists(path):
        raise RuntimeError("ZMQ_LIB=%s does not exist" % path)
    return path


def mapping_of(address):
    """Path of the file mapped at address in this process, or None."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if lo <= address < hi:
                return parts[5].strip() if len(parts) == 6 else None
    return None


def mapped_files():
    files = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                files.add(parts[5].strip())
    return files


def load():
    path = library_path()
    lib = ctypes.CDLL(path, use_errno=True)
    for name, (restype, argtypes) in _SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def call_errno(fn, *args):
    """Calls fn with errno cleared; returns (result, errno)."""
    ctypes.set_errno(0)
    result = fn(*args)
    return result, ctypes.get_errno()
