/* Network latency, measuring side, written against zmq.h only; the command line and the
   human-readable output are those of libzmq's perf/remote_lat. A REQ socket connects to
   CONNECT-TO and makes ROUNDTRIP-COUNT request/reply round trips of SIZE bytes with local_lat;
   the latency is half the mean round trip. Usage: remote_lat <connect-to> <message-size>
   <roundtrip-count>. Besides libzmq's lines it prints "latency_us <one-way µs>" for
   capi-tests/bench/run.sh. */
#define PROGRAM "remote_lat"
#include "perf.h"

#include <stdio.h>
#include <string.h>

int main (int argc, char **argv)
{
    void *ctx, *s, *watch;
    zmq_msg_t msg;
    long size, count, i;
    unsigned long elapsed;
    double latency;

    if (argc != 4 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &count)) {
        printf ("usage: remote_lat <connect-to> <message-size> <roundtrip-count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_REQ);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_connect (s, argv[1]) != 0)
        return fail ("zmq_connect");
    if (zmq_msg_init_size (&msg, (size_t) size) != 0)
        return fail ("zmq_msg_init_size");
    if (size > 0)
        memset (zmq_msg_data (&msg), 0, (size_t) size);

    /* As in libzmq's remote_lat, the clock includes connecting: start local_lat first. */
    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        if (zmq_msg_size (&msg) != (size_t) size) {
            fprintf (stderr, "remote_lat: message of incorrect size received\n");
            return 1;
        }
    }
    elapsed = zmq_stopwatch_stop (watch);
    if (zmq_msg_close (&msg) != 0)
        return fail ("zmq_msg_close");

    latency = (double) elapsed / ((double) count * 2.0);
    printf ("message size: %ld [B]\n", size);
    printf ("roundtrip count: %ld\n", count);
    printf ("average latency: %.3f [us]\n", latency);
    printf ("latency_us %.3f\n", latency);
    fflush (stdout);

    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
