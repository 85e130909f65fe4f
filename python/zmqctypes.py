"""ZeroMQ from Python through ctypes, without pyzmq.

A single file with no dependencies beyond the standard library (Python 3.7+).
It loads a libzmq 4.3 (``libzmq.so.5``) by path, declares the C signature of
every function of its stable API, and adds a small Pythonic layer:

    import zmqctypes as zmq

    lib = zmq.load("/path/to/libzmq.so.5")
    print(lib.path, lib.version())
    with zmq.Context(lib) as ctx:
        with ctx.socket(zmq.REP) as rep, ctx.socket(zmq.REQ) as req:
            rep.bind("tcp://127.0.0.1:*")
            req.connect(rep.last_endpoint)
            req.send(b"hello")
            rep.send(rep.recv().upper())
            print(req.recv())                       # b'HELLO'

load() takes the path given, else $ZMQ_LIB, else the soname; Context() and
the key and Z85 functions without a Library use load() once. Failures raise
ZMQError (``errno``, ``strerror``); EAGAIN raises its subclass Again. The raw
functions stay reachable as ``lib.zmq_send`` and so on, with their argument
and result types declared as in zmq.h.
"""
import ctypes
import os
import time
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char_p, c_int,
                    c_int64, c_long, c_short, c_size_t, c_uint64, c_ulong,
                    c_void_p)
from errno import (EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN,
                   ECONNABORTED, ECONNREFUSED, ECONNRESET, EFAULT,
                   EHOSTUNREACH, EINPROGRESS, EINTR, EINVAL, EMFILE, EMSGSIZE,
                   ENETDOWN, ENETRESET, ENETUNREACH, ENOBUFS, ENODEV, ENOENT,
                   ENOMEM, ENOTCONN, ENOTSOCK, ENOTSUP, EPROTONOSUPPORT,
                   ETIMEDOUT)

# ---------------------------------------------------------------- constants

# Socket types.
PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH = range(9)
XPUB, XSUB, STREAM = 9, 10, 11

# Send and receive flags; message properties (zmq_msg_get).
DONTWAIT, SNDMORE = 1, 2
MORE, SRCFD, SHARED = 1, 2, 3

# zmq_poll events.
POLLIN, POLLOUT, POLLERR, POLLPRI = 1, 2, 4, 8

# Context options (zmq_ctx_set, zmq_ctx_get).
IO_THREADS, MAX_SOCKETS, SOCKET_LIMIT, THREAD_PRIORITY = 1, 2, 3, 3
THREAD_SCHED_POLICY, MAX_MSGSZ, MSG_T_SIZE = 4, 5, 6
THREAD_AFFINITY_CPU_ADD, THREAD_AFFINITY_CPU_REMOVE = 7, 8
THREAD_NAME_PREFIX, BLOCKY = 9, 70

# Security mechanisms (the value of MECHANISM).
NULL, PLAIN, CURVE, GSSAPI = 0, 1, 2, 3

# zmq_device types.
STREAMER, FORWARDER, QUEUE = 1, 2, 3

# Socket monitor events (zmq_socket_monitor).
EVENT_CONNECTED = 1
EVENT_CONNECT_DELAYED = 2
EVENT_CONNECT_RETRIED = 4
EVENT_LISTENING = 8
EVENT_BIND_FAILED = 16
EVENT_ACCEPTED = 32
EVENT_ACCEPT_FAILED = 64
EVENT_CLOSED = 128
EVENT_CLOSE_FAILED = 256
EVENT_DISCONNECTED = 512
EVENT_MONITOR_STOPPED = 1024
EVENT_HANDSHAKE_FAILED_NO_DETAIL = 2048
EVENT_HANDSHAKE_SUCCEEDED = 4096
EVENT_HANDSHAKE_FAILED_PROTOCOL = 8192
EVENT_HANDSHAKE_FAILED_AUTH = 16384
EVENT_ALL = 65535

