/* Network throughput, receiving side, written against zmq.h only; the command line and the
   human-readable output are those of libzmq's perf/local_thr. A PULL socket binds to BIND-TO and
   receives COUNT messages of SIZE bytes sent by remote_thr; the clock runs from the first message
   to the last. Usage: local_thr <bind-to> <message-size> <message-count>.
   Besides libzmq's lines it prints "msg/s <n>", "Mb/s <n>" and "peak_rss_kb <n>" (this side's
   peak resident set) for capi-tests/bench/run.sh.
   With BENCH_CURVE=1 in the environment the socket is a CURVE server (remote_thr the client). */
#define PROGRAM "local_thr"
#include "perf.h"

#include <stdio.h>

int main (int argc, char **argv)
{
    void *ctx, *s, *watch;
    zmq_msg_t msg;
    long size, count, i;
    unsigned long elapsed;
    double throughput, megabits;

    if (argc != 4 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &count)) {
        printf ("usage: local_thr <bind-to> <message-size> <message-count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        return fail ("zmq_socket");
    if (maybe_curve (s, 1) != 0)
        return fail ("zmq_setsockopt (CURVE)");
    if (zmq_bind (s, argv[1]) != 0)
        return fail ("zmq_bind");
    if (zmq_msg_init (&msg) != 0)
        return fail ("zmq_msg_init");

    /* The clock starts at the first message, so connection set-up is not measured. */
    if (zmq_msg_recv (&msg, s, 0) < 0)
        return fail ("zmq_msg_recv");
    if (zmq_msg_size (&msg) != (size_t) size) {
        fprintf (stderr, "local_thr: message of incorrect size received\n");
        return 1;
    }
    watch = zmq_stopwatch_start ();
    for (i = 1; i < count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        if (zmq_msg_size (&msg) != (size_t) size) {
            fprintf (stderr, "local_thr: message of incorrect size received\n");
            return 1;
        }
    }
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;
    if (zmq_msg_close (&msg) != 0)
        return fail ("zmq_msg_close");

    /* COUNT - 1 messages arrived in ELAPSED microseconds (the first one started the clock). */
    throughput = (double) (count - 1) * 1e6 / (double) elapsed;
    megabits = throughput * (double) size * 8.0 / 1e6;
    printf ("message size: %ld [B]\n", size);
    printf ("message count: %ld\n", count);
    printf ("mean throughput: %.0f [msg/s]\n", throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
    printf ("msg/s %.0f\n", throughput);
    printf ("Mb/s %.3f\n", megabits);
    print_peak_rss ();
    fflush (stdout);

    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
