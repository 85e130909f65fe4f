/* Demo: the classic patterns over inproc, each in a few lines: REQ/REP echo, PUB/SUB with a
   topic filter, PUSH/PULL to two workers, PAIR, a multipart message and zmq_poll. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

static void send_str (void *s, const char *text, int flags)
{
    zmq_send (s, text, strlen (text), flags);
}

static const char *recv_str (void *s)
{
    static char buf[128];
    int n = zmq_recv (s, buf, sizeof buf - 1, 0);
    buf[n < 0 ? 0 : (n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1)] = '\0';
    return buf;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    int i;
    Dl_info info;
    union {
        void (*fn) (int *, int *, int *);
        void *address;
    } version_fn;

    version_fn.fn = zmq_version;
    if (dladdr (version_fn.address, &info) && info.dli_fname)
        printf ("library: %s\n", info.dli_fname);

    {
        void *rep = zmq_socket (ctx, ZMQ_REP), *req = zmq_socket (ctx, ZMQ_REQ);
        zmq_bind (rep, "inproc://echo");
        zmq_connect (req, "inproc://echo");
        for (i = 0; i < 3; i++) {
            char text[32];
            snprintf (text, sizeof text, "hello %d", i);
            send_str (req, text, 0);
            send_str (rep, recv_str (rep), 0);
            printf ("REQ/REP     sent '%s', echoed '%s'\n", text, recv_str (req));
        }
        zmq_close (req);
        zmq_close (rep);
    }

    {
        void *pub = zmq_socket (ctx, ZMQ_PUB), *sub = zmq_socket (ctx, ZMQ_SUB);
        int events;
        size_t len = sizeof events;
        zmq_bind (pub, "inproc://news");
        zmq_connect (sub, "inproc://news");
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "weather.", 8);
        /* Let the publisher take in the subscription before publishing. */
        zmq_getsockopt (pub, ZMQ_EVENTS, &events, &len);
        send_str (pub, "sports.football 2-1", 0);
        send_str (pub, "weather.paris sunny", 0);
        send_str (pub, "weather.oslo snow", 0);
        printf ("PUB/SUB     subscribed to 'weather.': '%s'", recv_str (sub));
        printf (", '%s'\n", recv_str (sub));
        zmq_close (pub);
        zmq_close (sub);
    }

    {
        void *push = zmq_socket (ctx, ZMQ_PUSH);
        void *w1 = zmq_socket (ctx, ZMQ_PULL), *w2 = zmq_socket (ctx, ZMQ_PULL);
        zmq_bind (push, "inproc://tasks");
        zmq_connect (w1, "inproc://tasks");
        zmq_connect (w2, "inproc://tasks");
        for (i = 0; i < 4; i++) {
            char task[16];
            snprintf (task, sizeof task, "task %d", i);
            send_str (push, task, 0);
        }
        printf ("PUSH/PULL   worker 1 got '%s'", recv_str (w1));
        printf (" and '%s'", recv_str (w1));
        printf ("; worker 2 got '%s'", recv_str (w2));
        printf (" and '%s'\n", recv_str (w2));
        zmq_close (push);
        zmq_close (w1);
        zmq_close (w2);
    }

    {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        zmq_pollitem_t items[1];
        int more;
        size_t len = sizeof more;
        zmq_bind (a, "inproc://pair");
        zmq_connect (b, "inproc://pair");
        send_str (a, "ping", 0);
        printf ("PAIR        b got '%s'", recv_str (b));
        send_str (b, "pong", 0);
        printf (", a got '%s'\n", recv_str (a));

        send_str (a, "part 1", ZMQ_SNDMORE);
        send_str (a, "part 2", ZMQ_SNDMORE);
        send_str (a, "part 3", 0);
        printf ("multipart  ");
        do {
            printf (" '%s'", recv_str (b));
            zmq_getsockopt (b, ZMQ_RCVMORE, &more, &len);
        } while (more);
        printf ("\n");

        items[0].socket = b;
        items[0].fd = 0;
        items[0].events = ZMQ_POLLIN;
        printf ("zmq_poll    nothing waiting: %d ready", zmq_poll (items, 1, 10));
        send_str (a, "wake up", 0);
        printf (", after a send: %d ready", zmq_poll (items, 1, -1));
        printf (" ('%s')\n", recv_str (b));
        zmq_close (a);
        zmq_close (b);
    }
    return zmq_ctx_term (ctx);
}
