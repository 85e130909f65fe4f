/* inproc throughput, written against zmq.h only: a PUSH thread sends COUNT messages of SIZE
   bytes to a PULL socket. Usage: inproc_thr SIZE COUNT. Prints "msg/s <n>" and "Mb/s <n>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

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
    long i;

    if (argc != 3) {
        fprintf (stderr, "usage: inproc_thr SIZE COUNT\n");
        return 1;
    }
    size = (size_t) atol (argv[1]);
    count = atol (argv[2]);
    ctx = zmq_ctx_new ();
    s = zmq_socket (ctx, ZMQ_PULL);
    zmq_bind (s, "inproc://thr");
    thread = zmq_threadstart (sender, ctx);

    zmq_msg_init (&msg);
    zmq_msg_recv (&msg, s, 0);
    watch = zmq_stopwatch_start ();
    for (i = 1; i < count; i++)
        zmq_msg_recv (&msg, s, 0);
    us = zmq_stopwatch_stop (watch);
    zmq_msg_close (&msg);
    if (us == 0)
        us = 1;
    printf ("msg/s %.0f\n", (double) (count - 1) * 1e6 / (double) us);
    printf ("Mb/s %.1f\n", (double) (count - 1) * (double) size * 8.0 / (double) us);
    zmq_threadclose (thread);
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
