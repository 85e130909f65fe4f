/* zmq_threadstart / zmq_threadclose */
#include "testutil.h"

#include <pthread.h>
#include <time.h>

#define MANY 8

struct job
{
    int runs;
    void *arg_seen;
    pthread_t thread;
    int slow;
    int finished;
};

static void body (void *arg)
{
    struct job *j = (struct job *) arg;
    if (j->slow) {
        struct timespec ts;
        ts.tv_sec = 0;
        ts.tv_nsec = 200 * 1000000L;
        while (nanosleep (&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    j->runs++;
    j->arg_seen = arg;
    j->thread = pthread_self ();
    j->finished = 1;
}

static int null_arg_runs;
static void body_null (void *arg)
{
    if (arg == NULL)
        null_arg_runs++;
}

int main (void)
{
    tu_init ();

    tu_begin ("one thread runs the function once with its argument");
    {
        struct job j;
        void *t;
        memset (&j, 0, sizeof j);
        t = zmq_threadstart (body, &j);
        CHECK_NOT_NULL (t);
        zmq_threadclose (t);
        CHECK_EQ (j.runs, 1);
        CHECK (j.arg_seen == (void *) &j);
        CHECK (!pthread_equal (j.thread, pthread_self ()));
    }

    tu_begin ("threadclose waits for the function to finish");
    {
        struct job j;
        void *t;
        memset (&j, 0, sizeof j);
        j.slow = 1;
        t = zmq_threadstart (body, &j);
        CHECK_NOT_NULL (t);
        zmq_threadclose (t);
        CHECK_EQ (j.finished, 1);
        CHECK_EQ (j.runs, 1);
    }

    tu_begin ("NULL argument is passed through");
    {
        void *t = zmq_threadstart (body_null, NULL);
        CHECK_NOT_NULL (t);
        zmq_threadclose (t);
        CHECK_EQ (null_arg_runs, 1);
    }

    tu_begin ("several threads at once");
    {
        struct job jobs[MANY];
        void *ts[MANY];
        int i;
        int all_once = 1;
        int distinct = 1;
        memset (jobs, 0, sizeof jobs);
        for (i = 0; i < MANY; i++) {
            jobs[i].slow = (i % 2 == 0);
            ts[i] = zmq_threadstart (body, &jobs[i]);
            CHECK_NOT_NULL (ts[i]);
        }
        for (i = 0; i < MANY; i++)
            if (ts[i])
                zmq_threadclose (ts[i]);
        for (i = 0; i < MANY; i++) {
            int k;
            if (jobs[i].runs != 1 || jobs[i].arg_seen != (void *) &jobs[i])
                all_once = 0;
            for (k = 0; k < i; k++)
                if (pthread_equal (jobs[i].thread, jobs[k].thread))
                    distinct = 0;
        }
        CHECK (all_once);
        /* none was joined before all had started: no id can repeat */
        CHECK (distinct);
    }

    return tu_finish ();
}
