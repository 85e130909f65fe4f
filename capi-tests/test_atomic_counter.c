/* zmq_atomic_counter_* */
#include "testutil.h"

#include <pthread.h>

#define THREADS 4
#define PER_THREAD 50000

struct worker
{
    void *counter;
    int dec;             /* 0: increment, 1: decrement */
    unsigned char *seen; /* inc: marks each returned previous value */
    int zeros;           /* dec: how many calls returned 0 */
    int bad;             /* returned values out of range */
};

static void *run_worker (void *arg)
{
    struct worker *w = (struct worker *) arg;
    int i;
    for (i = 0; i < PER_THREAD; i++) {
        if (w->dec) {
            int r = zmq_atomic_counter_dec (w->counter);
            if (r == 0)
                w->zeros++;
            else if (r != 1)
                w->bad++;
        } else {
            int prev = zmq_atomic_counter_inc (w->counter);
            if (prev < 0 || prev >= THREADS * PER_THREAD)
                w->bad++;
            else
                w->seen[prev]++;
        }
    }
    return NULL;
}

int main (void)
{
    void *c;

    tu_init ();

    tu_begin ("new counter starts at zero");
    {
        c = zmq_atomic_counter_new ();
        CHECK_NOT_NULL (c);
        CHECK_EQ (zmq_atomic_counter_value (c), 0);
    }

    tu_begin ("inc returns the value before the increment");
    {
        CHECK_EQ (zmq_atomic_counter_inc (c), 0);
        CHECK_EQ (zmq_atomic_counter_value (c), 1);
        CHECK_EQ (zmq_atomic_counter_inc (c), 1);
        CHECK_EQ (zmq_atomic_counter_inc (c), 2);
        CHECK_EQ (zmq_atomic_counter_value (c), 3);
    }

    tu_begin ("dec returns 1 while non-zero, 0 on reaching zero");
    {
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), 2);
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), 1);
        CHECK_EQ (zmq_atomic_counter_dec (c), 0);
        CHECK_EQ (zmq_atomic_counter_value (c), 0);
        /* below zero it keeps counting and reports 1 (non-zero) */
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), -1);
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), -2);
        CHECK_EQ (zmq_atomic_counter_inc (c), -2);
        CHECK_EQ (zmq_atomic_counter_inc (c), -1);
        CHECK_EQ (zmq_atomic_counter_value (c), 0);
    }

    tu_begin ("set");
    {
        zmq_atomic_counter_set (c, 5);
        CHECK_EQ (zmq_atomic_counter_value (c), 5);
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), 3);
        zmq_atomic_counter_set (c, 1);
        CHECK_EQ (zmq_atomic_counter_dec (c), 0);
        CHECK_EQ (zmq_atomic_counter_value (c), 0);
        zmq_atomic_counter_set (c, -5);
        CHECK_EQ (zmq_atomic_counter_value (c), -5);
        CHECK_EQ (zmq_atomic_counter_inc (c), -5);
        CHECK_EQ (zmq_atomic_counter_value (c), -4);
        zmq_atomic_counter_set (c, 0);
        CHECK_EQ (zmq_atomic_counter_value (c), 0);
    }

    tu_begin ("32-bit wrap-around");
    {
        zmq_atomic_counter_set (c, INT_MAX);
        CHECK_EQ (zmq_atomic_counter_value (c), INT_MAX);
        CHECK_EQ (zmq_atomic_counter_inc (c), INT_MAX);
        CHECK_EQ (zmq_atomic_counter_value (c), INT_MIN);
        CHECK_EQ (zmq_atomic_counter_dec (c), 1);
        CHECK_EQ (zmq_atomic_counter_value (c), INT_MAX);
    }

    tu_begin ("destroy NULLs the pointer");
    {
        void *other = zmq_atomic_counter_new ();
        void *nothing = NULL;
        CHECK_NOT_NULL (other);
        CHECK (other != c);
        zmq_atomic_counter_destroy (&c);
        CHECK_NULL (c);
        /* counters are independent */
        CHECK_EQ (zmq_atomic_counter_inc (other), 0);
        zmq_atomic_counter_destroy (&other);
        CHECK_NULL (other);
        /* destroying through a NULL handle is harmless */
        zmq_atomic_counter_destroy (&nothing);
        CHECK_NULL (nothing);
    }

    tu_begin ("concurrent increments");
    {
        pthread_t th[THREADS];
        struct worker w[THREADS];
        int started = 0;
        int i;
        unsigned char *seen =
          (unsigned char *) calloc (THREADS * PER_THREAD, 1);
        c = zmq_atomic_counter_new ();
        CHECK_NOT_NULL (c);
        CHECK_NOT_NULL (seen);
        if (c && seen) {
            for (i = 0; i < THREADS; i++) {
                w[i].counter = c;
                w[i].dec = 0;
                w[i].seen = seen;
                w[i].zeros = 0;
                w[i].bad = 0;
                if (pthread_create (&th[i], NULL, run_worker, &w[i]) == 0)
                    started++;
            }
            CHECK_EQ (started, THREADS);
            for (i = 0; i < started; i++)
                pthread_join (th[i], NULL);
            CHECK_EQ (zmq_atomic_counter_value (c), THREADS * PER_THREAD);
            {
                int bad = 0;
                int dup = 0;
                int k;
                for (i = 0; i < THREADS; i++)
                    bad += w[i].bad;
                for (k = 0; k < THREADS * PER_THREAD; k++)
                    if (seen[k] != 1)
                        dup++;
                CHECK_EQ (bad, 0);
                /* every previous value was returned exactly once */
                CHECK_EQ (dup, 0);
            }
        }
        free (seen);

        tu_begin ("concurrent decrements: exactly one reaches zero");
        if (c) {
            int started2 = 0;
            int zeros = 0;
            int bad = 0;
            for (i = 0; i < THREADS; i++) {
                w[i].dec = 1;
                w[i].zeros = 0;
                w[i].bad = 0;
                if (pthread_create (&th[i], NULL, run_worker, &w[i]) == 0)
                    started2++;
            }
            CHECK_EQ (started2, THREADS);
            for (i = 0; i < started2; i++) {
                pthread_join (th[i], NULL);
                zeros += w[i].zeros;
                bad += w[i].bad;
            }
            CHECK_EQ (zmq_atomic_counter_value (c), 0);
            CHECK_EQ (zeros, 1);
            CHECK_EQ (bad, 0);
            zmq_atomic_counter_destroy (&c);
            CHECK_NULL (c);
        }
    }

    return tu_finish ();
}
