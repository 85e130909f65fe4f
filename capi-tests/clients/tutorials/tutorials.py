"""The classic ZeroMQ tutorial programs in Python 3 with pyzmq, as scenarios that check their
own output.

    python3 tutorials.py SCENARIO     runs one scenario, its roles as child processes
    python3 tutorials.py ROLE ARGS    one role (what a scenario starts)

Scenarios: reqrep (a Hello/World server and client over tcp), pubsub (a weather publisher and
two subscribers with different zip-code prefixes), pushpull (a ventilator, two workers and a
sink), pair (three threads signalling over inproc PAIR sockets), asyncio (zmq.asyncio REQ/REP
over inproc, then an idle loop waiting on a socket), gevent (zmq.green REQ/REP between
greenlets, then an idle hub waiting on a socket).

Every process first checks that the libzmq mapped into it is $TUTORIAL_EXPECT_LIB. A scenario
prints what its programs printed and exits 0 only when the output is the expected one.
The idle checks measure the CPU time a process spends while its event loop waits 2 s on a
socket with nothing to read: a loop that spins on ZMQ_FD or ZMQ_EVENTS burns the whole 2 s;
the check allows a quarter of it.
"""
import os
import subprocess
import sys
import threading
import time

import zmq

TIMEOUT_MS = 10000
IDLE_SECONDS = 2.0
IDLE_CPU_LIMIT = IDLE_SECONDS / 4


class Failure(Exception):
    pass


def check_library():
    with open("/proc/self/maps") as maps:
        mapped = {line.split()[-1] for line in maps if "/libzmq" in line}
    expected = os.environ.get("TUTORIAL_EXPECT_LIB", "")
    real = {os.path.realpath(m) for m in mapped}
    if real != {os.path.realpath(expected)}:
        raise Failure("libzmq mapped: %s, expected %s" % (sorted(mapped) or "none", expected))
    return "zmq %s at %s" % (zmq.zmq_version(), sorted(real)[0])


def socket(ctx, kind):
    s = ctx.socket(kind)
    s.rcvtimeo = TIMEOUT_MS
    s.sndtimeo = TIMEOUT_MS
    s.linger = 1000
    return s


def recv_string(s, what):
    try:
        return s.recv_string()
    except zmq.Again:
        raise Failure("no %s within %d ms" % (what, TIMEOUT_MS)) from None


def bind_any(s):
    s.bind("tcp://127.0.0.1:*")
    return s.getsockopt_string(zmq.LAST_ENDPOINT)


# ---- roles: each runs in its own process -------------------------------------------------

def role_hwserver(requests):
    ctx = zmq.Context()
    rep = socket(ctx, zmq.REP)
    print(bind_any(rep), flush=True)
    for _ in range(int(requests)):
        message = recv_string(rep, "request")
        if message != "Hello":
            raise Failure("request %r" % message)
        rep.send_string("World")
    rep.close()
    ctx.term()
    print("server: answered %s requests" % requests)


def role_hwclient(endpoint, requests):
    ctx = zmq.Context()
    req = socket(ctx, zmq.REQ)
    req.connect(endpoint)
    replies = 0
    for _ in range(int(requests)):
        req.send_string("Hello")
        if recv_string(req, "reply") == "World":
            replies += 1
    req.close()
    ctx.term()
    print("client: %d replies World" % replies)