# Socket options (zmq_setsockopt, zmq_getsockopt).
AFFINITY = 4
ROUTING_ID = 5
SUBSCRIBE = 6
UNSUBSCRIBE = 7
RATE = 8
RECOVERY_IVL = 9
SNDBUF = 11
RCVBUF = 12
RCVMORE = 13
FD = 14
EVENTS = 15
TYPE = 16
LINGER = 17
RECONNECT_IVL = 18
BACKLOG = 19
RECONNECT_IVL_MAX = 21
MAXMSGSIZE = 22
SNDHWM = 23
RCVHWM = 24
MULTICAST_HOPS = 25
RCVTIMEO = 27
SNDTIMEO = 28
IPV4ONLY = 31
LAST_ENDPOINT = 32
ROUTER_MANDATORY = 33
TCP_KEEPALIVE = 34
TCP_KEEPALIVE_CNT = 35
TCP_KEEPALIVE_IDLE = 36
TCP_KEEPALIVE_INTVL = 37
TCP_ACCEPT_FILTER = 38
IMMEDIATE = 39
XPUB_VERBOSE = 40
ROUTER_RAW = 41
IPV6 = 42
MECHANISM = 43
PLAIN_SERVER = 44
PLAIN_USERNAME = 45
PLAIN_PASSWORD = 46
CURVE_SERVER = 47
CURVE_PUBLICKEY = 48
CURVE_SECRETKEY = 49
CURVE_SERVERKEY = 50
PROBE_ROUTER = 51
REQ_CORRELATE = 52
REQ_RELAXED = 53
CONFLATE = 54
ZAP_DOMAIN = 55
ROUTER_HANDOVER = 56
TOS = 57
IPC_FILTER_PID = 58
IPC_FILTER_UID = 59
IPC_FILTER_GID = 60
CONNECT_ROUTING_ID = 61
GSSAPI_SERVER = 62
GSSAPI_PRINCIPAL = 63
GSSAPI_SERVICE_PRINCIPAL = 64
GSSAPI_PLAINTEXT = 65
HANDSHAKE_IVL = 66
SOCKS_PROXY = 68
XPUB_NODROP = 69
XPUB_MANUAL = 71
XPUB_WELCOME_MSG = 72
STREAM_NOTIFY = 73
INVERT_MATCHING = 74
HEARTBEAT_IVL = 75
HEARTBEAT_TTL = 76
HEARTBEAT_TIMEOUT = 77
XPUB_VERBOSER = 78
CONNECT_TIMEOUT = 79
TCP_MAXRT = 80
THREAD_SAFE = 81
MULTICAST_MAXTPDU = 84
VMCI_BUFFER_SIZE = 85
VMCI_BUFFER_MIN_SIZE = 86
VMCI_BUFFER_MAX_SIZE = 87
VMCI_CONNECT_TIMEOUT = 88
USE_FD = 89
GSSAPI_PRINCIPAL_NAMETYPE = 90
GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = 91
BINDTODEVICE = 92

# The C type of each socket option that is not an int. "int64" and "uint64"
# are numbers; "bytes" is binary; "string" is text, read back without its
# terminating NUL; "key" is a CURVE key, set as 32 bytes or 40 Z85
# characters and read back in Z85. Add draft options here if needed.
OPTION_TYPES = {
    AFFINITY: "uint64", MAXMSGSIZE: "int64", VMCI_BUFFER_SIZE: "uint64",
    VMCI_BUFFER_MIN_SIZE: "uint64", VMCI_BUFFER_MAX_SIZE: "uint64",
    ROUTING_ID: "bytes", CONNECT_ROUTING_ID: "bytes", SUBSCRIBE: "bytes",
    UNSUBSCRIBE: "bytes", XPUB_WELCOME_MSG: "bytes",
    LAST_ENDPOINT: "string", TCP_ACCEPT_FILTER: "string",
    PLAIN_USERNAME: "string", PLAIN_PASSWORD: "string", ZAP_DOMAIN: "string",
    GSSAPI_PRINCIPAL: "string", GSSAPI_SERVICE_PRINCIPAL: "string",
    SOCKS_PROXY: "string", BINDTODEVICE: "string",
    CURVE_PUBLICKEY: "key", CURVE_SECRETKEY: "key", CURVE_SERVERKEY: "key",
}

# Error numbers: the system's, which libzmq uses on Linux (imported above),
# and libzmq's own codes above ZMQ_HAUSNUMERO.
HAUSNUMERO = 156384712
EFSM = HAUSNUMERO + 51
ENOCOMPATPROTO = HAUSNUMERO + 52
ETERM = HAUSNUMERO + 53
EMTHREAD = HAUSNUMERO + 54

# ------------------------------------------------------------ C signatures


class zmq_msg_t(Structure):
    """A message: 64 opaque bytes, aligned for a pointer, as in zmq.h."""
    _fields_ = [("_", c_uint64 * 8)]


