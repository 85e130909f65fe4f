/* DEALER/ROUTER request throughput, written against zmq.h only; one process. A ROUTER binds to
   BIND-TO ("tcp://127.0.0.1:*" takes a free port) and a server thread sends every request
   straight back to its sender (routing id frame, then the request). The ROUTER is set
   ZMQ_ROUTER_MANDATORY, so a reply meeting a pipe it deems full waits for room instead of being
   dropped: libzmq 4.3.4 deems an inproc pipe full now and then with only WINDOW replies in it,
   and without this a dropped reply left a client waiting for ever (3 runs in 30). CLIENTS
   threads each connect a DEALER and make REQUESTS requests of SIZE bytes, keeping up to WINDOW
   of them outstanding: WINDOW sent at once, then one more for each reply received. Usage:
   router_thr <bind-to> <message-size> <requests-per-client> <clients> <window>
   Each client first makes one request on its own, so every connection is up before the clock
   starts; the clock runs from the moment all clients are ready to the last client's last reply.
   Prints "requests/s <n>" (requests answered per second, all clients together) and
   "peak_rss_kb <n>" (the whole process) for capi-tests/bench/run.sh. */
#define PROGRAM "router_thr"
#include "perf.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char endpoint[256];
static long size, requests, clients, window;
static void *ctx, *router;
static pthread_barrier_t ready;

/* A thread failing stops the whole program: the others would wait for it. */
static void thread_fail (const char *what)
{
    fail (what);
    _exit (1);
}

static void *server (void *arg)
{
    zmq_msg_t id, body;
    long i, total = clients * (requests + 1);
    (void) arg;
    if (zmq_msg_init (&id) != 0 || zmq_msg_init (&body) != 0)
        thread_fail ("zmq_msg_init");
    for (i = 0; i < total; i++) {
        if (zmq_msg_recv (&id, router, 0) < 0 || zmq_msg_recv (&body, router, 0) < 0)
            thread_fail ("zmq_msg_recv (ROUTER)");
        if (zmq_msg_send (&id, router, ZMQ_SNDMORE) < 0 || zmq_msg_send (&body, router, 0) < 0)
            thread_fail ("zmq_msg_send (ROUTER)");
    }
    zmq_msg_close (&id);
    zmq_msg_close (&body);
    return NULL;
}

static void send_request (void *s)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, (size_t) size) != 0)
        thread_fail ("zmq_msg_init_size");
    if (zmq_msg_send (&msg, s, 0) < 0)
        thread_fail ("zmq_msg_send (DEALER)");
}

static void receive_reply (void *s, zmq_msg_t *msg)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        thread_fail ("zmq_msg_recv (DEALER)");
    if (zmq_msg_size (msg) != (size_t) size) {
        fprintf (stderr, "router_thr: reply of incorrect size received\n");
        _exit (1);
    }
}

static void *client (void *arg)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    zmq_msg_t msg;
    long sent = 0, received = 0;
    (void) arg;
    if (!s)
        thread_fail ("zmq_socket (DEALER)");
    if (zmq_connect (s, endpoint) != 0)
        thread_fail ("zmq_connect");
    if (zmq_msg_init (&msg) != 0)
        thread_fail ("zmq_msg_init");
    send_request (s);
    receive_reply (s, &msg);
    pthread_barrier_wait (&ready);

    while (sent < window && sent < requests) {
        send_request (s);
        sent++;
    }
    while (received < requests) {
        receive_reply (s, &msg);
        received++;
        if (sent < requests) {
            send_request (s);
            sent++;
        }
    }
    zmq_msg_close (&msg);
    if (zmq_close (s) != 0)
        thread_fail ("zmq_close");
    return NULL;
}

int main (int argc, char **argv)
{
    pthread_t server_thread, *threads;
    void *watch;
    long i;
    int one = 1;
    unsigned long elapsed;

    if (argc != 6 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &requests)
        || !parse (argv[4], 1, &clients) || !parse (argv[5], 1, &window)) {
        printf ("usage: router_thr <bind-to> <message-size> <requests-per-client> <clients> "
                "<window>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    router = zmq_socket (ctx, ZMQ_ROUTER);
    if (!router)
        return fail ("zmq_socket (ROUTER)");
    if (zmq_setsockopt (router, ZMQ_ROUTER_MANDATORY, &one, sizeof one) != 0)
        return fail ("zmq_setsockopt (ZMQ_ROUTER_MANDATORY)");
    if (bind_resolved (router, argv[1], endpoint, sizeof endpoint) != 0)
        return fail ("zmq_bind");
    threads = calloc ((size_t) clients, sizeof *threads);
    if (!threads || pthread_barrier_init (&ready, NULL, (unsigned) clients + 1) != 0) {
        fprintf (stderr, "router_thr: out of memory\n");
        return 1;
    }
    if (pthread_create (&server_thread, NULL, server, NULL) != 0) {
        fprintf (stderr, "router_thr: pthread_create failed\n");
        return 1;
    }
    for (i = 0; i < clients; i++)
        if (pthread_create (&threads[i], NULL, client, NULL) != 0) {
            fprintf (stderr, "router_thr: pthread_create failed\n");
            return 1;
        }

    pthread_barrier_wait (&ready);
    watch = zmq_stopwatch_start ();
    for (i = 0; i < clients; i++)
        pthread_join (threads[i], NULL);
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;
    pthread_join (server_thread, NULL);

    printf ("requests/s %.0f\n", (double) clients * (double) requests * 1e6 / (double) elapsed);
    print_peak_rss ();
    fflush (stdout);

    free (threads);
    pthread_barrier_destroy (&ready);
    if (zmq_close (router) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
