/* zmq_stopwatch_* and zmq_sleep. Timing bounds are deliberately loose. */
#include "testutil.h"

#include <time.h>

static double now_s (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void sleep_ms (long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep (&ts, &ts) != 0 && errno == EINTR) {
    }
}

int main (void)
{
    tu_init ();

    tu_begin ("stopwatch intermediate is monotonic");
    {
        void *w = zmq_stopwatch_start ();
        unsigned long prev = 0;
        int monotonic = 1;
        int i;
        CHECK_NOT_NULL (w);
        for (i = 0; i < 100000; i++) {
            unsigned long t = zmq_stopwatch_intermediate (w);
            if (t < prev)
                monotonic = 0;
            prev = t;
        }
        CHECK (monotonic);
        /* 100000 calls take far less than 10 s */
        CHECK (prev < 10000000UL);
        CHECK (zmq_stopwatch_stop (w) >= prev);
    }

    tu_begin ("stopwatch measures elapsed microseconds");
    {
        void *w = zmq_stopwatch_start ();
        unsigned long t1, t2, stopped;
        CHECK_NOT_NULL (w);
        sleep_ms (50);
        t1 = zmq_stopwatch_intermediate (w);
        printf ("after ~50 ms sleep: %lu us\n", t1);
        CHECK (t1 >= 40000UL);
        CHECK (t1 < 10000000UL);
        sleep_ms (20);
        t2 = zmq_stopwatch_intermediate (w);
        CHECK (t2 >= t1 + 15000UL);
        stopped = zmq_stopwatch_stop (w);
        CHECK (stopped >= t2);
        CHECK (stopped < 10000000UL);
    }

    tu_begin ("independent stopwatches");
    {
        void *a = zmq_stopwatch_start ();
        void *b;
        unsigned long ta, tb;
        CHECK_NOT_NULL (a);
        sleep_ms (200);
        b = zmq_stopwatch_start ();
        CHECK_NOT_NULL (b);
        CHECK (a != b);
        ta = zmq_stopwatch_intermediate (a);
        tb = zmq_stopwatch_intermediate (b);
        CHECK (ta >= 190000UL);
        CHECK (tb < ta);
        zmq_stopwatch_stop (b);
        CHECK (zmq_stopwatch_stop (a) >= ta);
    }

    tu_begin ("zmq_sleep(1) takes about a second");
    {
        void *w = zmq_stopwatch_start ();
        double t0 = now_s ();
        double elapsed;
        unsigned long us;
        zmq_sleep (1);
        elapsed = now_s () - t0;
        us = zmq_stopwatch_stop (w);
        printf ("zmq_sleep(1): %.3f s, stopwatch %lu us\n", elapsed, us);
        CHECK (elapsed >= 0.9);
        CHECK (elapsed < 10.0);
        CHECK (us >= 900000UL);
        CHECK (us < 10000000UL);
    }

    tu_begin ("zmq_sleep(0) returns promptly");
    {
        double t0 = now_s ();
        double elapsed;
        zmq_sleep (0);
        elapsed = now_s () - t0;
        CHECK (elapsed < 0.9);
    }

    return tu_finish ();
}