class zmq_pollitem_t(Structure):
    """An item of zmq_poll: a socket, or a file descriptor (socket NULL)."""
    _fields_ = [("socket", c_void_p), ("fd", c_int),
                ("events", c_short), ("revents", c_short)]


class iovec(Structure):
    """struct iovec of <sys/uio.h>, for zmq_sendiov and zmq_recviov."""
    _fields_ = [("iov_base", c_void_p), ("iov_len", c_size_t)]


FREE_FN = CFUNCTYPE(None, c_void_p, c_void_p)   # zmq_free_fn
TIMER_FN = CFUNCTYPE(None, c_int, c_void_p)     # zmq_timer_fn
THREAD_FN = CFUNCTYPE(None, c_void_p)           # zmq_thread_fn

_MSG = POINTER(zmq_msg_t)

# name: (result type, argument types), for every function of the stable
# libzmq 4.3 API. Pointers are c_void_p (never the default int), input
# strings c_char_p, writable buffers c_void_p.
SIGNATURES = {
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
    "zmq_msg_init": (c_int, [_MSG]),
    "zmq_msg_init_size": (c_int, [_MSG, c_size_t]),
    "zmq_msg_init_data": (c_int, [_MSG, c_void_p, c_size_t, FREE_FN,
                                  c_void_p]),
    "zmq_msg_close": (c_int, [_MSG]),
    "zmq_msg_move": (c_int, [_MSG, _MSG]),
    "zmq_msg_copy": (c_int, [_MSG, _MSG]),
    "zmq_msg_data": (c_void_p, [_MSG]),
    "zmq_msg_size": (c_size_t, [_MSG]),
    "zmq_msg_more": (c_int, [_MSG]),
    "zmq_msg_get": (c_int, [_MSG, c_int]),
    "zmq_msg_set": (c_int, [_MSG, c_int, c_int]),
    "zmq_msg_gets": (c_char_p, [_MSG, c_char_p]),
    "zmq_msg_send": (c_int, [_MSG, c_void_p, c_int]),
    "zmq_msg_recv": (c_int, [_MSG, c_void_p, c_int]),
    "zmq_sendmsg": (c_int, [c_void_p, _MSG, c_int]),
    "zmq_recvmsg": (c_int, [c_void_p, _MSG, c_int]),
    "zmq_socket": (c_void_p, [c_void_p, c_int]),
    "zmq_close": (c_int, [c_void_p]),
    "zmq_bind": (c_int, [c_void_p, c_char_p]),
    "zmq_connect": (c_int, [c_void_p, c_char_p]),
    "zmq_unbind": (c_int, [c_void_p, c_char_p]),
    "zmq_disconnect": (c_int, [c_void_p, c_char_p]),
    "zmq_socket_monitor": (c_int, [c_void_p, c_char_p, c_int]),
    "zmq_send": (c_int, [c_void_p, c_void_p, c_size_t, c_int]),
    "zmq_send_const": (c_int, [c_void_p, c_void_p, c_size_t, c_int]),
    "zmq_recv": (c_int, [c_void_p, c_void_p, c_size_t, c_int]),
    "zmq_sendiov": (c_int, [c_void_p, POINTER(iovec), c_size_t, c_int]),
    "zmq_recviov": (c_int, [c_void_p, POINTER(iovec), POINTER(c_size_t),
                            c_int]),
    "zmq_setsockopt": (c_int, [c_void_p, c_int, c_void_p, c_size_t]),
    "zmq_getsockopt": (c_int, [c_void_p, c_int, c_void_p, POINTER(c_size_t)]),
    "zmq_poll": (c_int, [POINTER(zmq_pollitem_t), c_int, c_long]),
    "zmq_proxy": (c_int, [c_void_p, c_void_p, c_void_p]),
    "zmq_proxy_steerable": (c_int, [c_void_p, c_void_p, c_void_p, c_void_p]),
    "zmq_device": (c_int, [c_int, c_void_p, c_void_p]),
    "zmq_z85_encode": (c_char_p, [c_void_p, c_void_p, c_size_t]),
    "zmq_z85_decode": (c_void_p, [c_void_p, c_char_p]),
    "zmq_curve_keypair": (c_int, [c_void_p, c_void_p]),
    "zmq_curve_public": (c_int, [c_void_p, c_char_p]),
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
    "zmq_threadstart": (c_void_p, [THREAD_FN, c_void_p]),
    "zmq_threadclose": (None, [c_void_p]),
}

