/* REQ, REP, DEALER and ROUTER over inproc: the request-reply state machines, envelopes, routing
   ids (generated and chosen), ROUTER_MANDATORY, PROBE_ROUTER, REQ_CORRELATE and REQ_RELAXED. */
#include "testutil.h"

#include <time.h>

static void settle (void)
{
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep (&ts, NULL);
}

static int send_str (void *s, const char *text, int flags)
{
    return zmq_send (s, text, strlen (text), flags);
}

/* Receives one frame into buf (NUL-terminated); returns its size, or -1. */
static int recv_frame (void *s, char *buf, size_t room, int flags)
{
    int n = zmq_recv (s, buf, room - 1, flags);
    if (n >= 0)
        buf[(size_t) n < room - 1 ? (size_t) n : room - 1] = '\0';
    return n;
}

static int more_of (void *s)
{
    int more = 0;
    size_t len = sizeof more;
    zmq_getsockopt (s, ZMQ_RCVMORE, &more, &len);
    return more;
}

int main (void)
{
    void *ctx;
    char buf[64];
    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("REQ to REP: echo and the state machines");
    {
        void *rep = zmq_socket (ctx, ZMQ_REP), *req = zmq_socket (ctx, ZMQ_REQ);
        CHECK_OK (zmq_bind (rep, "inproc://rr1"));
        CHECK_OK (zmq_connect (req, "inproc://rr1"));
        CHECK_FAILS (zmq_recv (req, buf, sizeof buf, 0), EFSM);
        CHECK_FAILS (send_str (rep, "too early", 0), EFSM);
        CHECK_EQ (send_str (req, "ping", 0), 4);
        CHECK_FAILS (send_str (req, "again", 0), EFSM);
        CHECK_EQ (recv_frame (rep, buf, sizeof buf, 0), 4);
        CHECK_STR (buf, "ping");
        CHECK_EQ (more_of (rep), 0);
        CHECK_FAILS (zmq_recv (rep, buf, sizeof buf, ZMQ_DONTWAIT), EFSM);
        CHECK_EQ (send_str (rep, "po", ZMQ_SNDMORE), 2);
        CHECK_EQ (send_str (rep, "ng", 0), 2);
        CHECK_EQ (recv_frame (req, buf, sizeof buf, 0), 2);
        CHECK_STR (buf, "po");
        CHECK_EQ (more_of (req), 1);
        CHECK_EQ (recv_frame (req, buf, sizeof buf, 0), 2);
        CHECK_STR (buf, "ng");
        CHECK_EQ (send_str (req, "second", 0), 6);
        CHECK_EQ (recv_frame (rep, buf, sizeof buf, 0), 6);
        CHECK_EQ (send_str (rep, "done", 0), 4);
        CHECK_EQ (recv_frame (req, buf, sizeof buf, 0), 4);
        CHECK_STR (buf, "done");
        zmq_close (req);
        zmq_close (rep);
    }

    tu_begin ("REQ load-balances over two REPs");
    {
        void *req = zmq_socket (ctx, ZMQ_REQ);
        void *rep1 = zmq_socket (ctx, ZMQ_REP), *rep2 = zmq_socket (ctx, ZMQ_REP);
        int i;
        CHECK_OK (zmq_bind (rep1, "inproc://rr2a"));
        CHECK_OK (zmq_bind (rep2, "inproc://rr2b"));
        CHECK_OK (zmq_connect (req, "inproc://rr2a"));
        CHECK_OK (zmq_connect (req, "inproc://rr2b"));
        for (i = 0; i < 4; i++) {
            void *rep = i % 2 ? rep2 : rep1;
            CHECK_EQ (send_str (req, "job", 0), 3);
            CHECK_EQ (recv_frame (rep, buf, sizeof buf, 0), 3);
            CHECK_EQ (send_str (rep, i % 2 ? "two" : "one", 0), 3);
            CHECK_EQ (recv_frame (req, buf, sizeof buf, 0), 3);
            CHECK_STR (buf, i % 2 ? "two" : "one");
        }
        zmq_close (req);
        zmq_close (rep1);
        zmq_close (rep2);
    }

    tu_begin ("DEALER to ROUTER: generated and chosen routing ids");
    {
        void *router = zmq_socket (ctx, ZMQ_ROUTER);
        void *anon = zmq_socket (ctx, ZMQ_DEALER), *named = zmq_socket (ctx, ZMQ_DEALER);
        char id[32];
        int id_len;
        CHECK_OK (zmq_setsockopt (named, ZMQ_ROUTING_ID, "named", 5));
        CHECK_OK (zmq_bind (router, "inproc://rr3"));
        CHECK_OK (zmq_connect (anon, "inproc://rr3"));
        CHECK_OK (zmq_connect (named, "inproc://rr3"));
        CHECK_EQ (send_str (anon, "from anon", 0), 9);
        id_len = zmq_recv (router, id, sizeof id, 0);
        CHECK_EQ (id_len, 5);
        CHECK_EQ (id[0], 0);
        CHECK_EQ (more_of (router), 1);
        CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 9);
        CHECK_STR (buf, "from anon");
        CHECK_EQ (more_of (router), 0);
        /* The reply goes back by that id. */
        CHECK_EQ (zmq_send (router, id, (size_t) id_len, ZMQ_SNDMORE), id_len);
        CHECK_EQ (send_str (router, "to anon", 0), 7);
        CHECK_EQ (recv_frame (anon, buf, sizeof buf, 0), 7);
        CHECK_STR (buf, "to anon");

        CHECK_EQ (send_str (named, "from named", 0), 10);
        CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 5);
        CHECK_STR (buf, "named");
        CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 10);
        CHECK_EQ (send_str (router, "named", ZMQ_SNDMORE), 5);
        CHECK_EQ (send_str (router, "hi", 0), 2);
        CHECK_EQ (recv_frame (named, buf, sizeof buf, 0), 2);
        CHECK_STR (buf, "hi");

        /* Unknown ids: dropped, or EHOSTUNREACH with ROUTER_MANDATORY. */
        CHECK_EQ (send_str (router, "nobody", ZMQ_SNDMORE), 6);
        CHECK_EQ (send_str (router, "lost", 0), 4);
        {
            int one = 1;
            CHECK_OK (zmq_setsockopt (router, ZMQ_ROUTER_MANDATORY, &one, sizeof one));
        }
        CHECK_FAILS (send_str (router, "nobody", ZMQ_SNDMORE), EHOSTUNREACH);
        CHECK_EQ (send_str (router, "named", ZMQ_SNDMORE), 5);
        CHECK_EQ (send_str (router, "ok", 0), 2);
        CHECK_EQ (recv_frame (named, buf, sizeof buf, 0), 2);
        CHECK_STR (buf, "ok");
        CHECK_FAILS (zmq_recv (named, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
        zmq_close (router);
        zmq_close (anon);
        zmq_close (named);
    }

    tu_begin ("REP behind a DEALER keeps the envelope");
    {
        void *rep = zmq_socket (ctx, ZMQ_REP), *dealer = zmq_socket (ctx, ZMQ_DEALER);
        CHECK_OK (zmq_bind (rep, "inproc://rr4"));
        CHECK_OK (zmq_connect (dealer, "inproc://rr4"));
        CHECK_EQ (send_str (dealer, "hop", ZMQ_SNDMORE), 3);
        CHECK_EQ (zmq_send (dealer, "", 0, ZMQ_SNDMORE), 0);
        CHECK_EQ (send_str (dealer, "request", 0), 7);
        CHECK_EQ (recv_frame (rep, buf, sizeof buf, 0), 7);
        CHECK_STR (buf, "request");
        CHECK_EQ (send_str (rep, "reply", 0), 5);
        CHECK_EQ (recv_frame (dealer, buf, sizeof buf, 0), 3);
        CHECK_STR (buf, "hop");
        CHECK_EQ (recv_frame (dealer, buf, sizeof buf, 0), 0);
        CHECK_EQ (recv_frame (dealer, buf, sizeof buf, 0), 5);
        CHECK_STR (buf, "reply");
        CHECK_EQ (more_of (dealer), 0);
        zmq_close (rep);
        zmq_close (dealer);
    }

    tu_begin ("REQ_CORRELATE with REQ_RELAXED: only the latest request's reply");
    {
        void *router = zmq_socket (ctx, ZMQ_ROUTER), *req = zmq_socket (ctx, ZMQ_REQ);
        int one = 1, i;
        char id[32], reqid[2][8];
        int id_len = 0, reqid_len[2] = {0, 0};
        CHECK_OK (zmq_setsockopt (req, ZMQ_REQ_CORRELATE, &one, sizeof one));
        CHECK_OK (zmq_setsockopt (req, ZMQ_REQ_RELAXED, &one, sizeof one));
        CHECK_OK (zmq_bind (router, "inproc://rr5"));
        CHECK_OK (zmq_connect (req, "inproc://rr5"));
        CHECK_EQ (send_str (req, "r1", 0), 2);
        CHECK_EQ (send_str (req, "r2", 0), 2);
        for (i = 0; i < 2; i++) {
            id_len = zmq_recv (router, id, sizeof id, 0);
            reqid_len[i] = zmq_recv (router, reqid[i], sizeof reqid[i], 0);
            CHECK_EQ (reqid_len[i], 4);
            CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 0);
            CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 2);
            CHECK_STR (buf, i ? "r2" : "r1");
        }
        for (i = 0; i < 2; i++) {
            zmq_send (router, id, (size_t) id_len, ZMQ_SNDMORE);
            zmq_send (router, reqid[i], (size_t) reqid_len[i], ZMQ_SNDMORE);
            zmq_send (router, "", 0, ZMQ_SNDMORE);
            send_str (router, i ? "new" : "old", 0);
        }
        CHECK_EQ (recv_frame (req, buf, sizeof buf, 0), 3);
        CHECK_STR (buf, "new");
        zmq_close (router);
        zmq_close (req);
    }

    tu_begin ("PROBE_ROUTER announces a new DEALER with an empty message");
    {
        void *router = zmq_socket (ctx, ZMQ_ROUTER), *dealer = zmq_socket (ctx, ZMQ_DEALER);
        int one = 1;
        CHECK_OK (zmq_setsockopt (dealer, ZMQ_PROBE_ROUTER, &one, sizeof one));
        CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "probe", 5));
        CHECK_OK (zmq_bind (router, "inproc://rr6"));
        CHECK_OK (zmq_connect (dealer, "inproc://rr6"));
        settle ();
        CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 5);
        CHECK_STR (buf, "probe");
        CHECK_EQ (recv_frame (router, buf, sizeof buf, 0), 0);
        CHECK_EQ (more_of (router), 0);
        zmq_close (router);
        zmq_close (dealer);
    }

    tu_begin ("a ROUTER connecting to a bound ROUTER, and connect before bind");
    {
        void *server = zmq_socket (ctx, ZMQ_ROUTER), *client = zmq_socket (ctx, ZMQ_ROUTER);
        CHECK_OK (zmq_setsockopt (server, ZMQ_ROUTING_ID, "server", 6));
        CHECK_OK (zmq_setsockopt (client, ZMQ_ROUTING_ID, "client", 6));
        CHECK_OK (zmq_connect (client, "inproc://rr7"));
        CHECK_OK (zmq_bind (server, "inproc://rr7"));
        settle ();
        CHECK_EQ (send_str (client, "server", ZMQ_SNDMORE), 6);
        CHECK_EQ (send_str (client, "hello", 0), 5);
        CHECK_EQ (recv_frame (server, buf, sizeof buf, 0), 6);
        CHECK_STR (buf, "client");
        CHECK_EQ (recv_frame (server, buf, sizeof buf, 0), 5);
        CHECK_STR (buf, "hello");
        zmq_close (server);
        zmq_close (client);
    }

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
