#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/seeds/<target>/: well-formed sessions
as a peer would send them (greetings, handshakes, frames), behind the 3-byte header that
zmq::fuzzing reads (socket type, option bits, chunk size). Run it again after changing it."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DEALER, ROUTER, PUB, SUB, PUSH, PULL = 5, 6, 1, 2, 8, 7
ZAP_DOMAIN, ZAP_HANDLER, HEARTBEAT, MAXMSG = 0x08, 0x80, 0x20, 0x40


def greeting(mechanism, minor=1):
    return (b"\xff" + b"\0" * 8 + b"\x7f" + bytes([3, minor])
            + mechanism.ljust(20, b"\0") + b"\0" * 32)


def prop(name, value):
    return bytes([len(name)]) + name + struct.pack(">I", len(value)) + value


def command(body):
    if len(body) < 256:
        return bytes([0x04, len(body)]) + body
    return b"\x06" + struct.pack(">Q", len(body)) + body


def frame(body, more=False):
    flags = 0x01 if more else 0
    if len(body) < 256:
        return bytes([flags, len(body)]) + body
    return bytes([flags | 0x02]) + struct.pack(">Q", len(body)) + body


def ready(socket_type, identity=b""):
    return command(b"\x05READY" + prop(b"Socket-Type", socket_type) + prop(b"Identity", identity))


def header(kind, flags, chunk=255):
    return bytes([kind, flags, chunk])


def write(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


traffic = frame(b"hello") + frame(b"a", True) + frame(b"") + frame(b"x" * 300)
ping = command(b"\x04PING\x00\x0a" + b"ctx")
write("zmtp_null", "dealer-router", header(DEALER, 0) + greeting(b"NULL") + ready(b"ROUTER", b"id") + traffic)
write("zmtp_null", "split-1", header(DEALER, HEARTBEAT, 0) + greeting(b"NULL") + ready(b"DEALER") + traffic + ping)
write("zmtp_null", "zap", header(PULL, ZAP_DOMAIN | ZAP_HANDLER) + greeting(b"NULL") + ready(b"PUSH") + traffic)
write("zmtp_null", "sub-3.0", header(PUB, MAXMSG) + greeting(b"NULL", 0) + ready(b"SUB") + frame(b"\x01topic"))
write("zmtp_null", "sub-3.1", header(PUB, 0) + greeting(b"NULL") + ready(b"SUB") + command(b"\x09SUBSCRIBEtopic") + command(b"\x06CANCELtopic"))
write("zmtp_null", "zmtp-2.0", header(DEALER, 0) + b"\xff" + b"\0" * 8 + b"\x7f\x01\x05" + b"\x00\x00" + b"\x00\x05hello")
write("zmtp_null", "zmtp-1.0", header(PULL, 0) + b"\x04\x00abc" + b"\x06\x00hello")
write("zmtp_null", "error", header(DEALER, 0) + greeting(b"NULL") + command(b"\x05ERROR\x03400"))

hello = command(b"\x05HELLO\x05admin\x06secret")
initiate = command(b"\x08INITIATE" + prop(b"Socket-Type", b"DEALER") + prop(b"Identity", b""))
write("zmtp_plain", "server", header(ROUTER, ZAP_HANDLER) + greeting(b"PLAIN") + hello + initiate + traffic)
write("zmtp_plain", "server-nozap", header(ROUTER, 0) + greeting(b"PLAIN") + hello)
write("zmtp_plain", "client", header(DEALER, 1) + greeting(b"PLAIN") + command(b"\x07WELCOME") + ready(b"ROUTER") + traffic)
write("zmtp_plain", "client-refused", header(DEALER, 1) + greeting(b"PLAIN") + command(b"\x05ERROR\x03400"))

# CURVE: the handshake and MESSAGEs of the unit tests' vectors (fixed keys and randomness,
# which zmq::fuzzing gives its CURVE mechanisms too), read from their source.
import re
vectors = open(os.path.join(HERE, "..", "src", "zmtp", "tests", "curve", "vectors.rs")).read()
vec = {name: bytes.fromhex(value) for name, value in
       re.findall(r'const (\w+): &str =\s*"([0-9a-f]+)";', vectors)}
server_in = command(vec["HELLO"]) + command(vec["INITIATE"]) + b"".join(
    frame(vec[n]) for n in ("C_HELLO_MSG", "C_MORE_MSG", "C_LAST_MSG"))
client_in = command(vec["WELCOME"]) + command(vec["READY"]) + b"".join(
    frame(vec[n]) for n in ("S_WORLD_MSG", "S_PING_MSG"))
write("zmtp_curve", "server", header(ROUTER, 0) + greeting(b"CURVE") + server_in)
write("zmtp_curve", "server-zap", header(ROUTER, ZAP_HANDLER | ZAP_DOMAIN) + greeting(b"CURVE") + server_in)
write("zmtp_curve", "client", header(DEALER, 1) + greeting(b"CURVE") + client_in)
write("zmtp_curve", "client-bytewise", header(DEALER, 1, 0) + greeting(b"CURVE") + client_in)

for i, text in enumerate([b"HelloWorld", b"0" * 40, b"rq:A+", b"JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"]):
    write("z85", "z85-%d" % i, text)
for i, text in enumerate([b"127.0.0.1:5555", b"*:*", b"[::1]:80", b"eth0;192.168.0.1:5555",
                          b"@abstract", b"/tmp/some.ipc", b"localhost:0", b"[fe80::1%lo]:1"]):
    write("endpoint", "endpoint-%d" % i, text)
