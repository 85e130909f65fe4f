/* What a message tells of its peer (zmq_msg_gets properties, ZMQ_SRCFD), and peers that send
   garbage: each bad connection is dropped with a monitor event while the socket carries on. */
#include "testutil.h"
#include "netutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

/* The next monitor event (its number), skipping none; -1 when none comes within 2 s. */
static int next_event (void *mon, uint32_t *value)
{
    zmq_msg_t m;
    uint16_t event;
    int rc;
    zmq_msg_init (&m);
    rc = zmq_msg_recv (&m, mon, 0);
    if (rc < 6) {
        zmq_msg_close (&m);
        return -1;
    }
    memcpy (&event, zmq_msg_data (&m), 2);
    if (value)
        memcpy (value, (char *) zmq_msg_data (&m) + 2, 4);
    zmq_msg_recv (&m, mon, 0);
    zmq_msg_close (&m);
    return event;
}

/* Waits for `want`, skipping other events; 1 when it came. */
static int expect_event (void *mon, int want, uint32_t *value)
{
    int event;
    while ((event = next_event (mon, value)) != -1)
        if (event == want)
            return 1;
    return 0;
}

/* Whether the peer of `fd` closed the connection within 2 s (reading and dropping data). */
static int closed_by_peer (int fd)
{
    char buf[512];
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    while (1) {
        p.revents = 0;
        if (poll (&p, 1, 2000) <= 0)
            return 0;
        if (read (fd, buf, sizeof buf) <= 0)
            return 1;
    }
}

/* Whether one message gets from a PUSH to a PULL bound on `transport` with the given accept
   filters (a tcp address filter and/or an ipc user id filter; NULL and -1 for none). */
static int admitted (void *ctx, const char *transport, const char *tcp_filter, int uid_filter)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL), *push = zmq_socket (ctx, ZMQ_PUSH);
    int timeout = 500, zero = 0, rc;
    char ep[128], buf[4];
    size_t len = sizeof ep;
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (push, ZMQ_LINGER, &zero, sizeof zero);
    if (tcp_filter)
        zmq_setsockopt (pull, ZMQ_TCP_ACCEPT_FILTER, tcp_filter, strlen (tcp_filter));
    if (uid_filter >= 0)
        zmq_setsockopt (pull, ZMQ_IPC_FILTER_UID, &uid_filter, sizeof uid_filter);
    zmq_bind (pull, transport);
    zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
    zmq_connect (push, ep);
    zmq_send (push, "x", 1, 0);
    rc = zmq_recv (pull, buf, sizeof buf, 0);
    zmq_close (push);
    zmq_close (pull);
    return rc == 1;
}