# ---------------------------------------------------------------- loading

SONAME = "libzmq.so.5"


def mapping_of(address):
    """The path of the file mapped at address in this process, or None."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(None, 5)
            low, high = (int(x, 16) for x in fields[0].split("-"))
            if low <= address < high:
                return fields[5].rstrip("\n") if len(fields) == 6 else None
    return None


class Library:
    """A loaded libzmq: the raw functions as attributes, plus helpers.

    ``name`` is what was given to dlopen; ``path`` is the file the code of
    zmq_version is mapped from, read from /proc/self/maps, which proves
    which library actually runs (symbolic links resolved).
    """

    def __init__(self, name):
        self.name = name
        self.dll = ctypes.CDLL(name, use_errno=True)
        for fname, (restype, argtypes) in SIGNATURES.items():
            try:
                fn = getattr(self.dll, fname)
            except AttributeError:
                raise OSError("%s does not export %s" % (name, fname)) \
                    from None
            fn.restype, fn.argtypes = restype, argtypes
            setattr(self, fname, fn)
        self.path = mapping_of(ctypes.cast(self.zmq_version, c_void_p).value)

    def version(self):
        """The library's version as a tuple (major, minor, patch)."""
        parts = [c_int(), c_int(), c_int()]
        self.zmq_version(*(byref(p) for p in parts))
        return tuple(p.value for p in parts)

    def has(self, capability):
        """Whether the library supports a capability ("ipc", "curve"...)."""
        return self.zmq_has(_encode(capability)) == 1

    def strerror(self, errnum):
        """The library's message for an error number."""
        return self.zmq_strerror(errnum).decode(errors="replace")

    def __repr__(self):
        return "<zmqctypes.Library %s>" % self.path


def load(path=None):
    """Loads libzmq and returns a Library.

    The library is, in this order: ``path`` if given; else the path in the
    environment variable ZMQ_LIB if it is set and not empty; else the soname
    "libzmq.so.5", found by the dynamic loader's usual search
    (LD_LIBRARY_PATH, the ld.so cache, the default directories). A path given
    in either way is loaded as it is; if it cannot be loaded, OSError is
    raised and nothing else is tried.
    """
    if path is None:
        path = os.environ.get("ZMQ_LIB") or SONAME
    return Library(os.fspath(path))


_default = None


def default_library():
    """The Library used when none is given: load() on first use."""
    global _default
    if _default is None:
        _default = load()
    return _default

# ------------------------------------------------------------------ errors


class ZMQError(Exception):
    """A failed libzmq call: ``errno`` and the library's ``strerror`` text."""

    def __init__(self, errnum, strerror):
        super().__init__(errnum, strerror)
        self.errno = errnum
        self.strerror = strerror

    def __str__(self):
        return "%s (errno %d)" % (self.strerror, self.errno)


class Again(ZMQError):
    """EAGAIN: nothing to receive, or no room to send, without waiting."""


def _error(lib, errnum):
    cls = Again if errnum == EAGAIN else ZMQError
    return cls(errnum, lib.strerror(errnum))


def _check(lib, fn, *args):
    """Calls fn until it does not fail with EINTR; raises on -1."""
    while True:
        rc = fn(*args)
        if rc != -1:
            return rc
        errnum = ctypes.get_errno()
        if errnum != EINTR:
            raise _error(lib, errnum)


def _encode(text):
    return text.encode() if isinstance(text, str) else _as_bytes(text)


def _as_bytes(data):
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError("expected bytes, not %s" % type(data).__name__)

# -------------------------------------------------------- contexts, sockets


class Context:
    """A libzmq context (zmq_ctx_new).

    As a context manager it closes, on exit, the sockets still open and
    then terminates the context.
    """

    def __init__(self, lib=None):
        self.lib = lib if lib is not None else default_library()
        self.handle = self.lib.zmq_ctx_new()
        if not self.handle:
            raise _error(self.lib, ctypes.get_errno())
        self._sockets = set()

    def socket(self, socket_type):
        """A new Socket of this context."""
        return Socket(self, socket_type)

    def set(self, option, value):
        """Sets a context option (IO_THREADS, MAX_SOCKETS...)."""
        _check(self.lib, self.lib.zmq_ctx_set, self.handle, option, value)

    def get(self, option):
        """Reads a context option."""
        ctypes.set_errno(0)
        value = self.lib.zmq_ctx_get(self.handle, option)
        if value == -1 and ctypes.get_errno():
            raise _error(self.lib, ctypes.get_errno())
        return value

    def shutdown(self):
        """Makes blocking and later calls on the sockets fail with ETERM."""
        if self.handle:
            _check(self.lib, self.lib.zmq_ctx_shutdown, self.handle)

    def term(self):
        """Terminates the context: waits until its sockets are closed."""
        if self.handle:
            _check(self.lib, self.lib.zmq_ctx_term, self.handle)
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for sock in list(self._sockets):
            sock.close()
        self.term()


