/* Demo: the classic zguide patterns as separate processes over tcp, one role per process.

     hwserver N                        REP, binds: answers N requests "Hello" with "World"
     hwclient ENDPOINT N               REQ: sends N requests, prints the replies
     wuserver                          PUB and REP (control), binds both: publishes weather for
                                       zip codes 10001, 10002 and 10003 until told "done"
     wuclient PUB_ENDPOINT CTL_ENDPOINT N
                                       SUB to "10001 ": takes N updates, then says "done"
     taskvent SINK_ENDPOINT TASKS WORKERS
                                       PUSH, binds: waits for WORKERS workers, tells the sink
                                       the batch starts, sends TASKS tasks, then one "END" each
     taskwork ID VENT_ENDPOINT SINK_ENDPOINT
                                       PULL from the ventilator, PUSH to the sink, until "END"
     tasksink TASKS WORKERS            PULL, binds: collects TASKS results
     pair-bind N                       PAIR, binds: answers N pings with pongs
     pair-connect ENDPOINT N           PAIR: sends N pings

   Every process prints first the libzmq it runs on ("library: PATH (ours, zmq 4.3.5)"; ours is
   the file named by $DEMO_OURS_LIB, the system one $DEMO_SYSTEM_LIB), a binder "bound to
   ENDPOINT" for each socket it bound on tcp://127.0.0.1:* (a free port), and on a failure
   "FAIL: why" and exit status 1. Every receive gives up after 5 s. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define TIMEOUT_MS 5000
#define MAX_TASKS 1000
#define MAX_WORKERS 16

static void *ctx;

static void fail (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    printf ("FAIL: ");
    vprintf (format, args);
    printf ("\n");
    va_end (args);
    exit (1);
}

static int same_file (const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return a && b && realpath (a, ra) && realpath (b, rb) && strcmp (ra, rb) == 0;
}

/* The shared object zmq_version comes from, and whose it is. */
static void print_library (void)
{
    union {
        void (*fn) (int *, int *, int *);
        void *address;
    } version_fn;
    Dl_info info;
    char path[PATH_MAX];
    const char *label = "another libzmq";
    int major, minor, patch;

    version_fn.fn = zmq_version;
    memset (&info, 0, sizeof info);
    if (!dladdr (version_fn.address, &info) || !info.dli_fname)
        fail ("dladdr(zmq_version) found no shared object");
    if (!realpath (info.dli_fname, path))
        fail ("cannot resolve %s", info.dli_fname);
    if (same_file (path, getenv ("DEMO_OURS_LIB")))
        label = "ours";
    else if (same_file (path, getenv ("DEMO_SYSTEM_LIB")))
        label = "system libzmq";
    zmq_version (&major, &minor, &patch);
    printf ("library: %s (%s, zmq %d.%d.%d)\n", path, label, major, minor, patch);
}

static long long now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms (int ms)
{
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (long) (ms % 1000) * 1000000;
    nanosleep (&t, NULL);
}

static void *new_socket (int type)
{
    void *s = zmq_socket (ctx, type);
    int timeout = TIMEOUT_MS, linger = 2000;
    if (!s)
        fail ("zmq_socket: %s", zmq_strerror (errno));
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (s, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    return s;
}

/* Binds to a free port on the loopback interface and tells which. */
static void bind_any (void *s)
{
    char endpoint[256];
    size_t size = sizeof endpoint;
    if (zmq_bind (s, "tcp://127.0.0.1:*") != 0)
        fail ("zmq_bind: %s", zmq_strerror (errno));
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, endpoint, &size) != 0)
        fail ("ZMQ_LAST_ENDPOINT: %s", zmq_strerror (errno));
    printf ("bound to %s\n", endpoint);
}

static void connect_to (void *s, const char *endpoint)
{
    if (zmq_connect (s, endpoint) != 0)
        fail ("zmq_connect %s: %s", endpoint, zmq_strerror (errno));
}

static void send_str (void *s, const char *text)
{
    if (zmq_send (s, text, strlen (text), 0) != (int) strlen (text))
        fail ("zmq_send '%s': %s", text, zmq_strerror (errno));
}