def role_wuserver():
    """Publishes updates "ZIP TEMPERATURE HUMIDITY" until told to stop on stdin."""
    ctx = zmq.Context()
    pub = socket(ctx, zmq.PUB)
    print(bind_any(pub), flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    n = 0
    while not stop.is_set():
        zipcode = 10000 + n % 7
        pub.send_string("%05d %d %d" % (zipcode, n % 40 - 5, n % 60 + 20))
        n += 1
        if n % 64 == 0:
            time.sleep(0.001)
    pub.close()
    ctx.term()


def role_wuclient(endpoint, zipcode, updates):
    ctx = zmq.Context()
    sub = socket(ctx, zmq.SUB)
    sub.connect(endpoint)
    sub.setsockopt_string(zmq.SUBSCRIBE, zipcode + " ")
    total = 0
    for _ in range(int(updates)):
        fields = recv_string(sub, "update").split()
        if fields[0] != zipcode:
            raise Failure("update for %s reached the %s subscriber" % (fields[0], zipcode))
        total += int(fields[1])
    sub.close()
    ctx.term()
    print("client %s: %s updates, all for %s" % (zipcode, updates, zipcode))


def role_ventilator(tasks, workers):
    """Binds the task endpoint, waits until every worker is connected (a socket monitor's
    handshake events), then sends the tasks."""
    from zmq.utils.monitor import recv_monitor_message

    ctx = zmq.Context()
    sender = socket(ctx, zmq.PUSH)
    monitor = sender.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    monitor.rcvtimeo = TIMEOUT_MS
    print(bind_any(sender), flush=True)
    for _ in range(int(workers)):
        try:
            recv_monitor_message(monitor)
        except zmq.Again:
            raise Failure("the workers did not all connect") from None
    sender.disable_monitor()
    monitor.close()
    for n in range(int(tasks)):
        sender.send_string(str(n % 10 + 1))
    sender.close()
    ctx.term()
    print("ventilator: sent %s tasks" % tasks)


def role_worker(tasks_endpoint, sink_endpoint, name):
    ctx = zmq.Context()
    receiver = socket(ctx, zmq.PULL)
    receiver.rcvtimeo = 1500
    receiver.connect(tasks_endpoint)
    sender = socket(ctx, zmq.PUSH)
    sender.connect(sink_endpoint)
    done = 0
    while True:
        try:
            workload = receiver.recv_string()
        except zmq.Again:
            break  # no more tasks
        sender.send_string("%s %s" % (name, workload))
        done += 1
    receiver.close()
    sender.close()
    ctx.term()
    print("%s: done" % name if done else "%s: got no task" % name)


def role_sink(tasks):
    ctx = zmq.Context()
    receiver = socket(ctx, zmq.PULL)
    print(bind_any(receiver), flush=True)
    tasks = int(tasks)
    by_worker = {}
    total = 0
    for _ in range(tasks):
        name, workload = recv_string(receiver, "a result").split()
        by_worker[name] = by_worker.get(name, 0) + 1
        total += int(workload)
    receiver.close()
    ctx.term()
    print("sink: %d results, workload %d, from %d workers" % (tasks, total, len(by_worker)))


# ---- scenarios ---------------------------------------------------------------------------

def spawn(*args, stdin=None):
    return subprocess.Popen([sys.executable, __file__] + list(args), stdin=stdin,
                            stdout=subprocess.PIPE, text=True)


def finish(procs):
    """Waits for the processes (the caller runs under a timeout); returns their output lines,
    endpoint lines excluded."""
    lines = []
    for p in procs:
        out = p.stdout.read()
        p.wait()
        if p.returncode != 0:
            raise Failure("%s exited %d" % (" ".join(p.args[2:]), p.returncode))
        lines += [line for line in out.splitlines() if not line.startswith("tcp://")]
    return lines


def expect(lines, expected):
    for line in lines:
        print("  " + line)
    if sorted(lines) != sorted(expected):
        raise Failure("expected %s" % expected)


def scenario_reqrep():
    server = spawn("hwserver", "10")
    endpoint = server.stdout.readline().strip()
    client = spawn("hwclient", endpoint, "10")
    expect(finish([client, server]), ["client: 10 replies World", "server: answered 10 requests"])


def scenario_pubsub():
    server = spawn("wuserver", stdin=subprocess.PIPE)
    endpoint = server.stdout.readline().strip()
    clients = [spawn("wuclient", endpoint, z, "500") for z in ("10001", "10004")]
    lines = finish(clients)
    server.stdin.close()
    lines += finish([server])
    expect(lines, ["client 10001: 500 updates, all for 10001",
                   "client 10004: 500 updates, all for 10004"])


def scenario_pushpull():
    sink = spawn("sink", "100")
    sink_endpoint = sink.stdout.readline().strip()
    ventilator = spawn("ventilator", "100", "2")
    tasks_endpoint = ventilator.stdout.readline().strip()
    workers = [spawn("worker", tasks_endpoint, sink_endpoint, w) for w in ("w1", "w2")]
    lines = finish([ventilator, sink] + workers)
    expect(lines, ["ventilator: sent 100 tasks", "sink: 100 results, workload 550, from 2 workers",
                   "w1: done", "w2: done"])


def scenario_pair():
    """zguide's multithreaded relay: step 1 signals step 2, which signals step 3."""
    ctx = zmq.Context()
    said = []

    def step1():
        s = socket(ctx, zmq.PAIR)
        s.connect("inproc://step2")
        said.append("step 1 ready, signaling step 2")
        s.send_string("READY")
        s.close()

    def step2():
        receiver = socket(ctx, zmq.PAIR)
        receiver.bind("inproc://step2")
        t = threading.Thread(target=step1)
        t.start()
        recv_string(receiver, "step 1's signal")
        receiver.close()
        t.join()
        s = socket(ctx, zmq.PAIR)
        s.connect("inproc://step3")
        said.append("step 2 ready, signaling step 3")
        s.send_string("READY")
        s.close()

    receiver = socket(ctx, zmq.PAIR)
    receiver.bind("inproc://step3")
    t = threading.Thread(target=step2)
    t.start()
    recv_string(receiver, "step 2's signal")
    said.append("test successful")
    t.join()
    receiver.close()
    ctx.term()
    expect(said, ["step 1 ready, signaling step 2", "step 2 ready, signaling step 3",
                  "test successful"])
    if said[-1] != "test successful":
        raise Failure("out of order")


def scenario_asyncio():
    import asyncio
    import zmq.asyncio

    async def main():
        ctx = zmq.asyncio.Context()
        rep, req = ctx.socket(zmq.REP), ctx.socket(zmq.REQ)
        rep.bind("inproc://tutorial")
        req.connect("inproc://tutorial")

        async def server():
            for _ in range(100):
                await rep.send_multipart(await rep.recv_multipart())

        task = asyncio.ensure_future(server())
        got = 0
        for n in range(100):
            await req.send_string("ping %d" % n)
            if await asyncio.wait_for(req.recv_string(), 10) == "ping %d" % n:
                got += 1
        await asyncio.wait_for(task, 10)
        lines = ["asyncio: %d echoes" % got]

        async def wait_idle():
            try:
                await asyncio.wait_for(rep.recv(), IDLE_SECONDS)
            except asyncio.TimeoutError:
                pass

        cpu = time.process_time()
        await wait_idle()
        cpu = time.process_time() - cpu
        if cpu > IDLE_CPU_LIMIT:
            raise Failure("idle asyncio loop: %.2f s CPU in %.0f s: it spins" % (cpu, IDLE_SECONDS))
        lines.append("idle loop: under %.2f s CPU in %.0f s waiting" % (IDLE_CPU_LIMIT, IDLE_SECONDS))
        print("  (idle asyncio loop used %.3f s CPU)" % cpu)
        rep.close()
        req.close()
        ctx.term()
        return lines

    expect(asyncio.run(main()), ["asyncio: 100 echoes",
                                 "idle loop: under %.2f s CPU in %.0f s waiting"
                                 % (IDLE_CPU_LIMIT, IDLE_SECONDS)])


def scenario_gevent():
    import gevent
    import zmq.green as gzmq

    ctx = gzmq.Context()
    rep, req = ctx.socket(zmq.REP), ctx.socket(zmq.REQ)
    endpoint = bind_any(rep)
    req.connect(endpoint)

    def server():
        for _ in range(100):
            rep.send_multipart(rep.recv_multipart())

    g = gevent.spawn(server)
    got = 0
    for n in range(100):
        req.send_string("ping %d" % n)
        with gevent.Timeout(10, Failure("no echo in 10 s")):
            if req.recv_string() == "ping %d" % n:
                got += 1
    g.join(10)
    lines = ["gevent: %d echoes" % got]

    def wait():
        with gevent.Timeout(IDLE_SECONDS, False):
            rep.recv()

    cpu = time.process_time()
    gevent.spawn(wait).join()
    cpu = time.process_time() - cpu
    print("  (idle gevent hub used %.3f s CPU)" % cpu)
    if cpu > IDLE_CPU_LIMIT:
        raise Failure("idle gevent hub: %.2f s CPU in %.0f s: it spins" % (cpu, IDLE_SECONDS))
    lines.append("idle hub: under %.2f s CPU in %.0f s waiting" % (IDLE_CPU_LIMIT, IDLE_SECONDS))
    rep.close()
    req.close()
    ctx.term()
    expect(lines, ["gevent: 100 echoes",
                   "idle hub: under %.2f s CPU in %.0f s waiting" % (IDLE_CPU_LIMIT, IDLE_SECONDS)])


ROLES = {"hwserver": role_hwserver, "hwclient": role_hwclient, "wuserver": role_wuserver,
         "wuclient": role_wuclient, "ventilator": role_ventilator, "worker": role_worker,
         "sink": role_sink}
SCENARIOS = {"reqrep": scenario_reqrep, "pubsub": scenario_pubsub,
             "pushpull": scenario_pushpull, "pair": scenario_pair,
             "asyncio": scenario_asyncio, "gevent": scenario_gevent}


def main(argv):
    try:
        where = check_library()
        if argv and argv[0] in ROLES:
            ROLES[argv[0]](*argv[1:])
            return 0
        if len(argv) != 1 or argv[0] not in SCENARIOS:
            print("usage: tutorials.py %s" % "|".join(SCENARIOS), file=sys.stderr)
            return 2
        print("%s on %s" % (argv[0], where))
        SCENARIOS[argv[0]]()
        return 0
    except Failure as e:
        print("failed: %s" % e, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
