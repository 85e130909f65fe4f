"""Demo: the roles of tcp_patterns.c in Python with pyzmq (`import zmq`), for interop over tcp.

Same roles, arguments, messages and output as tcp_patterns.c (see there):
    python3 tcp_patterns.py ROLE ARGS...
The "library:" line names the libzmq mapped into this process (after `import zmq`) and whose it
is: "ours" for $DEMO_OURS_LIB, "system libzmq" for $DEMO_SYSTEM_LIB.
"""
import os
import random
import sys
import time

import zmq

TIMEOUT_MS = 5000
ctx = zmq.Context()


class Failure(Exception):
    pass


def same_file(a, b):
    return bool(a and b) and os.path.realpath(a) == os.path.realpath(b)


def print_library():
    with open("/proc/self/maps") as maps:
        paths = [line.split()[-1] for line in maps if "/libzmq" in line]
    if not paths:
        raise Failure("no libzmq is mapped into this process")
    path = os.path.realpath(paths[0])
    if same_file(path, os.environ.get("DEMO_OURS_LIB")):
        label = "ours"
    elif same_file(path, os.environ.get("DEMO_SYSTEM_LIB")):
        label = "system libzmq"
    else:
        label = "another libzmq"
    print(f"library: {path} ({label}, zmq {zmq.zmq_version()}; "
          f"pyzmq {zmq.pyzmq_version()} in {os.path.dirname(zmq.__file__)})")


def new_socket(kind):
    s = ctx.socket(kind)
    s.rcvtimeo = TIMEOUT_MS
    s.sndtimeo = TIMEOUT_MS
    s.linger = 2000
    return s


def bind_any(s):
    s.bind("tcp://127.0.0.1:*")
    print("bound to", s.getsockopt_string(zmq.LAST_ENDPOINT))


def recv_str(s, what):
    try:
        return s.recv_string()
    except zmq.Again:
        raise Failure(f"no {what} within {TIMEOUT_MS} ms") from None


def hwserver(n):
    responder = new_socket(zmq.REP)
    bind_any(responder)
    for i in range(1, int(n) + 1):
        request = recv_str(responder, "request")
        print(f"Received request {i} [{request}]")
        if request != "Hello":
            raise Failure("expected the request 'Hello'")
        responder.send_string("World")


def hwclient(endpoint, n):
    requester = new_socket(zmq.REQ)
    requester.connect(endpoint)
    print("Connecting to hello world server at", endpoint)
    for i in range(1, int(n) + 1):
        print(f"Sending request {i} [Hello]")
        requester.send_string("Hello")
        reply = recv_str(requester, "reply")
        print(f"Received reply {i} [{reply}]")
        if reply != "World":
            raise Failure("expected the reply 'World'")


def wuserver():
    zips = ("10001", "10002", "10003")
    publisher, control = new_socket(zmq.PUB), new_socket(zmq.REP)
    bind_any(publisher)
    bind_any(control)
    rng = random.Random(1)
    deadline = time.monotonic() + 8
    published = 0
    while True:
        for z in zips:
            publisher.send_string(f"{z} {rng.randrange(20, 80)} {rng.randrange(10, 60)}")
            published += 1
        if control.poll(2):
            message = recv_str(control, "control message")
            if message != "done":
                raise Failure(f"expected 'done' on the control socket, got '{message}'")
            control.send_string("bye")
            break
        if time.monotonic() > deadline:
            raise Failure("the subscriber did not say it was done within 8 s")
    print(f"Published {published} updates for zip codes 10001, 10002 and 10003 "
          "until the subscriber was done")


def wuclient(pub_endpoint, ctl_endpoint, n):
    subscriber = new_socket(zmq.SUB)
    subscriber.connect(pub_endpoint)
    subscriber.setsockopt_string(zmq.SUBSCRIBE, "10001 ")
    print("Collecting updates from weather server for zip code 10001...")
    total = 0
    for i in range(1, int(n) + 1):
        update = recv_str(subscriber, "update")
        print(f"Received update {i} [{update}]")
        if not update.startswith("10001 "):
            raise Failure("an update for another zip code went through the filter")
        total += int(update.split()[1])
    print(f"Average temperature for zipcode '10001' was {total // int(n)}F")
    # Closed before the publisher ends, and without linger: a SUB whose publisher went away
    # reconnects, queues its subscription again and would linger on it for nothing.
    subscriber.close(linger=0)
    control = new_socket(zmq.REQ)
    control.connect(ctl_endpoint)
    control.send_string("done")
    print(f"Told the publisher we are done, it said '{recv_str(control, 'answer to done')}'")


