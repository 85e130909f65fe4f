/* Many connections to one socket, connecting side, written against zmq.h only. CONNECTIONS
   DEALER sockets connect to conn_local at CONNECT-TO and each sends "hello" and waits for the
   answer; the time from the first zmq_connect to the last answer (creating the sockets is not
   counted) is the connect-all time. Then it sends COUNT messages of SIZE bytes, one socket after
   the other in turn, and waits until conn_local says "done" (to the socket with routing id
   "conn-0") before closing, so that no connection goes away with messages in flight. Usage:
   conn_remote <connect-to> <message-size> <message-count> <connections>
   It raises its limit of open files to the hard limit and fails if that is below
   3 x CONNECTIONS + 64 (a socket and a connection each, with room for the library's own).
   Prints "connect_ms <n>" (the connect-all time in milliseconds) for capi-tests/bench/run.sh. */
#define PROGRAM "conn_remote"
#include "perf.h"

#include <stdio.h>

int main (int argc, char **argv)
{
    void *ctx, **sockets, *watch;
    long size, count, connections, i, limit;
    unsigned long elapsed;
    char answer[8];

    if (argc != 5 || !parse (argv[2], 0, &size) || !parse (argv[3], 2, &count)
        || !parse (argv[4], 1, &connections)) {
        printf ("usage: conn_remote <connect-to> <message-size> <message-count> <connections>\n");
        return 1;
    }
    limit = raise_fd_limit ();
    if (limit < 0)
        return fail ("setrlimit (RLIMIT_NOFILE)");
    if (limit < 3 * connections + 64) {
        fprintf (stderr, "conn_remote: %ld open files allowed, %ld connections need more\n",
                 limit, connections);
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    if (connections + 16 > ZMQ_MAX_SOCKETS_DFLT
        && zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, (int) connections + 16) != 0)
        return fail ("zmq_ctx_set (ZMQ_MAX_SOCKETS)");
    sockets = calloc ((size_t) connections, sizeof *sockets);
    if (!sockets) {
        fprintf (stderr, "conn_remote: out of memory\n");
        return 1;
    }
    for (i = 0; i < connections; i++) {
        sockets[i] = zmq_socket (ctx, ZMQ_DEALER);
        if (!sockets[i])
            return fail ("zmq_socket");
    }
    if (zmq_setsockopt (sockets[0], ZMQ_ROUTING_ID, "conn-0", 6) != 0)
        return fail ("zmq_setsockopt (ZMQ_ROUTING_ID)");

    watch = zmq_stopwatch_start ();
    for (i = 0; i < connections; i++)
        if (zmq_connect (sockets[i], argv[1]) != 0)
            return fail ("zmq_connect");
    for (i = 0; i < connections; i++)
        if (zmq_send (sockets[i], "hello", 5, 0) != 5)
            return fail ("zmq_send (hello)");
    for (i = 0; i < connections; i++)
        if (zmq_recv (sockets[i], answer, sizeof answer, 0) != 2)
            return fail ("zmq_recv (hello answer)");
    elapsed = zmq_stopwatch_stop (watch);

    for (i = 0; i < count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            return fail ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, sockets[i % connections], 0) < 0)
            return fail ("zmq_msg_send");
    }
    if (zmq_recv (sockets[0], answer, sizeof answer, 0) != 4)
        return fail ("zmq_recv (done)");

    printf ("connect_ms %.3f\n", (double) elapsed / 1000.0);
    fflush (stdout);
    for (i = 0; i < connections; i++)
        if (zmq_close (sockets[i]) != 0)
            return fail ("zmq_close");
    free (sockets);
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
