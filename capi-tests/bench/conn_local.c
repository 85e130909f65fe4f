/* Many connections to one socket, binding side, written against zmq.h only. A ROUTER binds to
   BIND-TO (listen backlog CONNECTIONS) and waits for conn_remote's CONNECTIONS DEALER sockets: it
   answers the "hello" each of them sends, then receives COUNT messages of SIZE bytes, which
   conn_remote spreads evenly over all its connections; the clock runs from the first of them to
   the last. It then tells the connection whose routing id is "conn-0" that it is done, so that
   conn_remote disconnects only once everything has arrived. Usage:
   conn_local <bind-to> <message-size> <message-count> <connections>
   It raises its limit of open files to the hard limit and fails if that is below
   CONNECTIONS + 64. Prints "msg/s <n>", "Mb/s <n>", "connected_rss_kb <n>" (this side's peak
   resident set once every connection is up, before the messages) and "peak_rss_kb <n>" (its
   peak resident set at the end, with the queues the messages filled) for
   capi-tests/bench/run.sh. */
#define PROGRAM "conn_local"
#include "perf.h"

#include <stdio.h>
#include <sys/resource.h>

/* Receives one message of two frames (routing id, body) into id and body. */
static int receive (void *s, zmq_msg_t *id, zmq_msg_t *body)
{
    if (zmq_msg_recv (id, s, 0) < 0 || zmq_msg_recv (body, s, 0) < 0)
        return -1;
    if (!zmq_msg_more (id) || zmq_msg_more (body)) {
        fprintf (stderr, "conn_local: message of unexpected shape received\n");
        exit (1);
    }
    return 0;
}

int main (int argc, char **argv)
{
    void *ctx, *s, *watch = NULL;
    zmq_msg_t id, body;
    long size, count, connections, i, limit, connected_rss = -1;
    struct rusage usage;
    unsigned long elapsed;
    double throughput;
    int backlog;

    if (argc != 5 || !parse (argv[2], 0, &size) || !parse (argv[3], 2, &count)
        || !parse (argv[4], 1, &connections)) {
        printf ("usage: conn_local <bind-to> <message-size> <message-count> <connections>\n");
        return 1;
    }
    limit = raise_fd_limit ();
    if (limit < 0)
        return fail ("setrlimit (RLIMIT_NOFILE)");
    if (limit < connections + 64) {
        fprintf (stderr, "conn_local: %ld open files allowed, %ld connections need more\n", limit,
                 connections);
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_ROUTER);
    if (!s)
        return fail ("zmq_socket");
    backlog = (int) connections;
    if (zmq_setsockopt (s, ZMQ_BACKLOG, &backlog, sizeof backlog) != 0)
        return fail ("zmq_setsockopt (ZMQ_BACKLOG)");
    if (zmq_bind (s, argv[1]) != 0)
        return fail ("zmq_bind");
    if (zmq_msg_init (&id) != 0 || zmq_msg_init (&body) != 0)
        return fail ("zmq_msg_init");

    /* Each connection's hello, answered at once. */
    for (i = 0; i < connections; i++) {
        if (receive (s, &id, &body) != 0)
            return fail ("zmq_msg_recv (hello)");
        if (zmq_msg_send (&id, s, ZMQ_SNDMORE) < 0 || zmq_send (s, "ok", 2, 0) != 2)
            return fail ("zmq_send (hello answer)");
    }
    if (getrusage (RUSAGE_SELF, &usage) == 0)
        connected_rss = usage.ru_maxrss;

    for (i = 0; i < count; i++) {
        if (receive (s, &id, &body) != 0)
            return fail ("zmq_msg_recv");
        if (zmq_msg_size (&body) != (size_t) size) {
            fprintf (stderr, "conn_local: message of incorrect size received\n");
            return 1;
        }
        if (i == 0)
            watch = zmq_stopwatch_start (); /* from the first message, as local_thr */
    }
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;
    if (zmq_send (s, "conn-0", 6, ZMQ_SNDMORE) != 6 || zmq_send (s, "done", 4, 0) != 4)
        return fail ("zmq_send (done)");
    zmq_msg_close (&id);
    zmq_msg_close (&body);

    throughput = (double) (count - 1) * 1e6 / (double) elapsed;
    printf ("msg/s %.0f\n", throughput);
    printf ("Mb/s %.3f\n", throughput * (double) size * 8.0 / 1e6);
    printf ("connected_rss_kb %ld\n", connected_rss);
    print_peak_rss ();
    fflush (stdout);

    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
