/* Throughput through a proxy, written against zmq.h only; one process. A PULL frontend binds to
   FRONTEND and a PUSH backend to BACKEND ("tcp://127.0.0.1:*" takes a free port), and a thread
   runs zmq_proxy between them; a producer thread's PUSH connects to the frontend and sends COUNT
   messages of SIZE bytes, which the main thread's PULL, connected to the backend, receives:
   PUSH -> [PULL, zmq_proxy, PUSH] -> PULL. The clock runs from the first message received to the
   last. Usage: proxy_thr <frontend> <backend> <message-size> <message-count>
   The producer closes its socket only once the last message has arrived: libzmq 4.3.4 drops
   the tail of an ipc stream whose sender disconnects while the receiving pipe is full
   (zeromq/libzmq#4660; see remote_thr.c), and the main thread would wait for ever. Terminating
   the context then ends the proxy (zmq_proxy returns with ETERM). Prints "msg/s <n>",
   "Mb/s <n>" and "peak_rss_kb <n>" (the whole process) for capi-tests/bench/run.sh. */
#define PROGRAM "proxy_thr"
#include "perf.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char frontend_ep[256], backend_ep[256];
static long size, count;
static void *ctx, *frontend, *backend;
static pthread_barrier_t all_received;

/* A thread failing stops the whole program: the others would wait for it. */
static void thread_fail (const char *what)
{
    fail (what);
    _exit (1);
}

static void *proxy (void *arg)
{
    int zero = 0;
    (void) arg;
    if (zmq_proxy (frontend, backend, NULL) == 0 || zmq_errno () != ETERM)
        thread_fail ("zmq_proxy");
    zmq_setsockopt (frontend, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (backend, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_close (frontend) != 0 || zmq_close (backend) != 0)
        thread_fail ("zmq_close (proxy)");
    return NULL;
}

static void *producer (void *arg)
{
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    long i;
    (void) arg;
    if (!s)
        thread_fail ("zmq_socket (PUSH)");
    if (zmq_connect (s, frontend_ep) != 0)
        thread_fail ("zmq_connect (frontend)");
    for (i = 0; i < count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            thread_fail ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            thread_fail ("zmq_msg_send");
    }
    pthread_barrier_wait (&all_received);
    if (zmq_close (s) != 0)
        thread_fail ("zmq_close (PUSH)");
    return NULL;
}

int main (int argc, char **argv)
{
    pthread_t proxy_thread, producer_thread;
    void *s, *watch;
    zmq_msg_t msg;
    long i;
    unsigned long elapsed;
    double throughput;

    if (argc != 5 || !parse (argv[3], 0, &size) || !parse (argv[4], 2, &count)) {
        printf ("usage: proxy_thr <frontend> <backend> <message-size> <message-count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    frontend = zmq_socket (ctx, ZMQ_PULL);
    backend = zmq_socket (ctx, ZMQ_PUSH);
    if (!frontend || !backend)
        return fail ("zmq_socket (proxy)");
    if (bind_resolved (frontend, argv[1], frontend_ep, sizeof frontend_ep) != 0)
        return fail ("zmq_bind (frontend)");
    if (bind_resolved (backend, argv[2], backend_ep, sizeof backend_ep) != 0)
        return fail ("zmq_bind (backend)");
    s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket (PULL)");
    if (zmq_connect (s, backend_ep) != 0)
        return fail ("zmq_connect (backend)");
    if (pthread_barrier_init (&all_received, NULL, 2) != 0
        || pthread_create (&proxy_thread, NULL, proxy, NULL) != 0
        || pthread_create (&producer_thread, NULL, producer, NULL) != 0) {
        fprintf (stderr, "proxy_thr: pthread_create failed\n");
        return 1;
    }

    if (zmq_msg_init (&msg) != 0)
        return fail ("zmq_msg_init");
    if (zmq_msg_recv (&msg, s, 0) < 0)
        return fail ("zmq_msg_recv");
    if (zmq_msg_size (&msg) != (size_t) size) {
        fprintf (stderr, "proxy_thr: message of incorrect size received\n");
        return 1;
    }
    watch = zmq_stopwatch_start ();
    for (i = 1; i < count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        if (zmq_msg_size (&msg) != (size_t) size) {
            fprintf (stderr, "proxy_thr: message of incorrect size received\n");
            return 1;
        }
    }
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;
    zmq_msg_close (&msg);
    pthread_barrier_wait (&all_received);

    throughput = (double) (count - 1) * 1e6 / (double) elapsed;
    printf ("msg/s %.0f\n", throughput);
    printf ("Mb/s %.3f\n", throughput * (double) size * 8.0 / 1e6);
    print_peak_rss ();
    fflush (stdout);

    pthread_join (producer_thread, NULL);
    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    pthread_join (proxy_thread, NULL);
    pthread_barrier_destroy (&all_received);
    return 0;
}
