/* zmq_socket_get_peer_state: a ROUTER's known peer can take a message (ZMQ_POLLOUT), not
   once its pipe is at the HWM (0), again once it read; an unknown routing id is
   EHOSTUNREACH, other socket types ENOTSUP. Runs on ours only: Debian's libzmq 4.3.4 is
   built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

static void set_int (void *s, int opt, int value)
{
    zmq_setsockopt (s, opt, &value, sizeof value);
}

int main (void)
{
    void *ctx, *router, *dealer;
    char buf[16];
    int sent = 0, got = 0, timeout = 1000;

    tu_init ();
    ctx = zmq_ctx_new ();
    router = zmq_socket (ctx, ZMQ_ROUTER);
    dealer = zmq_socket (ctx, ZMQ_DEALER);
    set_int (router, ZMQ_ROUTER_MANDATORY, 1);
    set_int (router, ZMQ_SNDHWM, 4);
    set_int (dealer, ZMQ_RCVHWM, 4);
    zmq_setsockopt (router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (dealer, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "peer1", 5);
    CHECK_OK (zmq_bind (router, "inproc://peer-state"));
    CHECK_OK (zmq_connect (dealer, "inproc://peer-state"));

    tu_begin ("a known peer can take a message");
    CHECK_EQ (zmq_send (dealer, "hello", 5, 0), 5);
    CHECK_EQ (zmq_recv (router, buf, sizeof buf, 0), 5);
    CHECK_MEM (buf, "peer1", 5);
    CHECK_EQ (zmq_recv (router, buf, sizeof buf, 0), 5);
    CHECK_EQ (zmq_socket_get_peer_state (router, "peer1", 5), ZMQ_POLLOUT);

    tu_begin ("errors");
    CHECK_FAILS (zmq_socket_get_peer_state (router, "nobody", 6), EHOSTUNREACH);
    CHECK_FAILS (zmq_socket_get_peer_state (router, "", 0), EHOSTUNREACH);
    CHECK_FAILS (zmq_socket_get_peer_state (dealer, "peer1", 5), ENOTSUP);
    CHECK_FAILS (zmq_socket_get_peer_state (NULL, "peer1", 5), ENOTSOCK);
    CHECK_FAILS (zmq_socket_get_peer_state (router, NULL, 5), EFAULT);

    tu_begin ("at the HWM: 0, and ZMQ_POLLOUT again once the peer read");
    for (;;) {
        if (zmq_send (router, "peer1", 5, ZMQ_SNDMORE | ZMQ_DONTWAIT) != 5)
            break;
        if (zmq_send (router, "x", 1, ZMQ_DONTWAIT) != 1)
            break;
        if (++sent > 1000)
            break;
    }
    CHECK_EQ (errno, EAGAIN);
    CHECK (sent >= 4 && sent <= 1000);
    CHECK_EQ (zmq_socket_get_peer_state (router, "peer1", 5), 0);
    while (got < sent && zmq_recv (dealer, buf, sizeof buf, 0) == 1)
        got++;
    CHECK_EQ (got, sent);
    CHECK_EQ (zmq_socket_get_peer_state (router, "peer1", 5), ZMQ_POLLOUT);

    tu_begin ("a peer gone is unknown, once the ROUTER read to the end of its pipe");
    CHECK_OK (zmq_close (dealer));
    {
        int i, rc = 0;
        for (i = 0; i < 200; i++) {
            zmq_pollitem_t none;
            zmq_recv (router, buf, sizeof buf, ZMQ_DONTWAIT);
            rc = zmq_socket_get_peer_state (router, "peer1", 5);
            if (rc == -1)
                break;
            zmq_poll (&none, 0, 5);
        }
        CHECK_EQ (rc, -1);
        CHECK_EQ (errno, EHOSTUNREACH);
    }
    zmq_close (router);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
