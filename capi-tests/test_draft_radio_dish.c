/* RADIO and DISH over inproc, ipc and tcp: a DISH receives the messages of the groups it
   joined (zmq_join), with their group (zmq_msg_group), and no others; joins made before the
   connection reach the RADIO; zmq_leave stops a group; several DISHes each get their own
   groups; the errors of zmq_join, zmq_leave, zmq_msg_set_group and of sending or receiving
   on the wrong side; ZMQ_XPUB_NODROP. Over udp: unicast and multicast (a RADIO connects, a
   DISH binds), which types may use it, and DGRAM sockets answering each other. Runs on ours
   only: Debian's libzmq 4.3.4 is built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "procutil.h"

static const char *transports[] = {"inproc://rd-%s", "ipc:///tmp/zmq-capi-rd-%s-%d",
                                   "tcp://127.0.0.1:*"};

static int send_group (void *radio, const char *group, const char *body, int flags)
{
    zmq_msg_t msg;
    int rc;
    zmq_msg_init_size (&msg, strlen (body));
    memcpy (zmq_msg_data (&msg), body, strlen (body));
    if (zmq_msg_set_group (&msg, group) != 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    rc = zmq_msg_send (&msg, radio, flags);
    if (rc < 0)
        zmq_msg_close (&msg);
    return rc;
}

/* The next message as "group:body", or "(EAGAIN)". */
static const char *recv_group (void *dish, int timeout, char *buf, size_t size)
{
    zmq_msg_t msg;
    set_int (dish, ZMQ_RCVTIMEO, timeout);
    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, dish, 0) < 0)
        snprintf (buf, size, errno == EAGAIN ? "(EAGAIN)" : "(error %d)", errno);
    else
        snprintf (buf, size, "%s:%.*s", zmq_msg_group (&msg), (int) zmq_msg_size (&msg),
                  (const char *) zmq_msg_data (&msg));
    zmq_msg_close (&msg);
    return buf;
}

/* Sends group "sync" until the dish (joined to it) receives one: its joins have reached the
   RADIO. Then drains the rest. Returns whether it did within 5 s. */
static int synchronise (void *radio, void *dish)
{
    char buf[64];
    int i, ok = 0;
    for (i = 0; i < 500 && !ok; i++) {
        send_group (radio, "sync", "s", 0);
        ok = strcmp (recv_group (dish, 10, buf, sizeof buf), "sync:s") == 0;
    }
    while (strcmp (recv_group (dish, 50, buf, sizeof buf), "sync:s") == 0)
        ;
    return ok;
}

static void test_transport (void *ctx, int t)
{
    void *radio = quick_socket (ctx, ZMQ_RADIO, 1000, 50);
    void *dish = quick_socket (ctx, ZMQ_DISH, 1000, 50);
    void *late = quick_socket (ctx, ZMQ_DISH, 1000, 50);
    char ep[EP_LEN], buf[64];

    snprintf (ep, sizeof ep, transports[t], "main", (int) getpid ());
    CHECK_OK (zmq_bind (radio, ep));
    last_ep (radio, ep);
    CHECK_OK (zmq_join (dish, "Movies"));
    CHECK_OK (zmq_join (dish, "TV"));
    CHECK_OK (zmq_join (dish, "sync"));
    CHECK_OK (zmq_connect (dish, ep));
    CHECK (synchronise (radio, dish));

    CHECK_EQ (send_group (radio, "Movies", "m1", 0), 2);
    CHECK_EQ (send_group (radio, "TV", "t1", 0), 2);
    CHECK_EQ (send_group (radio, "News", "n1", 0), 2);
    CHECK_EQ (send_group (radio, "Movie", "m?", 0), 2);
    CHECK_EQ (send_group (radio, "Movies", "m2", 0), 2);
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "Movies:m1");
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "TV:t1");
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "Movies:m2");
    CHECK_STR (recv_group (dish, 100, buf, sizeof buf), "(EAGAIN)");

    /* Left: nothing more of that group, at once (the DISH filters too). */
    CHECK_OK (zmq_leave (dish, "TV"));
    CHECK_EQ (send_group (radio, "TV", "t2", 0), 2);
    CHECK_EQ (send_group (radio, "Movies", "m3", 0), 2);
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "Movies:m3");
    CHECK_STR (recv_group (dish, 100, buf, sizeof buf), "(EAGAIN)");

    /* A second DISH with other groups, joined after it connected. */
    CHECK_OK (zmq_connect (late, ep));
    CHECK_OK (zmq_join (late, "News"));
    CHECK_OK (zmq_join (late, "sync"));
    CHECK (synchronise (radio, late));
    while (strcmp (recv_group (dish, 50, buf, sizeof buf), "sync:s") == 0)
        ;
    CHECK_EQ (send_group (radio, "News", "n2", 0), 2);
    CHECK_EQ (send_group (radio, "Movies", "m4", 0), 2);
    CHECK_STR (recv_group (late, 2000, buf, sizeof buf), "News:n2");
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "Movies:m4");
    CHECK_STR (recv_group (late, 100, buf, sizeof buf), "(EAGAIN)");
    CHECK_STR (recv_group (dish, 100, buf, sizeof buf), "(EAGAIN)");

    /* zmq_poll sees a DISH's message. */
    {
        zmq_pollitem_t item = {dish, 0, ZMQ_POLLIN, 0};
        CHECK_EQ (send_group (radio, "Movies", "m5", 0), 2);
        CHECK_EQ (zmq_poll (&item, 1, 2000), 1);
        CHECK_STR (recv_group (dish, 0, buf, sizeof buf), "Movies:m5");
    }
    zmq_close (late);
    zmq_close (dish);
    zmq_close (radio);
}

