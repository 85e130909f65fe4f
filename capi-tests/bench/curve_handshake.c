/* CURVE handshake rate, written against zmq.h only. A ROUTER binds as CURVE server on
   127.0.0.1; COUNT times a new DEALER (CURVE client) connects, sends one message and waits for
   the answer, then closes: each round is one full handshake (HELLO, WELCOME, INITIATE, READY)
   and one round trip over a new tcp connection. Usage: curve_handshake <count>.
   Prints "handshakes/s <n>" and "peak_rss_kb <n>" (the process's peak resident set) for
   capi-tests/bench/run.sh. */
#define PROGRAM "curve_handshake"
#include "perf.h"

#include <stdio.h>

int main (int argc, char **argv)
{
    void *ctx, *server, *watch;
    char endpoint[256];
    size_t len = sizeof endpoint;
    long count, i;
    unsigned long elapsed;
    int zero = 0;

    if (argc != 2 || !parse (argv[1], 1, &count)) {
        printf ("usage: curve_handshake <count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    server = zmq_socket (ctx, ZMQ_ROUTER);
    if (!server || set_curve (server, 1) != 0)
        return fail ("zmq_socket (server)");
    if (zmq_bind (server, "tcp://127.0.0.1:*") != 0
        || zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        return fail ("zmq_bind");
    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        char id[256], byte;
        int id_len;
        void *client = zmq_socket (ctx, ZMQ_DEALER);
        if (!client || set_curve (client, 0) != 0)
            return fail ("zmq_socket (client)");
        zmq_setsockopt (client, ZMQ_LINGER, &zero, sizeof zero);
        if (zmq_connect (client, endpoint) != 0)
            return fail ("zmq_connect");
        if (zmq_send (client, "x", 1, 0) != 1)
            return fail ("zmq_send (client)");
        id_len = zmq_recv (server, id, sizeof id, 0);
        if (id_len < 0 || zmq_recv (server, &byte, 1, 0) != 1)
            return fail ("zmq_recv (server)");
        if (zmq_send (server, id, (size_t) id_len, ZMQ_SNDMORE) < 0
            || zmq_send (server, "y", 1, 0) != 1)
            return fail ("zmq_send (server)");
        if (zmq_recv (client, &byte, 1, 0) != 1)
            return fail ("zmq_recv (client)");
        zmq_close (client);
    }
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;
    printf ("handshakes/s %.0f\n", (double) count * 1e6 / (double) elapsed);
    print_peak_rss ();
    zmq_close (server);
    zmq_ctx_term (ctx);
    return 0;
}
