#!/usr/bin/env python3
"""A tiny SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 username/password) for tests.

    python3 socks5_proxy.py PORTFILE [--user U --password P] [--reply-code N]

Listens on 127.0.0.1 on an ephemeral port and writes the port (decimal, then a newline) into
PORTFILE once it accepts connections; the file appears whole (written aside, then renamed).
Without --user it takes clients offering method 0x00 (no authentication); with --user it
requires 0x02 and the given name and password. CONNECT targets may be IPv4, domain names or
IPv6. The methods offered and each CONNECT target are logged to stderr, the latter as
"socks5_proxy: CONNECT host:port" ("[address]:port" for IPv6); bytes are then relayed both
ways by two threads. --reply-code N answers every CONNECT with that RFC 1928 code (1 to 8)
instead of connecting, to test failures. Runs until killed (SIGTERM or SIGINT).
"""

import argparse
import errno
import ipaddress
import os
import signal
import socket
import struct
import sys
import threading

VERSION = 0x05
NO_AUTH = 0x00
USER_PASS = 0x02
NO_ACCEPTABLE = 0xFF
CONNECT = 0x01
ATYP_IPV4 = 0x01
ATYP_DOMAIN = 0x03
ATYP_IPV6 = 0x04

# RFC 1928 reply codes.
SUCCEEDED = 0x00
GENERAL_FAILURE = 0x01
NETWORK_UNREACHABLE = 0x03
HOST_UNREACHABLE = 0x04
CONNECTION_REFUSED = 0x05
TTL_EXPIRED = 0x06
COMMAND_NOT_SUPPORTED = 0x07
ADDRESS_TYPE_NOT_SUPPORTED = 0x08


def log(text):
    print("socks5_proxy: " + text, file=sys.stderr, flush=True)


class Closed(Exception):
    """The client went away in the middle of a message."""


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Closed()
        data += chunk
    return data


def reply(sock, code, bound=("0.0.0.0", 0)):
    """VER REP RSV ATYP BND.ADDR BND.PORT."""
    host, port = bound[0], bound[1]
    address = ipaddress.ip_address(host.split("%")[0])
    atyp = ATYP_IPV4 if address.version == 4 else ATYP_IPV6
    sock.sendall(bytes([VERSION, code, 0x00, atyp]) + address.packed + struct.pack("!H", port))


def connect_error_code(error):
    if isinstance(error, socket.gaierror):
        return HOST_UNREACHABLE
    if isinstance(error, ConnectionRefusedError):
        return CONNECTION_REFUSED
    if isinstance(error, socket.timeout):
        return TTL_EXPIRED
    if isinstance(error, OSError):
        return {
            errno.ENETUNREACH: NETWORK_UNREACHABLE,
            errno.EHOSTUNREACH: HOST_UNREACHABLE,
            errno.ECONNREFUSED: CONNECTION_REFUSED,
            errno.ETIMEDOUT: TTL_EXPIRED,
        }.get(error.errno, GENERAL_FAILURE)
    return GENERAL_FAILURE


def pump(source, sink):
    """Copies source to sink until end of stream, then ends sink's writing side."""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    for how, sock in ((socket.SHUT_WR, sink), (socket.SHUT_RD, source)):
        try:
            sock.shutdown(how)
        except OSError:
            pass


def relay(client, upstream):
    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join()
    upstream.close()
    client.close()


def negotiate(client, options):
    """The handshake; returns the connected upstream socket, or None."""
    version, count = recv_exact(client, 2)
    methods = recv_exact(client, count)
    log("methods offered: %s" % " ".join("0x%02x" % m for m in methods))
    if version != VERSION:
        log("bad version %d" % version)
        return None
    wanted = USER_PASS if options.user is not None else NO_AUTH
    if wanted not in methods:
        log("no acceptable method in %s" % list(methods))
        client.sendall(bytes([VERSION, NO_ACCEPTABLE]))
        return None
    client.sendall(bytes([VERSION, wanted]))

    if wanted == USER_PASS:
        auth_version, ulen = recv_exact(client, 2)
        user = recv_exact(client, ulen)
        (plen,) = recv_exact(client, 1)
        password = recv_exact(client, plen)
        ok = (
            auth_version == 0x01
            and user == options.user.encode()
            and password == options.password.encode()
        )
        client.sendall(bytes([0x01, 0x00 if ok else 0x01]))
        if not ok:
            log("authentication failed for user %r" % user.decode(errors="replace"))
            return None

    version, command, _reserved, atyp = recv_exact(client, 4)
    if atyp == ATYP_IPV4:
        host = str(ipaddress.IPv4Address(recv_exact(client, 4)))
    elif atyp == ATYP_IPV6:
        host = str(ipaddress.IPv6Address(recv_exact(client, 16)))
    elif atyp == ATYP_DOMAIN:
        (length,) = recv_exact(client, 1)
        host = recv_exact(client, length).decode(errors="replace")
    else:
        log("address type %d not supported" % atyp)
        reply(client, ADDRESS_TYPE_NOT_SUPPORTED)
        return None
    (port,) = struct.unpack("!H", recv_exact(client, 2))
    shown = "[%s]:%d" % (host, port) if atyp == ATYP_IPV6 else "%s:%d" % (host, port)
    if version != VERSION or command != CONNECT:
        log("command %d to %s not supported" % (command, shown))
        reply(client, COMMAND_NOT_SUPPORTED)
        return None
    log("CONNECT " + shown)
    if options.reply_code is not None:
        reply(client, options.reply_code)
        return None
    try:
        upstream = socket.create_connection((host, port), timeout=10)
    except OSError as error:
        log("CONNECT %s failed: %s" % (shown, error))
        reply(client, connect_error_code(error))
        return None
    upstream.settimeout(None)
    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reply(client, SUCCEEDED, upstream.getsockname())
    return upstream


def serve(client, options):
    try:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        upstream = negotiate(client, options)
    except (Closed, OSError):
        upstream = None
    if upstream is None:
        client.close()
        return
    relay(client, upstream)


def main():
    parser = argparse.ArgumentParser(description="A tiny SOCKS5 proxy for tests.")
    parser.add_argument("portfile", help="file to write the listening port into")
    parser.add_argument("--user", help="require this user name (RFC 1929)")
    parser.add_argument("--password", default="", help="the password that goes with --user")
    parser.add_argument(
        "--reply-code", type=int, choices=range(1, 9), help="refuse every CONNECT with this code"
    )
    options = parser.parse_args()

    # Either signal ends the process at once (SIGINT too when started in the background,
    # where it would be ignored); the relay threads go with it.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: os._exit(0))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    temporary = options.portfile + ".tmp"
    with open(temporary, "w") as f:
        f.write("%d\n" % port)
    os.replace(temporary, options.portfile)
    log("listening on 127.0.0.1:%d" % port)

    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, options), daemon=True).start()


if __name__ == "__main__":
    main()