/* Sends "group:body" datagrams until the DISH gets one (udp may lose the first ones while
   the engines start); 1 when it did within 3 s. */
static int udp_reaches (void *radio, void *dish, const char *group)
{
    char buf[64], want[64];
    int i;
    snprintf (want, sizeof want, "%s:probe", group);
    for (i = 0; i < 300; i++) {
        send_group (radio, group, "probe", 0);
        if (strcmp (recv_group (dish, 10, buf, sizeof buf), want) == 0)
            break;
    }
    while (strcmp (recv_group (dish, 50, buf, sizeof buf), want) == 0)
        ;
    return i < 300;
}

static void test_udp (void *ctx)
{
    void *radio = quick_socket (ctx, ZMQ_RADIO, 1000, 50);
    void *dish = quick_socket (ctx, ZMQ_DISH, 1000, 50);
    char ep[EP_LEN], buf[64];

    tu_begin ("RADIO and DISH over udp");
    CHECK_OK (zmq_bind (dish, "udp://127.0.0.1:*"));
    last_ep (dish, ep);
    CHECK (strncmp (ep, "udp://127.0.0.1:", 16) == 0 && strcmp (ep, "udp://127.0.0.1:*") != 0);
    CHECK_OK (zmq_join (dish, "weather"));
    CHECK_OK (zmq_connect (radio, ep));
    CHECK (udp_reaches (radio, dish, "weather"));
    CHECK_EQ (send_group (radio, "sports", "s1", 0), 2);
    CHECK_EQ (send_group (radio, "weather", "w1", 0), 2);
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "weather:w1");
    CHECK_STR (recv_group (dish, 100, buf, sizeof buf), "(EAGAIN)");
    CHECK_OK (zmq_join (dish, "sports"));
    CHECK_EQ (send_group (radio, "sports", "s2", 0), 2);
    CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "sports:s2");

    tu_begin ("udp: which types may use it");
    {
        void *pub = zmq_socket (ctx, ZMQ_PUB), *radio2 = zmq_socket (ctx, ZMQ_RADIO);
        CHECK_FAILS (zmq_bind (pub, "udp://127.0.0.1:*"), ENOCOMPATPROTO);
        CHECK_FAILS (zmq_connect (pub, "udp://127.0.0.1:5555"), ENOCOMPATPROTO);
        CHECK_FAILS (zmq_bind (radio2, "udp://127.0.0.1:*"), ENOCOMPATPROTO);
        CHECK_FAILS (zmq_connect (dish, "udp://127.0.0.1:5555"), ENOCOMPATPROTO);
        CHECK_FAILS (zmq_connect (radio2, "udp://127.0.0.1"), EINVAL);
        CHECK_FAILS (zmq_connect (radio2, "udp://*:5555"), EINVAL);
        CHECK_OK (zmq_unbind (dish, ep));
        CHECK_FAILS (zmq_unbind (dish, ep), ENOENT);
        zmq_close (radio2);
        zmq_close (pub);
    }
    zmq_close (dish);
    zmq_close (radio);

    tu_begin ("RADIO and DISH over udp multicast");
    {
        int port;
        radio = quick_socket (ctx, ZMQ_RADIO, 1000, 50);
        dish = quick_socket (ctx, ZMQ_DISH, 1000, 50);
        /* A port of its own: another DISH binds one, which is then free. */
        CHECK_OK (zmq_bind (dish, "udp://127.0.0.1:*"));
        last_ep (dish, ep);
        port = atoi (strrchr (ep, ':') + 1);
        CHECK_OK (zmq_unbind (dish, ep));
        snprintf (ep, sizeof ep, "udp://239.255.77.1:%d", port);
        /* The unbound socket is closed by an I/O thread, a moment later. */
        {
            int i, rc = -1;
            for (i = 0; i < 100 && rc != 0; i++)
                if ((rc = zmq_bind (dish, ep)) != 0)
                    sleep_ms (10);
            CHECK_EQ (rc, 0);
        }
        CHECK_OK (zmq_join (dish, "m"));
        CHECK_OK (zmq_connect (radio, ep));
        if (udp_reaches (radio, dish, "m")) {
            CHECK_EQ (send_group (radio, "m", "hello", 0), 5);
            CHECK_STR (recv_group (dish, 2000, buf, sizeof buf), "m:hello");
        } else {
            printf ("SKIP multicast delivery: this host routes no multicast to itself "
                    "(no multicast route or no multicast-capable interface)\n");
        }
        zmq_close (dish);
        zmq_close (radio);
    }

    tu_begin ("DGRAM: two-frame messages, the peer's address first");
    {
        void *a = quick_socket (ctx, ZMQ_DGRAM, 1000, 50);
        void *b = quick_socket (ctx, ZMQ_DGRAM, 1000, 50);
        char ep_a[EP_LEN], ep_b[EP_LEN], from[64];
        int value = -1, n, i;
        size_t len = sizeof value;
        CHECK_OK (zmq_getsockopt (a, ZMQ_THREAD_SAFE, &value, &len));
        CHECK_EQ (value, 0);
        CHECK_OK (zmq_bind (a, "udp://127.0.0.1:*"));
        CHECK_OK (zmq_bind (b, "udp://127.0.0.1:*"));
        last_ep (a, ep_a);
        last_ep (b, ep_b);
        CHECK_FAILS (send_str (a, "hello", 0), EINVAL);
        set_int (b, ZMQ_RCVTIMEO, 20);
        for (i = 0, n = -1; i < 100 && n < 0; i++) {
            CHECK_EQ (send_str (a, ep_b + 6, ZMQ_SNDMORE), (int) strlen (ep_b + 6));
            CHECK_FAILS (send_str (a, "x", ZMQ_SNDMORE), EINVAL);
            CHECK_EQ (send_str (a, "hello", 0), 5);
            n = zmq_recv (b, from, sizeof from - 1, 0);
        }
        CHECK (n > 0);
        from[n > 0 ? n : 0] = '\0';
        CHECK_STR (from, ep_a + 6);
        CHECK_STR (recv_text (b, 1000, buf, sizeof buf), "hello");
        while (zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
            ;
        CHECK_EQ (send_str (b, from, ZMQ_SNDMORE), n);
        CHECK_EQ (send_str (b, "world", 0), 5);
        n = zmq_recv (a, from, sizeof from - 1, 0);
        CHECK (n > 0);
        from[n > 0 ? n : 0] = '\0';
        CHECK_STR (from, ep_b + 6);
        CHECK_STR (recv_text (a, 1000, buf, sizeof buf), "world");
        zmq_close (b);
        zmq_close (a);
    }
}