class Socket:
    """A libzmq socket. Like libzmq's, use it from one thread at a time.

    As a context manager it closes the socket on exit. ``handle`` is the
    C pointer, for the raw functions; it is None once the socket is closed,
    and then calls fail in the library (ENOTSOCK).
    """

    def __init__(self, context, socket_type):
        self.context, self.lib, self.type = context, context.lib, socket_type
        self.handle = self.lib.zmq_socket(context.handle, socket_type)
        if not self.handle:
            raise _error(self.lib, ctypes.get_errno())
        context._sockets.add(self)

    def __repr__(self):
        return "<zmqctypes.Socket type %d%s>" % (
            self.type, "" if self.handle else " closed")

    @property
    def closed(self):
        return self.handle is None

    def close(self, linger=None):
        """Closes the socket (after setting LINGER, if given). Idempotent."""
        if self.handle is None:
            return
        if linger is not None:
            self.setsockopt(LINGER, linger)
        _check(self.lib, self.lib.zmq_close, self.handle)
        self.handle = None
        self.context._sockets.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def bind(self, endpoint):
        """Listens on an endpoint ("tcp://127.0.0.1:*", "inproc://name"...)."""
        _check(self.lib, self.lib.zmq_bind, self.handle, _encode(endpoint))

    def connect(self, endpoint):
        """Connects to an endpoint."""
        _check(self.lib, self.lib.zmq_connect, self.handle, _encode(endpoint))

    def unbind(self, endpoint):
        """Stops listening on an endpoint bound before."""
        _check(self.lib, self.lib.zmq_unbind, self.handle, _encode(endpoint))

    def disconnect(self, endpoint):
        """Disconnects from an endpoint connected before."""
        _check(self.lib, self.lib.zmq_disconnect, self.handle,
               _encode(endpoint))

    def send(self, data, flags=0):
        """Sends one frame (bytes); SNDMORE in flags means more follow."""
        data = _as_bytes(data)
        _check(self.lib, self.lib.zmq_send, self.handle, data, len(data),
               flags)

    def send_multipart(self, parts, flags=0):
        """Sends the frames of one message."""
        parts = [_as_bytes(p) for p in parts]
        if not parts:
            raise ValueError("a message has at least one frame")
        for part in parts[:-1]:
            self.send(part, flags | SNDMORE)
        self.send(parts[-1], flags)

    def _recv_frame(self, flags):
        lib, msg = self.lib, zmq_msg_t()
        lib.zmq_msg_init(byref(msg))
        try:
            _check(lib, lib.zmq_msg_recv, byref(msg), self.handle, flags)
            size = lib.zmq_msg_size(byref(msg))
            data = ctypes.string_at(lib.zmq_msg_data(byref(msg)), size) \
                if size else b""
            return data, lib.zmq_msg_more(byref(msg)) == 1
        finally:
            lib.zmq_msg_close(byref(msg))

    def recv(self, flags=0):
        """Receives one frame, whole, as bytes (DONTWAIT: raises Again)."""
        return self._recv_frame(flags)[0]

    def recv_multipart(self, flags=0):
        """Receives all the frames of one message as a list of bytes."""
        parts, more = [], True
        while more:
            data, more = self._recv_frame(flags)
            parts.append(data)
        return parts

    def setsockopt(self, option, value):
        """Sets a socket option, typed by OPTION_TYPES (default int)."""
        kind = OPTION_TYPES.get(option, "int")
        if kind in _NUMBERS:
            number = _NUMBERS[kind](value)
            if number.value != value:
                raise ValueError("%r does not fit a C %s" % (value, kind))
            _check(self.lib, self.lib.zmq_setsockopt, self.handle, option,
                   byref(number), ctypes.sizeof(number))
        else:
            data = value.encode() if isinstance(value, str) \
                else _as_bytes(value)
            _check(self.lib, self.lib.zmq_setsockopt, self.handle, option,
                   data, len(data))

    def getsockopt(self, option):
        """Reads a socket option: an int, or bytes for the other kinds."""
        kind = OPTION_TYPES.get(option, "int")
        if kind in _NUMBERS:
            value = _NUMBERS[kind]()
            size = c_size_t(ctypes.sizeof(value))
            _check(self.lib, self.lib.zmq_getsockopt, self.handle, option,
                   byref(value), byref(size))
            return value.value
        # libzmq returns a CURVE key in Z85 only for a buffer of exactly 41.
        capacity = 41 if kind == "key" else 4096
        buf = ctypes.create_string_buffer(capacity)
        size = c_size_t(capacity)
        _check(self.lib, self.lib.zmq_getsockopt, self.handle, option, buf,
               byref(size))
        data = buf.raw[:size.value]
        if kind != "bytes" and data.endswith(b"\0"):
            data = data[:-1]
        return data

    def subscribe(self, prefix):
        """SUB: receive the messages starting with prefix (b"": all)."""
        self.setsockopt(SUBSCRIBE, prefix)

    def unsubscribe(self, prefix):
        """SUB: cancels one subscribe(prefix)."""
        self.setsockopt(UNSUBSCRIBE, prefix)

    @property
    def last_endpoint(self):
        """The endpoint last bound or connected, resolved ("" if none)."""
        return self.getsockopt(LAST_ENDPOINT).decode()


