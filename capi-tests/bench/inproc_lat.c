/* inproc round-trip latency, written against zmq.h only: a thread echoes COUNT messages of SIZE
   bytes back over a PAIR. Usage: inproc_lat SIZE COUNT. Prints "latency_us <one-way µs>" and
   "peak_rss_kb <n>" (the process's peak resident set). Built with -DPOLL_FIRST it is
   inproc_poll_lat: both sides call zmq_poll before every receive, as event loops wait (czmq's
   zpoller and zloop, pyzmq's Poller). */
#ifdef POLL_FIRST
#define PROGRAM "inproc_poll_lat"
#else
#define PROGRAM "inproc_lat"
#endif
#include "perf.h"

#include <stdio.h>

static size_t size;
static long count;

/* Waits until s has a message to receive (with POLL_FIRST; else the receive waits): 0, or -1 on
   error. */
static int wait_readable (void *s)
{
#ifdef POLL_FIRST
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    return zmq_poll (&item, 1, -1) == 1 ? 0 : -1;
#else
    (void) s;
    return 0;
#endif
}

static void echo (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    zmq_msg_t msg;
    long i;
    zmq_connect (s, "inproc://lat");
    zmq_msg_init (&msg);
    for (i = 0; i < count; i++) {
        if (wait_readable (s) != 0 || zmq_msg_recv (&msg, s, 0) < 0
            || zmq_msg_send (&msg, s, 0) < 0)
            break;
    }
    zmq_msg_close (&msg);
    zmq_close (s);
}

int main (int argc, char **argv)
{
    void *ctx, *s, *thread, *watch;
    zmq_msg_t msg;
    unsigned long us;
    long i, arg;

    if (argc != 3 || !parse (argv[1], 0, &arg) || !parse (argv[2], 1, &count)) {
        fprintf (stderr, "usage: %s SIZE COUNT\n", PROGRAM);
        return 1;
    }
    size = (size_t) arg;
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_PAIR);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, "inproc://lat") != 0)
        return fail ("zmq_bind");
    thread = zmq_threadstart (echo, ctx);

    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_init_size (&msg, size);
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
        if (wait_readable (s) != 0)
            return fail ("zmq_poll");
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        zmq_msg_close (&msg);
    }
    us = zmq_stopwatch_stop (watch);
    printf ("latency_us %.3f\n", (double) us / (double) count / 2.0);
    print_peak_rss ();
    zmq_threadclose (thread);
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
