#!/usr/bin/env python3
"""The classic ZeroMQ patterns with zmqctypes, over inproc and tcp.

Usage: python3 python/examples.py [LIBRARY_PATH]

LIBRARY_PATH is the libzmq.so.5 to run on; without it, zmqctypes.load()
takes ZMQ_LIB, else the soname. Each pattern prints what it does: REQ/REP
echo, PUB/SUB with a topic prefix filter, PUSH/PULL to two workers, PAIR.
TCP endpoints are bound on "tcp://127.0.0.1:*" and connected to through
last_endpoint. Exits 1 if any pattern misbehaves.
"""
import sys
import threading

import zmqctypes as zmq

TIMEOUT_MS = 5000  # no receive waits longer than this


class Misbehaved(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Misbehaved(what)


def new_socket(ctx, kind):
    """A socket that gives up on a receive after TIMEOUT_MS."""
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.LINGER, 0)
    return sock


def bind(sock, transport, name):
    """Binds sock on transport; returns the endpoint to connect to."""
    if transport == "inproc":
        sock.bind("inproc://examples-" + name)
    else:
        sock.bind("tcp://127.0.0.1:*")
    return sock.last_endpoint


def req_rep(ctx, transport, say):
    with new_socket(ctx, zmq.REP) as rep, new_socket(ctx, zmq.REQ) as req:
        endpoint = bind(rep, transport, "echo")
        req.connect(endpoint)
        say("REP bound at %s, REQ connected" % endpoint)
        for text in (b"hello", b"world"):
            req.send(text)
            request = rep.recv()
            rep.send(request)
            reply = req.recv()
            say("REQ sent %r, REP echoed %r, REQ got %r"
                % (text, request, reply))
            check(reply == text, "echo of %r came back as %r" % (text, reply))


def pub_sub(ctx, transport, say):
    with new_socket(ctx, zmq.PUB) as pub, new_socket(ctx, zmq.SUB) as sub:
        sub.connect(bind(pub, transport, "news"))
        sub.subscribe(b"weather.")
        say("SUB subscribed to the prefix b'weather.'")
        # A subscription takes a moment to reach the publisher: publish
        # probes until one arrives (the SUB skips later ones).
        for _ in range(100):
            pub.send(b"weather.probe")
            if zmq.poll([(sub, zmq.POLLIN)], 50):
                break
        else:
            raise Misbehaved("the subscription never reached the PUB")
        published = [b"sports.tennis 6-4", b"weather.rome 31C",
                     b"news.markets up", b"weather.oslo -2C", b"weather.end"]
        for update in published:
            pub.send(update)
        say("PUB published %s" % b", ".join(published).decode())
        received = []
        while not received or received[-1] != b"weather.end":
            update = sub.recv()
            if update != b"weather.probe":
                received.append(update)
        say("SUB received %s" % b", ".join(received).decode())
        check(received == [u for u in published if u.startswith(b"weather.")],
              "the prefix filter let through %r" % received)


def push_pull(ctx, transport, say):
    """A ventilator PUSHes tasks to two workers, which PUSH results to a sink.

    The workers bind and the ventilator connects to both, so both pipes
    exist before the first task and the tasks alternate between them.
    """
    tasks = [b"task %d" % i for i in range(6)]
    done = threading.Event()
    sink = new_socket(ctx, zmq.PULL)
    sink_endpoint = bind(sink, transport, "sink")
    ventilator = new_socket(ctx, zmq.PUSH)
    workers = []
    for n in (1, 2):
        pull, push = new_socket(ctx, zmq.PULL), new_socket(ctx, zmq.PUSH)
        ventilator.connect(bind(pull, transport, "worker%d" % n))
        push.connect(sink_endpoint)
        workers.append((b"worker %d" % n, pull, push))

    def work(name, pull, push):
        while not done.is_set():
            if zmq.poll([(pull, zmq.POLLIN)], 50):
                push.send_multipart([name, pull.recv()])

    threads = [threading.Thread(target=work, args=w) for w in workers]
    for t in threads:
        t.start()
    try:
        for task in tasks:
            ventilator.send(task)
        say("ventilator sent %d tasks to 2 workers" % len(tasks))
        results = [sink.recv_multipart() for _ in tasks]
    finally:
        done.set()
        for t in threads:
            t.join()
        for sock in [sink, ventilator] + [s for w in workers for s in w[1:]]:
            sock.close()
    for name, _, _ in workers:
        mine = [task for who, task in results if who == name]
        say("%s did %s" % (name.decode(), b", ".join(mine).decode()))
        check(len(mine) == len(tasks) // 2,
              "%s did %d tasks" % (name.decode(), len(mine)))
    check(sorted(task for _, task in results) == tasks,
          "the sink got %r" % results)


def pair(ctx, transport, say):
    with new_socket(ctx, zmq.PAIR) as a, new_socket(ctx, zmq.PAIR) as b:
        b.connect(bind(a, transport, "pair"))
        a.send_multipart([b"ping", b"from a"])
        got = b.recv_multipart()
        say("a sent [b'ping', b'from a'], b got %r" % got)
        b.send(b"pong")
        reply = a.recv()
        say("b sent b'pong', a got %r" % reply)
        check(got == [b"ping", b"from a"] and reply == b"pong",
              "PAIR exchanged %r and %r" % (got, reply))


PATTERNS = [("REQ/REP", req_rep), ("PUB/SUB", pub_sub),
            ("PUSH/PULL", push_pull), ("PAIR", pair)]


def main(argv):
    if len(argv) > 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    lib = zmq.load(argv[1] if len(argv) == 2 else None)
    print("library: %s (libzmq %d.%d.%d)" % ((lib.path,) + lib.version()))
    failed = []
    with zmq.Context(lib) as ctx:
        for transport in ("inproc", "tcp"):
            for name, pattern in PATTERNS:
                label = "[%s] %s" % (transport, name)

                def say(text, label=label):
                    print("%-20s %s" % (label, text))
                try:
                    pattern(ctx, transport, say)
                    say("ok")
                except (Misbehaved, zmq.ZMQError) as e:
                    say("MISBEHAVED: %s" % e)
                    failed.append(label)
    total = 2 * len(PATTERNS)
    if failed:
        print("%d of %d patterns misbehaved: %s"
              % (len(failed), total, ", ".join(failed)))
        return 1
    print("all %d patterns behaved" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