int main (void)
{
    void *ctx, *pull, *push, *mon, *router, *dealer, *dealer2;
    char ep[64];
    int port, fd, timeout = 2000;
    zmq_msg_t msg;

    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("zmq_msg_gets over tcp: Socket-Type, Identity, Peer-Address; ZMQ_SRCFD");
    router = zmq_socket (ctx, ZMQ_ROUTER);
    dealer = zmq_socket (ctx, ZMQ_DEALER);
    zmq_setsockopt (router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "dealer-1", 8));
    CHECK_OK (zmq_bind (router, "tcp://127.0.0.1:*"));
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port_of (router));
    CHECK_OK (zmq_connect (dealer, ep));
    CHECK_EQ (zmq_send (dealer, "hi", 2, 0), 2);
    zmq_msg_init (&msg);
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 8);
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-1");
    CHECK_STR (zmq_msg_gets (&msg, "Peer-Address"), "127.0.0.1");
    CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "No-Such-Property"), EINVAL);
    CHECK (zmq_msg_get (&msg, ZMQ_SRCFD) >= 0);
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 2);
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
    CHECK (zmq_msg_get (&msg, ZMQ_SRCFD) >= 0);

    tu_begin ("each message keeps its own connection's properties, into a reused zmq_msg_t");
    dealer2 = zmq_socket (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (dealer2, ZMQ_ROUTING_ID, "dealer-2", 8));
    CHECK_OK (zmq_connect (dealer2, ep));
    CHECK_EQ (zmq_send (dealer2, "yo", 2, 0), 2);
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 8);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-2");
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 2);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-2");
    CHECK_EQ (zmq_send (dealer, "hi", 2, 0), 2);
    CHECK_EQ (zmq_recv (router, ep, sizeof ep, 0), 8);
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 2);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-1");
    CHECK_EQ (zmq_send (dealer2, "yo", 2, 0), 2);
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 8);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-2");
    CHECK_EQ (zmq_msg_recv (&msg, router, 0), 2);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "dealer-2");
    /* A receive that fails leaves a message that still answers zmq_msg_gets or is empty. */
    CHECK_EQ (zmq_msg_recv (&msg, router, ZMQ_DONTWAIT), -1);
    CHECK (zmq_msg_size (&msg) == 0 || zmq_msg_gets (&msg, "Identity") != NULL);
    zmq_msg_close (&msg);
    zmq_close (dealer2);
    zmq_close (dealer);
    zmq_close (router);

    tu_begin ("over inproc there is no peer address and no descriptor");
    pull = zmq_socket (ctx, ZMQ_PULL);
    push = zmq_socket (ctx, ZMQ_PUSH);
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_bind (pull, "inproc://peer-meta");
    zmq_connect (push, "inproc://peer-meta");
    zmq_send (push, "x", 1, 0);
    zmq_msg_init (&msg);
    CHECK_EQ (zmq_msg_recv (&msg, pull, 0), 1);
    CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "Peer-Address"), EINVAL);
    CHECK_EQ (zmq_msg_get (&msg, ZMQ_SRCFD), -1);
    zmq_msg_close (&msg);
    zmq_close (push);
    zmq_close (pull);

    tu_begin ("garbage, truncated greetings and impossible frames are dropped; the socket lives");
    pull = zmq_socket (ctx, ZMQ_PULL);
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    CHECK_OK (zmq_socket_monitor (pull, "inproc://peer-mon", ZMQ_EVENT_ALL));
    mon = zmq_socket (ctx, ZMQ_PAIR);
    zmq_setsockopt (mon, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    CHECK_OK (zmq_connect (mon, "inproc://peer-mon"));
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    port = port_of (pull);
    CHECK (expect_event (mon, ZMQ_EVENT_LISTENING, NULL));
    {
        /* Not a ZMTP signature at all: an unversioned peer whose "identity" never ends. */
        static const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        /* A valid signature and version, then a mechanism nobody knows. */
        static const unsigned char bad_mechanism[64] = {
          0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 'N', 'O', 'P', 'E'};
        /* A whole NULL greeting, then a READY claiming a property longer than the command. */
        static const unsigned char bad_ready[] = {
          0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3,    1,    'N',  'U', 'L', 'L', 0,
          0,    0, 0, 0, 0, 0, 0, 0, 0,    0, 0,    0,    0,    0,   0,   0,   0,
          0,    0, 0, 0, 0, 0, 0, 0, 0,    0, 0,    0,    0,    0,   0,   0,   0,
          0,    0, 0, 0, 0, 0, 0, 0, 0,    0, 0,    0,    0,    4,   20,  5,   'R',
          'E',  'A', 'D', 'Y', 11, 'S', 'o', 'c', 'k', 'e', 't', '-', 'T', 'y', 'p',
          'e',  0x7f, 0xff, 0xff, 0xff};
        uint32_t value = 0;

        fd = plain_connect (port);
        CHECK (fd >= 0);
        CHECK (expect_event (mon, ZMQ_EVENT_ACCEPTED, NULL));
        CHECK_EQ (write (fd, garbage, sizeof garbage - 1), (long) sizeof garbage - 1);
        close (fd);
        CHECK (expect_event (mon, ZMQ_EVENT_DISCONNECTED, NULL));

        fd = plain_connect (port);
        CHECK_EQ (write (fd, bad_mechanism, sizeof bad_mechanism), (long) sizeof bad_mechanism);
        CHECK (expect_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &value));
        CHECK_EQ (value, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
        CHECK (closed_by_peer (fd));
        close (fd);

        fd = plain_connect (port);
        CHECK_EQ (write (fd, bad_ready, sizeof bad_ready), (long) sizeof bad_ready);
        CHECK (closed_by_peer (fd));
        close (fd);

        /* Half a greeting, then silence: the handshake limit drops it. */
        {
            int ivl = 200;
            void *strict = zmq_socket (ctx, ZMQ_PULL);
            CHECK_OK (zmq_setsockopt (strict, ZMQ_HANDSHAKE_IVL, &ivl, sizeof ivl));
            CHECK_OK (zmq_bind (strict, "tcp://127.0.0.1:*"));
            fd = plain_connect (port_of (strict));
            CHECK_EQ (write (fd, bad_mechanism, 5), 5);
            CHECK (closed_by_peer (fd));
            close (fd);
            zmq_close (strict);
        }
    }
    /* After all that, a proper peer is served. */
    push = zmq_socket (ctx, ZMQ_PUSH);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ (zmq_send (push, "still here", 10, 0), 10);
    {
        char buf[16];
        CHECK_EQ (zmq_recv (pull, buf, sizeof buf, 0), 10);
        CHECK_MEM (buf, "still here", 10);
    }
    /* Events stopped before the closes: libzmq's I/O thread blocks on an event that has
       no reader. */
    zmq_socket_monitor (pull, NULL, 0);
    zmq_close (mon);
    zmq_close (push);
    zmq_close (pull);

    tu_begin ("ZMQ_TCP_ACCEPT_FILTER and ZMQ_IPC_FILTER_UID");
    {
        char ipc[64];
        snprintf (ipc, sizeof ipc, "ipc:///tmp/zmq-capi-peer-%d", (int) getpid ());
        CHECK (admitted (ctx, "tcp://127.0.0.1:*", NULL, -1));
        CHECK (admitted (ctx, "tcp://127.0.0.1:*", "127.0.0.1", -1));
        CHECK (admitted (ctx, "tcp://127.0.0.1:*", "127.0.0.0/8", -1));
        CHECK (!admitted (ctx, "tcp://127.0.0.1:*", "10.0.0.0/8", -1));
        CHECK (admitted (ctx, ipc, NULL, (int) getuid ()));
        CHECK (!admitted (ctx, ipc, NULL, (int) getuid () + 1));
        unlink (ipc + 6);
    }

    tu_begin ("ZMQ_USE_FD: bind on a socket the application made listen");
    {
        struct sockaddr_in a;
        int lfd = socket (AF_INET, SOCK_STREAM, 0);
        char last[64], buf[8];
        size_t len = sizeof last;
        memset (&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        CHECK_EQ (bind (lfd, (struct sockaddr *) &a, sizeof a), 0);
        CHECK_EQ (listen (lfd, 8), 0);
        pull = zmq_socket (ctx, ZMQ_PULL);
        push = zmq_socket (ctx, ZMQ_PUSH);
        zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        CHECK_OK (zmq_setsockopt (pull, ZMQ_USE_FD, &lfd, sizeof lfd));
        /* The address given is not looked at: the socket's own is the endpoint. */
        CHECK_OK (zmq_bind (pull, "tcp://not-looked-at:1"));
        zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, last, &len);
        snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port_of (pull));
        CHECK_STR (last, ep);
        CHECK_OK (zmq_connect (push, ep));
        CHECK_EQ (zmq_send (push, "fd", 2, 0), 2);
        CHECK_EQ (zmq_recv (pull, buf, sizeof buf, 0), 2);
        zmq_close (push);
        zmq_close (pull);
        /* lfd is not closed here: libzmq closes it itself, asynchronously, and aborts if it
           finds it closed (this library works on a duplicate and leaves lfd to its owner). */
    }

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
