"""python/zmqctypes.py and python/examples.py on the library under test.

Loading by path, the signature table against include/zmq.h, version and
capabilities, the patterns over inproc, tcp and ipc, multipart and large
messages, socket options, poll, errors, CURVE keys and Z85.
"""
import ctypes
import errno
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

import zmqlib  # puts python/ on sys.path
import zmqctypes as zmq

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PYTHON_DIR = os.path.join(TOP, "python")
HEADER = os.path.join(TOP, "include", "zmq.h")
TIMEOUT_MS = 5000


def lib_file():
    return os.path.realpath(os.environ["ZMQ_LIB"])


def within(seconds, fn, *args):
    """Runs fn(*args) in a thread; fails instead of hanging past seconds."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args)
        except BaseException as e:  # reported in the test's thread
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "%s still running after %ss" % (
        getattr(fn, "__name__", fn), seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def ctx(lib):
    context = zmq.Context(lib)
    yield context
    within(10, context.__exit__, None, None, None)


def new_socket(ctx, kind):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.LINGER, 0)
    return sock


@pytest.fixture(params=["inproc", "tcp", "ipc"])
def endpoint(request, tmp_path):
    """endpoint(name): an endpoint of the transport to bind."""
    def make(name):
        if request.param == "inproc":
            return "inproc://zmqctypes-" + name
        if request.param == "tcp":
            return "tcp://127.0.0.1:*"
        return "ipc://%s" % (tmp_path / (name + ".sock"))
    return make


def link(binder, connecter, endpoint):
    binder.bind(endpoint)
    connecter.connect(binder.last_endpoint)


def run_python(code, env_changes, *args):
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code] + list(args), env=env, timeout=60,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True)

# ----------------------------------------------------------------- loading


def test_load_by_path(lib):
    loaded = zmq.load(os.environ["ZMQ_LIB"])
    assert loaded.name == os.environ["ZMQ_LIB"]
    assert loaded.path == lib_file()
    assert lib.path == lib_file()
    # Another function of the table lives in the same file.
    addr = ctypes.cast(loaded.zmq_send, ctypes.c_void_p).value
    assert os.path.realpath(zmqlib.mapping_of(addr)) == lib_file()


SHOW_LOADED = """
import sys
sys.path.insert(0, %r)
import zmqctypes
try:
    print(zmqctypes.load(sys.argv[1] or None).path)
except OSError as e:
    print("OSError", e)