int main (void)
{
    static const char *names[] = {"inproc", "ipc", "tcp"};
    char group[300], title[64];
    void *ctx, *radio, *dish, *pair;
    zmq_msg_t msg, copy;
    int t;

    tu_init ();
    signal (SIGALRM, on_watchdog);
    watchdog_in (120);
    ctx = zmq_ctx_new ();

    tu_begin ("message groups");
    zmq_msg_init (&msg);
    CHECK_STR (zmq_msg_group (&msg), "");
    CHECK_OK (zmq_msg_set_group (&msg, "abc"));
    CHECK_STR (zmq_msg_group (&msg), "abc");
    zmq_msg_init (&copy);
    CHECK_OK (zmq_msg_copy (&copy, &msg));
    CHECK_STR (zmq_msg_group (&copy), "abc");
    memset (group, 'g', sizeof group);
    group[ZMQ_GROUP_MAX_LENGTH] = '\0';
    CHECK_OK (zmq_msg_set_group (&msg, group));
    CHECK_EQ ((int) strlen (zmq_msg_group (&msg)), ZMQ_GROUP_MAX_LENGTH);
    group[ZMQ_GROUP_MAX_LENGTH] = 'g';
    group[ZMQ_GROUP_MAX_LENGTH + 1] = '\0';
    CHECK_FAILS (zmq_msg_set_group (&msg, group), EINVAL);
    CHECK_FAILS (zmq_msg_set_group (&msg, NULL), EINVAL);
    CHECK_FAILS (zmq_msg_set_group (NULL, "x"), EFAULT);
    CHECK_NULL_ERRNO (zmq_msg_group (NULL), EFAULT);
    zmq_msg_close (&copy);
    zmq_msg_close (&msg);

    tu_begin ("errors of joining, leaving, sending and receiving");
    radio = zmq_socket (ctx, ZMQ_RADIO);
    dish = zmq_socket (ctx, ZMQ_DISH);
    pair = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_join (dish, "a"));
    CHECK_FAILS (zmq_join (dish, "a"), EINVAL);
    CHECK_FAILS (zmq_leave (dish, "b"), EINVAL);
    CHECK_OK (zmq_leave (dish, "a"));
    CHECK_FAILS (zmq_leave (dish, "a"), EINVAL);
    CHECK_FAILS (zmq_join (dish, group), EINVAL);
    group[ZMQ_GROUP_MAX_LENGTH] = '\0';
    CHECK_OK (zmq_join (dish, group));
    CHECK_OK (zmq_join (dish, ""));
    CHECK_FAILS (zmq_join (dish, NULL), EINVAL);
    CHECK_FAILS (zmq_join (radio, "a"), ENOTSUP);
    CHECK_FAILS (zmq_leave (pair, "a"), ENOTSUP);
    CHECK_FAILS (zmq_join (NULL, "a"), ENOTSOCK);
    CHECK_FAILS (send_str (dish, "x", 0), ENOTSUP);
    CHECK_FAILS (send_group (radio, "a", "x", ZMQ_SNDMORE), EINVAL);
    {
        char buf[4];
        CHECK_FAILS (zmq_recv (radio, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);
    }
    /* With no DISH, a message goes nowhere, without blocking. */
    CHECK_EQ (send_group (radio, "a", "x", 0), 1);
    zmq_close (pair);
    zmq_close (dish);
    zmq_close (radio);

    for (t = 0; t < 3; t++) {
        snprintf (title, sizeof title, "RADIO and DISH over %s", names[t]);
        tu_begin (title);
        test_transport (ctx, t);
    }

    test_udp (ctx);

    tu_begin ("ZMQ_XPUB_NODROP: a full DISH makes the RADIO say EAGAIN, else it drops");
    {
        int i, rc = 0, on = 1;
        char buf[64];
        radio = quick_socket (ctx, ZMQ_RADIO, 0, 50);
        dish = quick_socket (ctx, ZMQ_DISH, 0, 50);
        set_int (radio, ZMQ_SNDHWM, 5);
        set_int (dish, ZMQ_RCVHWM, 5);
        CHECK_OK (zmq_join (dish, "g"));
        CHECK_OK (zmq_bind (radio, "inproc://rd-nodrop"));
        CHECK_OK (zmq_connect (dish, "inproc://rd-nodrop"));
        CHECK_OK (zmq_setsockopt (radio, ZMQ_XPUB_NODROP, &on, sizeof on));
        for (i = 0; i < 100 && rc >= 0; i++)
            rc = send_group (radio, "g", "x", ZMQ_DONTWAIT);
        CHECK_EQ (rc, -1);
        CHECK_EQ (errno, EAGAIN);
        CHECK (i > 5);
        CHECK_STR (recv_group (dish, 1000, buf, sizeof buf), "g:x");
        on = 0;
        CHECK_OK (zmq_setsockopt (radio, ZMQ_XPUB_NODROP, &on, sizeof on));
        for (i = 0; i < 100; i++)
            CHECK_EQ (send_group (radio, "g", "x", ZMQ_DONTWAIT), 1);
        zmq_close (dish);
        zmq_close (radio);
    }
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
