/* The thread-safe draft socket types but RADIO and DISH: SERVER and CLIENT, SCATTER and
   GATHER, CHANNEL, PEER with zmq_connect_peer and zmq_disconnect_peer, over inproc, ipc and
   tcp; single-frame messages only (ZMQ_SNDMORE is EINVAL); and their thread safety: threads
   blocked in zmq_recv on a socket while others send on it, time-outs, ZMQ_FD and zmq_poll,
   zmq_ctx_term and zmq_close while threads wait. Runs on ours only: Debian's libzmq 4.3.4 is
   built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "procutil.h"

#include <poll.h>
#include <pthread.h>

static const char *transports[] = {"inproc://ts-%s", "ipc:///tmp/zmq-capi-ts-%s-%d",
                                   "tcp://127.0.0.1:*"};

/* Binds a to an endpoint of transport t named name and connects b to it. */
static int link_pair (void *a, void *b, int t, const char *name)
{
    char ep[EP_LEN];
    snprintf (ep, sizeof ep, transports[t], name, (int) getpid ());
    if (zmq_bind (a, ep) != 0)
        return -1;
    last_ep (a, ep);
    return zmq_connect (b, ep);
}

static int recv_msg (void *s, zmq_msg_t *msg, char *buf, size_t size)
{
    int n = zmq_msg_recv (msg, s, 0);
    if (n >= 0) {
        size_t len = (size_t) n < size - 1 ? (size_t) n : size - 1;
        memcpy (buf, zmq_msg_data (msg), len);
        buf[len] = '\0';
    }
    return n;
}

static void test_client_server (void *ctx, int t)
{
    void *server = quick_socket (ctx, ZMQ_SERVER, 1000, 50);
    void *client = quick_socket (ctx, ZMQ_CLIENT, 1000, 50);
    zmq_msg_t msg;
    uint32_t id;
    char buf[32];

    set_int (server, ZMQ_RCVTIMEO, 2000);
    set_int (client, ZMQ_RCVTIMEO, 2000);
    CHECK_OK (link_pair (server, client, t, "cs"));

    CHECK_EQ (send_str (client, "hello", 0), 5);
    zmq_msg_init (&msg);
    CHECK_EQ (recv_msg (server, &msg, buf, sizeof buf), 5);
    CHECK_STR (buf, "hello");
    id = zmq_msg_routing_id (&msg);
    CHECK (id != 0);
    zmq_msg_close (&msg);

    /* The reply goes to the peer the routing id names. */
    zmq_msg_init_size (&msg, 5);
    memcpy (zmq_msg_data (&msg), "world", 5);
    CHECK_OK (zmq_msg_set_routing_id (&msg, id));
    CHECK_EQ (zmq_msg_send (&msg, server, 0), 5);
    zmq_msg_init (&msg);
    CHECK_EQ (recv_msg (client, &msg, buf, sizeof buf), 5);
    CHECK_STR (buf, "world");
    CHECK_EQ_U (zmq_msg_routing_id (&msg), 0);
    zmq_msg_close (&msg);

    /* No peer of that id, or none named. */
    zmq_msg_init_size (&msg, 1);
    CHECK_OK (zmq_msg_set_routing_id (&msg, id + 1));
    CHECK_FAILS (zmq_msg_send (&msg, server, 0), EHOSTUNREACH);
    zmq_msg_close (&msg);
    CHECK_FAILS (send_str (server, "x", 0), EHOSTUNREACH);

    /* Single frames only. */
    CHECK_FAILS (send_str (client, "a", ZMQ_SNDMORE), EINVAL);
    CHECK_FAILS (send_str (server, "a", ZMQ_SNDMORE), EINVAL);
    CHECK_EQ (send_str (client, "after", 0), 5);
    CHECK_STR (recv_text (server, 2000, buf, sizeof buf), "after");

    /* A disconnected peer is unknown. */
    CHECK_OK (zmq_disconnect_peer (server, id));
    CHECK_FAILS (zmq_disconnect_peer (server, id), EHOSTUNREACH);
    zmq_msg_init_size (&msg, 1);
    zmq_msg_set_routing_id (&msg, id);
    CHECK_FAILS (zmq_msg_send (&msg, server, 0), EHOSTUNREACH);
    zmq_msg_close (&msg);
    CHECK_FAILS (zmq_disconnect_peer (client, id), ENOTSUP);

    zmq_close (client);
    zmq_close (server);
}

