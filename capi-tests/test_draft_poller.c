/* The draft poller (zmq_poller_*) and zmq_ppoll: errors as libzmq gives them, sockets and
   descriptors reported with their user data in the order they were added, events changed
   and removed, a blocking wait woken from another thread, a closed socket reported,
   zmq_poller_fd for sockets of every type (libzmq has it for thread-safe ones only), and
   zmq_ppoll's signal mask applied only while it waits. Runs on ours only: Debian's libzmq
   4.3.4 is built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "procutil.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static void pair_up (void *ctx, const char *ep, void **a, void **b)
{
    *a = zmq_socket (ctx, ZMQ_PAIR);
    *b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (*b, ep));
    CHECK_OK (zmq_connect (*a, ep));
}

/* ---- a wait woken by another thread ------------------------------------------------------ */

typedef struct {
    void *socket;
    int delay_ms;
} later_t;

static void *send_later (void *arg)
{
    later_t *l = (later_t *) arg;
    sleep_ms (l->delay_ms);
    zmq_send (l->socket, "late", 4, 0);
    return NULL;
}

/* ---- zmq_ppoll and signals --------------------------------------------------------------- */

static volatile sig_atomic_t usr1_seen;

static void on_usr1 (int sig)
{
    (void) sig;
    usr1_seen = 1;
}

typedef struct {
    pthread_t target;
    int delay_ms;
} signaller_t;

static void *signal_later (void *arg)
{
    signaller_t *s = (signaller_t *) arg;
    sleep_ms (s->delay_ms);
    pthread_kill (s->target, SIGUSR1);
    return NULL;
}