""" % PYTHON_DIR


@pytest.mark.parametrize("argument, zmq_lib, library_path, expected", [
    ("lib", None, None, "lib"),              # the argument
    ("", "lib", None, "lib"),                # else ZMQ_LIB
    ("", None, "dir", "lib"),                # else the soname
    ("", "", "dir", "lib"),                  # an empty ZMQ_LIB is unset
    ("lib", "/nonexistent/libzmq.so.5", None, "lib"),
    ("", "/nonexistent/libzmq.so.5", "dir", "OSError"),
    ("/nonexistent/libzmq.so.5", "lib", "dir", "OSError"),
])
def test_load_order(argument, zmq_lib, library_path, expected):
    subst = {"lib": os.environ["ZMQ_LIB"],
             "dir": os.path.dirname(os.environ["ZMQ_LIB"])}
    out = run_python(SHOW_LOADED, {
        "ZMQ_LIB": subst.get(zmq_lib, zmq_lib),
        "LD_LIBRARY_PATH": subst.get(library_path, library_path)},
        subst.get(argument, argument))
    want = lib_file() if expected == "lib" else expected
    assert out.stdout.split(" ")[0].strip() == want, out.stdout


def test_load_refuses_other_libraries():
    with pytest.raises(OSError, match="does not export zmq_"):
        zmq.load("libc.so.6")
    with pytest.raises(OSError):
        zmq.load("/nonexistent/libzmq.so.5")


def header_declarations():
    """{name: (return type, [parameter declarations])} of include/zmq.h,
    the stable API only (before the draft section)."""
    text = open(HEADER).read().split("#ifdef ZMQ_BUILD_DRAFT_API")[0]
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    text = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)
    found = {}
    for m in re.finditer(r"([A-Za-z_][\w\s]*?[\s*])(zmq_\w+)\s*\(", text):
        params, depth, current, i = [], 1, "", m.end()
        while True:
            ch = text[i]
            i += 1
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                break
            if ch == "," and depth == 1:
                params.append(current)
                current = ""
            else:
                current += ch
        params.append(current)
        if text[i:].lstrip().startswith(";"):
            params = [" ".join(p.split()) for p in params]
            found[m.group(2)] = (" ".join(m.group(1).split()),
                                 [] if params in (["void"], [""]) else params)
    return found


def c_type(decl, named=True):
    """The type of a C declaration: 'const zmq_msg_t *msg' -> 'zmq_msg_t *'."""
    if "(*" in decl:
        return "function pointer"
    decl = re.sub(r"\bconst\b", " ", decl).strip()
    if named:
        decl = re.sub(r"\w+$", "", decl)
    return " ".join(decl.replace("*", " * ").split()).replace("* *", "**")


RAW_POINTERS = (ctypes.c_void_p, ctypes.c_char_p)
CTYPES = {  # C type: the ctypes type (or types) that may declare it
    "void": None, "int": ctypes.c_int, "size_t": ctypes.c_size_t,
    "long": ctypes.c_long, "unsigned long": ctypes.c_ulong,
    "void *": RAW_POINTERS, "char *": RAW_POINTERS,
    "uint8_t *": RAW_POINTERS,
    "int *": ctypes.POINTER(ctypes.c_int),
    "size_t *": ctypes.POINTER(ctypes.c_size_t),
    "void **": ctypes.POINTER(ctypes.c_void_p),
    "zmq_msg_t *": ctypes.POINTER(zmq.zmq_msg_t),
    "zmq_pollitem_t *": ctypes.POINTER(zmq.zmq_pollitem_t),
    "struct iovec *": ctypes.POINTER(zmq.iovec),
}


def declares(ctype, what):
    if ctype == "function pointer":
        return isinstance(what, type) and issubclass(what, ctypes._CFuncPtr)
    expected = CTYPES[ctype]
    return what in expected if isinstance(expected, tuple) \
        else what is expected


def test_signature_table_matches_header(lib):
    declared = header_declarations()
    assert len(declared) >= 70
    assert set(zmq.SIGNATURES) == set(declared)
    for name, (ret, params) in declared.items():
        restype, argtypes = zmq.SIGNATURES[name]
        fn = getattr(lib, name)
        assert (fn.restype, fn.argtypes) == (restype, argtypes), name
        # pointers are never the default int
        assert declares(c_type(ret, named=False), restype), (name, ret)
        assert len(argtypes) == len(params), name
        for decl, what in zip(params, argtypes):
            assert declares(c_type(decl), what), (name, decl, what)


def test_pointers_are_not_truncated(lib):
    # Many contexts and messages: their addresses must pass intact (a
    # truncated one would crash or fail with EFAULT).
    contexts = [zmq.Context(lib) for _ in range(20)]
    try:
        for c in contexts:
            assert c.handle and c.get(zmq.IO_THREADS) == 1
    finally:
        for c in contexts:
            c.term()

# ------------------------------------------------------ version, capability


def test_version(lib):
    major, minor, patch = (ctypes.c_int(-1) for _ in range(3))
    lib.zmq_version(ctypes.byref(major), ctypes.byref(minor),
                    ctypes.byref(patch))
    assert lib.version() == (major.value, minor.value, patch.value)
    assert lib.version()[:2] == (4, 3)


def test_has(lib):
    assert lib.has("ipc") is True
    assert lib.has(b"ipc") is True
    assert lib.has("not-a-capability") is False
    for name in ("curve", "pgm", "tipc", "norm", "gssapi", "draft"):
        assert lib.has(name) == (lib.zmq_has(name.encode()) == 1)

# ---------------------------------------------------------------- patterns


def test_req_rep(ctx, endpoint):
    rep, req = new_socket(ctx, zmq.REP), new_socket(ctx, zmq.REQ)
    link(rep, req, endpoint("reqrep"))
    for i in range(5):
        req.send(b"request %d" % i)
        assert rep.recv() == b"request %d" % i
        rep.send(b"reply %d" % i)
        assert req.recv() == b"reply %d" % i


def wait_for_subscription(pub, sub, probe):
    """Publishes probe until the SUB gets one (subscriptions travel)."""
    for _ in range(200):
        pub.send(probe)
        if zmq.poll([(sub, zmq.POLLIN)], 25):
            return
    pytest.fail("the subscription never reached the publisher")


def receive_until(sub, last, probe):
    """The messages up to last, probes left out."""
    got = []
    while not got or got[-1] != last:
        message = sub.recv()
        if message != probe:
            got.append(message)
    return got


def test_pub_sub_prefix(ctx, endpoint):
    pub, sub = new_socket(ctx, zmq.PUB), new_socket(ctx, zmq.SUB)
    link(pub, sub, endpoint("pubsub"))
    sub.subscribe(b"keep")
    wait_for_subscription(pub, sub, b"keep probe")
    for topic in (b"drop 1", b"keep 1", b"kee 2", b"keep 2", b"keepend"):
        pub.send(topic)
    assert receive_until(sub, b"keepend", b"keep probe") == \
        [b"keep 1", b"keep 2", b"keepend"]
    sub.unsubscribe(b"keep")
    sub.subscribe("other")    # a str prefix is encoded
    wait_for_subscription(pub, sub, b"other probe")
    pub.send(b"keep 3")
    pub.send(b"other 1")
    assert receive_until(sub, b"other 1", b"other probe") == [b"other 1"]


def test_push_pull_two_workers(ctx, endpoint):
    push = new_socket(ctx, zmq.PUSH)
    workers = [new_socket(ctx, zmq.PULL) for _ in range(2)]
    for n, worker in enumerate(workers):
        worker.bind(endpoint("worker%d" % n))
        push.connect(worker.last_endpoint)
    for i in range(6):
        push.send(b"task %d" % i)
    got = [[w.recv() for _ in range(3)] for w in workers]
    assert got == [[b"task 0", b"task 2", b"task 4"],
                   [b"task 1", b"task 3", b"task 5"]]


def test_pair(ctx, endpoint):
    a, b = new_socket(ctx, zmq.PAIR), new_socket(ctx, zmq.PAIR)
    link(a, b, endpoint("pair"))
    a.send(b"ping")
    assert b.recv() == b"ping"
    b.send(b"pong")
    assert a.recv() == b"pong"


def test_multipart(ctx, endpoint):
    a, b = new_socket(ctx, zmq.PAIR), new_socket(ctx, zmq.PAIR)
    link(a, b, endpoint("multipart"))
    parts = [b"head", b"", b"\x00" * 40, bytearray(b"ba"), b"tail" * 100]
    a.send_multipart(parts)
    assert b.recv_multipart() == [bytes(p) for p in parts]
    a.send(b"one", zmq.SNDMORE)
    a.send(b"two")
    assert b.recv() == b"one"
    assert b.getsockopt(zmq.RCVMORE) == 1
    assert b.recv() == b"two"
    assert b.getsockopt(zmq.RCVMORE) == 0
    with pytest.raises(ValueError):
        a.send_multipart([])


def test_dealer_router(ctx, endpoint):
    router, dealer = new_socket(ctx, zmq.ROUTER), new_socket(ctx, zmq.DEALER)
    dealer.setsockopt(zmq.ROUTING_ID, b"\x00dealer\xff")
    link(router, dealer, endpoint("router"))
    dealer.send_multipart([b"", b"hello"])
    assert router.recv_multipart() == [b"\x00dealer\xff", b"", b"hello"]
    router.send_multipart([b"\x00dealer\xff", b"", b"world"])
    assert dealer.recv_multipart() == [b"", b"world"]


def test_large_message(ctx, endpoint):
    a, b = new_socket(ctx, zmq.PAIR), new_socket(ctx, zmq.PAIR)
    link(a, b, endpoint("large"))
    big = os.urandom(1 << 20)
    a.send(big)
    assert b.recv() == big
    a.send_multipart([b"x", big, big[:12345]])
    assert b.recv_multipart() == [b"x", big, big[:12345]]

# ----------------------------------------------------------------- options


def test_int_options(ctx):
    s = new_socket(ctx, zmq.DEALER)
    assert s.getsockopt(zmq.TYPE) == zmq.DEALER
    for option, value in ((zmq.LINGER, 1234), (zmq.SNDHWM, 7),
                          (zmq.RCVHWM, 0), (zmq.RCVTIMEO, -1),
                          (zmq.IMMEDIATE, 1), (zmq.TCP_KEEPALIVE, 1)):
        s.setsockopt(option, value)
        assert s.getsockopt(option) == value
    s.setsockopt(zmq.IMMEDIATE, True)
    assert s.getsockopt(zmq.IMMEDIATE) == 1
    assert s.getsockopt(zmq.RCVMORE) == 0
    assert s.getsockopt(zmq.FD) >= 0


def test_int64_options(ctx):
    s = new_socket(ctx, zmq.PULL)
    assert s.getsockopt(zmq.MAXMSGSIZE) == -1
    s.setsockopt(zmq.MAXMSGSIZE, 2 ** 40 + 3)
    assert s.getsockopt(zmq.MAXMSGSIZE) == 2 ** 40 + 3
    s.setsockopt(zmq.AFFINITY, 2 ** 63 + 5)
    assert s.getsockopt(zmq.AFFINITY) == 2 ** 63 + 5


def test_maxmsgsize_is_applied(ctx):
    # A tcp peer sending more than MAXMSGSIZE is disconnected: the large
    # message never arrives, the small one sent before does.
    pull, push = new_socket(ctx, zmq.PULL), new_socket(ctx, zmq.PUSH)
    pull.setsockopt(zmq.MAXMSGSIZE, 1000)
    pull.setsockopt(zmq.RCVTIMEO, 300)
    link(pull, push, "tcp://127.0.0.1:*")
    push.send(b"s" * 1000)
    push.send(b"b" * 1001)
    assert pull.recv() == b"s" * 1000
    with pytest.raises(zmq.Again):
        pull.recv()


def test_bytes_options(ctx):
    s = new_socket(ctx, zmq.DEALER)
    assert s.getsockopt(zmq.ROUTING_ID) == b""
    s.setsockopt(zmq.ROUTING_ID, b"\x00id\xff\x00")
    assert s.getsockopt(zmq.ROUTING_ID) == b"\x00id\xff\x00"
    s.setsockopt(zmq.ZAP_DOMAIN, "global")
    assert s.getsockopt(zmq.ZAP_DOMAIN) == b"global"
    s.setsockopt(zmq.PLAIN_USERNAME, b"admin")
    assert s.getsockopt(zmq.PLAIN_USERNAME) == b"admin"
    assert s.getsockopt(zmq.MECHANISM) == zmq.PLAIN


def test_last_endpoint(ctx, tmp_path):
    s = new_socket(ctx, zmq.PULL)
    assert s.last_endpoint == ""
    s.bind("tcp://127.0.0.1:*")
    m = re.match(r"^tcp://127\.0\.0\.1:(\d+)$", s.last_endpoint)
    assert m and 0 < int(m.group(1)) < 65536
    s.bind("inproc://zmqctypes-last")
    assert s.last_endpoint == "inproc://zmqctypes-last"
    path = "ipc://%s" % (tmp_path / "last.sock")
    s.bind(path)
    assert s.last_endpoint == path
    c = new_socket(ctx, zmq.PUSH)
    c.connect("inproc://zmqctypes-last")
    assert c.last_endpoint == "inproc://zmqctypes-last"


def test_option_type_errors(ctx):
    s = new_socket(ctx, zmq.DEALER)
    with pytest.raises(ValueError):
        s.setsockopt(zmq.LINGER, 2 ** 31)
    with pytest.raises(ValueError):
        s.setsockopt(zmq.AFFINITY, -1)
    with pytest.raises(TypeError):
        s.setsockopt(zmq.LINGER, b"1")
    with pytest.raises(TypeError):
        s.setsockopt(zmq.ROUTING_ID, 5)
    with pytest.raises(TypeError):
        s.send("text")
    assert s.getsockopt(zmq.LINGER) == 0


def test_option_errors_from_library(ctx):
    s = new_socket(ctx, zmq.SUB)
    for option, value in ((zmq.LINGER, -2), (zmq.SNDHWM, -1), (9999, 1)):
        with pytest.raises(zmq.ZMQError) as e:
            s.setsockopt(option, value)
        assert e.value.errno == errno.EINVAL
    with pytest.raises(zmq.ZMQError) as e:
        s.getsockopt(zmq.SUBSCRIBE)
    assert e.value.errno == errno.EINVAL


def test_curve_key_options(lib, ctx):
    if not lib.has("curve"):
        pytest.skip("no CURVE in this library")
    public, secret = zmq.curve_keypair(lib)
    s = new_socket(ctx, zmq.REP)
    s.setsockopt(zmq.CURVE_SERVER, 1)
    s.setsockopt(zmq.CURVE_SECRETKEY, secret)
    assert s.getsockopt(zmq.CURVE_SECRETKEY) == secret
    s.setsockopt(zmq.CURVE_SECRETKEY, zmq.z85_decode(public, lib))
    assert s.getsockopt(zmq.CURVE_SECRETKEY) == public
    assert s.getsockopt(zmq.MECHANISM) == zmq.CURVE


def test_curve_handshake(lib, ctx):
    if not lib.has("curve"):
        pytest.skip("no CURVE in this library")
    server_public, server_secret = zmq.curve_keypair(lib)
    client_public, client_secret = zmq.curve_keypair(lib)
    rep, req = new_socket(ctx, zmq.REP), new_socket(ctx, zmq.REQ)
    rep.setsockopt(zmq.CURVE_SERVER, 1)
    rep.setsockopt(zmq.CURVE_SECRETKEY, server_secret)
    req.setsockopt(zmq.CURVE_SERVERKEY, server_public)
    req.setsockopt(zmq.CURVE_PUBLICKEY, client_public)
    req.setsockopt(zmq.CURVE_SECRETKEY, client_secret)
    link(rep, req, "tcp://127.0.0.1:*")
    req.send(b"secret hello")
    assert rep.recv() == b"secret hello"
    rep.send(b"secret reply")
    assert req.recv() == b"secret reply"

# -------------------------------------------------------------------- poll


def test_poll_timeout(ctx):
    a, b = new_socket(ctx, zmq.PAIR), new_socket(ctx, zmq.PAIR)
    link(a, b, "inproc://zmqctypes-poll")
    start = time.monotonic()
    assert zmq.poll([(b, zmq.POLLIN)], 200) == []
    assert 0.15 <= time.monotonic() - start < 3
    start = time.monotonic()
    assert zmq.poll([(b, zmq.POLLIN)], 0) == []
    assert time.monotonic() - start < 0.1


def test_poll_readiness(ctx):
    a, b = new_socket(ctx, zmq.PAIR), new_socket(ctx, zmq.PAIR)
    link(a, b, "inproc://zmqctypes-ready")
    assert zmq.poll([(a, zmq.POLLOUT)], 1000) == [(a, zmq.POLLOUT)]
    a.send(b"wake")
    start = time.monotonic()
    ready = zmq.poll([(a, zmq.POLLIN), (b, zmq.POLLIN | zmq.POLLOUT)], 5000)
    assert time.monotonic() - start < 1
    assert ready == [(b, zmq.POLLIN | zmq.POLLOUT)]
    assert b.recv() == b"wake"
    assert zmq.poll([(b, zmq.POLLIN)], 0) == []


def test_poll_wakes_on_tcp_message(ctx):
    pull, push = new_socket(ctx, zmq.PULL), new_socket(ctx, zmq.PUSH)
    link(pull, push, "tcp://127.0.0.1:*")
    timer = threading.Timer(0.2, push.send, (b"later",))
    timer.start()
    start = time.monotonic()
    try:
        assert zmq.poll([(pull, zmq.POLLIN)], 5000) == [(pull, zmq.POLLIN)]
    finally:
        timer.join()
    assert 0.15 <= time.monotonic() - start < 3
    assert pull.recv(zmq.DONTWAIT) == b"later"


def test_poll_file_descriptor(ctx):
    s = new_socket(ctx, zmq.PULL)
    r, w = os.pipe()
    try:
        assert zmq.poll([(r, zmq.POLLIN), (s, zmq.POLLIN)], 0) == []
        os.write(w, b"x")
        assert zmq.poll([(s, zmq.POLLIN), (r, zmq.POLLIN)], 1000) == \
            [(r, zmq.POLLIN)]
    finally:
        os.close(r)
        os.close(w)

# ------------------------------------------------------------------ errors


def test_again(ctx):
    pull, push = new_socket(ctx, zmq.PULL), new_socket(ctx, zmq.PUSH)
    pull.bind("inproc://zmqctypes-again")
    with pytest.raises(zmq.Again) as e:
        pull.recv(zmq.DONTWAIT)
    assert isinstance(e.value, zmq.ZMQError)
    assert e.value.errno == errno.EAGAIN
    assert e.value.strerror == os.strerror(errno.EAGAIN)
    with pytest.raises(zmq.Again):       # no peer to send to
        push.send(b"x", zmq.DONTWAIT)
    pull.setsockopt(zmq.RCVTIMEO, 100)   # a timeout is EAGAIN too
    with pytest.raises(zmq.Again):
        pull.recv()


@pytest.mark.parametrize("method, address, code", [
    ("bind", "nonsense", errno.EINVAL),
    ("bind", "tcp://127.0.0.1", errno.EINVAL),
    ("bind", "tcp://127.0.0.1:notaport", errno.EINVAL),
    ("bind", "inproc://", errno.EINVAL),
    ("connect", "nonsense", errno.EINVAL),
    ("connect", "tcp://127.0.0.1", errno.EINVAL),
    ("bind", "nosuch://x", errno.EPROTONOSUPPORT),
    ("unbind", "tcp://127.0.0.1:1", errno.ENOENT),
    ("disconnect", "tcp://127.0.0.1:1", errno.ENOENT),
])
def test_endpoint_errors(ctx, method, address, code):
    s = new_socket(ctx, zmq.PAIR)
    with pytest.raises(zmq.ZMQError) as e:
        getattr(s, method)(address)
    assert type(e.value) is zmq.ZMQError
    assert e.value.errno == code
    assert e.value.strerror == os.strerror(code)
    assert str(e.value) == "%s (errno %d)" % (os.strerror(code), code)


def test_state_errors(ctx):
    req, sub = new_socket(ctx, zmq.REQ), new_socket(ctx, zmq.SUB)
    with pytest.raises(zmq.ZMQError) as e:
        req.recv()
    assert e.value.errno == zmq.EFSM
    assert e.value.strerror == \
        "Operation cannot be accomplished in current state"
    with pytest.raises(zmq.ZMQError) as e:
        sub.send(b"x")
    assert e.value.errno == errno.ENOTSUP
    with pytest.raises(zmq.ZMQError) as e:
        ctx.socket(999)
    assert e.value.errno == errno.EINVAL


def test_closed_socket(ctx):
    s = new_socket(ctx, zmq.PAIR)
    s.close()
    assert s.closed and s.handle is None
    s.close()                       # closing again does nothing
    for call in (lambda: s.send(b"x"), lambda: s.recv(zmq.DONTWAIT),
                 lambda: s.bind("inproc://zmqctypes-closed"),
                 lambda: s.getsockopt(zmq.TYPE),
                 lambda: zmq.poll([(s, zmq.POLLIN)], 0)):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == errno.ENOTSOCK
        assert e.value.strerror == os.strerror(errno.ENOTSOCK)


def test_shutdown_gives_eterm(lib):
    ctx = zmq.Context(lib)
    s = new_socket(ctx, zmq.PULL)
    ctx.shutdown()
    for call in (s.recv, lambda: s.send(b"x"),
                 lambda: s.bind("inproc://zmqctypes-eterm"),
                 lambda: ctx.socket(zmq.PUSH)):
        with pytest.raises(zmq.ZMQError) as e:
            call()
        assert e.value.errno == zmq.ETERM
        assert e.value.strerror == "Context was terminated"
    s.close()
    within(10, ctx.term)
    with pytest.raises(zmq.ZMQError) as e:   # a NULL context now
        ctx.socket(zmq.PUSH)
    assert e.value.errno == errno.EFAULT


def test_term_interrupts_blocking_recv(lib):
    ctx = zmq.Context(lib)
    s = ctx.socket(zmq.PULL)
    s.bind("inproc://zmqctypes-term")
    seen = []

    def receive():
        try:
            s.recv()
        except zmq.ZMQError as e:
            seen.append(e.errno)
        s.close()

    receiver = threading.Thread(target=receive)
    receiver.start()
    time.sleep(0.1)      # the receiver blocks, the GIL released
    assert receiver.is_alive()
    within(10, ctx.term)
    receiver.join(10)
    assert seen == [zmq.ETERM]


def test_context_exit_closes_sockets(lib):
    def scope():
        with zmq.Context(lib) as ctx:
            left_open = ctx.socket(zmq.PUSH)
            left_open.setsockopt(zmq.LINGER, 0)
            left_open.connect("tcp://127.0.0.1:1")
            left_open.send(b"never delivered")
        return ctx, left_open
    ctx, left_open = within(10, scope)
    assert left_open.closed and ctx.handle is None


def test_signal_interrupts_blocking_recv(ctx):
    """A signal handler that raises (as Ctrl-C does) ends a blocking recv;
    one that returns lets the recv go on."""
    s = new_socket(ctx, zmq.PULL)
    s.bind("inproc://zmqctypes-signal")
    s.setsockopt(zmq.RCVTIMEO, 3000)

    class Interrupted(Exception):
        pass

    def handler(signum, frame):
        raise Interrupted()

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        start = time.monotonic()
        with pytest.raises(Interrupted):
            s.recv()
        assert time.monotonic() - start < 2
        signal.signal(signal.SIGALRM, lambda *a: None)
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        s.setsockopt(zmq.RCVTIMEO, 400)
        start = time.monotonic()
        with pytest.raises(zmq.Again):
            s.recv()
        assert time.monotonic() - start >= 0.35
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

# -------------------------------------------------------------- keys, Z85

HELLO = bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B])


def test_z85(lib):
    assert zmq.z85_encode(HELLO, lib) == b"HelloWorld"
    assert zmq.z85_decode(b"HelloWorld", lib) == HELLO
    assert zmq.z85_decode("HelloWorld", lib) == HELLO
    key = bytes(range(32))
    text = zmq.z85_encode(key, lib)
    assert text == b"009c61o!#m2NH?C3>iWS5d]J*6CRx17-skh9337x"
    assert zmq.z85_decode(text, lib) == key
    for bad in (HELLO[:3], HELLO[:5]):
        with pytest.raises(zmq.ZMQError) as e:
            zmq.z85_encode(bad, lib)
        assert e.value.errno == errno.EINVAL
    for bad in (b"Hell", b"HelloWorl", b"Hello orld"):
        with pytest.raises(zmq.ZMQError) as e:
            zmq.z85_decode(bad, lib)
        assert e.value.errno == errno.EINVAL


def test_curve_keypair(lib):
    if not lib.has("curve"):
        with pytest.raises(zmq.ZMQError) as e:
            zmq.curve_keypair(lib)
        assert e.value.errno == errno.ENOTSUP
        return
    public, secret = zmq.curve_keypair(lib)
    assert len(public) == len(secret) == 40 and public != secret
    assert len(zmq.z85_decode(public, lib)) == 32
    assert zmq.curve_public(secret, lib) == public
    assert zmq.curve_keypair(lib) != (public, secret)

# ---------------------------------------------------------------- examples


def run_examples(*args):
    env = dict(os.environ)
    env.pop("ZMQ_LIB", None)          # the argument names the library
    env.pop("LD_LIBRARY_PATH", None)
    return subprocess.run(
        [sys.executable, os.path.join(PYTHON_DIR, "examples.py")] +
        list(args), env=env, timeout=120, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True)


def test_examples():
    result = run_examples(os.environ["ZMQ_LIB"])
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("library: %s (libzmq 4.3." % lib_file())
    assert lines[-1] == "all 8 patterns behaved"
    for transport in ("inproc", "tcp"):
        for pattern in ("REQ/REP", "PUB/SUB", "PUSH/PULL", "PAIR"):
            assert re.search(r"^\[%s\] %s +ok$" % (transport, pattern),
                             result.stdout, re.M), (transport, pattern)
    assert "worker 1 did task 0, task 2, task 4" in result.stdout
    assert "SUB received weather.rome 31C, weather.oslo -2C, weather.end" \
        in result.stdout


def test_examples_fails_without_a_library():
    result = run_examples("/nonexistent/libzmq.so.5")
    assert result.returncode != 0
    assert "all 8 patterns behaved" not in result.stdout
