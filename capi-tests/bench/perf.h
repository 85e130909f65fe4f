/* What the network perf programs share: their error report and argument parsing. Define
   PROGRAM (the program's name) before including. */
#ifndef CAPI_BENCH_PERF_H
#define CAPI_BENCH_PERF_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

/* Reports a failed call with libzmq's wording of the error; returns the exit status. */
static int fail (const char *what)
{
    fprintf (stderr, "%s: error in %s: %s\n", PROGRAM, what, zmq_strerror (zmq_errno ()));
    return 1;
}

/* A whole decimal argument of at least `min`. */
static int parse (const char *text, long min, long *out)
{
    char *end;
    errno = 0;
    *out = strtol (text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *out >= min;
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
