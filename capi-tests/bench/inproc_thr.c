/* inproc throughput, written against zmq.h only: a PUSH thread sends COUNT messages of SIZE
   bytes to a PULL socket; the clock runs from the first message to the last. Usage: inproc_thr
   SIZE COUNT. Prints "msg/s <n>", "Mb/s <n>" and "peak_rss_kb <n>" (the process's peak resident
   set). */
#define PROGRAM "inproc_thr"
#include "perf.h"

#include <stdio.h>

static size_t size;
static long count;

static void sender (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    long i;
    zmq_connect (s, "inproc://thr");
    for (i = 0; i < count; i++) {
        zmq_msg_t msg;
        zmq_msg_init_size (&msg, size);
        zmq_msg_send (&msg, s, 0);
    }
    zmq_close (s);
}

int main (int argc, char **argv)
{
    void *ctx, *s, *thread, *watch;
    zmq_msg_t msg;
    unsigned long us;
    long i, arg;

    if (argc != 3 || !parse (argv[1], 0, &arg) || !parse (argv[2], 2, &count)) {
        fprintf (stderr, "usage: inproc_thr SIZE COUNT\n");
        return 1;
    }
    size = (size_t) arg;
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, "inproc://thr") != 0)
        return fail ("zmq_bind");
    thread = zmq_threadstart (sender, ctx);

    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, s, 0) < 0)
        return fail ("zmq_msg_recv");
    watch = zmq_stopwatch_start ();
    for (i = 1; i < count; i++)
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
    us = zmq_stopwatch_stop (watch);
    zmq_msg_close (&msg);
    if (us == 0)
        us = 1;
    printf ("msg/s %.0f\n", (double) (count - 1) * 1e6 / (double) us);
    printf ("Mb/s %.1f\n", (double) (count - 1) * (double) size * 8.0 / (double) us);
    print_peak_rss ();
    zmq_threadclose (thread);
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
