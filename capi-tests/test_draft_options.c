/* The draft socket options at work, as libzmq 4.3.5 has them: ZMQ_HELLO_MSG (sent first to
   every new peer, both ways, tcp and inproc), ZMQ_DISCONNECT_MSG (read by the binding side
   when a peer goes), ZMQ_HICCUP_MSG (read by the connecting side when its connection drops),
   ZMQ_ROUTER_NOTIFY, ZMQ_TOPICS_COUNT, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, the batch sizes,
   ZMQ_BUSY_POLL and ZMQ_PRIORITY; and zmq_has ("draft"). Runs on ours only: Debian's libzmq
   4.3.4 is built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "procutil.h"

/* The next message of a ROUTER as "id-length:body" (the routing id's length, as ids are
   binary), or "(EAGAIN)". */
static const char *router_recv (void *router, int ms, char *out, size_t size)
{
    char id[256], body[256];
    int idn, n;
    set_int (router, ZMQ_RCVTIMEO, budget (ms));
    idn = zmq_recv (router, id, sizeof id, 0);
    if (idn < 0) {
        snprintf (out, size, "(EAGAIN)");
        return out;
    }
    n = zmq_recv (router, body, sizeof body - 1, 0);
    body[n > 0 ? n : 0] = '\0';
    snprintf (out, size, "%d:%s", idn, body);
    return out;
}

static void test_messages (void *ctx, const char *ep_spec)
{
    void *router = quick_socket (ctx, ZMQ_ROUTER, 1000, 50);
    void *dealer = quick_socket (ctx, ZMQ_DEALER, 1000, 50);
    char ep[EP_LEN], buf[300];

    set_int (dealer, ZMQ_ROUTING_ID, 0);
    zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "dd", 2);
    CHECK_OK (zmq_setsockopt (router, ZMQ_HELLO_MSG, "RH", 2));
    CHECK_OK (zmq_setsockopt (router, ZMQ_DISCONNECT_MSG, "BYE", 3));
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, "DH", 2));
    CHECK_OK (zmq_bind (router, ep_spec));
    last_ep (router, ep);
    CHECK_OK (zmq_connect (dealer, ep));

    /* Each side's hello comes first. */
    CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "2:DH");
    CHECK_STR (recv_text (dealer, 3000, buf, sizeof buf), "RH");
    CHECK_EQ (send_str (dealer, "data", 0), 4);
    CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "2:data");

    /* The peer goes: the ROUTER reads its disconnect message, after what the peer sent. */
    CHECK_EQ (send_str (dealer, "last", 0), 4);
    if (strncmp (ep_spec, "inproc", 6) != 0)
        sleep_ms (100);
    zmq_close (dealer);
    CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "2:last");
    CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "2:BYE");
    CHECK_STR (router_recv (router, 100, buf, sizeof buf), "(EAGAIN)");
    zmq_close (router);
}

