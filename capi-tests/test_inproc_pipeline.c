/* Sockets over inproc: PAIR, PUSH and PULL, blocking and non-blocking calls, multipart,
   high-water marks, ZMQ_FD / ZMQ_EVENTS, endpoint errors and context termination. */
#include "testutil.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/uio.h>

static int send_str (void *s, const char *text, int flags)
{
    return zmq_send (s, text, strlen (text), flags);
}

/* Receives a frame and compares it with `want`; returns 1 on a match. */
static int recv_is (void *s, const char *want, int flags)
{
    char buf[256];
    int n = zmq_recv (s, buf, sizeof buf - 1, flags);
    if (n < 0)
        return 0;
    buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = '\0';
    return strcmp (buf, want) == 0;
}

static int fd_readable (void *s)
{
    int fd;
    size_t len = sizeof fd;
    struct pollfd p;
    if (zmq_getsockopt (s, ZMQ_FD, &fd, &len) != 0)
        return -1;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return poll (&p, 1, 0) == 1;
}

static int events_of (void *s)
{
    int events = -1;
    size_t len = sizeof events;
    zmq_getsockopt (s, ZMQ_EVENTS, &events, &len);
    return events;
}

struct blocked
{
    void *socket;
    int rc;
    int err;
};

static void *blocked_recv (void *arg)
{
    struct blocked *b = (struct blocked *) arg;
    char buf[16];
    b->rc = zmq_recv (b->socket, buf, sizeof buf, 0);
    b->err = errno;
    return NULL;
}

/* A free function that, like pyzmq's, reports the release on an inproc socket. */
static void *gc_socket;
static void release_and_report (void *data, void *hint)
{
    (void) data;
    zmq_send (gc_socket, hint, strlen ((const char *) hint), 0);
}

static void on_alarm (int sig)
{
    (void) sig;
}

static void *close_later (void *socket)
{
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep (&ts, NULL);
    zmq_close (socket);
    return NULL;
}

