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

#endif
