/* zmq_socket_monitor_versioned: version 2 events (a 64-bit event, the number of values and the
   values, then the local and the remote endpoint) from a listener, a connecter and both ends
   of a tcp connection; a version 1 monitor made by it; PUB and PUSH monitor sockets; errors;
   zmq_socket_monitor_pipes_stats (ZMQ_EVENT_PIPES_STATS: each pipe's two queue lengths).
   Runs on ours only: Debian's libzmq 4.3.4 is built without the draft API (run.sh skips it
   there). */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

#include <stdint.h>

typedef struct {
    uint64_t event, value, count, values[2];
    char local[128], remote[128];
} ev2_t;

/* Whether the frame just read has more after it. */
static int more_follows (void *s)
{
    int more = 0;
    size_t len = sizeof more;
    zmq_getsockopt (s, ZMQ_RCVMORE, &more, &len);
    return more;
}

/* Reads one version 2 event; 0 on success, -1 on a timeout or a malformed event. */
static int read_v2 (void *mon, ev2_t *ev)
{
    uint64_t count, i;
    int n;
    memset (ev, 0, sizeof *ev);
    if (zmq_recv (mon, &ev->event, sizeof ev->event, 0) != 8)
        return -1;
    if (zmq_recv (mon, &count, sizeof count, 0) != 8 || count < 1 || count > 2)
        return -1;
    ev->count = count;
    for (i = 0; i < count; i++)
        if (zmq_recv (mon, &ev->values[i], sizeof ev->values[i], 0) != 8)
            return -1;
    ev->value = ev->values[0];
    n = zmq_recv (mon, ev->local, sizeof ev->local - 1, 0);
    if (n < 0)
        return -1;
    ev->local[n] = '\0';
    if (!more_follows (mon))
        return -1;
    n = zmq_recv (mon, ev->remote, sizeof ev->remote - 1, 0);
    if (n < 0)
        return -1;
    ev->remote[n] = '\0';
    return more_follows (mon) ? -1 : 0;
}

/* The next event of kind `want`, skipping others; -1 when none within the reader's timeout. */
static int expect_v2 (void *mon, uint64_t want, ev2_t *ev)
{
    while (read_v2 (mon, ev) == 0)
        if (ev->event == want)
            return 0;
    return -1;
}

