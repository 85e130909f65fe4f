"""Demo: the classic patterns from Python through ctypes, with the library loaded by its path."""
import ctypes
import os

zmq = ctypes.CDLL(os.environ["ZMQ_LIB"])
loaded = [line.split()[-1] for line in open("/proc/self/maps") if "libzmq" in line]
print("library:", loaded[0] if loaded else "?")
zmq.zmq_ctx_new.restype = ctypes.c_void_p
zmq.zmq_socket.restype = ctypes.c_void_p
zmq.zmq_socket.argtypes = [ctypes.c_void_p, ctypes.c_int]
for name in ("zmq_bind", "zmq_connect"):
    getattr(zmq, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
zmq.zmq_send.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
zmq.zmq_recv.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
zmq.zmq_setsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
zmq.zmq_close.argtypes = [ctypes.c_void_p]
zmq.zmq_ctx_term.argtypes = [ctypes.c_void_p]

PAIR, PUB, SUB, REQ, REP, PULL, PUSH = 0, 1, 2, 3, 4, 7, 8
SUBSCRIBE = 6

ctx = zmq.zmq_ctx_new()


def socket(kind, endpoint, bind):
    s = zmq.zmq_socket(ctx, kind)
    (zmq.zmq_bind if bind else zmq.zmq_connect)(s, endpoint.encode())
    return s


def send(s, text):
    data = text.encode()
    zmq.zmq_send(s, data, len(data), 0)


def recv(s):
    buf = ctypes.create_string_buffer(256)
    n = zmq.zmq_recv(s, buf, 256, 0)
    return buf.raw[:n].decode()


rep, req = socket(REP, "inproc://echo", True), socket(REQ, "inproc://echo", False)
send(req, "hello from Python")
send(rep, recv(rep))
print("REQ/REP    echoed:", recv(req))

pub, sub = socket(PUB, "inproc://news", True), socket(SUB, "inproc://news", False)
zmq.zmq_setsockopt(sub, SUBSCRIBE, b"weather.", 8)
events, size = ctypes.c_int(), ctypes.c_size_t(4)
zmq.zmq_getsockopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
zmq.zmq_getsockopt(pub, 15, ctypes.byref(events), ctypes.byref(size))
for text in ("sports.tennis 6-4", "weather.rome hot"):
    send(pub, text)
print("PUB/SUB    filtered:", recv(sub))

push = socket(PUSH, "inproc://tasks", True)
workers = [socket(PULL, "inproc://tasks", False) for _ in range(2)]
for i in range(4):
    send(push, f"task {i}")
print("PUSH/PULL ", [[recv(w), recv(w)] for w in workers])

a, b = socket(PAIR, "inproc://pair", True), socket(PAIR, "inproc://pair", False)
send(a, "ping")
print("PAIR       got:", recv(b))

for s in (rep, req, pub, sub, push, *workers, a, b):
    zmq.zmq_close(s)
zmq.zmq_ctx_term(ctx)