int main (void)
{
    void *ctx, *poller, *a, *b, *c, *d;
    zmq_poller_event_t ev, evs[4];
    int marker_a, marker_b, marker_fd, fds[2], i;
    long long t0;

    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("new, size, destroy");
    poller = zmq_poller_new ();
    CHECK_NOT_NULL (poller);
    CHECK_EQ (zmq_poller_size (poller), 0);
    CHECK_OK (zmq_poller_destroy (&poller));
    CHECK_NULL (poller);
    CHECK_FAILS (zmq_poller_destroy (&poller), EFAULT);
    CHECK_FAILS (zmq_poller_destroy (NULL), EFAULT);
    CHECK_FAILS (zmq_poller_size (NULL), EFAULT);
    {
        void *dead = zmq_poller_new (), *copy = dead;
        CHECK_OK (zmq_poller_destroy (&dead));
        CHECK_FAILS (zmq_poller_size (copy), EFAULT);
        CHECK_FAILS (zmq_poller_wait (copy, &ev, 0), EFAULT);
        /* A context is not a poller. */
        CHECK_FAILS (zmq_poller_size (ctx), EFAULT);
    }

    tu_begin ("adding, changing and removing: errors");
    poller = zmq_poller_new ();
    pair_up (ctx, "inproc://poller-1", &a, &b);
    CHECK_FAILS (zmq_poller_add (poller, NULL, NULL, ZMQ_POLLIN), ENOTSOCK);
    CHECK_FAILS (zmq_poller_add (poller, ctx, NULL, ZMQ_POLLIN), ENOTSOCK);
    CHECK_FAILS (zmq_poller_add (NULL, b, NULL, ZMQ_POLLIN), EFAULT);
    CHECK_OK (zmq_poller_add (poller, b, &marker_b, ZMQ_POLLIN));
    CHECK_FAILS (zmq_poller_add (poller, b, NULL, ZMQ_POLLOUT), EINVAL);
    CHECK_FAILS (zmq_poller_modify (poller, a, ZMQ_POLLIN), EINVAL);
    CHECK_FAILS (zmq_poller_remove (poller, a), EINVAL);
    CHECK_FAILS (zmq_poller_add_fd (poller, -1, NULL, ZMQ_POLLIN), EBADF);
    CHECK_OK (pipe (fds));
    CHECK_OK (zmq_poller_add_fd (poller, fds[0], &marker_fd, ZMQ_POLLIN));
    CHECK_FAILS (zmq_poller_add_fd (poller, fds[0], NULL, ZMQ_POLLIN), EINVAL);
    CHECK_FAILS (zmq_poller_modify_fd (poller, fds[1], ZMQ_POLLIN), EINVAL);
    CHECK_FAILS (zmq_poller_remove_fd (poller, fds[1]), EINVAL);
    CHECK_EQ (zmq_poller_size (poller), 2);
    CHECK_FAILS (zmq_poller_wait_all (poller, NULL, 1, 0), EFAULT);
    CHECK_FAILS (zmq_poller_wait_all (poller, evs, -1, 0), EINVAL);
    CHECK_FAILS (zmq_poller_wait (poller, NULL, 0), EFAULT);

    tu_begin ("nothing ready: EAGAIN, the event cleared, after the timeout");
    ev.socket = a;
    ev.events = 7;
    CHECK_FAILS (zmq_poller_wait (poller, &ev, 0), EAGAIN);
    CHECK (ev.socket == NULL && ev.events == 0 && ev.user_data == NULL && ev.fd == -1);
    t0 = now_ms ();
    CHECK_FAILS (zmq_poller_wait (poller, &ev, 60), EAGAIN);
    CHECK (now_ms () - t0 >= 50);

    tu_begin ("a socket and a descriptor reported with their user data");
    CHECK_EQ (zmq_send (a, "hi", 2, 0), 2);
    CHECK_OK (zmq_poller_wait (poller, &ev, 1000));
    CHECK (ev.socket == b);
    CHECK (ev.user_data == &marker_b);
    CHECK_EQ (ev.events, ZMQ_POLLIN);
    CHECK_EQ (ev.fd, -1);
    CHECK_EQ (write (fds[1], "x", 1), 1);
    for (i = 0; i < 4; i++)
        evs[i].events = 99;
    CHECK_EQ (zmq_poller_wait_all (poller, evs, 4, 1000), 2);
    CHECK (evs[0].socket == b && evs[0].user_data == &marker_b);
    CHECK (evs[1].socket == NULL && evs[1].fd == fds[0] && evs[1].user_data == &marker_fd);
    CHECK_EQ (evs[1].events, ZMQ_POLLIN);
    /* The rest of the array is cleared. */
    CHECK (evs[2].socket == NULL && evs[2].events == 0 && evs[3].events == 0);
    /* Room for one: the first ready item, in the order they were added. */
    CHECK_EQ (zmq_poller_wait_all (poller, evs, 1, 0), 1);
    CHECK (evs[0].socket == b);

    tu_begin ("changed and removed items");
    CHECK_OK (zmq_poller_add (poller, a, &marker_a, ZMQ_POLLOUT));
    CHECK_EQ (zmq_poller_size (poller), 3);
    CHECK_EQ (zmq_poller_wait_all (poller, evs, 4, 0), 3);
    CHECK (evs[2].socket == a && evs[2].user_data == &marker_a && evs[2].events == ZMQ_POLLOUT);
    /* No events wanted: not watched. */
    CHECK_OK (zmq_poller_modify (poller, b, 0));
    CHECK_OK (zmq_poller_modify_fd (poller, fds[0], 0));
    CHECK_EQ (zmq_poller_wait_all (poller, evs, 4, 0), 1);
    CHECK (evs[0].socket == a);
    CHECK_OK (zmq_poller_remove (poller, a));
    CHECK_FAILS (zmq_poller_wait (poller, &ev, 0), EAGAIN);
    /* Every item wants nothing: waiting forever is EFAULT, as for an empty poller. */
    CHECK_FAILS (zmq_poller_wait (poller, &ev, -1), EFAULT);
    CHECK_OK (zmq_poller_modify (poller, b, ZMQ_POLLIN | ZMQ_POLLOUT));
    CHECK_OK (zmq_poller_wait (poller, &ev, 0));
    CHECK_EQ (ev.events, ZMQ_POLLIN | ZMQ_POLLOUT);
    CHECK_OK (zmq_poller_remove_fd (poller, fds[0]));
    CHECK_OK (zmq_poller_remove (poller, b));
    CHECK_EQ (zmq_poller_size (poller), 0);
    /* Empty: waiting forever for nothing is EFAULT, as libzmq answers. */
    CHECK_FAILS (zmq_poller_wait (poller, &ev, -1), EFAULT);
    CHECK_FAILS (zmq_poller_wait (poller, &ev, 0), EAGAIN);

    tu_begin ("a blocking wait woken by a message over tcp from another thread");
    {
        char ep[64];
        size_t len = sizeof ep;
        pthread_t t;
        later_t l;
        c = zmq_socket (ctx, ZMQ_PULL);
        d = zmq_socket (ctx, ZMQ_PUSH);
        CHECK_OK (zmq_bind (c, "tcp://127.0.0.1:*"));
        zmq_getsockopt (c, ZMQ_LAST_ENDPOINT, ep, &len);
        CHECK_OK (zmq_connect (d, ep));
        CHECK_OK (zmq_poller_add (poller, c, NULL, ZMQ_POLLIN));
        l.socket = d;
        l.delay_ms = 50;
        pthread_create (&t, NULL, send_later, &l);
        CHECK_OK (zmq_poller_wait (poller, &ev, -1));
        CHECK (ev.socket == c && ev.events == ZMQ_POLLIN);
        pthread_join (t, NULL);
        CHECK_OK (zmq_poller_remove (poller, c));
    }

    tu_begin ("a socket whose context was shut down: ETERM");
    {
        void *ctx2 = zmq_ctx_new (), *e = zmq_socket (ctx2, ZMQ_PULL);
        CHECK_OK (zmq_poller_add (poller, e, NULL, ZMQ_POLLIN));
        CHECK_OK (zmq_ctx_shutdown (ctx2));
        CHECK_FAILS (zmq_poller_wait (poller, &ev, -1), ETERM);
        CHECK_OK (zmq_poller_remove (poller, e));
        zmq_close (e);
        CHECK_OK (zmq_ctx_term (ctx2));
    }

    tu_begin ("zmq_poller_fd: readable once an item may be ready, for any socket type");
    {
        void *p2 = zmq_poller_new ();
        zmq_fd_t pfd = -1;
        struct pollfd w;
        int fds2[2];
        char buf[8];
        /* b starts with nothing to read (a socket's descriptor signals changes). */
        while (zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
        }
        CHECK_OK (zmq_poller_add (p2, b, &marker_b, ZMQ_POLLIN));
        CHECK_OK (zmq_poller_fd (p2, &pfd));
        CHECK (pfd >= 0);
        CHECK_FAILS (zmq_poller_fd (p2, NULL), EFAULT);
        CHECK_FAILS (zmq_poller_fd (NULL, &pfd), EFAULT);
        /* Settle: the first wait takes in what the socket had to say. */
        zmq_poller_wait (p2, &ev, 0);
        w.fd = pfd;
        w.events = POLLIN;
        CHECK_EQ (poll (&w, 1, 50), 0);
        CHECK_EQ (zmq_send (a, "wake", 4, 0), 4);
        CHECK_EQ (poll (&w, 1, 2000), 1);
        CHECK_OK (zmq_poller_wait (p2, &ev, 0));
        CHECK (ev.socket == b && ev.user_data == &marker_b && ev.events == ZMQ_POLLIN);
        CHECK_EQ (zmq_recv (b, buf, sizeof buf, 0), 4);
        /* A descriptor added after the fd was made is watched too. */
        CHECK_OK (pipe (fds2));
        CHECK_OK (zmq_poller_add_fd (p2, fds2[0], NULL, ZMQ_POLLIN));
        zmq_poller_wait (p2, &ev, 0);
        CHECK_EQ (poll (&w, 1, 50), 0);
        CHECK_EQ (write (fds2[1], "x", 1), 1);
        CHECK_EQ (poll (&w, 1, 2000), 1);
        CHECK_OK (zmq_poller_wait (p2, &ev, 0));
        CHECK (ev.socket == NULL && ev.fd == fds2[0]);
        /* Removed, it no longer counts. */
        CHECK_OK (zmq_poller_remove_fd (p2, fds2[0]));
        CHECK_EQ (poll (&w, 1, 50), 0);
        CHECK_OK (zmq_poller_destroy (&p2));
        close (fds2[0]);
        close (fds2[1]);
    }

    tu_begin ("a socket closed while in the poller: ENOTSOCK");
    CHECK_OK (zmq_poller_add (poller, c, NULL, ZMQ_POLLIN));
    CHECK_OK (zmq_close (c));
    CHECK_FAILS (zmq_poller_wait (poller, &ev, 0), ENOTSOCK);
    CHECK_OK (zmq_poller_destroy (&poller));

    tu_begin ("zmq_ppoll: the mask applies while it waits");
    {
        struct sigaction sa;
        sigset_t blocked, open_mask, wait_blocking;
        zmq_pollitem_t item;
        pthread_t t;
        signaller_t s;
        memset (&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigaction (SIGUSR1, &sa, NULL);
        sigemptyset (&blocked);
        sigaddset (&blocked, SIGUSR1);
        pthread_sigmask (SIG_BLOCK, &blocked, NULL);
        sigemptyset (&open_mask);
        wait_blocking = blocked;
        memset (&item, 0, sizeof item);
        item.socket = a;
        item.events = ZMQ_POLLIN;
        /* NULL mask: zmq_poll. */
        CHECK_EQ (zmq_ppoll (&item, 1, 0, NULL), 0);
        CHECK_EQ (zmq_send (b, "x", 1, 0), 1);
        CHECK_EQ (zmq_ppoll (&item, 1, 1000, &open_mask), 1);
        CHECK_EQ (item.revents, ZMQ_POLLIN);
        CHECK_EQ (zmq_recv (a, &i, sizeof i, 0), 1);
        /* SIGUSR1, blocked in this thread, is let in during the wait: EINTR. */
        usr1_seen = 0;
        s.target = pthread_self ();
        s.delay_ms = 50;
        pthread_create (&t, NULL, signal_later, &s);
        t0 = now_ms ();
        CHECK_FAILS (zmq_ppoll (&item, 1, 5000, &open_mask), EINTR);
        CHECK (usr1_seen);
        CHECK (now_ms () - t0 < 4000);
        pthread_join (t, NULL);
        /* Kept blocked during the wait: it stays pending, the wait times out. */
        usr1_seen = 0;
        pthread_create (&t, NULL, signal_later, &s);
        CHECK_EQ (zmq_ppoll (&item, 1, 300, &wait_blocking), 0);
        pthread_join (t, NULL);
        CHECK (!usr1_seen);
        /* Unblocked again, it is delivered. */
        pthread_sigmask (SIG_UNBLOCK, &blocked, NULL);
        CHECK (usr1_seen);
    }

    zmq_close (a);
    zmq_close (b);
    zmq_close (d);
    close (fds[0]);
    close (fds[1]);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