/* Receives a string of at most size - 1 bytes; what: the thing expected, for the failure. */
static void recv_str (void *s, char *buf, size_t size, const char *what)
{
    int n = zmq_recv (s, buf, size - 1, 0);
    if (n < 0)
        fail ("no %s within %d ms: %s", what, TIMEOUT_MS, zmq_strerror (errno));
    buf[n < (int) size - 1 ? n : (int) size - 1] = '\0';
}

static int arg_int (const char *text)
{
    char *end;
    long v = strtol (text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > MAX_TASKS)
        fail ("bad number '%s'", text);
    return (int) v;
}

static void hwserver (int n)
{
    void *responder = new_socket (ZMQ_REP);
    char buf[64];
    int i;
    bind_any (responder);
    for (i = 1; i <= n; i++) {
        recv_str (responder, buf, sizeof buf, "request");
        printf ("Received request %d [%s]\n", i, buf);
        if (strcmp (buf, "Hello") != 0)
            fail ("expected the request 'Hello'");
        send_str (responder, "World");
    }
    zmq_close (responder);
}

static void hwclient (const char *endpoint, int n)
{
    void *requester = new_socket (ZMQ_REQ);
    char buf[64];
    int i;
    connect_to (requester, endpoint);
    printf ("Connecting to hello world server at %s\n", endpoint);
    for (i = 1; i <= n; i++) {
        printf ("Sending request %d [Hello]\n", i);
        send_str (requester, "Hello");
        recv_str (requester, buf, sizeof buf, "reply");
        printf ("Received reply %d [%s]\n", i, buf);
        if (strcmp (buf, "World") != 0)
            fail ("expected the reply 'World'");
    }
    zmq_close (requester);
}

/* Publishes rounds of updates, one per zip code, every 2 ms, until the control socket hears
   "done": a subscriber misses what was published before its subscription arrived. */
static void wuserver (void)
{
    static const char *const zips[] = {"10001", "10002", "10003"};
    void *publisher = new_socket (ZMQ_PUB), *control = new_socket (ZMQ_REP);
    zmq_pollitem_t items[1];
    long long deadline = now_ms () + 8000;
    int published = 0, done = 0;
    char buf[64];
    bind_any (publisher);
    bind_any (control);
    srand (1);
    items[0].socket = control;
    items[0].fd = 0;
    items[0].events = ZMQ_POLLIN;
    while (!done) {
        size_t z;
        for (z = 0; z < sizeof zips / sizeof zips[0]; z++) {
            snprintf (buf, sizeof buf, "%s %d %d", zips[z], rand () % 60 + 20, rand () % 50 + 10);
            send_str (publisher, buf);
            published++;
        }
        if (zmq_poll (items, 1, 2) < 0)
            fail ("zmq_poll: %s", zmq_strerror (errno));
        if (items[0].revents & ZMQ_POLLIN) {
            recv_str (control, buf, sizeof buf, "control message");
            if (strcmp (buf, "done") != 0)
                fail ("expected 'done' on the control socket, got '%s'", buf);
            send_str (control, "bye");
            done = 1;
        } else if (now_ms () > deadline) {
            fail ("the subscriber did not say it was done within 8 s");
        }
    }
    printf ("Published %d updates for zip codes 10001, 10002 and 10003 until the subscriber "
            "was done\n",
            published);
    zmq_close (publisher);
    zmq_close (control);
}

static void wuclient (const char *pub_endpoint, const char *ctl_endpoint, int n)
{
    void *subscriber = new_socket (ZMQ_SUB), *control;
    const char *filter = "10001 ";
    char buf[64];
    long total = 0;
    int i, no_linger = 0;
    connect_to (subscriber, pub_endpoint);
    zmq_setsockopt (subscriber, ZMQ_SUBSCRIBE, filter, strlen (filter));
    printf ("Collecting updates from weather server for zip code 10001...\n");
    for (i = 1; i <= n; i++) {
        int zip, temperature, humidity;
        recv_str (subscriber, buf, sizeof buf, "update");
        printf ("Received update %d [%s]\n", i, buf);
        if (strncmp (buf, filter, strlen (filter)) != 0)
            fail ("an update for another zip code went through the filter");
        if (sscanf (buf, "%d %d %d", &zip, &temperature, &humidity) != 3)
            fail ("cannot read the update");
        total += temperature;
    }
    printf ("Average temperature for zipcode '10001' was %ldF\n", total / n);
    /* Closed before the publisher ends, and without linger: a SUB whose publisher went away
       reconnects, queues its subscription again and would linger on it for nothing. */
    zmq_setsockopt (subscriber, ZMQ_LINGER, &no_linger, sizeof no_linger);
    zmq_close (subscriber);
    control = new_socket (ZMQ_REQ);
    connect_to (control, ctl_endpoint);
    send_str (control, "done");
    recv_str (control, buf, sizeof buf, "answer to 'done'");
    printf ("Told the publisher we are done, it said '%s'\n", buf);
    zmq_close (control);
}

