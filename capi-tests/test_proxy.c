/* zmq_proxy_steerable (forwarding, capture, PAUSE/RESUME, STATISTICS, TERMINATE) and zmq_proxy
   ending with ETERM when its context is shut down. */
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

struct proxy_args
{
    void *frontend, *backend, *capture, *control;
    int rc, err;
};

static void *run_proxy (void *arg)
{
    struct proxy_args *p = (struct proxy_args *) arg;
    if (p->control)
        p->rc = zmq_proxy_steerable (p->frontend, p->backend, p->capture, p->control);
    else
        p->rc = zmq_proxy (p->frontend, p->backend, p->capture);
    p->err = errno;
    return NULL;
}

static void settle (void)
{
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep (&ts, NULL);
}

static int recv_is (void *s, const char *want, int flags)
{
    char buf[64];
    int n = zmq_recv (s, buf, sizeof buf - 1, flags);
    if (n < 0)
        return 0;
    buf[n] = '\0';
    return strcmp (buf, want) == 0;
}

int main (void)
{
    void *ctx;
    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("steerable proxy: forwarding, capture, pause, statistics, terminate");
    {
        void *in = zmq_socket (ctx, ZMQ_PUSH), *out = zmq_socket (ctx, ZMQ_PULL);
        void *cap = zmq_socket (ctx, ZMQ_PULL), *ctl = zmq_socket (ctx, ZMQ_PAIR);
        struct proxy_args p;
        pthread_t t;
        uint64_t stats[8];
        int i, more;
        size_t len = sizeof more;
        p.frontend = zmq_socket (ctx, ZMQ_PULL);
        p.backend = zmq_socket (ctx, ZMQ_PUSH);
        p.capture = zmq_socket (ctx, ZMQ_PUSH);
        p.control = zmq_socket (ctx, ZMQ_PAIR);
        CHECK_OK (zmq_bind (p.frontend, "inproc://front"));
        CHECK_OK (zmq_bind (p.backend, "inproc://back"));
        CHECK_OK (zmq_bind (p.capture, "inproc://capture"));
        CHECK_OK (zmq_bind (p.control, "inproc://control"));
        CHECK_OK (zmq_connect (in, "inproc://front"));
        CHECK_OK (zmq_connect (out, "inproc://back"));
        CHECK_OK (zmq_connect (cap, "inproc://capture"));
        CHECK_OK (zmq_connect (ctl, "inproc://control"));
        pthread_create (&t, NULL, run_proxy, &p);

        CHECK_EQ (zmq_send (in, "head", 4, ZMQ_SNDMORE), 4);
        CHECK_EQ (zmq_send (in, "body", 4, 0), 4);
        CHECK (recv_is (out, "head", 0));
        CHECK_OK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &len));
        CHECK_EQ (more, 1);
        CHECK (recv_is (out, "body", 0));
        CHECK (recv_is (cap, "head", 0));
        CHECK (recv_is (cap, "body", 0));

        CHECK_EQ (zmq_send (ctl, "PAUSE", 5, 0), 5);
        settle ();
        CHECK_EQ (zmq_send (in, "held", 4, 0), 4);
        settle ();
        CHECK_FAILS (zmq_recv (out, NULL, 0, ZMQ_DONTWAIT), EAGAIN);
        CHECK_EQ (zmq_send (ctl, "RESUME", 6, 0), 6);
        CHECK (recv_is (out, "held", 0));
        /* Commands on the control socket are captured too. */
        CHECK (recv_is (cap, "PAUSE", 0));
        CHECK (recv_is (cap, "RESUME", 0));
        CHECK (recv_is (cap, "held", 0));

        CHECK_EQ (zmq_send (ctl, "STATISTICS", 10, 0), 10);
        for (i = 0; i < 8; i++) {
            CHECK_EQ (zmq_recv (ctl, &stats[i], sizeof stats[i], 0), 8);
            CHECK_OK (zmq_getsockopt (ctl, ZMQ_RCVMORE, &more, &len));
            CHECK_EQ (more, i < 7);
        }
        /* Frontend: 2 messages (12 bytes) in; backend: 2 messages out. */
        CHECK_EQ (stats[0], 2);
        CHECK_EQ (stats[1], 12);
        CHECK_EQ (stats[7], 12);
        CHECK_EQ (stats[6], 2);

        CHECK_EQ (zmq_send (ctl, "TERMINATE", 9, 0), 9);
        pthread_join (t, NULL);
        CHECK_EQ (p.rc, 0);
        zmq_close (p.frontend);
        zmq_close (p.backend);
        zmq_close (p.capture);
        zmq_close (p.control);
        zmq_close (in);
        zmq_close (out);
        zmq_close (cap);
        zmq_close (ctl);
    }
    CHECK_OK (zmq_ctx_term (ctx));

    tu_begin ("zmq_proxy ends with ETERM when the context shuts down");
    {
        void *c = zmq_ctx_new ();
        struct proxy_args p;
        pthread_t t;
        p.frontend = zmq_socket (c, ZMQ_ROUTER);
        p.backend = zmq_socket (c, ZMQ_DEALER);
        p.capture = NULL;
        p.control = NULL;
        CHECK_OK (zmq_bind (p.frontend, "inproc://router"));
        CHECK_OK (zmq_bind (p.backend, "inproc://dealer"));
        pthread_create (&t, NULL, run_proxy, &p);
        settle ();
        CHECK_OK (zmq_ctx_shutdown (c));
        pthread_join (t, NULL);
        CHECK_EQ (p.rc, -1);
        CHECK_EQ (p.err, ETERM);
        zmq_close (p.frontend);
        zmq_close (p.backend);
        CHECK_OK (zmq_ctx_term (c));
    }
    return tu_finish ();
}
