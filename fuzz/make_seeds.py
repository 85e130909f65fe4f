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

# The codec's parts alone. Decoder: flags (bit 0 ZMTP 1.0 framing, bit 1 MAXMSGSIZE), read size.
big = frame(bytes(range(256)) * 40, True)
write("zmtp_decoder", "v2-traffic", bytes([0, 255]) + traffic + ping + big + frame(b"end"))
write("zmtp_decoder", "v2-bytewise", bytes([0, 0]) + traffic + command(b"\x05READY") + frame(b"end"))
write("zmtp_decoder", "v2-maxmsgsize", bytes([2 | (200 << 2) & 0xFC, 3]) + traffic + big)
write("zmtp_decoder", "v1", bytes([1, 1]) + b"\x04\x00abc" + b"\x06\x01hello" + b"\x01\x00"
      + b"\xff" + struct.pack(">Q", 301) + b"\x00" + b"y" * 300)
# Greeting: socket type, mechanism (0 NULL, 1 PLAIN, 2 CURVE), piece size.
write("zmtp_greeting", "3.1", bytes([DEALER, 0, 15]) + greeting(b"NULL"))
write("zmtp_greeting", "3.0-plain", bytes([ROUTER, 1, 0]) + greeting(b"PLAIN", 0))
write("zmtp_greeting", "2.0", bytes([PUB, 0, 3]) + b"\xff" + b"\0" * 8 + b"\x7f\x01\x05")
write("zmtp_greeting", "1.0", bytes([SUB, 0, 1]) + b"\xff" + b"\0" * 8 + b"\x7f\x00\x01")
write("zmtp_greeting", "unversioned", bytes([PULL, 2, 4]) + b"\x04\x00abc")
# Commands: a command body, READY metadata, a ZAP reply (frames cut at 0xFF).
write("zmtp_commands", "ping", b"\x04PING\x00\x0a" + b"context-of-16-bytes")
write("zmtp_commands", "subscribe", b"\x09SUBSCRIBEtopic")
write("zmtp_commands", "properties", prop(b"Socket-Type", b"ROUTER") + prop(b"Identity", b"id")
      + prop(b"X-Anything", b"value"))
write("zmtp_commands", "zap-reply", b"\xff".join([b"", b"1.0", b"1", b"200", b"OK", b"user",
                                                   prop(b"Name", b"value")]))
# Pair: mechanism (0 NULL, 1 PLAIN, 2 CURVE; see zmq::fuzzing::zmtp_pair for the rest), then (op, argument) pairs: op bits 1-2 say move
# bytes (0, 1: bit 0 the direction), send (2: bit 0 the side, bit 6 MORE, bit 7 large) or let
# time pass (3).
handshake = bytes([0, 255, 1, 255] * 4)
sends = bytes([4, 5, 5, 0, 0x44, 3, 4, 200, 0x84, 100, 5, 17])
for mech in range(3):
    write("zmtp_pair", "mech-%d" % mech, bytes([mech]) + handshake + sends + bytes([0, 2, 1, 3, 6, 9]) + handshake)
    write("zmtp_pair", "mech-%d-bytewise" % mech, bytes([mech]) + bytes([0, 0, 1, 0] * 200) + sends)

# What libzmq 4.3.4 wrote on the wire, as recorded for the connection tests
# (src/zmtp/tests/libzmq.rs): its greetings, READY per socket type and frames.
import codecs
recorded = open(os.path.join(HERE, "..", "src", "zmtp", "tests", "libzmq.rs")).read()


def rust_bytes(literal):
    """The bytes of a Rust byte-string literal's body (escapes and line continuations)."""
    literal = re.sub(r"\\\n\s*", "", literal)
    return codecs.escape_decode(literal.encode("latin-1"))[0]


LZ = {name: rust_bytes(body) for name, body in
      re.findall(r'const (LZ_\w+): &\[u8\] =\s*b"((?:[^"\\]|\\.|\\\n)*)";', recorded, re.S)}
ready_list = re.search(r"const LZ_READY: \[&\[u8\]; \d+\] = \[(.*?)\];", recorded, re.S).group(1)
LZ_READY = [rust_bytes(body) for body in re.findall(r'b"((?:[^"\\]|\\.)*)"', ready_list)]
lz_greeting = LZ["LZ_SIG_ABC"] + LZ["LZ_AFTER_SIG"] + LZ["LZ_AFTER_REVISION"]
# A socket type of ours that talks to each of libzmq's (index = libzmq's type).
partner = [0, 2, 1, 4, 3, 6, 5, 8, 7, 2, 1]
for kind, ready_cmd in enumerate(LZ_READY):
    write("zmtp_null", "libzmq-%d" % kind, header(partner[kind], HEARTBEAT) + lz_greeting + ready_cmd
          + LZ["LZ_DEALER_HELLO"] + LZ["LZ_PONG_CTX"] + LZ["LZ_PING_TTL_2500"])
    write("zmtp_commands", "libzmq-ready-%d" % kind, ready_cmd[2:])
    write("zmtp_commands", "libzmq-properties-%d" % kind, ready_cmd[2 + 6:])
write("zmtp_null", "libzmq-sub-3.0", header(PUB, 0) + LZ["LZ_SIG"] + LZ["LZ_AFTER_SIG"]
      + LZ["LZ_AFTER_REVISION"] + LZ_READY[2] + LZ["LZ_SUB_30_TAIL"])
write("zmtp_null", "libzmq-zmtp-2.0", header(DEALER, 0) + LZ["LZ_SIG_ABC"] + b"\x01"
      + LZ["LZ_V2_AFTER_REVISION"] + LZ["LZ_V2_ROUTING_ID"] + LZ["LZ_V2_MULTI_HEAD"])
write("zmtp_null", "libzmq-zmtp-1.0", header(DEALER, 0) + LZ["LZ_V1_ROUTING_ID"] + LZ["LZ_V1_MULTI_HEAD"])
write("zmtp_greeting", "libzmq-3.1", bytes([DEALER, 0, 7]) + lz_greeting)
write("zmtp_greeting", "libzmq-2.0", bytes([DEALER, 0, 2]) + LZ["LZ_SIG"] + b"\x01" + LZ["LZ_V2_AFTER_REVISION"])
write("zmtp_decoder", "libzmq-frames", bytes([0, 7]) + b"".join(LZ[n] for n in (
    "LZ_DEALER_HELLO", "LZ_PUB_TAIL", "LZ_REQ_REQUEST", "LZ_PONG_CTX", "LZ_PONG_LONG",
    "LZ_PONG_EMPTY", "LZ_PING_TTL_2500")) + LZ_READY[5])
write("zmtp_decoder", "libzmq-v1", bytes([1, 0]) + LZ["LZ_V1_ROUTING_ID"] + LZ["LZ_V1_MULTI_HEAD"])