int main (void)
{
    void *ctx;
    char ep[EP_LEN], buf[300];
    int value;
    size_t len;

    tu_init ();
    signal (SIGALRM, on_watchdog);
    watchdog_in (120);
    run_budget (100000);
    section_budget (100000);
    ctx = zmq_ctx_new ();

    tu_begin ("zmq_has (\"draft\")");
    CHECK_EQ (zmq_has ("draft"), 1);

    tu_begin ("ZMQ_HELLO_MSG and ZMQ_DISCONNECT_MSG over tcp");
    test_messages (ctx, "tcp://127.0.0.1:*");
    tu_begin ("ZMQ_HELLO_MSG and ZMQ_DISCONNECT_MSG over ipc");
    test_messages (ctx, "ipc://*");
    tu_begin ("ZMQ_HELLO_MSG and ZMQ_DISCONNECT_MSG over inproc");
    test_messages (ctx, "inproc://draft-options");

    tu_begin ("ZMQ_HICCUP_MSG: the connecting side hears of a dropped connection");
    {
        void *router = quick_socket (ctx, ZMQ_ROUTER, 1000, 50);
        void *dealer = quick_socket (ctx, ZMQ_DEALER, 1000, 50);
        CHECK_OK (zmq_setsockopt (dealer, ZMQ_HICCUP_MSG, "HICCUP", 6));
        CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
        last_ep (router, ep);
        CHECK_OK (zmq_connect (dealer, ep));
        CHECK_EQ (send_str (dealer, "hi", 0), 2);
        CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "5:hi");
        zmq_close (router);
        CHECK_STR (recv_text (dealer, 3000, buf, sizeof buf), "HICCUP");
        /* It comes back: the DEALER reconnects and goes on. */
        router = quick_socket (ctx, ZMQ_ROUTER, 1000, 50);
        CHECK_OK (zmq_bind (router, ep));
        CHECK_EQ (send_str (dealer, "again", 0), 5);
        CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "5:again");
        zmq_close (dealer);
        zmq_close (router);
    }

    tu_begin ("ZMQ_ROUTER_NOTIFY: an empty message from each peer that comes and goes");
    {
        void *router = quick_socket (ctx, ZMQ_ROUTER, 1000, 50);
        void *dealer = quick_socket (ctx, ZMQ_DEALER, 1000, 50);
        CHECK_FAILS (zmq_setsockopt (router, ZMQ_ROUTER_NOTIFY, (value = 4, &value), sizeof value),
                     EINVAL);
        CHECK_FAILS (zmq_setsockopt (dealer, ZMQ_ROUTER_NOTIFY, (value = 1, &value), sizeof value),
                     EINVAL);
        value = ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT;
        CHECK_OK (zmq_setsockopt (router, ZMQ_ROUTER_NOTIFY, &value, sizeof value));
        value = -1;
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (router, ZMQ_ROUTER_NOTIFY, &value, &len));
        CHECK_EQ (value, 3);
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (dealer, ZMQ_ROUTER_NOTIFY, &value, &len));
        CHECK_EQ (value, 0);
        zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "peer", 4);
        CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
        last_ep (router, ep);
        CHECK_OK (zmq_connect (dealer, ep));
        CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "4:");
        zmq_close (dealer);
        CHECK_STR (router_recv (router, 3000, buf, sizeof buf), "4:");
        zmq_close (router);
    }

    tu_begin ("ZMQ_TOPICS_COUNT on SUB and XPUB");
    {
        void *xpub = quick_socket (ctx, ZMQ_XPUB, 1000, 50);
        void *sub = quick_socket (ctx, ZMQ_SUB, 1000, 50);
        void *pair = quick_socket (ctx, ZMQ_PAIR, 1000, 50);
        int i, count = -1;
        CHECK_OK (zmq_bind (xpub, "inproc://topics"));
        CHECK_OK (zmq_connect (sub, "inproc://topics"));
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1);
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "ab", 2);
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "abc", 3);
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1);
        len = sizeof count;
        CHECK_OK (zmq_getsockopt (sub, ZMQ_TOPICS_COUNT, &count, &len));
        CHECK_EQ (count, 4);
        /* The XPUB counts distinct prefixes, once it read them. */
        for (i = 0; i < 3; i++)
            CHECK_EQ (zmq_recv (xpub, buf, sizeof buf, 0) > 0, 1);
        len = sizeof count;
        CHECK_OK (zmq_getsockopt (xpub, ZMQ_TOPICS_COUNT, &count, &len));
        CHECK_EQ (count, 3);
        zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "abc", 3);
        zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "zzz", 3);
        len = sizeof count;
        zmq_getsockopt (sub, ZMQ_TOPICS_COUNT, &count, &len);
        CHECK_EQ (count, 3);
        CHECK_EQ (zmq_recv (xpub, buf, sizeof buf, 0), 4);
        len = sizeof count;
        zmq_getsockopt (xpub, ZMQ_TOPICS_COUNT, &count, &len);
        CHECK_EQ (count, 2);
        len = sizeof count;
        CHECK_FAILS (zmq_getsockopt (pair, ZMQ_TOPICS_COUNT, &count, &len), EINVAL);
        zmq_close (pair);
        zmq_close (sub);
        zmq_close (xpub);
    }

    tu_begin ("ZMQ_XSUB_VERBOSE_UNSUBSCRIBE: every unsubscription goes upstream");
    {
        int verbose;
        for (verbose = 0; verbose <= 1; verbose++) {
            void *xpub = quick_socket (ctx, ZMQ_XPUB, 1000, 50);
            void *xsub = quick_socket (ctx, ZMQ_XSUB, 1000, 50);
            set_int (xpub, ZMQ_XPUB_VERBOSER, 1);
            CHECK_OK (zmq_setsockopt (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &verbose,
                                      sizeof verbose));
            CHECK_OK (zmq_bind (xpub, "inproc://verbose-unsub"));
            CHECK_OK (zmq_connect (xsub, "inproc://verbose-unsub"));
            CHECK_EQ (zmq_send (xsub, "\1a", 2, 0), 2);
            CHECK_EQ (zmq_send (xsub, "\1a", 2, 0), 2);
            CHECK_EQ (zmq_send (xsub, "\0a", 2, 0), 2);
            CHECK_EQ (zmq_recv (xpub, buf, sizeof buf, 0), 2);
            CHECK_EQ (zmq_recv (xpub, buf, sizeof buf, 0), 2);
            set_int (xpub, ZMQ_RCVTIMEO, 100);
            if (verbose) {
                CHECK_EQ (zmq_recv (xpub, buf, sizeof buf, 0), 2);
                CHECK_MEM (buf, "\0a", 2);
            } else {
                CHECK_FAILS (zmq_recv (xpub, buf, sizeof buf, 0), EAGAIN);
            }
            zmq_close (xsub);
            zmq_close (xpub);
        }
        {
            void *sub = zmq_socket (ctx, ZMQ_SUB);
            value = 1;
            CHECK_FAILS (
              zmq_setsockopt (sub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, &value, sizeof value), EINVAL);
            zmq_close (sub);
        }
    }

    tu_begin ("ZMQ_IN_BATCH_SIZE and ZMQ_OUT_BATCH_SIZE: bytes per read and per write");
    {
        void *push = quick_socket (ctx, ZMQ_PUSH, 1000, 50);
        void *pull = quick_socket (ctx, ZMQ_PULL, 1000, 50);
        char big[3000];
        int i, ok = 1;
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (push, ZMQ_IN_BATCH_SIZE, &value, &len));
        CHECK_EQ (value, 8192);
        CHECK_FAILS (zmq_setsockopt (push, ZMQ_OUT_BATCH_SIZE, (value = 0, &value), sizeof value),
                     EINVAL);
        set_int (push, ZMQ_OUT_BATCH_SIZE, 7);
        set_int (pull, ZMQ_IN_BATCH_SIZE, 1);
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (pull, ZMQ_IN_BATCH_SIZE, &value, &len));
        CHECK_EQ (value, 1);
        CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
        last_ep (pull, ep);
        CHECK_OK (zmq_connect (push, ep));
        memset (big, 'b', sizeof big);
        for (i = 0; i < 20; i++)
            CHECK_EQ (zmq_send (push, big, (size_t) (i * 150), 0), i * 150);
        set_int (pull, ZMQ_RCVTIMEO, 3000);
        for (i = 0; i < 20; i++) {
            char got[3000];
            if (zmq_recv (pull, got, sizeof got, 0) != i * 150
                || memcmp (got, big, (size_t) (i * 150)) != 0)
                ok = 0;
        }
        CHECK (ok);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("ZMQ_BUSY_POLL and ZMQ_PRIORITY");
    {
        void *s = zmq_socket (ctx, ZMQ_DEALER);
        CHECK_OK (zmq_setsockopt (s, ZMQ_BUSY_POLL, (value = 50, &value), sizeof value));
        /* As in libzmq 4.3.5, write-only. */
        len = sizeof value;
        CHECK_FAILS (zmq_getsockopt (s, ZMQ_BUSY_POLL, &value, &len), EINVAL);
        CHECK_OK (zmq_setsockopt (s, ZMQ_PRIORITY, (value = 2, &value), sizeof value));
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (s, ZMQ_PRIORITY, &value, &len));
        CHECK_EQ (value, 2);
        CHECK_OK (zmq_connect (s, "tcp://127.0.0.1:1"));
        zmq_close (s);
    }
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
