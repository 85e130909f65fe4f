/* What the benchmark programs on zmq share: their error report, argument parsing, the peak RSS
   figure and binding to a wildcard endpoint. Define PROGRAM (the program's name) before
   including, and include this before any other header (it asks for POSIX 2008). */
#ifndef CAPI_BENCH_PERF_H
#define CAPI_BENCH_PERF_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zmq.h>

/* Reports a failed call with libzmq's wording of the error; returns the exit status. */
static inline int fail (const char *what)
{
    fprintf (stderr, "%s: error in %s: %s\n", PROGRAM, what, zmq_strerror (zmq_errno ()));
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

/* Prints "peak_rss_kb <n>": the largest resident set of this process so far, in KiB
   (getrusage's ru_maxrss), for capi-tests/bench/run.sh. */
static inline void print_peak_rss (void)
{
    struct rusage usage;
    if (getrusage (RUSAGE_SELF, &usage) == 0)
        printf ("peak_rss_kb %ld\n", (long) usage.ru_maxrss);
}

/* Binds s to ENDPOINT and writes the endpoint peers should connect to into out (size len):
   ZMQ_LAST_ENDPOINT, which completes a wildcard ("tcp://127.0.0.1:*" gets its port); the
   endpoint as given when the library does not report one. 0, or -1 if binding failed. */
static inline int bind_resolved (void *s, const char *endpoint, char *out, size_t len)
{
    size_t got = len;
    if (zmq_bind (s, endpoint) != 0)
        return -1;
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, out, &got) != 0 || got <= 1) {
        if (strlen (endpoint) >= len) {
            errno = ENAMETOOLONG;
            return -1;
        }
        strcpy (out, endpoint);
    }
    return 0;
}

/* Raises this process's soft limit of open files to the hard limit; returns the new soft limit,
   or -1 (errno set) if it could not be read or set. */
static inline long raise_fd_limit (void)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur != limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
            return -1;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long) limit.rlim_cur;
}

/* The key pairs of libzmq's CURVE tests (Z85), for benchmarks through CURVE. */
#define PERF_SERVER_PUBLIC "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
#define PERF_SERVER_SECRET "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
#define PERF_CLIENT_PUBLIC "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define PERF_CLIENT_SECRET "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"

/* Makes s a CURVE server or client with the keys above; 0, or -1 if an option failed. */
static inline int set_curve (void *s, int server)
{
    int one = 1;
    if (server)
        return zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
                   || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, PERF_SERVER_SECRET, 40) != 0
                   || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, PERF_SERVER_PUBLIC, 40) != 0
                 ? -1
                 : 0;
    return zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, PERF_SERVER_PUBLIC, 40) != 0
               || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, PERF_CLIENT_PUBLIC, 40) != 0
               || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, PERF_CLIENT_SECRET, 40) != 0
             ? -1
             : 0;
}

/* With BENCH_CURVE=1 in the environment, the benchmark runs through CURVE (s is the server
   when `server`); 0, or -1 if an option failed. */
static inline int maybe_curve (void *s, int server)
{
    const char *curve = getenv ("BENCH_CURVE");
    return curve && *curve == '1' ? set_curve (s, server) : 0;
}

#endif
