/* Message API micro-benchmark, written against zmq.h only.
   Usage: msg_bench SIZE COUNT. Prints one line per operation: "<name> <ops per second>", then
   "peak_rss_kb <n>" (the process's peak resident set). */
#define PROGRAM "msg_bench"
#include "perf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void noop_free (void *data, void *hint)
{
    (void) data;
    (void) hint;
}

static double rate (void *watch, long count)
{
    unsigned long us = zmq_stopwatch_stop (watch);
    return us ? (double) count * 1e6 / (double) us : 0.0;
}

int main (int argc, char **argv)
{
    size_t size;
    long count, i;
    zmq_msg_t msg, copy;
    void *watch;
    char *buffer;

    if (argc != 3) {
        fprintf (stderr, "usage: msg_bench SIZE COUNT\n");
        return 1;
    }
    size = (size_t) atol (argv[1]);
    count = atol (argv[2]);
    buffer = calloc (1, size ? size : 1);

    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_init_size (&msg, size);
        zmq_msg_close (&msg);
    }
    printf ("init_size+close %.0f\n", rate (watch, count));

    zmq_msg_init_size (&msg, size);
    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_init (&copy);
        zmq_msg_copy (&copy, &msg);
        zmq_msg_close (&copy);
    }
    printf ("copy+close %.0f\n", rate (watch, count));
    zmq_msg_close (&msg);

    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_init_data (&msg, buffer, size, noop_free, NULL);
        zmq_msg_close (&msg);
    }
    printf ("init_data+close %.0f\n", rate (watch, count));

    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_init_size (&msg, size);
        zmq_msg_init (&copy);
        zmq_msg_move (&copy, &msg);
        zmq_msg_close (&msg);
        zmq_msg_close (&copy);
    }
    printf ("init_size+move+close %.0f\n", rate (watch, count));
    free (buffer);
    print_peak_rss ();
    return 0;
}