int main (void)
{
    void *ctx;
    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("PAIR: both directions, multipart, truncation");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        char buf[4];
        int more;
        size_t len = sizeof more;
        CHECK_OK (zmq_bind (a, "inproc://pair"));
        CHECK_OK (zmq_connect (b, "inproc://pair"));
        CHECK_EQ (send_str (b, "hello", 0), 5);
        CHECK (recv_is (a, "hello", 0));
        CHECK_EQ (send_str (a, "part1", ZMQ_SNDMORE), 5);
        CHECK_EQ (send_str (a, "part2", 0), 5);
        CHECK (recv_is (b, "part1", 0));
        CHECK_OK (zmq_getsockopt (b, ZMQ_RCVMORE, &more, &len));
        CHECK_EQ (more, 1);
        CHECK (recv_is (b, "part2", 0));
        CHECK_OK (zmq_getsockopt (b, ZMQ_RCVMORE, &more, &len));
        CHECK_EQ (more, 0);
        /* zmq_recv truncates but reports the full size. */
        CHECK_EQ (send_str (a, "truncated", 0), 9);
        CHECK_EQ (zmq_recv (b, buf, sizeof buf, 0), 9);
        CHECK_MEM (buf, "trun", 4);
        CHECK_FAILS (zmq_recv (b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
        CHECK_OK (zmq_close (a));
        CHECK_OK (zmq_close (b));
    }

    tu_begin ("PAIR: connect before bind, empty frames, zmq_msg_send/recv");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        zmq_msg_t m;
        CHECK_OK (zmq_connect (b, "inproc://later"));
        CHECK_EQ (send_str (b, "early", 0), 5);
        CHECK_EQ (zmq_send (b, NULL, 0, 0), 0);
        CHECK_OK (zmq_bind (a, "inproc://later"));
        CHECK (recv_is (a, "early", 0));
        zmq_msg_init (&m);
        CHECK_EQ (zmq_msg_recv (&m, a, 0), 0);
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        zmq_msg_close (&m);
        zmq_msg_init_size (&m, 100);
        memset (zmq_msg_data (&m), 'x', 100);
        CHECK_EQ (zmq_msg_send (&m, a, 0), 100);
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        zmq_msg_close (&m);
        zmq_msg_init (&m);
        CHECK_EQ (zmq_msg_recv (&m, b, 0), 100);
        CHECK_EQ (((char *) zmq_msg_data (&m))[99], 'x');
        zmq_msg_close (&m);
        zmq_close (a);
        zmq_close (b);
    }

    tu_begin ("PUSH to two PULLs: round robin; PULL fair-queues two PUSHes");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH);
        void *pull1 = zmq_socket (ctx, ZMQ_PULL), *pull2 = zmq_socket (ctx, ZMQ_PULL);
        void *push2 = zmq_socket (ctx, ZMQ_PUSH);
        int i;
        CHECK_OK (zmq_bind (push, "inproc://fan-out"));
        CHECK_OK (zmq_connect (pull1, "inproc://fan-out"));
        CHECK_OK (zmq_connect (pull2, "inproc://fan-out"));
        for (i = 0; i < 4; i++)
            CHECK_EQ (send_str (push, i % 2 ? "odd" : "even", 0), i % 2 ? 3 : 4);
        CHECK (recv_is (pull1, "even", 0));
        CHECK (recv_is (pull1, "even", 0));
        CHECK (recv_is (pull2, "odd", 0));
        CHECK (recv_is (pull2, "odd", 0));
        CHECK_FAILS (zmq_recv (pull1, NULL, 0, ZMQ_DONTWAIT), EAGAIN);

        CHECK_OK (zmq_connect (push2, "inproc://fan-in"));
        CHECK_OK (zmq_bind (pull1, "inproc://fan-in"));
        CHECK_OK (zmq_connect (push, "inproc://fan-in"));
        for (i = 0; i < 3; i++)
            CHECK_EQ (send_str (push2, "two", 0), 3);
        CHECK_EQ (send_str (push, "one", 0), 3);
        /* One message from each sender in turn, then the rest. */
        {
            int twos = 0, ones = 0;
            char buf[8];
            for (i = 0; i < 4; i++) {
                int n = zmq_recv (pull1, buf, sizeof buf, 0);
                if (n == 3 && memcmp (buf, "two", 3) == 0)
                    twos++;
                else if (n == 3 && memcmp (buf, "one", 3) == 0)
                    ones++;
            }
            CHECK_EQ (twos, 3);
            CHECK_EQ (ones, 1);
        }
        zmq_close (push);
        zmq_close (push2);
        zmq_close (pull1);
        zmq_close (pull2);
    }

    tu_begin ("wrong direction is ENOTSUP; a failed send leaves the message");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        zmq_msg_t m;
        char buf[8];
        CHECK_FAILS (zmq_send (pull, "x", 1, 0), ENOTSUP);
        CHECK_FAILS (zmq_recv (push, buf, sizeof buf, 0), ENOTSUP);
        zmq_msg_init_size (&m, 3);
        memcpy (zmq_msg_data (&m), "abc", 3);
        CHECK_FAILS (zmq_msg_send (&m, push, ZMQ_DONTWAIT), EAGAIN);
        CHECK_EQ_U (zmq_msg_size (&m), 3);
        CHECK_MEM (zmq_msg_data (&m), "abc", 3);
        zmq_msg_close (&m);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("high-water marks: inproc sums SNDHWM and RCVHWM");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        int hwm = 5, sent = 0, timeout = 50;
        CHECK_OK (zmq_setsockopt (push, ZMQ_SNDHWM, &hwm, sizeof hwm));
        CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVHWM, &hwm, sizeof hwm));
        CHECK_OK (zmq_bind (pull, "inproc://hwm"));
        CHECK_OK (zmq_connect (push, "inproc://hwm"));
        while (sent < 100 && send_str (push, "m", ZMQ_DONTWAIT) == 1)
            sent++;
        CHECK_EQ (sent, 10);
        CHECK_EQ (errno, EAGAIN);
        CHECK_OK (zmq_setsockopt (push, ZMQ_SNDTIMEO, &timeout, sizeof timeout));
        CHECK_FAILS (send_str (push, "m", 0), EAGAIN);
        /* Reading makes room again. */
        while (sent > 0 && recv_is (pull, "m", 0))
            sent--;
        CHECK_EQ (sent, 0);
        CHECK_EQ (send_str (push, "m", ZMQ_DONTWAIT), 1);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("high-water marks of a connect made before its bind");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        int hwm = 10, sent = 0, events;
        size_t len = sizeof events;
        CHECK_OK (zmq_setsockopt (push, ZMQ_SNDHWM, &hwm, sizeof hwm));
        CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVHWM, &hwm, sizeof hwm));
        CHECK_OK (zmq_connect (push, "inproc://hwm-later"));
        CHECK_OK (zmq_bind (pull, "inproc://hwm-later"));
        CHECK_OK (zmq_getsockopt (push, ZMQ_EVENTS, &events, &len));
        while (sent < 100 && send_str (push, "m", ZMQ_DONTWAIT) == 1)
            sent++;
        CHECK_EQ (sent, 20);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("RCVTIMEO and ZMQ_FD / ZMQ_EVENTS");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        int timeout = 20;
        CHECK_OK (zmq_setsockopt (b, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
        CHECK_OK (zmq_bind (a, "inproc://events"));
        CHECK_OK (zmq_connect (b, "inproc://events"));
        CHECK_FAILS (zmq_recv (b, NULL, 0, 0), EAGAIN);
        CHECK_EQ (events_of (b), ZMQ_POLLOUT);
        CHECK_EQ (fd_readable (b), 0);
        CHECK_EQ (send_str (a, "wake", 0), 4);
        CHECK_EQ (fd_readable (b), 1);
        CHECK_EQ (events_of (b), ZMQ_POLLIN | ZMQ_POLLOUT);
        CHECK_EQ (fd_readable (b), 0);
        CHECK (recv_is (b, "wake", 0));
        CHECK_EQ (events_of (b), ZMQ_POLLOUT);
        zmq_close (a);
        zmq_close (b);
    }

    tu_begin ("endpoint errors");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        char endpoint[64];
        size_t len = sizeof endpoint;
        CHECK_OK (zmq_bind (a, "inproc://taken"));
        CHECK_FAILS (zmq_bind (b, "inproc://taken"), EADDRINUSE);
        CHECK_FAILS (zmq_bind (b, "nonsense://x"), EPROTONOSUPPORT);
        CHECK_FAILS (zmq_bind (b, "no-separator"), EINVAL);
        CHECK_FAILS (zmq_unbind (b, "inproc://taken"), ENOENT);
        CHECK_OK (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, endpoint, &len));
        CHECK_STR (endpoint, "inproc://taken");
        CHECK_EQ_U (len, strlen ("inproc://taken") + 1);
        CHECK_OK (zmq_unbind (a, "inproc://taken"));
        CHECK_OK (zmq_bind (b, "inproc://taken"));
        CHECK_FAILS (zmq_socket (ctx, 99) == NULL ? -1 : 0, EINVAL);
        CHECK_OK (zmq_close (a));
        CHECK_FAILS (zmq_close (a), ENOTSOCK);
        CHECK_FAILS (zmq_send (a, "x", 1, 0), ENOTSOCK);
        CHECK_FAILS (zmq_close (NULL), ENOTSOCK);
        zmq_close (b);
    }

    tu_begin ("messages sent before close are still delivered");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        CHECK_OK (zmq_bind (pull, "inproc://linger"));
        CHECK_OK (zmq_connect (push, "inproc://linger"));
        CHECK_EQ (send_str (push, "first", 0), 5);
        CHECK_EQ (send_str (push, "second", 0), 6);
        CHECK_OK (zmq_close (push));
        CHECK (recv_is (pull, "first", 0));
        CHECK (recv_is (pull, "second", 0));
        zmq_close (pull);
    }

    tu_begin ("a disconnect in the middle of a message keeps it on its pipe");
    {
        void *a = zmq_socket (ctx, ZMQ_PULL), *b = zmq_socket (ctx, ZMQ_PULL);
        void *c = zmq_socket (ctx, ZMQ_PULL), *push = zmq_socket (ctx, ZMQ_PUSH);
        int more;
        size_t len = sizeof more;
        CHECK_OK (zmq_bind (a, "inproc://mid-a"));
        CHECK_OK (zmq_bind (b, "inproc://mid-b"));
        CHECK_OK (zmq_bind (c, "inproc://mid-c"));
        CHECK_OK (zmq_connect (push, "inproc://mid-a"));
        CHECK_OK (zmq_connect (push, "inproc://mid-b"));
        CHECK_OK (zmq_connect (push, "inproc://mid-c"));
        CHECK_EQ (send_str (push, "m1", 0), 2);
        CHECK_EQ (send_str (push, "m2", 0), 2);
        CHECK_EQ (send_str (push, "x", ZMQ_SNDMORE), 1);
        CHECK_OK (zmq_disconnect (push, "inproc://mid-b"));
        CHECK_EQ (send_str (push, "y", 0), 1);
        CHECK (recv_is (c, "x", 0));
        CHECK_OK (zmq_getsockopt (c, ZMQ_RCVMORE, &more, &len));
        CHECK_EQ (more, 1);
        CHECK (recv_is (c, "y", 0));
        CHECK_OK (zmq_getsockopt (c, ZMQ_RCVMORE, &more, &len));
        CHECK_EQ (more, 0);
        zmq_close (a);
        zmq_close (b);
        zmq_close (c);
        zmq_close (push);
    }

    tu_begin ("a PUSH whose only peer closed sends nothing; a failed zmq_msg_send keeps the message");
    {
        void *pull = zmq_socket (ctx, ZMQ_PULL), *push = zmq_socket (ctx, ZMQ_PUSH);
        zmq_msg_t m;
        int events;
        size_t len = sizeof events;
        CHECK_OK (zmq_bind (pull, "inproc://gone"));
        CHECK_OK (zmq_connect (push, "inproc://gone"));
        CHECK_OK (zmq_close (pull));
        {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep (&ts, NULL);
        }
        CHECK_OK (zmq_getsockopt (push, ZMQ_EVENTS, &events, &len));
        CHECK_FAILS (send_str (push, "m", ZMQ_DONTWAIT), EAGAIN);
        zmq_close (push);
        zmq_msg_init_size (&m, 5);
        memcpy (zmq_msg_data (&m), "hello", 5);
        CHECK_FAILS (zmq_msg_send (&m, push, 0), ENOTSOCK);
        CHECK_EQ_U (zmq_msg_size (&m), 5);
        zmq_msg_close (&m);
    }

    tu_begin ("zmq_send_const sends without copying; the message reports ZMQ_SHARED");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        static const char constant[] = "constant data that outlives every message";
        zmq_msg_t m;
        CHECK_OK (zmq_bind (a, "inproc://const"));
        CHECK_OK (zmq_connect (b, "inproc://const"));
        CHECK_EQ (zmq_send_const (a, constant, sizeof constant, 0), (int) sizeof constant);
        zmq_msg_init (&m);
        CHECK_EQ (zmq_msg_recv (&m, b, 0), (int) sizeof constant);
        CHECK (zmq_msg_data (&m) == (const void *) constant);
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 1);
        zmq_msg_close (&m);
        zmq_close (a);
        zmq_close (b);
    }

    tu_begin ("a zero-copy free function may send on another socket");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        void *gc_in = zmq_socket (ctx, ZMQ_PULL);
        static char payload[100];
        zmq_msg_t m;
        gc_socket = zmq_socket (ctx, ZMQ_PUSH);
        CHECK_OK (zmq_bind (gc_in, "inproc://gc"));
        CHECK_OK (zmq_connect (gc_socket, "inproc://gc"));
        CHECK_OK (zmq_bind (a, "inproc://zero-copy"));
        CHECK_OK (zmq_connect (b, "inproc://zero-copy"));
        memset (payload, 'z', sizeof payload);
        CHECK_OK (zmq_msg_init_data (&m, payload, sizeof payload, release_and_report, "freed"));
        CHECK_EQ (zmq_msg_send (&m, a, 0), 100);
        zmq_msg_close (&m);
        zmq_msg_init (&m);
        CHECK_EQ (zmq_msg_recv (&m, b, 0), 100);
        CHECK_FAILS (zmq_recv (gc_in, NULL, 0, ZMQ_DONTWAIT), EAGAIN);
        CHECK_OK (zmq_msg_close (&m));
        CHECK (recv_is (gc_in, "freed", 0));
        zmq_close (a);
        zmq_close (b);
        zmq_close (gc_in);
        zmq_close (gc_socket);
    }

    tu_begin ("ZMQ_CONFLATE keeps only the newest message");
    {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        int one = 1, i;
        /* Over inproc libzmq takes the option from the connecting side. */
        CHECK_OK (zmq_setsockopt (pull, ZMQ_CONFLATE, &one, sizeof one));
        CHECK_OK (zmq_bind (push, "inproc://conflate"));
        CHECK_OK (zmq_connect (pull, "inproc://conflate"));
        for (i = 1; i <= 5; i++) {
            char text[2] = {(char) ('0' + i), 0};
            CHECK_EQ (send_str (push, text, 0), 1);
        }
        CHECK (recv_is (pull, "5", 0));
        CHECK_FAILS (zmq_recv (pull, NULL, 0, ZMQ_DONTWAIT), EAGAIN);
        zmq_close (push);
        zmq_close (pull);
    }

    tu_begin ("zmq_sendiov and zmq_recviov");
    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        char one[] = "one", three[] = "three";
        struct iovec out[3], in[4];
        size_t count = 4;
        out[0].iov_base = one;
        out[0].iov_len = 3;
        out[1].iov_base = NULL;
        out[1].iov_len = 0;
        out[2].iov_base = three;
        out[2].iov_len = 5;
        CHECK_OK (zmq_bind (a, "inproc://iov"));
        CHECK_OK (zmq_connect (b, "inproc://iov"));
        CHECK_EQ (zmq_sendiov (a, out, 3, ZMQ_SNDMORE), 5);
        CHECK_EQ (zmq_recviov (b, in, &count, 0), 3);
        CHECK_EQ_U (count, 3);
        CHECK_EQ_U (in[0].iov_len, 3);
        CHECK_MEM (in[0].iov_base, "one", 3);
        CHECK_EQ_U (in[1].iov_len, 0);
        CHECK_EQ_U (in[2].iov_len, 5);
        CHECK_MEM (in[2].iov_base, "three", 5);
        free (in[0].iov_base);
        free (in[1].iov_base);
        free (in[2].iov_base);
        CHECK_FAILS (zmq_sendiov (a, NULL, 1, 0), EINVAL);
        CHECK_FAILS (zmq_sendiov (a, out, 0, 0), EINVAL);
        count = 0;
        CHECK_FAILS (zmq_recviov (b, in, &count, 0), EINVAL);
        zmq_close (a);
        zmq_close (b);
    }

    tu_begin ("a signal interrupts a blocking receive with EINTR");
    {
        void *pull = zmq_socket (ctx, ZMQ_PULL);
        struct sigaction sa;
        struct itimerval timer;
        memset (&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction (SIGALRM, &sa, NULL);
        memset (&timer, 0, sizeof timer);
        timer.it_value.tv_usec = 100000;
        setitimer (ITIMER_REAL, &timer, NULL);
        CHECK_FAILS (zmq_recv (pull, NULL, 0, 0), EINTR);
        zmq_close (pull);
    }

    CHECK_OK (zmq_ctx_term (ctx));

    tu_begin ("zmq_ctx_term waits for the last socket to close");
    {
        void *c = zmq_ctx_new ();
        void *s = zmq_socket (c, ZMQ_PAIR);
        pthread_t t;
        pthread_create (&t, NULL, close_later, s);
        CHECK_OK (zmq_ctx_term (c));
        pthread_join (t, NULL);
        CHECK_FAILS (zmq_close (s), ENOTSOCK);
    }

    tu_begin ("context termination wakes a blocked receiver with ETERM");
    {
        void *ctx2 = zmq_ctx_new ();
        void *s = zmq_socket (ctx2, ZMQ_PULL);
        struct blocked b;
        pthread_t t;
        b.socket = s;
        b.rc = 0;
        b.err = 0;
        pthread_create (&t, NULL, blocked_recv, &b);
        zmq_sleep (0);
        {
            struct timespec ts = {0, 50 * 1000000L};
            nanosleep (&ts, NULL);
        }
        CHECK_OK (zmq_ctx_shutdown (ctx2));
        pthread_join (t, NULL);
        CHECK_EQ (b.rc, -1);
        CHECK_EQ (b.err, ETERM);
        CHECK_FAILS (zmq_socket (ctx2, ZMQ_PAIR) == NULL ? -1 : 0, ETERM);
        CHECK_OK (zmq_close (s));
        CHECK_OK (zmq_ctx_term (ctx2));
    }
    return tu_finish ();
}
