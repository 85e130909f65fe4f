/* Network latency, echoing side, written against zmq.h only; the command line is that of
   libzmq's perf/local_lat. A REP socket binds to BIND-TO and sends each of ROUNDTRIP-COUNT
   requests of SIZE bytes back to remote_lat. Closing the socket (default linger) delivers the
   last reply before the program exits. Usage: local_lat <bind-to> <message-size>
   <roundtrip-count>. Unlike libzmq's local_lat it prints one line, "peak_rss_kb <n>" (this
   side's peak resident set), for capi-tests/bench/run.sh. */
#define PROGRAM "local_lat"
#include "perf.h"

#include <stdio.h>

int main (int argc, char **argv)
{
    void *ctx, *s;
    zmq_msg_t msg;
    long size, count, i;

    if (argc != 4 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &count)) {
        printf ("usage: local_lat <bind-to> <message-size> <roundtrip-count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_REP);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_bind (s, argv[1]) != 0)
        return fail ("zmq_bind");
    if (zmq_msg_init (&msg) != 0)
        return fail ("zmq_msg_init");

    for (i = 0; i < count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            return fail ("zmq_msg_recv");
        if (zmq_msg_size (&msg) != (size_t) size) {
            fprintf (stderr, "local_lat: message of incorrect size received\n");
            return 1;
        }
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
    }

    if (zmq_msg_close (&msg) != 0)
        return fail ("zmq_msg_close");
    print_peak_rss ();
    fflush (stdout);
    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
