/* Context lifecycle and options (no sockets). */
#include "testutil.h"

/* ZMQ_ZERO_COPY_RECV is a draft option name, but libzmq 4.3 accepts the id
   in every build. */
#ifndef ZMQ_ZERO_COPY_RECV
#define ZMQ_ZERO_COPY_RECV 10
#endif

/* A get that returns -1 as a value must not report an error. */
#define CHECK_GET_MINUS_ONE(ctx, opt)                                          \
    CHECK_RC_ERRNO (zmq_ctx_get ((ctx), (opt)), -1, 0)

/* Memory that is not a context: libzmq rejects it by its tag. */
static unsigned char not_a_context[1 << 16];

int main (void)
{
    void *ctx;

    tu_init ();

    tu_begin ("zmq_ctx_new / zmq_ctx_term");
    {
        ctx = zmq_ctx_new ();
        CHECK_NOT_NULL (ctx);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("zmq_ctx_new gives distinct contexts");
    {
        void *a = zmq_ctx_new ();
        void *b = zmq_ctx_new ();
        CHECK_NOT_NULL (a);
        CHECK_NOT_NULL (b);
        CHECK (a != b);
        CHECK_OK (zmq_ctx_set (a, ZMQ_IO_THREADS, 3));
        CHECK_EQ (zmq_ctx_get (a, ZMQ_IO_THREADS), 3);
        CHECK_EQ (zmq_ctx_get (b, ZMQ_IO_THREADS), ZMQ_IO_THREADS_DFLT);
        CHECK_OK (zmq_ctx_term (a));
        CHECK_OK (zmq_ctx_term (b));
    }

    tu_begin ("zmq_ctx_shutdown then zmq_ctx_term");
    {
        ctx = zmq_ctx_new ();
        CHECK_NOT_NULL (ctx);
        CHECK_OK (zmq_ctx_shutdown (ctx));
        /* shutdown is idempotent */
        CHECK_OK (zmq_ctx_shutdown (ctx));
        /* options stay readable and settable until term */
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 1);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 2));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 2);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("zmq_ctx_destroy");
    {
        ctx = zmq_ctx_new ();
        CHECK_NOT_NULL (ctx);
        CHECK_OK (zmq_ctx_destroy (ctx));
    }

    tu_begin ("zmq_init / zmq_term");
    {
        ctx = zmq_init (1);
        CHECK_NOT_NULL (ctx);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 1);
        CHECK_OK (zmq_term (ctx));

        ctx = zmq_init (3);
        CHECK_NOT_NULL (ctx);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 3);
        CHECK_OK (zmq_term (ctx));

        ctx = zmq_init (0);
        CHECK_NOT_NULL (ctx);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 0);
        CHECK_OK (zmq_ctx_term (ctx));

        CHECK_NULL_ERRNO (zmq_init (-1), EINVAL);
        CHECK_NULL_ERRNO (zmq_init (-100), EINVAL);
        CHECK_NULL_ERRNO (zmq_init (INT_MIN), EINVAL);
    }

    tu_begin ("defaults from zmq_ctx_get");
    {
        ctx = zmq_ctx_new ();
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), ZMQ_IO_THREADS_DFLT);
        CHECK_EQ (ZMQ_IO_THREADS_DFLT, 1);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), ZMQ_MAX_SOCKETS_DFLT);
        CHECK_EQ (ZMQ_MAX_SOCKETS_DFLT, 1023);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_SOCKET_LIMIT), 65535);
        /* the default policy is -1, a value and not an error */
        CHECK_GET_MINUS_ONE (ctx, ZMQ_THREAD_SCHED_POLICY);
        CHECK_EQ (ZMQ_THREAD_SCHED_POLICY_DFLT, -1);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_MSGSZ), INT_MAX);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MSG_T_SIZE), 64);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MSG_T_SIZE), (int) sizeof (zmq_msg_t));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 0);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IPV6), 0);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_BLOCKY), 1);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_ZERO_COPY_RECV), 1);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_SOCKET_LIMIT and ZMQ_THREAD_PRIORITY share id 3");
    {
        ctx = zmq_ctx_new ();
        CHECK_EQ (ZMQ_SOCKET_LIMIT, ZMQ_THREAD_PRIORITY);
        CHECK_EQ (ZMQ_THREAD_PRIORITY_DFLT, -1);
        /* get reads the socket limit, set writes the thread priority */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_PRIORITY, 0));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_PRIORITY, 99));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_PRIORITY, INT_MAX));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_PRIORITY), 65535);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_PRIORITY, -1), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_SOCKET_LIMIT, -2), EINVAL);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_SOCKET_LIMIT, 5));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_SOCKET_LIMIT), 65535);
        /* the limit does not follow ZMQ_MAX_SOCKETS */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 100000));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_SOCKET_LIMIT), 65535);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_IO_THREADS");
    {
        ctx = zmq_ctx_new ();
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 4));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 4);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 0));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 0);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 100000));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 100000);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, INT_MAX));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), INT_MAX);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 2));
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_IO_THREADS, -1), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_IO_THREADS, INT_MIN), EINVAL);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 2);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_MAX_SOCKETS");
    {
        ctx = zmq_ctx_new ();
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 1));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), 1);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 100000000));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), 100000000);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, INT_MAX));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), INT_MAX);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 512));
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 0), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, -1), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, INT_MIN), EINVAL);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), 512);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_THREAD_SCHED_POLICY");
    {
        ctx = zmq_ctx_new ();
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, 0));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_SCHED_POLICY), 0);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, 1));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_SCHED_POLICY), 1);
        /* not validated against the OS policies */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, 12345));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_SCHED_POLICY), 12345);
        /* the default value -1 cannot be set back */
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, -1), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, -2), EINVAL);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_SCHED_POLICY), 12345);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_MAX_MSGSZ");
    {
        ctx = zmq_ctx_new ();
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, 1000));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_MSGSZ), 1000);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, 0));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_MSGSZ), 0);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, INT_MAX));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_MSGSZ), INT_MAX);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, 77));
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, -1), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MAX_MSGSZ, INT_MIN), EINVAL);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MAX_MSGSZ), 77);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_MSG_T_SIZE is read-only");
    {
        ctx = zmq_ctx_new ();
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MSG_T_SIZE, 64), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MSG_T_SIZE, 0), EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_MSG_T_SIZE, 128), EINVAL);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_MSG_T_SIZE), 64);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_THREAD_AFFINITY_CPU_ADD / _REMOVE");
    {
        ctx = zmq_ctx_new ();
        /* write-only options */
        CHECK_FAILS (zmq_ctx_get (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD), EINVAL);
        CHECK_FAILS (zmq_ctx_get (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE),
                     EINVAL);
        /* removing a cpu that was never added fails */
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 3),
                     EINVAL);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 3));
        /* adding twice is fine; it is a set */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 3));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 3));
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 3),
                     EINVAL);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 0));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 0));
        /* no upper bound is enforced */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 1024));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, INT_MAX));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1024));
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, INT_MAX));
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, -1),
                     EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, INT_MIN),
                     EINVAL);
        CHECK_FAILS (zmq_ctx_set (ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, -1),
                     EINVAL);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("ZMQ_THREAD_NAME_PREFIX (integer form)");
    {
        ctx = zmq_ctx_new ();
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, 5));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 5);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, 1234567));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 1234567);
        /* any int is accepted, negative ones too */
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, -5));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), -5);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, INT_MIN));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), INT_MIN);
        CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, 0));
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 0);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("boolean options ZMQ_IPV6, ZMQ_BLOCKY, ZMQ_ZERO_COPY_RECV");
    {
        int bools[] = {ZMQ_IPV6, ZMQ_BLOCKY, ZMQ_ZERO_COPY_RECV};
        size_t i;
        ctx = zmq_ctx_new ();
        for (i = 0; i < sizeof bools / sizeof bools[0]; i++) {
            int opt = bools[i];
            printf ("option %d\n", opt);
            CHECK_OK (zmq_ctx_set (ctx, opt, 1));
            CHECK_EQ (zmq_ctx_get (ctx, opt), 1);
            CHECK_OK (zmq_ctx_set (ctx, opt, 0));
            CHECK_EQ (zmq_ctx_get (ctx, opt), 0);
            /* any positive value reads back as 1 */
            CHECK_OK (zmq_ctx_set (ctx, opt, 5));
            CHECK_EQ (zmq_ctx_get (ctx, opt), 1);
            CHECK_OK (zmq_ctx_set (ctx, opt, INT_MAX));
            CHECK_EQ (zmq_ctx_get (ctx, opt), 1);
            /* negative values are rejected and change nothing */
            CHECK_FAILS (zmq_ctx_set (ctx, opt, -1), EINVAL);
            CHECK_EQ (zmq_ctx_get (ctx, opt), 1);
            CHECK_OK (zmq_ctx_set (ctx, opt, 0));
            CHECK_FAILS (zmq_ctx_set (ctx, opt, -7), EINVAL);
            CHECK_EQ (zmq_ctx_get (ctx, opt), 0);
        }
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("unknown option ids");
    {
        int bad[] = {0, 11, 12, 41, 43, 69, 71, 100, 1000, -1, INT_MAX, INT_MIN};
        int known[] = {ZMQ_IO_THREADS,
                       ZMQ_MAX_SOCKETS,
                       ZMQ_SOCKET_LIMIT,
                       ZMQ_THREAD_SCHED_POLICY,
                       ZMQ_MAX_MSGSZ,
                       ZMQ_MSG_T_SIZE,
                       ZMQ_THREAD_NAME_PREFIX,
                       ZMQ_ZERO_COPY_RECV,
                       ZMQ_IPV6,
                       ZMQ_BLOCKY};
        size_t i;
        int opt;
        ctx = zmq_ctx_new ();
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            printf ("option %d\n", bad[i]);
            CHECK_FAILS (zmq_ctx_set (ctx, bad[i], 0), EINVAL);
            CHECK_FAILS (zmq_ctx_set (ctx, bad[i], 1), EINVAL);
            CHECK_FAILS (zmq_ctx_get (ctx, bad[i]), EINVAL);
        }
        /* exactly the known ids are readable in 0..199 */
        for (opt = 0; opt < 200; opt++) {
            int is_known = 0;
            int rc;
            int e;
            for (i = 0; i < sizeof known / sizeof known[0]; i++)
                if (known[i] == opt)
                    is_known = 1;
            errno = 0;
            rc = zmq_ctx_get (ctx, opt);
            e = errno;
            if (!is_known) {
                char what[64];
                snprintf (what, sizeof what, "zmq_ctx_get(ctx, %d) fails", opt);
                tu_check_ret_errno (rc, e, -1, EINVAL, __FILE__, __LINE__,
                                    what);
            } else {
                char what[64];
                snprintf (what, sizeof what, "zmq_ctx_get(ctx, %d) succeeds",
                          opt);
                tu_record (e == 0, __FILE__, __LINE__, what, "errno set");
            }
        }
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("NULL context gives EFAULT");
    {
        CHECK_FAILS (zmq_ctx_term (NULL), EFAULT);
        CHECK_FAILS (zmq_ctx_shutdown (NULL), EFAULT);
        CHECK_FAILS (zmq_ctx_destroy (NULL), EFAULT);
        CHECK_FAILS (zmq_term (NULL), EFAULT);
        CHECK_FAILS (zmq_ctx_set (NULL, ZMQ_IO_THREADS, 1), EFAULT);
        CHECK_FAILS (zmq_ctx_get (NULL, ZMQ_IO_THREADS), EFAULT);
        /* EFAULT wins over an unknown option */
        CHECK_FAILS (zmq_ctx_set (NULL, 1000, 1), EFAULT);
        CHECK_FAILS (zmq_ctx_get (NULL, 1000), EFAULT);
    }

    tu_begin ("memory that is not a context gives EFAULT");
    {
        void *bogus = not_a_context;
        CHECK_FAILS (zmq_ctx_get (bogus, ZMQ_IO_THREADS), EFAULT);
        CHECK_FAILS (zmq_ctx_set (bogus, ZMQ_IO_THREADS, 1), EFAULT);
        CHECK_FAILS (zmq_ctx_shutdown (bogus), EFAULT);
        CHECK_FAILS (zmq_ctx_term (bogus), EFAULT);
        CHECK_FAILS (zmq_ctx_destroy (bogus), EFAULT);
        CHECK_FAILS (zmq_term (bogus), EFAULT);
    }

    tu_begin ("many contexts");
    {
        void *ctxs[64];
        int i;
        int ok = 1;
        for (i = 0; i < 64; i++) {
            ctxs[i] = zmq_ctx_new ();
            if (ctxs[i] == NULL)
                ok = 0;
        }
        CHECK (ok);
        for (i = 0; i < 64; i++)
            if (ctxs[i] && zmq_ctx_term (ctxs[i]) != 0)
                ok = 0;
        CHECK (ok);
    }

    return tu_finish ();
}
