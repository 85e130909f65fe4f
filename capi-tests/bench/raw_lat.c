/* Latency baseline without zmq: the kernel's sockets alone, over tcp (TCP_NODELAY, as zmq sets
   it) or a unix stream socket (with the send buffer ours asks for, raw.h); one process. A
   thread accepts one connection at ENDPOINT ("tcp://127.0.0.1:*" takes a free port,
   "ipc://PATH" is a unix socket) and echoes each block of SIZE bytes back once it has all of
   it; the main thread connects and makes ROUNDTRIP-COUNT round trips: write SIZE bytes, read
   them back. As local_lat/remote_lat report it, the latency is half the mean round trip, and
   the clock includes connecting. Usage:
   raw_lat <endpoint> <message-size> <roundtrip-count>
   Prints "latency_us <one-way µs>" and "peak_rss_kb <n>" for capi-tests/bench/run.sh. */
#define PROGRAM "raw_lat"
#include "raw.h"

#include <pthread.h>

static int listener;
static struct raw_address where;
static long size, count;

static void *echo (void *arg)
{
    char *buffer = raw_buffer ((size_t) size);
    long i;
    int fd;
    (void) arg;
    fd = accept (listener, NULL, NULL);
    if (fd < 0 || !buffer || raw_tune (fd, &where) != 0)
        _exit (fail ("accept"));
    for (i = 0; i < count; i++)
        if (read_all (fd, buffer, (size_t) size) != 0 || write_all (fd, buffer, (size_t) size) != 0)
            _exit (fail ("echo"));
    close (fd);
    free (buffer);
    return NULL;
}

int main (int argc, char **argv)
{
    pthread_t thread;
    char *buffer;
    double start, elapsed, latency;
    long i;
    int fd;

    if (argc != 4 || !parse (argv[2], 1, &size) || !parse (argv[3], 1, &count)) {
        printf ("usage: raw_lat <endpoint> <message-size> <roundtrip-count>\n");
        return 1;
    }
    buffer = raw_buffer ((size_t) size);
    if (!buffer) {
        fprintf (stderr, "raw_lat: out of memory\n");
        return 1;
    }
    listener = raw_listen (argv[1], &where);
    if (listener < 0)
        return fail ("listen");
    if (pthread_create (&thread, NULL, echo, NULL) != 0) {
        fprintf (stderr, "raw_lat: pthread_create failed\n");
        return 1;
    }

    start = now_us ();
    fd = raw_connect (&where);
    if (fd < 0)
        return fail ("connect");
    for (i = 0; i < count; i++) {
        if (write_all (fd, buffer, (size_t) size) != 0)
            return fail ("write");
        if (read_all (fd, buffer, (size_t) size) != 0)
            return fail ("read");
    }
    elapsed = now_us () - start;
    latency = elapsed / ((double) count * 2.0);
    printf ("latency_us %.3f\n", latency);
    print_peak_rss ();
    fflush (stdout);

    pthread_join (thread, NULL);
    close (fd);
    close (listener);
    if (where.family == AF_UNIX)
        unlink (argv[1] + 6);
    free (buffer);
    return 0;
}
