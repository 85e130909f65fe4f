/* zmq_poll over sockets and plain descriptors, and an event loop driven by ZMQ_FD and
   ZMQ_EVENTS alone, the way asyncio and gevent integrations use them. */
#include "testutil.h"

#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define BURSTS 50
#define PER_BURST 20

static long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms (long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep (&ts, NULL);
}

static void *bursts (void *socket)
{
    int i, j;
    for (i = 0; i < BURSTS; i++) {
        for (j = 0; j < PER_BURST; j++)
            zmq_send (socket, "tick", 4, 0);
        pause_ms (i % 3);
    }
    return NULL;
}

/* An event loop that registered ZMQ_FD before the socket bound or connected over `transport`
   (as tornado's and asyncio's ZMQStream do): it reads ZMQ_EVENTS only when a descriptor wakes
   it. The receiving PULL is the `pull_binds` side or the connecting one; the sender sends one
   message after 200 ms, which must arrive. */
static int first_message_wakes_loop (void *ctx, const char *transport, int pull_binds)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL), *push = zmq_socket (ctx, ZMQ_PUSH);
    void *socks[2], *binder = pull_binds ? pull : push, *connecter = pull_binds ? push : pull;
    int fds[2], got = 0, sent = 0, linger = 0, i;
    size_t len = sizeof fds[0], eplen;
    char ep[256];
    long long start, deadline;
    socks[0] = pull;
    socks[1] = push;
    for (i = 0; i < 2; i++) {
        len = sizeof fds[i];
        zmq_getsockopt (socks[i], ZMQ_FD, &fds[i], &len);
        zmq_setsockopt (socks[i], ZMQ_LINGER, &linger, sizeof linger);
    }
    zmq_bind (binder, strcmp (transport, "tcp") == 0 ? "tcp://127.0.0.1:*" : "ipc://*");
    eplen = sizeof ep;
    zmq_getsockopt (binder, ZMQ_LAST_ENDPOINT, ep, &eplen);
    zmq_connect (connecter, ep);
    start = now_ms ();
    deadline = start + 3000;
    while (!got && now_ms () < deadline) {
        struct pollfd p[2];
        if (!sent && now_ms () >= start + 200)
            sent = zmq_send (push, "x", 1, ZMQ_DONTWAIT) == 1;
        for (i = 0; i < 2; i++) {
            p[i].fd = fds[i];
            p[i].events = POLLIN;
            p[i].revents = 0;
        }
        if (poll (p, 2, 20) <= 0)
            continue;
        for (i = 0; i < 2; i++) {
            int events = 0;
            size_t elen = sizeof events;
            char buf[8];
            if (!(p[i].revents & POLLIN))
                continue;
            zmq_getsockopt (socks[i], ZMQ_EVENTS, &events, &elen);
            if (i == 0 && (events & ZMQ_POLLIN))
                while (zmq_recv (pull, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
                    got = 1;
        }
    }
    zmq_close (pull);
    zmq_close (push);
    return got;
}

int main (void)
{
    void *ctx;
    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("sockets: POLLIN once a message waits, POLLOUT when a peer takes one");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        zmq_pollitem_t items[2];
        long long start;
        char buf[8];
        CHECK_OK (zmq_bind (pull, "inproc://poll"));
        items[0].socket = pull;
        items[0].fd = 0;
        items[0].events = ZMQ_POLLIN;
        items[1].socket = push;
        items[1].fd = 0;
        items[1].events = ZMQ_POLLOUT;
        /* No peer yet: nothing is ready, and the time-out is kept. */
        start = now_ms ();
        CHECK_EQ (zmq_poll (items, 2, 100), 0);
        CHECK (now_ms () - start >= 90);
        CHECK_EQ (items[0].revents, 0);
        CHECK_EQ (items[1].revents, 0);
        CHECK_OK (zmq_connect (push, "inproc://poll"));
        CHECK_EQ (zmq_poll (items, 2, 0), 1);
        CHECK_EQ (items[1].revents, ZMQ_POLLOUT);
        CHECK_EQ (zmq_send (push, "x", 1, 0), 1);
        CHECK_EQ (zmq_poll (items, 2, -1), 2);
        CHECK_EQ (items[0].revents, ZMQ_POLLIN);
        CHECK_EQ (zmq_recv (pull, buf, sizeof buf, 0), 1);
        CHECK_EQ (zmq_poll (items, 1, 10), 0);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("a blocked poll wakes when another thread sends");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        zmq_pollitem_t item;
        pthread_t t;
        CHECK_OK (zmq_bind (pull, "inproc://poll-wake"));
        CHECK_OK (zmq_connect (push, "inproc://poll-wake"));
        item.socket = pull;
        item.fd = 0;
        item.events = ZMQ_POLLIN;
        pthread_create (&t, NULL, bursts, push);
        CHECK_EQ (zmq_poll (&item, 1, 5000), 1);
        CHECK_EQ (item.revents, ZMQ_POLLIN);
        pthread_join (t, NULL);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("plain descriptors, alone and with sockets");
    {
        int fds[2];
        void *pull = zmq_socket (ctx, ZMQ_PULL);
        zmq_pollitem_t items[2];
        CHECK_OK (pipe (fds));
        items[0].socket = NULL;
        items[0].fd = fds[0];
        items[0].events = ZMQ_POLLIN;
        items[1].socket = pull;
        items[1].fd = 0;
        items[1].events = ZMQ_POLLIN;
        CHECK_EQ (zmq_poll (items, 2, 0), 0);
        CHECK_EQ (write (fds[1], "!", 1), 1);
        CHECK_EQ (zmq_poll (items, 2, 1000), 1);
        CHECK_EQ (items[0].revents, ZMQ_POLLIN);
        CHECK_EQ (items[1].revents, 0);
        items[0].fd = fds[1];
        items[0].events = ZMQ_POLLOUT;
        CHECK_EQ (zmq_poll (items, 1, 0), 1);
        CHECK_EQ (items[0].revents, ZMQ_POLLOUT);
        close (fds[0]);
        close (fds[1]);
        zmq_close (pull);
    }

    tu_begin ("misuse");
    {
        zmq_pollitem_t item;
        long long start = now_ms ();
        CHECK_EQ (zmq_poll (NULL, 0, 20), 0);
        CHECK (now_ms () - start >= 15);
        CHECK_FAILS (zmq_poll (NULL, 1, 0), EFAULT);
        item.socket = &item;
        item.fd = 0;
        item.events = ZMQ_POLLIN;
        memset (&item, 0, sizeof item.socket);
        item.socket = (void *) &start;
        start = 0;
        CHECK_FAILS (zmq_poll (&item, 1, 0), ENOTSOCK);
    }

    tu_begin ("an event loop on ZMQ_FD: edge-triggered, no message missed, no busy spin");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        int fd, received = 0, wakeups = 0;
        size_t len = sizeof fd;
        pthread_t t;
        long long deadline;
        CHECK_OK (zmq_bind (pull, "inproc://fd-loop"));
        CHECK_OK (zmq_connect (push, "inproc://fd-loop"));
        CHECK_OK (zmq_getsockopt (pull, ZMQ_FD, &fd, &len));
        pthread_create (&t, NULL, bursts, push);
        deadline = now_ms () + 10000;
        while (received < BURSTS * PER_BURST && now_ms () < deadline) {
            struct pollfd p;
            int events;
            size_t elen = sizeof events;
            p.fd = fd;
            p.events = POLLIN;
            p.revents = 0;
            if (poll (&p, 1, 1000) == 0)
                continue;
            wakeups++;
            /* Drain: the descriptor only signals again after ZMQ_EVENTS says all is read. */
            while (zmq_getsockopt (pull, ZMQ_EVENTS, &events, &elen) == 0 && (events & ZMQ_POLLIN)) {
                char buf[8];
                while (zmq_recv (pull, buf, sizeof buf, ZMQ_DONTWAIT) == 4)
                    received++;
            }
        }
        pthread_join (t, NULL);
        CHECK_EQ (received, BURSTS * PER_BURST);
        /* Every wake-up has a reason: at most one per message, plus a few stale edges. */
        CHECK (wakeups <= BURSTS * PER_BURST + 5);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("ZMQ_FD registered before bind and connect over tcp and ipc: the first message "
              "wakes the loop");
    CHECK (first_message_wakes_loop (ctx, "tcp", 0));
    CHECK (first_message_wakes_loop (ctx, "tcp", 1));
    CHECK (first_message_wakes_loop (ctx, "ipc", 0));
    CHECK (first_message_wakes_loop (ctx, "ipc", 1));

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