_NUMBERS = {"int": c_int, "int64": c_int64, "uint64": c_uint64}


def poll(items, timeout=-1):
    """Waits until one of items is ready, or timeout ms pass (-1: forever).

    items are (socket, events) pairs, where socket is a Socket or a file
    descriptor (an int, or an object with fileno()) and events is a mask of
    POLLIN, POLLOUT and POLLERR. Returns the (socket, revents) pairs of the
    ready items, in the order given.
    """
    items = list(items)
    array = (zmq_pollitem_t * len(items))()
    lib = None
    for slot, (what, events) in zip(array, items):
        if isinstance(what, Socket):
            if what.closed:
                raise _error(what.lib, ENOTSOCK)
            slot.socket, lib = what.handle, lib or what.lib
        else:
            slot.fd = what if isinstance(what, int) else what.fileno()
        slot.events = events
    lib = lib or default_library()
    timeout = -1 if timeout is None else int(timeout)
    deadline = time.monotonic() + timeout / 1000.0
    while True:
        rc = lib.zmq_poll(array, len(items), timeout)
        if rc != -1:
            break
        errnum = ctypes.get_errno()
        if errnum != EINTR:
            raise _error(lib, errnum)
        if timeout > 0:
            timeout = max(0, int((deadline - time.monotonic()) * 1000))
    return [(what, slot.revents)
            for (what, _), slot in zip(items, array) if slot.revents]

# --------------------------------------------------------- keys and Z85


def z85_encode(data, lib=None):
    """Z85 text of data, whose size must be a multiple of 4 (else EINVAL)."""
    lib = lib or default_library()
    data = _as_bytes(data)
    out = ctypes.create_string_buffer(len(data) * 5 // 4 + 1)
    text = lib.zmq_z85_encode(out, data, len(data))
    if text is None:
        raise _error(lib, ctypes.get_errno())
    return text


def z85_decode(text, lib=None):
    """The bytes of Z85 text, whose size must be a multiple of 5."""
    lib = lib or default_library()
    text = _encode(text)
    size = len(text) * 4 // 5
    out = ctypes.create_string_buffer(size + 1)
    if not lib.zmq_z85_decode(out, text):
        raise _error(lib, ctypes.get_errno())
    return out.raw[:size]


def curve_keypair(lib=None):
    """A new CURVE key pair (public, secret), each 40 Z85 characters."""
    lib = lib or default_library()
    public, secret = (ctypes.create_string_buffer(41) for _ in range(2))
    _check(lib, lib.zmq_curve_keypair, public, secret)
    return public.value, secret.value


def curve_public(secret, lib=None):
    """The Z85 public key of a Z85 CURVE secret key."""
    lib = lib or default_library()
    public = ctypes.create_string_buffer(41)
    _check(lib, lib.zmq_curve_public, public, _encode(secret))
    return public.value