/* Waits until `count` peers completed the handshake with `s`, as its monitor reports. */
static void wait_for_peers (void *s, int count)
{
    void *monitor;
    int i;
    if (zmq_socket_monitor (s, "inproc://taskvent-monitor", ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0)
        fail ("zmq_socket_monitor: %s", zmq_strerror (errno));
    monitor = new_socket (ZMQ_PAIR);
    connect_to (monitor, "inproc://taskvent-monitor");
    bind_any (s);
    printf ("Waiting for %d workers to connect...\n", count);
    for (i = 1; i <= count; i++) {
        char event[6], address[256];
        int more = 1;
        size_t size = sizeof more;
        recv_str (monitor, event, sizeof event, "worker connection");
        while (more) {
            recv_str (monitor, address, sizeof address, "event address");
            zmq_getsockopt (monitor, ZMQ_RCVMORE, &more, &size);
        }
        printf ("Worker connection %d of %d is up\n", i, count);
    }
    zmq_socket_monitor (s, NULL, 0);
    zmq_close (monitor);
    /* The event comes as the connection is handed to the socket: let it arrive, or the first
       tasks could all go to the first worker. */
    sleep_ms (20);
}

static void taskvent (const char *sink_endpoint, int tasks, int workers)
{
    void *sender = new_socket (ZMQ_PUSH), *sink = new_socket (ZMQ_PUSH);
    char buf[64];
    int i, total = 0;
    wait_for_peers (sender, workers);
    connect_to (sink, sink_endpoint);
    snprintf (buf, sizeof buf, "start %d", tasks);
    send_str (sink, buf);
    printf ("Sending %d tasks to workers...\n", tasks);
    srand (2);
    for (i = 0; i < tasks; i++) {
        int workload = rand () % 5 + 1;
        total += workload;
        snprintf (buf, sizeof buf, "%d %d", i, workload);
        send_str (sender, buf);
    }
    printf ("Total expected cost: %d msec\n", total);
    for (i = 0; i < workers; i++)
        send_str (sender, "END");
    zmq_close (sink);
    zmq_close (sender);
}

static void taskwork (int id, const char *vent_endpoint, const char *sink_endpoint)
{
    void *receiver = new_socket (ZMQ_PULL), *sender = new_socket (ZMQ_PUSH);
    char buf[64], done[4096] = "";
    int count = 0;
    connect_to (receiver, vent_endpoint);
    connect_to (sender, sink_endpoint);
    printf ("Worker %d waiting for tasks\n", id);
    for (;;) {
        int task, workload;
        recv_str (receiver, buf, sizeof buf, "task");
        if (strcmp (buf, "END") == 0)
            break;
        if (sscanf (buf, "%d %d", &task, &workload) != 2)
            fail ("cannot read the task '%s'", buf);
        sleep_ms (workload);
        snprintf (buf, sizeof buf, "worker %d did task %d", id, task);
        send_str (sender, buf);
        count++;
        if (strlen (done) + 8 < sizeof done)
            snprintf (done + strlen (done), sizeof done - strlen (done), " %d", task);
    }
    printf ("Worker %d processed %d tasks:%s\n", id, count, done);
    zmq_close (receiver);
    zmq_close (sender);
}

static void tasksink (int tasks, int workers)
{
    void *receiver = new_socket (ZMQ_PULL);
    static char seen[MAX_TASKS];
    int per_worker[MAX_WORKERS + 1] = {0};
    int results = 0, started = 0, w;
    long long first = 0;
    char buf[64];
    if (workers < 1 || workers > MAX_WORKERS)
        fail ("bad number of workers");
    bind_any (receiver);
    /* The start signal comes on another connection than the results: either may be first. */
    while (results < tasks || !started) {
        int worker, task;
        recv_str (receiver, buf, sizeof buf, started ? "result" : "start of batch");
        if (!first)
            first = now_ms ();
        if (strncmp (buf, "start ", 6) == 0) {
            printf ("Start of batch: %s tasks\n", buf + 6);
            if (atoi (buf + 6) != tasks)
                fail ("expected a batch of %d tasks", tasks);
            started = 1;
        } else if (sscanf (buf, "worker %d did task %d", &worker, &task) == 2 && worker >= 1
                   && worker <= workers && task >= 0 && task < tasks && !seen[task]) {
            seen[task] = 1;
            per_worker[worker]++;
            results++;
        } else {
            fail ("unexpected result '%s'", buf);
        }
    }
    printf ("Received %d results in %lld msec:", results, now_ms () - first);
    for (w = 1; w <= workers; w++)
        printf ("%s worker %d did %d", w > 1 ? "," : "", w, per_worker[w]);
    printf ("\n");
    for (w = 1; w <= workers; w++)
        if (per_worker[w] == 0)
            fail ("worker %d got no task: the load was not balanced", w);
    zmq_close (receiver);
}

static void pair_bind (int n)
{
    void *pair = new_socket (ZMQ_PAIR);
    char buf[64], expected[64];
    int i;
    bind_any (pair);
    for (i = 1; i <= n; i++) {
        recv_str (pair, buf, sizeof buf, "ping");
        snprintf (expected, sizeof expected, "ping %d", i);
        if (strcmp (buf, expected) != 0)
            fail ("expected '%s', got '%s'", expected, buf);
        snprintf (expected, sizeof expected, "pong %d", i);
        send_str (pair, expected);
        printf ("Received [%s], answered [%s]\n", buf, expected);
    }
    zmq_close (pair);
}

static void pair_connect (const char *endpoint, int n)
{
    void *pair = new_socket (ZMQ_PAIR);
    char buf[64], text[64];
    int i;
    connect_to (pair, endpoint);
    for (i = 1; i <= n; i++) {
        snprintf (text, sizeof text, "ping %d", i);
        send_str (pair, text);
        recv_str (pair, buf, sizeof buf, "pong");
        printf ("Sent [%s], received [%s]\n", text, buf);
        snprintf (text, sizeof text, "pong %d", i);
        if (strcmp (buf, text) != 0)
            fail ("expected '%s'", text);
    }
    zmq_close (pair);
}

int main (int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "";
    int args = argc - 2;

    setvbuf (stdout, NULL, _IOLBF, 0);
    print_library ();
    ctx = zmq_ctx_new ();
    if (strcmp (role, "hwserver") == 0 && args == 1)
        hwserver (arg_int (argv[2]));
    else if (strcmp (role, "hwclient") == 0 && args == 2)
        hwclient (argv[2], arg_int (argv[3]));
    else if (strcmp (role, "wuserver") == 0 && args == 0)
        wuserver ();
    else if (strcmp (role, "wuclient") == 0 && args == 3)
        wuclient (argv[2], argv[3], arg_int (argv[4]));
    else if (strcmp (role, "taskvent") == 0 && args == 3)
        taskvent (argv[2], arg_int (argv[3]), arg_int (argv[4]));
    else if (strcmp (role, "taskwork") == 0 && args == 3)
        taskwork (arg_int (argv[2]), argv[3], argv[4]);
    else if (strcmp (role, "tasksink") == 0 && args == 2)
        tasksink (arg_int (argv[2]), arg_int (argv[3]));
    else if (strcmp (role, "pair-bind") == 0 && args == 1)
        pair_bind (arg_int (argv[2]));
    else if (strcmp (role, "pair-connect") == 0 && args == 2)
        pair_connect (argv[2], arg_int (argv[3]));
    else
        fail ("usage: %s ROLE ARGS... (see the top of tcp_patterns.c)", argv[0]);
    if (zmq_ctx_term (ctx) != 0)
        fail ("zmq_ctx_term: %s", zmq_strerror (errno));
    return 0;
}
