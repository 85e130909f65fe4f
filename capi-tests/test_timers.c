/* zmq_timers_* */
#include "testutil.h"

#include <time.h>

static void sleep_ms (long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep (&ts, &ts) != 0 && errno == EINTR) {
    }
}

#define MAX_IDS 64

static int fired[MAX_IDS];
static void *fired_arg[MAX_IDS];

static void reset_fired (void)
{
    memset (fired, 0, sizeof fired);
    memset (fired_arg, 0, sizeof fired_arg);
}

static void handler (int timer_id, void *arg)
{
    if (timer_id >= 0 && timer_id < MAX_IDS) {
        fired[timer_id]++;
        fired_arg[timer_id] = arg;
    }
}

/* arg is the timers handle; the handler cancels its own timer */
static int self_cancel_rc = 99;
static int self_cancel_errno;
static void cancel_self (int timer_id, void *arg)
{
    handler (timer_id, arg);
    errno = 0;
    self_cancel_rc = zmq_timers_cancel (arg, timer_id);
    self_cancel_errno = errno;
}

/* Memory that is not a timers object: libzmq rejects it by its tag. */
static unsigned char not_timers[4096];

int main (void)
{
    void *t;

    tu_init ();

    tu_begin ("new timers: no timeout, nothing to execute");
    {
        t = zmq_timers_new ();
        CHECK_NOT_NULL (t);
        CHECK_EQ (zmq_timers_timeout (t), -1);
        CHECK_OK (zmq_timers_execute (t));
        CHECK_OK (zmq_timers_destroy (&t));
        CHECK_NULL (t);
    }

    tu_begin ("add returns increasing ids starting at 1");
    {
        t = zmq_timers_new ();
        CHECK_EQ (zmq_timers_add (t, 10000, handler, NULL), 1);
        CHECK_EQ (zmq_timers_add (t, 20000, handler, NULL), 2);
        CHECK_EQ (zmq_timers_add (t, 30000, handler, NULL), 3);
        CHECK_OK (zmq_timers_cancel (t, 2));
        /* ids are not reused */
        CHECK_EQ (zmq_timers_add (t, 30000, handler, NULL), 4);
        CHECK_OK (zmq_timers_destroy (&t));
        CHECK_NULL (t);
    }

    tu_begin ("timeout is within the interval of the earliest timer");
    {
        long to;
        t = zmq_timers_new ();
        CHECK (zmq_timers_add (t, 500, handler, NULL) > 0);
        to = zmq_timers_timeout (t);
        CHECK (to >= 0 && to <= 500);
        CHECK (to > 100); /* loose: nothing has taken 400 ms yet */
        CHECK (zmq_timers_add (t, 200, handler, NULL) > 0);
        to = zmq_timers_timeout (t);
        CHECK (to >= 0 && to <= 200);
        sleep_ms (250);
        /* overdue timers give 0, never a negative value */
        CHECK_EQ (zmq_timers_timeout (t), 0);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("execute runs only due handlers, with their arguments");
    {
        int a, b;
        long to;
        reset_fired ();
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 100, handler, (void *) 0x1111);
        b = zmq_timers_add (t, 100000, handler, (void *) 0x2222);
        CHECK (a > 0 && a < MAX_IDS);
        CHECK (b > 0 && b < MAX_IDS && b != a);
        if (a > 0 && a < MAX_IDS && b > 0 && b < MAX_IDS) {
            /* nothing is due yet */
            CHECK_OK (zmq_timers_execute (t));
            CHECK_EQ (fired[a], 0);
            sleep_ms (250);
            CHECK_OK (zmq_timers_execute (t));
            /* overdue by more than one interval, it still runs once */
            CHECK_EQ (fired[a], 1);
            CHECK (fired_arg[a] == (void *) 0x1111);
            CHECK_EQ (fired[b], 0);
            /* a timer is periodic: it is rescheduled after it fires */
            to = zmq_timers_timeout (t);
            CHECK (to >= 0 && to <= 100);
            CHECK_OK (zmq_timers_execute (t));
            sleep_ms (250);
            CHECK_OK (zmq_timers_execute (t));
            CHECK (fired[a] >= 2);
            CHECK_EQ (fired[b], 0);
        }
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("cancel");
    {
        int a;
        reset_fired ();
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 10, handler, NULL);
        CHECK (a > 0 && a < MAX_IDS);
        CHECK_OK (zmq_timers_cancel (t, a));
        /* cancelling twice fails */
        CHECK_FAILS (zmq_timers_cancel (t, a), EINVAL);
        CHECK_EQ (zmq_timers_timeout (t), -1);
        sleep_ms (30);
        CHECK_OK (zmq_timers_execute (t));
        if (a > 0 && a < MAX_IDS)
            CHECK_EQ (fired[a], 0);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("set_interval reschedules from now");
    {
        int a;
        long to;
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 100000, handler, NULL);
        CHECK (a > 0);
        CHECK_OK (zmq_timers_set_interval (t, a, 300));
        to = zmq_timers_timeout (t);
        CHECK (to >= 0 && to <= 300);
        CHECK (to > 100);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("reset restarts the interval");
    {
        int a;
        long to;
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 400, handler, NULL);
        CHECK (a > 0);
        sleep_ms (200);
        to = zmq_timers_timeout (t);
        CHECK (to >= 0 && to <= 200);
        CHECK_OK (zmq_timers_reset (t, a));
        to = zmq_timers_timeout (t);
        CHECK (to > 250 && to <= 400);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("unknown ids give EINVAL");
    {
        int a;
        t = zmq_timers_new ();
        CHECK_FAILS (zmq_timers_cancel (t, 1), EINVAL);
        CHECK_FAILS (zmq_timers_set_interval (t, 1, 10), EINVAL);
        CHECK_FAILS (zmq_timers_reset (t, 1), EINVAL);
        a = zmq_timers_add (t, 1000, handler, NULL);
        CHECK (a > 0);
        CHECK_FAILS (zmq_timers_cancel (t, a + 1), EINVAL);
        CHECK_FAILS (zmq_timers_cancel (t, 0), EINVAL);
        CHECK_FAILS (zmq_timers_cancel (t, -1), EINVAL);
        CHECK_FAILS (zmq_timers_set_interval (t, 99, 10), EINVAL);
        CHECK_FAILS (zmq_timers_set_interval (t, 0, 10), EINVAL);
        CHECK_FAILS (zmq_timers_reset (t, 99), EINVAL);
        CHECK_FAILS (zmq_timers_reset (t, -1), EINVAL);
        /* a cancelled id is unknown once timeout or execute has run (right
           after cancel libzmq still accepts set_interval/reset on it) */
        CHECK_OK (zmq_timers_cancel (t, a));
        CHECK_EQ (zmq_timers_timeout (t), -1);
        CHECK_FAILS (zmq_timers_set_interval (t, a, 10), EINVAL);
        CHECK_FAILS (zmq_timers_reset (t, a), EINVAL);
        CHECK_FAILS (zmq_timers_cancel (t, a), EINVAL);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("a cancelled timer never fires, whatever follows");
    {
        int a;
        reset_fired ();
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 10, handler, NULL);
        CHECK (a > 0 && a < MAX_IDS);
        CHECK_OK (zmq_timers_cancel (t, a));
        /* return values not checked here: see above */
        (void) zmq_timers_set_interval (t, a, 5);
        (void) zmq_timers_reset (t, a);
        sleep_ms (40);
        CHECK_OK (zmq_timers_execute (t));
        CHECK_EQ (zmq_timers_timeout (t), -1);
        if (a > 0 && a < MAX_IDS)
            CHECK_EQ (fired[a], 0);
        CHECK_FAILS (zmq_timers_cancel (t, a), EINVAL);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("interval 0 is accepted and immediately due");
    {
        t = zmq_timers_new ();
        CHECK (zmq_timers_add (t, 0, handler, NULL) > 0);
        CHECK_EQ (zmq_timers_timeout (t), 0);
        /* (not executed: libzmq would run it forever within one call) */
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("a handler that cancels its own timer");
    {
        int a;
        reset_fired ();
        t = zmq_timers_new ();
        a = zmq_timers_add (t, 10, cancel_self, t);
        CHECK (a > 0 && a < MAX_IDS);
        sleep_ms (30);
        CHECK_OK (zmq_timers_execute (t));
        CHECK_EQ (self_cancel_rc, 0);
        CHECK_EQ (self_cancel_errno, 0);
        CHECK_EQ (zmq_timers_timeout (t), -1);
        sleep_ms (30);
        CHECK_OK (zmq_timers_execute (t));
        if (a > 0 && a < MAX_IDS) {
            CHECK_EQ (fired[a], 1);
            CHECK (fired_arg[a] == t);
        }
        CHECK_FAILS (zmq_timers_cancel (t, a), EINVAL);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("NULL handler gives EFAULT");
    {
        t = zmq_timers_new ();
        CHECK_FAILS (zmq_timers_add (t, 10, NULL, NULL), EFAULT);
        CHECK_EQ (zmq_timers_timeout (t), -1);
        CHECK_OK (zmq_timers_destroy (&t));
    }

    tu_begin ("NULL timers gives EFAULT");
    {
        void *none = NULL;
        CHECK_FAILS (zmq_timers_add (NULL, 10, handler, NULL), EFAULT);
        CHECK_FAILS (zmq_timers_cancel (NULL, 1), EFAULT);
        CHECK_FAILS (zmq_timers_set_interval (NULL, 1, 10), EFAULT);
        CHECK_FAILS (zmq_timers_reset (NULL, 1), EFAULT);
        CHECK_FAILS (zmq_timers_timeout (NULL), EFAULT);
        CHECK_FAILS (zmq_timers_execute (NULL), EFAULT);
        /* destroy through a handle holding NULL */
        CHECK_FAILS (zmq_timers_destroy (&none), EFAULT);
        CHECK_NULL (none);
    }

    tu_begin ("memory that is not a timers object gives EFAULT");
    {
        void *bogus = not_timers;
        CHECK_FAILS (zmq_timers_add (bogus, 10, handler, NULL), EFAULT);
        CHECK_FAILS (zmq_timers_cancel (bogus, 1), EFAULT);
        CHECK_FAILS (zmq_timers_set_interval (bogus, 1, 10), EFAULT);
        CHECK_FAILS (zmq_timers_reset (bogus, 1), EFAULT);
        CHECK_FAILS (zmq_timers_timeout (bogus), EFAULT);
        CHECK_FAILS (zmq_timers_execute (bogus), EFAULT);
        CHECK_FAILS (zmq_timers_destroy (&bogus), EFAULT);
        /* the handle is left alone on failure */
        CHECK (bogus == (void *) not_timers);
    }

    tu_begin ("destroy with timers pending");
    {
        reset_fired ();
        t = zmq_timers_new ();
        CHECK (zmq_timers_add (t, 1, handler, NULL) > 0);
        CHECK (zmq_timers_add (t, 100000, handler, NULL) > 0);
        CHECK_OK (zmq_timers_destroy (&t));
        CHECK_NULL (t);
        {
            int i, total = 0;
            for (i = 0; i < MAX_IDS; i++)
                total += fired[i];
            CHECK_EQ (total, 0);
        }
    }

    return tu_finish ();
}