static void test_scatter_gather (void *ctx, int t)
{
    void *scatter = quick_socket (ctx, ZMQ_SCATTER, 1000, 50);
    void *g1 = quick_socket (ctx, ZMQ_GATHER, 1000, 50);
    void *g2 = quick_socket (ctx, ZMQ_GATHER, 1000, 50);
    char ep[EP_LEN], buf[16];
    int i, got1 = 0, got2 = 0;

    snprintf (ep, sizeof ep, transports[t], "sg", (int) getpid ());
    CHECK_OK (zmq_bind (scatter, ep));
    last_ep (scatter, ep);
    CHECK_OK (zmq_connect (g1, ep));
    CHECK_OK (zmq_connect (g2, ep));
    set_int (g1, ZMQ_RCVTIMEO, 100);
    set_int (g2, ZMQ_RCVTIMEO, 100);
    /* Both gatherers are there before the first message (a lone one would take all):
       inproc connects at once, the others within a moment. */
    if (t != 0)
        sleep_ms (300 * slowness ());
    for (i = 0; i < 10; i++)
        CHECK_EQ (send_str (scatter, "job", 0), 3);
    while (zmq_recv (g1, buf, sizeof buf, 0) == 3)
        got1++;
    while (zmq_recv (g2, buf, sizeof buf, 0) == 3)
        got2++;
    CHECK_EQ (got1 + got2, 10);
    CHECK (got1 > 0 && got2 > 0);
    CHECK_FAILS (send_str (scatter, "a", ZMQ_SNDMORE), EINVAL);
    CHECK_FAILS (send_str (g1, "a", 0), ENOTSUP);
    zmq_close (g2);
    zmq_close (g1);
    zmq_close (scatter);
}

static void test_channel (void *ctx, int t)
{
    void *a = quick_socket (ctx, ZMQ_CHANNEL, 1000, 50);
    void *b = quick_socket (ctx, ZMQ_CHANNEL, 1000, 50);
    char buf[16];

    CHECK_OK (link_pair (a, b, t, "ch"));
    CHECK_EQ (send_str (b, "ping", 0), 4);
    CHECK_STR (recv_text (a, 2000, buf, sizeof buf), "ping");
    CHECK_EQ (send_str (a, "pong", 0), 4);
    CHECK_STR (recv_text (b, 2000, buf, sizeof buf), "pong");
    CHECK_FAILS (send_str (a, "x", ZMQ_SNDMORE), EINVAL);
    zmq_close (b);
    zmq_close (a);
}

