/* What the raw socket baselines (raw_lat, raw_thr) share: no zmq at all, only the kernel's
   sockets, addressed with zmq's endpoint syntax: "tcp://A.B.C.D:PORT" (PORT "*" or 0 takes a
   free port) or "ipc://PATH" (a unix stream socket). Define PROGRAM (the program's name) before
   including, and include this before any other header (it asks for POSIX 2008). */
#ifndef CAPI_BENCH_RAW_H
#define CAPI_BENCH_RAW_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* Reports a failed call with the system's wording of errno; returns the exit status. */
static inline int fail (const char *what)
{
    fprintf (stderr, "%s: error in %s: %s\n", PROGRAM, what, strerror (errno));
    return 1;
}

/* A whole decimal argument of at least `min`. */
static inline int parse (const char *text, long min, long *out)
{
    char *end;
    errno = 0;
    *out = strtol (text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *out >= min;
}

/* Prints "peak_rss_kb <n>": the largest resident set of this process so far, in KiB. */
static inline void print_peak_rss (void)
{
    struct rusage usage;
    if (getrusage (RUSAGE_SELF, &usage) == 0)
        printf ("peak_rss_kb %ld\n", (long) usage.ru_maxrss);
}

/* Microseconds on the monotonic clock. */
static inline double now_us (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

/* Where a listening socket is, to connect to. */
struct raw_address {
    struct sockaddr_storage storage;
    socklen_t len;
    int family;
};

/* Listens on ENDPOINT and fills *where with the address to connect to; the socket, or -1
   (errno set; EINVAL for an endpoint it does not understand). */
static inline int raw_listen (const char *endpoint, struct raw_address *where)
{
    int fd, one = 1;
    memset (where, 0, sizeof *where);
    if (strncmp (endpoint, "tcp://", 6) == 0) {
        struct sockaddr_in *in = (struct sockaddr_in *) &where->storage;
        char host[64];
        const char *colon = strrchr (endpoint + 6, ':');
        size_t host_len = colon ? (size_t) (colon - (endpoint + 6)) : 0;
        long port = 0;
        if (!colon || host_len == 0 || host_len >= sizeof host
            || (strcmp (colon + 1, "*") != 0 && !parse (colon + 1, 0, &port)) || port > 65535) {
            errno = EINVAL;
            return -1;
        }
        memcpy (host, endpoint + 6, host_len);
        host[host_len] = '\0';
        in->sin_family = AF_INET;
        in->sin_port = htons ((unsigned short) port);
        if (inet_pton (AF_INET, host, &in->sin_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        where->len = sizeof *in;
        where->family = AF_INET;
    } else if (strncmp (endpoint, "ipc://", 6) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *) &where->storage;
        if (strlen (endpoint + 6) >= sizeof un->sun_path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        un->sun_family = AF_UNIX;
        strcpy (un->sun_path, endpoint + 6);
        unlink (un->sun_path);
        where->len = sizeof *un;
        where->family = AF_UNIX;
    } else {
        errno = EINVAL;
        return -1;
    }
    fd = socket (where->family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (where->family == AF_INET)
        setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind (fd, (struct sockaddr *) &where->storage, where->len) != 0 || listen (fd, 16) != 0)
        return -1;
    /* The port the kernel chose, for a wildcard */
    if (where->family == AF_INET
        && getsockname (fd, (struct sockaddr *) &where->storage, &where->len) != 0)
        return -1;
    return fd;
}

/* A zeroed buffer of LEN bytes at the start of a page, or NULL; free() releases it. A baseline
   must show the kernel at its best. On the test machine, the kernel's copy into a user buffer
   runs at a third of its speed when the buffer's offset within its page lies a few bytes from
   that of the kernel's own data (which starts on a page): a malloc'd MiB sits 16 bytes into its
   page, and raw_lat's 1 MiB round trips took three times as long as zmq's. */
static inline char *raw_buffer (size_t len)
{
    void *buffer;
    if (posix_memalign (&buffer, 4096, len) != 0)
        return NULL;
    memset (buffer, 0, len);
    return buffer;
}

/* Sets up a connection as the library sets up its own: TCP_NODELAY on a tcp socket (libzmq
   and ours), a send buffer of 512 KiB on a unix socket (ours; libzmq leaves the system's
   default, src/transport/ipc.rs says why). */
static inline int raw_tune (int fd, const struct raw_address *where)
{
    int one = 1, send_buffer = 512 * 1024;
    return where->family == AF_INET
             ? setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)
             : setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
}

/* A new socket connected to *where, or -1 (errno set). */
static inline int raw_connect (const struct raw_address *where)
{
    int fd = socket (where->family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (connect (fd, (const struct sockaddr *) &where->storage, where->len) != 0
        || raw_tune (fd, where) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

/* Writes all LEN bytes; 0, or -1 (errno set). */
static inline int write_all (int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write (fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Reads exactly LEN bytes; 0, or -1 (errno set; EPIPE when the peer closed first). */
static inline int read_all (int fd, char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = read (fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = EPIPE;
            return -1;
        }
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

#endif
