/* Network throughput, sending side, written against zmq.h only; the command line is that of
   libzmq's perf/remote_thr. A PUSH socket connects to CONNECT-TO and sends COUNT messages of
   SIZE bytes to local_thr. Usage: remote_thr <connect-to> <message-size> <message-count>.
   Prints nothing on success.
   Unlike libzmq's remote_thr it does not close as soon as the last message is queued: it waits
   (through a socket monitor) until local_thr, having received everything, closes the connection.
   libzmq 4.3.4 as the receiver drops the tail of an ipc stream whose sender disconnects while
   the receiving pipe is full (zeromq/libzmq#4660), and local_thr would then wait for ever. The
   wait costs nothing measured: local_thr stops its clock at the last message.
   With BENCH_CURVE=1 in the environment the socket is a CURVE client (local_thr the server). */
#define PROGRAM "remote_thr"
#include "perf.h"

#include <stdio.h>

/* Waits for the monitor to report the disconnection of the peer. */
static int wait_disconnected (void *monitor)
{
    for (;;) {
        zmq_msg_t frame;
        unsigned char *data;
        int event = 0, more;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, monitor, 0) < 0) {
            zmq_msg_close (&frame);
            return -1;
        }
        data = (unsigned char *) zmq_msg_data (&frame);
        if (zmq_msg_size (&frame) == 6)
            event = data[0] | data[1] << 8; /* little-endian uint16 event, then uint32 value */
        more = zmq_msg_more (&frame);
        while (more) { /* the endpoint frame */
            if (zmq_msg_recv (&frame, monitor, 0) < 0) {
                zmq_msg_close (&frame);
                return -1;
            }
            more = zmq_msg_more (&frame);
        }
        zmq_msg_close (&frame);
        if (event == ZMQ_EVENT_DISCONNECTED)
            return 0;
    }
}

int main (int argc, char **argv)
{
    void *ctx, *s, *monitor;
    zmq_msg_t msg;
    long size, count, i;

    if (argc != 4 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &count)) {
        printf ("usage: remote_thr <connect-to> <message-size> <message-count>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    s = zmq_socket (ctx, ZMQ_PUSH);
    if (!s)
        return fail ("zmq_socket");
    if (zmq_socket_monitor (s, "inproc://remote_thr.monitor", ZMQ_EVENT_DISCONNECTED) != 0)
        return fail ("zmq_socket_monitor");
    monitor = zmq_socket (ctx, ZMQ_PAIR);
    if (!monitor)
        return fail ("zmq_socket");
    if (zmq_connect (monitor, "inproc://remote_thr.monitor") != 0)
        return fail ("zmq_connect (monitor)");
    if (maybe_curve (s, 0) != 0)
        return fail ("zmq_setsockopt (CURVE)");
    if (zmq_connect (s, argv[1]) != 0)
        return fail ("zmq_connect");

    for (i = 0; i < count; i++) {
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            return fail ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            return fail ("zmq_msg_send");
        if (zmq_msg_close (&msg) != 0)
            return fail ("zmq_msg_close");
    }

    if (wait_disconnected (monitor) != 0)
        return fail ("zmq_msg_recv (monitor)");
    if (zmq_close (monitor) != 0)
        return fail ("zmq_close");
    if (zmq_close (s) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