static void test_peer (void *ctx, int t)
{
    void *a = quick_socket (ctx, ZMQ_PEER, 1000, 50);
    void *b = quick_socket (ctx, ZMQ_PEER, 1000, 50);
    char ep[EP_LEN], buf[16];
    zmq_msg_t msg;
    uint32_t to_a, to_b;

    snprintf (ep, sizeof ep, transports[t], "peer", (int) getpid ());
    CHECK_OK (zmq_bind (a, ep));
    last_ep (a, ep);
    to_a = zmq_connect_peer (b, ep);
    CHECK (to_a != 0);
    set_int (a, ZMQ_RCVTIMEO, 2000);
    set_int (b, ZMQ_RCVTIMEO, 2000);

    /* b knows a at once, and can send first. */
    zmq_msg_init_size (&msg, 2);
    memcpy (zmq_msg_data (&msg), "hi", 2);
    zmq_msg_set_routing_id (&msg, to_a);
    CHECK_EQ (zmq_msg_send (&msg, b, 0), 2);
    zmq_msg_init (&msg);
    CHECK_EQ (recv_msg (a, &msg, buf, sizeof buf), 2);
    CHECK_STR (buf, "hi");
    to_b = zmq_msg_routing_id (&msg);
    CHECK (to_b != 0);
    zmq_msg_close (&msg);

    zmq_msg_init_size (&msg, 3);
    memcpy (zmq_msg_data (&msg), "hey", 3);
    zmq_msg_set_routing_id (&msg, to_b);
    CHECK_EQ (zmq_msg_send (&msg, a, 0), 3);
    zmq_msg_init (&msg);
    CHECK_EQ (recv_msg (b, &msg, buf, sizeof buf), 3);
    CHECK_STR (buf, "hey");
    CHECK_EQ_U (zmq_msg_routing_id (&msg), to_a);
    zmq_msg_close (&msg);

    CHECK_OK (zmq_disconnect_peer (b, to_a));
    CHECK_FAILS (zmq_disconnect_peer (b, to_a), EHOSTUNREACH);
    zmq_close (b);
    zmq_close (a);
}

/* ---- threads ------------------------------------------------------------------------- */

struct receiver
{
    void *s;
    int want, got, last_errno;
};

static void *receive_all (void *arg)
{
    struct receiver *r = (struct receiver *) arg;
    char buf[16];
    while (r->got < r->want) {
        if (zmq_recv (r->s, buf, sizeof buf, 0) < 0) {
            r->last_errno = errno;
            break;
        }
        r->got++;
    }
    return NULL;
}

struct echo
{
    void *server;
    int count;
};

/* Answers each message with its routing id until `count` were echoed. */
static void *echo_all (void *arg)
{
    struct echo *e = (struct echo *) arg;
    int i;
    for (i = 0; i < e->count; i++) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_recv (&msg, e->server, 0) < 0) {
            zmq_msg_close (&msg);
            break;
        }
        if (zmq_msg_send (&msg, e->server, 0) < 0)
            zmq_msg_close (&msg);
    }
    return NULL;
}

struct sender
{
    void *s;
    int count, sent;
};

static void *send_all (void *arg)
{
    struct sender *w = (struct sender *) arg;
    for (w->sent = 0; w->sent < w->count; w->sent++)
        if (send_str (w->s, "req", 0) != 3)
            break;
    return NULL;
}

static void test_shared_client (void *ctx, int t)
{
    void *server = quick_socket (ctx, ZMQ_SERVER, -1, 50);
    void *client = quick_socket (ctx, ZMQ_CLIENT, -1, 50);
    struct receiver r[2] = {{client, 500, 0, 0}, {client, 500, 0, 0}};
    struct sender w[2] = {{client, 500, 0}, {client, 500, 0}};
    struct echo e = {server, 1000};
    pthread_t rt[2], wt[2], et;
    int i;

    set_int (server, ZMQ_RCVTIMEO, 5000);
    set_int (client, ZMQ_RCVTIMEO, 5000);
    CHECK_OK (link_pair (server, client, t, "shared"));
    pthread_create (&et, NULL, echo_all, &e);
    /* The receivers block first; the senders use the same socket meanwhile. */
    for (i = 0; i < 2; i++)
        pthread_create (&rt[i], NULL, receive_all, &r[i]);
    sleep_ms (50);
    for (i = 0; i < 2; i++)
        pthread_create (&wt[i], NULL, send_all, &w[i]);
    for (i = 0; i < 2; i++) {
        pthread_join (wt[i], NULL);
        pthread_join (rt[i], NULL);
    }
    pthread_join (et, NULL);
    CHECK_EQ (w[0].sent + w[1].sent, 1000);
    CHECK_EQ (r[0].got + r[1].got, 1000);
    CHECK_EQ (r[0].last_errno, 0);
    CHECK_EQ (r[1].last_errno, 0);
    zmq_close (client);
    zmq_close (server);
}