static void *reader (void *ctx, int type, const char *ep)
{
    int timeout = 3000;
    void *r = zmq_socket (ctx, type);
    zmq_setsockopt (r, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (type == ZMQ_SUB)
        zmq_setsockopt (r, ZMQ_SUBSCRIBE, "", 0);
    CHECK_OK (zmq_connect (r, ep));
    return r;
}

int main (void)
{
    void *ctx, *server, *client, *smon, *cmon;
    char ep[128], port_part[128];
    size_t len = sizeof ep;
    ev2_t ev;

    tu_init ();
    ctx = zmq_ctx_new ();
    server = zmq_socket (ctx, ZMQ_REP);
    client = zmq_socket (ctx, ZMQ_REQ);

    tu_begin ("errors");
    CHECK_FAILS (zmq_socket_monitor_versioned (server, "inproc://m", ZMQ_EVENT_ALL, 3, ZMQ_PAIR),
                 EINVAL);
    CHECK_FAILS (zmq_socket_monitor_versioned (server, "inproc://m", 1u << 20, 1, ZMQ_PAIR),
                 EINVAL);
    CHECK_FAILS (
      zmq_socket_monitor_versioned (server, "inproc://m", ZMQ_EVENT_ALL, 2, ZMQ_DEALER), EINVAL);
    CHECK_FAILS (zmq_socket_monitor_versioned (NULL, "inproc://m", ZMQ_EVENT_ALL, 2, ZMQ_PAIR),
                 ENOTSOCK);
    CHECK_FAILS (
      zmq_socket_monitor_versioned (server, "tcp://127.0.0.1:*", ZMQ_EVENT_ALL, 2, ZMQ_PAIR),
      EPROTONOSUPPORT);
    /* Stopping when nothing runs is fine. */
    CHECK_OK (zmq_socket_monitor_versioned (server, NULL, 0, 2, ZMQ_PAIR));

    tu_begin ("version 2: a listener's events are local, a connecter's remote");
    CHECK_OK (
      zmq_socket_monitor_versioned (server, "inproc://smon", ZMQ_EVENT_ALL_V2, 2, ZMQ_PAIR));
    CHECK_OK (
      zmq_socket_monitor_versioned (client, "inproc://cmon", ZMQ_EVENT_ALL_V2, 2, ZMQ_PUSH));
    smon = reader (ctx, ZMQ_PAIR, "inproc://smon");
    cmon = reader (ctx, ZMQ_PULL, "inproc://cmon");
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, ep, &len);
    CHECK_OK (expect_v2 (smon, ZMQ_EVENT_LISTENING, &ev));
    CHECK_STR (ev.local, ep);
    CHECK_STR (ev.remote, "");
    CHECK_OK (zmq_connect (client, ep));
    CHECK_OK (expect_v2 (cmon, ZMQ_EVENT_CONNECTED, &ev));
    CHECK_STR (ev.local, "");
    CHECK_STR (ev.remote, ep);
    CHECK (ev.value > 0); /* the descriptor */
    CHECK_OK (expect_v2 (smon, ZMQ_EVENT_ACCEPTED, &ev));
    CHECK_STR (ev.local, ep);

    tu_begin ("version 2: a connection's events have both ends");
    CHECK_OK (expect_v2 (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_STR (ev.remote, ep);
    CHECK (strncmp (ev.local, "tcp://127.0.0.1:", 16) == 0);
    snprintf (port_part, sizeof port_part, "%s", ev.local);
    CHECK (strcmp (ev.local, ep) != 0);
    CHECK_OK (expect_v2 (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &ev));
    CHECK_STR (ev.local, ep);
    CHECK_STR (ev.remote, port_part);
    CHECK_EQ (zmq_send (client, "hi", 2, 0), 2);
    {
        char buf[4];
        CHECK_EQ (zmq_recv (server, buf, sizeof buf, 0), 2);
    }
    CHECK_OK (zmq_close (server));
    CHECK_OK (expect_v2 (cmon, ZMQ_EVENT_DISCONNECTED, &ev));
    CHECK_STR (ev.remote, ep);
    CHECK_STR (ev.local, port_part);
    CHECK_OK (expect_v2 (smon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    CHECK_STR (ev.local, "");
    CHECK_STR (ev.remote, "");
    CHECK_OK (zmq_socket_monitor_versioned (client, NULL, 0, 2, ZMQ_PAIR));
    CHECK_OK (expect_v2 (cmon, ZMQ_EVENT_MONITOR_STOPPED, &ev));
    zmq_close (smon);
    zmq_close (cmon);

    tu_begin ("version 1 through a PUB: zmq_socket_monitor's format");
    {
        void *s = zmq_socket (ctx, ZMQ_PULL), *mon;
        unsigned char head[6];
        uint16_t event;
        char endpoint[128];
        int n;
        CHECK_OK (zmq_socket_monitor_versioned (s, "inproc://v1mon", ZMQ_EVENT_LISTENING, 1,
                                                ZMQ_PUB));
        mon = reader (ctx, ZMQ_SUB, "inproc://v1mon");
        CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
        len = sizeof ep;
        zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len);
        CHECK_EQ (zmq_recv (mon, head, sizeof head, 0), 6);
        memcpy (&event, head, 2);
        CHECK_EQ (event, ZMQ_EVENT_LISTENING);
        n = zmq_recv (mon, endpoint, sizeof endpoint - 1, 0);
        CHECK (n > 0);
        endpoint[n > 0 ? n : 0] = '\0';
        CHECK_STR (endpoint, ep);
        zmq_close (s);
        zmq_close (mon);
    }

    tu_begin ("zmq_socket_monitor_pipes_stats: each pipe's queues, both ways");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        void *mon, *pmon;
        zmq_pollitem_t item;
        int i;
        CHECK_FAILS (zmq_socket_monitor_pipes_stats (push), EINVAL);
        CHECK_FAILS (zmq_socket_monitor_pipes_stats (NULL), ENOTSOCK);
        CHECK_OK (zmq_socket_monitor_versioned (push, "inproc://pushmon", ZMQ_EVENT_PIPES_STATS,
                                                2, ZMQ_PAIR));
        CHECK_OK (zmq_socket_monitor_versioned (pull, "inproc://pullmon", ZMQ_EVENT_PIPES_STATS,
                                                2, ZMQ_PAIR));
        mon = reader (ctx, ZMQ_PAIR, "inproc://pushmon");
        pmon = reader (ctx, ZMQ_PAIR, "inproc://pullmon");
        /* No pipe yet. */
        CHECK_FAILS (zmq_socket_monitor_pipes_stats (push), EAGAIN);
        CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
        len = sizeof ep;
        zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
        CHECK_OK (zmq_connect (push, ep));
        for (i = 0; i < 5; i++)
            CHECK_EQ (zmq_send (push, "m", 1, 0), 1);
        /* The PULL has them all (one message read, four left, then a look). */
        item.socket = pull;
        item.events = ZMQ_POLLIN;
        CHECK_EQ (zmq_poll (&item, 1, 3000), 1);
        {
            char c;
            CHECK_EQ (zmq_recv (pull, &c, 1, 0), 1);
        }
        for (i = 0; i < 100; i++) {
            CHECK_OK (zmq_socket_monitor_pipes_stats (pull));
            CHECK_OK (expect_v2 (pmon, ZMQ_EVENT_PIPES_STATS, &ev));
            if (ev.values[1] == 4)
                break;
            zmq_poll (NULL, 0, 20);
        }
        CHECK_EQ ((int) ev.count, 2);
        CHECK_EQ ((int) ev.values[0], 0);
        CHECK_EQ ((int) ev.values[1], 4);
        /* The PUSH counts what its peer has not acknowledged (credit returns every low-water
           mark, as in libzmq): all five. */
        CHECK_OK (zmq_socket_monitor_pipes_stats (push));
        CHECK_OK (expect_v2 (mon, ZMQ_EVENT_PIPES_STATS, &ev));
        CHECK_EQ ((int) ev.values[0], 5);
        CHECK_EQ ((int) ev.values[1], 0);
        CHECK_STR (ev.remote, ep);
        zmq_close (push);
        zmq_close (pull);
        zmq_close (mon);
        zmq_close (pmon);
    }
    zmq_close (client);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
