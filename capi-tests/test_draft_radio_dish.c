/* RADIO and DISH over inproc, ipc and tcp: a DISH receives the messages of the groups it
   joined (zmq_join), with their group (zmq_msg_group), and no others; joins made before the
   connection reach the RADIO; zmq_leave stops a group; several DISHes each get their own
   groups; the errors of zmq_join, zmq_leave, zmq_msg_set_group and of sending or receiving
   on the wrong side; ZMQ_XPUB_NODROP. Runs on ours only: Debian's libzmq 4.3.4 is built
   without the draft API (run.sh skips it there). */
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
