/* Throughput baseline without zmq: the kernel's sockets alone, over tcp (TCP_NODELAY, as zmq
   sets it) or a unix stream socket (with the send buffer ours asks for, raw.h); one process.
   The main thread listens at ENDPOINT ("tcp://127.0.0.1:*" takes a free port, "ipc://PATH" is a
   unix socket) and reads what a writer thread, connected to it, sends in two phases over the
   one connection:
   - one write per message: COUNT messages of SIZE bytes, each with its own write() (more only
     if the kernel takes part of it) and read with its own read() of SIZE bytes: what a program
     that does not batch gets. The clock runs from the first message read to the last, as in
     local_thr. Figures "msg/s <n>" and "Mb/s <n>".
   - bulk: COUNT x SIZE bytes, but at least 256 MiB, written and read in blocks of 256 KiB: the
     kernel's streaming limit, which zmq (batching messages into its own buffers) can approach
     but not pass. The clock runs from the end of the first phase to the last byte read (the
     bytes the kernel already holds then are a few MiB at most). Figures "bulk_msg/s <n>" (as
     many SIZE-byte messages per second) and "bulk_Mb/s <n>".
   Usage: raw_thr <endpoint> <message-size> <message-count>
   Prints the four figures above and "peak_rss_kb <n>" for capi-tests/bench/run.sh. */
#define PROGRAM "raw_thr"
#include "raw.h"

#include <pthread.h>

#define BLOCK (256 * 1024)
#define BULK_MIN (256L * 1024 * 1024)

static struct raw_address where;
static long size, count;
static long long bulk;

static void *writer (void *arg)
{
    char *buffer = raw_buffer ((size_t) (size > BLOCK ? size : BLOCK));
    long long left;
    long i;
    int fd;
    (void) arg;
    if (!buffer) {
        fprintf (stderr, "raw_thr: out of memory\n");
        _exit (1);
    }
    fd = raw_connect (&where);
    if (fd < 0)
        _exit (fail ("connect"));
    for (i = 0; i < count; i++)
        if (write_all (fd, buffer, (size_t) size) != 0)
            _exit (fail ("write"));
    for (left = bulk; left > 0; left -= BLOCK)
        if (write_all (fd, buffer, (size_t) (left < BLOCK ? left : BLOCK)) != 0)
            _exit (fail ("write (bulk)"));
    close (fd);
    free (buffer);
    return NULL;
}

int main (int argc, char **argv)
{
    pthread_t thread;
    char *buffer;
    double start, elapsed, rate;
    long long left;
    long i;
    int listener, fd;

    if (argc != 4 || !parse (argv[2], 1, &size) || !parse (argv[3], 2, &count)) {
        printf ("usage: raw_thr <endpoint> <message-size> <message-count>\n");
        return 1;
    }
    bulk = (long long) count * size;
    if (bulk < BULK_MIN)
        bulk = BULK_MIN;
    buffer = raw_buffer ((size_t) (size > BLOCK ? size : BLOCK));
    if (!buffer) {
        fprintf (stderr, "raw_thr: out of memory\n");
        return 1;
    }
    listener = raw_listen (argv[1], &where);
    if (listener < 0)
        return fail ("listen");
    if (pthread_create (&thread, NULL, writer, NULL) != 0) {
        fprintf (stderr, "raw_thr: pthread_create failed\n");
        return 1;
    }
    fd = accept (listener, NULL, NULL);
    if (fd < 0)
        return fail ("accept");

    /* One read per message. */
    if (read_all (fd, buffer, (size_t) size) != 0)
        return fail ("read");
    start = now_us ();
    for (i = 1; i < count; i++)
        if (read_all (fd, buffer, (size_t) size) != 0)
            return fail ("read");
    elapsed = now_us () - start;
    if (elapsed <= 0)
        elapsed = 1;
    rate = (double) (count - 1) * 1e6 / elapsed;
    printf ("msg/s %.0f\n", rate);
    printf ("Mb/s %.3f\n", rate * (double) size * 8.0 / 1e6);

    /* Bulk. */
    start = now_us ();
    for (left = bulk; left > 0;) {
        ssize_t n = read (fd, buffer, (size_t) (left < BLOCK ? left : BLOCK));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EPIPE;
            return fail ("read (bulk)");
        }
        left -= n;
    }
    elapsed = now_us () - start;
    if (elapsed <= 0)
        elapsed = 1;
    rate = (double) bulk * 1e6 / elapsed; /* bytes per second */
    printf ("bulk_msg/s %.0f\n", rate / (double) size);
    printf ("bulk_Mb/s %.3f\n", rate * 8.0 / 1e6);
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