struct blocked
{
    void *s;
    int rc, err;
    long long ms;
};

static void *recv_once (void *arg)
{
    struct blocked *b = (struct blocked *) arg;
    char buf[16];
    long long start = now_ms ();
    b->rc = zmq_recv (b->s, buf, sizeof buf, 0);
    b->err = errno;
    b->ms = now_ms () - start;
    return NULL;
}

static void test_waits (void)
{
    void *ctx = zmq_ctx_new ();
    void *server = quick_socket (ctx, ZMQ_SERVER, 1000, 50);
    void *client = quick_socket (ctx, ZMQ_CLIENT, 1000, 50);
    struct blocked b[3];
    pthread_t th[3];
    int i, value = -1, fd = -1;
    size_t len = sizeof value;
    char buf[16];

    tu_begin ("ZMQ_THREAD_SAFE, ZMQ_FD, zmq_poll and the poller");
    zmq_getsockopt (server, ZMQ_THREAD_SAFE, &value, &len);
    CHECK_EQ (value, 1);
    CHECK_OK (zmq_bind (server, "inproc://ts-waits"));
    CHECK_OK (zmq_connect (client, "inproc://ts-waits"));
    len = sizeof fd;
    CHECK_OK (zmq_getsockopt (server, ZMQ_FD, &fd, &len));
    CHECK (fd >= 0);
    CHECK_EQ (send_str (client, "x", 0), 1);
    {
        struct pollfd p = {fd, POLLIN, 0};
        int events = 0;
        CHECK_EQ (poll (&p, 1, 2000), 1);
        len = sizeof events;
        zmq_getsockopt (server, ZMQ_EVENTS, &events, &len);
        CHECK (events & ZMQ_POLLIN);
    }
    {
        zmq_pollitem_t item = {server, 0, ZMQ_POLLIN, 0};
        CHECK_EQ (zmq_poll (&item, 1, 2000), 1);
        CHECK_EQ (item.revents & ZMQ_POLLIN, ZMQ_POLLIN);
    }
    CHECK_EQ (zmq_recv (server, buf, sizeof buf, 0), 1);
    {
        /* The draft poller takes thread-safe sockets too. */
        void *poller = zmq_poller_new ();
        zmq_poller_event_t event;
        CHECK_OK (zmq_poller_add (poller, server, server, ZMQ_POLLIN));
        CHECK_FAILS (zmq_poller_wait (poller, &event, 0), EAGAIN);
        CHECK_EQ (send_str (client, "z", 0), 1);
        CHECK_OK (zmq_poller_wait (poller, &event, 2000));
        CHECK (event.socket == server && event.user_data == server);
        CHECK_EQ (event.events, ZMQ_POLLIN);
        CHECK_EQ (zmq_recv (server, buf, sizeof buf, 0), 1);
        CHECK_OK (zmq_poller_destroy (&poller));
    }

    tu_begin ("a receive times out after ZMQ_RCVTIMEO while others use the socket");
    set_int (client, ZMQ_RCVTIMEO, 200);
    b[0].s = client;
    pthread_create (&th[0], NULL, recv_once, &b[0]);
    for (i = 0; i < 20; i++) {
        CHECK_EQ (send_str (client, "y", 0), 1);
        sleep_ms (5);
    }
    pthread_join (th[0], NULL);
    CHECK_EQ (b[0].rc, -1);
    CHECK_EQ (b[0].err, EAGAIN);
    CHECK (b[0].ms >= 150 && b[0].ms < 3000);

    tu_begin ("zmq_ctx_shutdown wakes the threads blocked on a socket with ETERM");
    set_int (client, ZMQ_RCVTIMEO, -1);
    for (i = 0; i < 3; i++) {
        b[i].s = client;
        pthread_create (&th[i], NULL, recv_once, &b[i]);
    }
    sleep_ms (100);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    for (i = 0; i < 3; i++) {
        pthread_join (th[i], NULL);
        CHECK_EQ (b[i].rc, -1);
        CHECK_EQ (b[i].err, ETERM);
    }
    zmq_close (client);
    zmq_close (server);
    CHECK_OK (zmq_ctx_term (ctx));

    tu_begin ("zmq_close from another thread: the blocked threads return ENOTSOCK");
    ctx = zmq_ctx_new ();
    client = quick_socket (ctx, ZMQ_CLIENT, 1000, 50);
    for (i = 0; i < 2; i++) {
        b[i].s = client;
        pthread_create (&th[i], NULL, recv_once, &b[i]);
    }
    sleep_ms (100);
    CHECK_OK (zmq_close (client));
    for (i = 0; i < 2; i++) {
        pthread_join (th[i], NULL);
        CHECK_EQ (b[i].rc, -1);
        CHECK_EQ (b[i].err, ENOTSOCK);
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    static const char *names[] = {"inproc", "ipc", "tcp"};
    static const int types[] = {ZMQ_SERVER, ZMQ_CLIENT, ZMQ_RADIO, ZMQ_DISH, ZMQ_GATHER,
                                ZMQ_SCATTER, ZMQ_PEER, ZMQ_CHANNEL};
    void *ctx;
    int t;
    char title[64];
    size_t i;

    tu_init ();
    signal (SIGALRM, on_watchdog);
    watchdog_in (120);
    ctx = zmq_ctx_new ();

    tu_begin ("every thread-safe type is made, and says so");
    for (i = 0; i < sizeof types / sizeof *types; i++) {
        void *s = zmq_socket (ctx, types[i]);
        int value = 0;
        size_t len = sizeof value;
        CHECK_NOT_NULL (s);
        if (s == NULL)
            continue;
        CHECK_OK (zmq_getsockopt (s, ZMQ_THREAD_SAFE, &value, &len));
        CHECK_EQ (value, 1);
        len = sizeof value;
        CHECK_OK (zmq_getsockopt (s, ZMQ_TYPE, &value, &len));
        CHECK_EQ (value, types[i]);
        zmq_close (s);
    }
    {
        void *pair = zmq_socket (ctx, ZMQ_PAIR);
        int value = -1;
        size_t len = sizeof value;
        zmq_getsockopt (pair, ZMQ_THREAD_SAFE, &value, &len);
        CHECK_EQ (value, 0);
        CHECK_EQ_U (zmq_connect_peer (pair, "inproc://x"), 0);
        CHECK_EQ (errno, ENOTSUP);
        zmq_close (pair);
    }
    {
        void *peer = zmq_socket (ctx, ZMQ_PEER);
        set_int (peer, ZMQ_IMMEDIATE, 1);
        CHECK_EQ_U (zmq_connect_peer (peer, "inproc://x"), 0);
        CHECK_EQ (errno, EFAULT);
        CHECK_EQ_U (zmq_connect_peer (NULL, "inproc://x"), 0);
        CHECK_EQ (errno, ENOTSOCK);
        zmq_close (peer);
    }

    for (t = 0; t < 3; t++) {
        snprintf (title, sizeof title, "SERVER and CLIENT over %s", names[t]);
        tu_begin (title);
        test_client_server (ctx, t);
        snprintf (title, sizeof title, "SCATTER and GATHER over %s", names[t]);
        tu_begin (title);
        test_scatter_gather (ctx, t);
        snprintf (title, sizeof title, "CHANNEL over %s", names[t]);
        tu_begin (title);
        test_channel (ctx, t);
        snprintf (title, sizeof title, "PEER over %s", names[t]);
        tu_begin (title);
        test_peer (ctx, t);
        snprintf (title, sizeof title, "one CLIENT, 2 threads receiving, 2 sending, over %s",
                  names[t]);
        tu_begin (title);
        test_shared_client (ctx, t);
    }
    CHECK_OK (zmq_ctx_term (ctx));
    test_waits ();
    return tu_finish ();
}
