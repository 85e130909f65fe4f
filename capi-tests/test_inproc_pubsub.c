/* PUB, SUB, XPUB and XSUB over inproc: prefix filtering, subscription messages, verbose modes,
   inverted matching, multipart messages, welcome messages and unsubscription on disconnect. */
#include "testutil.h"

#include <time.h>

static void settle (void)
{
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep (&ts, NULL);
}

static int send_str (void *s, const char *text, int flags)
{
    return zmq_send (s, text, strlen (text), flags);
}

/* The next frame as a string ("" on failure, "EAGAIN" when nothing is there). */
static const char *recv_str (void *s)
{
    static char buf[256];
    int n = zmq_recv (s, buf, sizeof buf - 1, ZMQ_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN ? "EAGAIN" : "";
    buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = '\0';
    return buf;
}

static void *socket_at (void *ctx, int type, const char *endpoint, int bind)
{
    void *s = zmq_socket (ctx, type);
    if (bind)
        zmq_bind (s, endpoint);
    else
        zmq_connect (s, endpoint);
    return s;
}

int main (void)
{
    void *ctx;
    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("PUB to SUB: prefix filter, empty prefix, unsubscribe");
    {
        void *pub = socket_at (ctx, ZMQ_PUB, "inproc://ps1", 1);
        void *sub = socket_at (ctx, ZMQ_SUB, "inproc://ps1", 0);
        void *all = socket_at (ctx, ZMQ_SUB, "inproc://ps1", 0);
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1));
        CHECK_OK (zmq_setsockopt (all, ZMQ_SUBSCRIBE, "", 0));
        settle ();
        send_str (pub, "A1", 0);
        send_str (pub, "B1", 0);
        send_str (pub, "AB", 0);
        settle ();
        CHECK_STR (recv_str (sub), "A1");
        CHECK_STR (recv_str (sub), "AB");
        CHECK_STR (recv_str (sub), "EAGAIN");
        CHECK_STR (recv_str (all), "A1");
        CHECK_STR (recv_str (all), "B1");
        CHECK_STR (recv_str (all), "AB");
        CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "A", 1));
        settle ();
        send_str (pub, "A2", 0);
        settle ();
        CHECK_STR (recv_str (sub), "EAGAIN");
        CHECK_STR (recv_str (all), "A2");
        CHECK_FAILS (zmq_recv (pub, NULL, 0, ZMQ_DONTWAIT), ENOTSUP);
        CHECK_FAILS (zmq_send (sub, "x", 1, 0), ENOTSUP);
        zmq_close (pub);
        zmq_close (sub);
        zmq_close (all);
    }

    tu_begin ("only the first frame is matched; later frames follow");
    {
        void *pub = socket_at (ctx, ZMQ_PUB, "inproc://ps2", 1);
        void *sub = socket_at (ctx, ZMQ_SUB, "inproc://ps2", 0);
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "key", 3));
        settle ();
        send_str (pub, "other", ZMQ_SNDMORE);
        send_str (pub, "key-in-second-frame", 0);
        send_str (pub, "key", ZMQ_SNDMORE);
        send_str (pub, "payload", 0);
        settle ();
        CHECK_STR (recv_str (sub), "key");
        CHECK_STR (recv_str (sub), "payload");
        CHECK_STR (recv_str (sub), "EAGAIN");
        zmq_close (pub);
        zmq_close (sub);
    }

    tu_begin ("subscribing before connecting, and a publisher bound later");
    {
        void *sub = zmq_socket (ctx, ZMQ_SUB);
        void *pub;
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "early", 5));
        CHECK_OK (zmq_connect (sub, "inproc://ps3"));
        pub = socket_at (ctx, ZMQ_PUB, "inproc://ps3", 1);
        settle ();
        send_str (pub, "early bird", 0);
        settle ();
        CHECK_STR (recv_str (sub), "early bird");
        zmq_close (pub);
        zmq_close (sub);
    }

    tu_begin ("XPUB sees subscriptions: first only, or all when verbose");
    {
        void *xpub = socket_at (ctx, ZMQ_XPUB, "inproc://ps4", 1);
        void *s1 = socket_at (ctx, ZMQ_SUB, "inproc://ps4", 0);
        void *s2 = socket_at (ctx, ZMQ_SUB, "inproc://ps4", 0);
        int one = 1;
        CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "t", 1));
        settle ();
        CHECK_STR (recv_str (xpub), "\001t");
        CHECK_OK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "t", 1));
        settle ();
        CHECK_STR (recv_str (xpub), "EAGAIN");
        CHECK_OK (zmq_setsockopt (xpub, ZMQ_XPUB_VERBOSE, &one, sizeof one));
        CHECK_OK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "t", 1));
        settle ();
        CHECK_STR (recv_str (xpub), "\001t");
        /* A subscriber leaving while others keep the topic is no unsubscription. (When the
           last one leaves, libzmq reports it only once it next reads that pipe: not tested.) */
        zmq_close (s1);
        settle ();
        CHECK_STR (recv_str (xpub), "EAGAIN");
        zmq_close (s2);
        zmq_close (xpub);
    }

    tu_begin ("XSUB sends subscription messages and filters what it receives");
    {
        void *xpub = socket_at (ctx, ZMQ_XPUB, "inproc://ps5", 1);
        void *xsub = socket_at (ctx, ZMQ_XSUB, "inproc://ps5", 0);
        CHECK_EQ (zmq_send (xsub, "\001news", 5, 0), 5);
        settle ();
        CHECK_STR (recv_str (xpub), "\001news");
        send_str (xpub, "news: ok", 0);
        send_str (xpub, "sport", 0);
        settle ();
        CHECK_STR (recv_str (xsub), "news: ok");
        CHECK_STR (recv_str (xsub), "EAGAIN");
        /* Anything else an XSUB sends goes upstream as it is. */
        CHECK_EQ (send_str (xsub, "hello upstream", 0), 14);
        settle ();
        CHECK_STR (recv_str (xpub), "hello upstream");
        zmq_close (xpub);
        zmq_close (xsub);
    }

    tu_begin ("inverted matching and the welcome message");
    {
        void *pub = zmq_socket (ctx, ZMQ_XPUB);
        void *sub = zmq_socket (ctx, ZMQ_SUB);
        int one = 1;
        CHECK_OK (zmq_setsockopt (pub, ZMQ_XPUB_WELCOME_MSG, "Whello", 6));
        CHECK_OK (zmq_setsockopt (pub, ZMQ_INVERT_MATCHING, &one, sizeof one));
        CHECK_OK (zmq_setsockopt (sub, ZMQ_INVERT_MATCHING, &one, sizeof one));
        CHECK_OK (zmq_bind (pub, "inproc://ps6"));
        CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "skip", 4));
        CHECK_OK (zmq_connect (sub, "inproc://ps6"));
        {
            /* Let the publisher process the new connection (and send its welcome). */
            int events;
            size_t len = sizeof events;
            settle ();
            CHECK_OK (zmq_getsockopt (pub, ZMQ_EVENTS, &events, &len));
        }
        settle ();
        CHECK_STR (recv_str (sub), "Whello");
        send_str (pub, "skip me", 0);
        send_str (pub, "keep me", 0);
        settle ();
        CHECK_STR (recv_str (sub), "keep me");
        CHECK_STR (recv_str (sub), "EAGAIN");
        zmq_close (pub);
        zmq_close (sub);
    }

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