def wait_for_peers(s, count):
    """Waits until `count` peers completed the handshake with `s`, as its monitor reports."""
    monitor = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    monitor.rcvtimeo = TIMEOUT_MS
    bind_any(s)
    print(f"Waiting for {count} workers to connect...")
    for i in range(1, count + 1):
        try:
            monitor.recv_multipart()
        except zmq.Again:
            raise Failure(f"no worker connection within {TIMEOUT_MS} ms") from None
        print(f"Worker connection {i} of {count} is up")
    s.disable_monitor()
    monitor.close()
    # The event comes as the connection is handed to the socket: let it arrive, or the first
    # tasks could all go to the first worker.
    time.sleep(0.02)


def taskvent(sink_endpoint, tasks, workers):
    sender, sink = new_socket(zmq.PUSH), new_socket(zmq.PUSH)
    wait_for_peers(sender, int(workers))
    sink.connect(sink_endpoint)
    sink.send_string(f"start {tasks}")
    print(f"Sending {tasks} tasks to workers...")
    rng = random.Random(2)
    total = 0
    for i in range(int(tasks)):
        workload = rng.randrange(1, 6)
        total += workload
        sender.send_string(f"{i} {workload}")
    print(f"Total expected cost: {total} msec")
    for _ in range(int(workers)):
        sender.send_string("END")


def taskwork(worker, vent_endpoint, sink_endpoint):
    receiver, sender = new_socket(zmq.PULL), new_socket(zmq.PUSH)
    receiver.connect(vent_endpoint)
    sender.connect(sink_endpoint)
    print(f"Worker {worker} waiting for tasks")
    done = []
    while True:
        task = recv_str(receiver, "task")
        if task == "END":
            break
        number, workload = task.split()
        time.sleep(int(workload) / 1000)
        sender.send_string(f"worker {worker} did task {number}")
        done.append(number)
    print(f"Worker {worker} processed {len(done)} tasks:", " ".join(done))


def tasksink(tasks, workers):
    tasks, workers = int(tasks), int(workers)
    receiver = new_socket(zmq.PULL)
    bind_any(receiver)
    seen, per_worker = set(), [0] * (workers + 1)
    started, first = False, None
    # The start signal comes on another connection than the results: either may be first.
    while len(seen) < tasks or not started:
        message = recv_str(receiver, "result" if started else "start of batch")
        first = first or time.monotonic()
        words = message.split()
        if words[0] == "start":
            print(f"Start of batch: {words[1]} tasks")
            if int(words[1]) != tasks:
                raise Failure(f"expected a batch of {tasks} tasks")
            started = True
        elif (len(words) == 5 and words[0] == "worker" and 1 <= int(words[1]) <= workers
              and 0 <= int(words[4]) < tasks and words[4] not in seen):
            seen.add(words[4])
            per_worker[int(words[1])] += 1
        else:
            raise Failure(f"unexpected result '{message}'")
    elapsed = int((time.monotonic() - first) * 1000)
    print(f"Received {len(seen)} results in {elapsed} msec:",
          ", ".join(f"worker {w} did {per_worker[w]}" for w in range(1, workers + 1)))
    for w in range(1, workers + 1):
        if per_worker[w] == 0:
            raise Failure(f"worker {w} got no task: the load was not balanced")


def pair_bind(n):
    pair = new_socket(zmq.PAIR)
    bind_any(pair)
    for i in range(1, int(n) + 1):
        ping = recv_str(pair, "ping")
        if ping != f"ping {i}":
            raise Failure(f"expected 'ping {i}', got '{ping}'")
        pair.send_string(f"pong {i}")
        print(f"Received [{ping}], answered [pong {i}]")


def pair_connect(endpoint, n):
    pair = new_socket(zmq.PAIR)
    pair.connect(endpoint)
    for i in range(1, int(n) + 1):
        pair.send_string(f"ping {i}")
        pong = recv_str(pair, "pong")
        print(f"Sent [ping {i}], received [{pong}]")
        if pong != f"pong {i}":
            raise Failure(f"expected 'pong {i}'")


ROLES = {
    "hwserver": hwserver, "hwclient": hwclient, "wuserver": wuserver, "wuclient": wuclient,
    "taskvent": taskvent, "taskwork": taskwork, "tasksink": tasksink,
    "pair-bind": pair_bind, "pair-connect": pair_connect,
}


def main():
    sys.stdout.reconfigure(line_buffering=True)
    try:
        print_library()
        role = sys.argv[1] if len(sys.argv) > 1 else ""
        if role not in ROLES:
            raise Failure(f"usage: {sys.argv[0]} ROLE ARGS... (see tcp_patterns.c)")
        ROLES[role](*sys.argv[2:])
        ctx.destroy(linger=2000)  # closes the sockets, sending what is queued, then ends
    except (Failure, zmq.ZMQError, TypeError, ValueError) as e:
        print(f"FAIL: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
