/* Socket monitor events over tcp for a connect, handshake, lost server, retries, reconnect
   and close, on both sides, in libzmq's two-frame format; the same sequence on both
   libraries (the number of retry cycles while the server is away depends on timing, so each
   run of them counts as one). */
#include "testutil.h"

#include <stdint.h>
#include <time.h>

#define MAX_EVENTS 2048

struct events {
    int n;
    int code[MAX_EVENTS];
    char endpoint[MAX_EVENTS][64];
};

static long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collects events for `span_ms`, or until MONITOR_STOPPED. */
static void collect (void *mon, struct events *ev, int span_ms)
{
    long long end = now_ms () + span_ms;
    int wait = 20;
    zmq_setsockopt (mon, ZMQ_RCVTIMEO, &wait, sizeof wait);
    while (ev->n < MAX_EVENTS && now_ms () < end) {
        zmq_msg_t frame;
        uint16_t code;
        int more = 0, size;
        size_t len = sizeof more;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, mon, 0) != 6) {
            zmq_msg_close (&frame);
            continue;
        }
        memcpy (&code, zmq_msg_data (&frame), 2);
        zmq_getsockopt (mon, ZMQ_RCVMORE, &more, &len);
        if (!more)
            CHECK (more);
        size = zmq_msg_recv (&frame, mon, 0);
        ev->code[ev->n] = code;
        snprintf (ev->endpoint[ev->n], sizeof ev->endpoint[0], "%.*s", size > 0 ? size : 0,
                  (char *) zmq_msg_data (&frame));
        ev->n++;
        zmq_msg_close (&frame);
        if (code == ZMQ_EVENT_MONITOR_STOPPED)
            return;
    }
}

/* The events as text, with each run of connect-retry events (RETRIED, DELAYED, CLOSED)
   written once as "retries". */
static void describe (const struct events *ev, char *out, size_t cap)
{
    int i, in_retries = 0;
    out[0] = '\0';
    for (i = 0; i < ev->n; i++) {
        const char *name;
        int retry = 0;
        switch (ev->code[i]) {
            case ZMQ_EVENT_CONNECTED: name = "CONNECTED"; break;
            case ZMQ_EVENT_CONNECT_DELAYED: name = "DELAYED"; retry = 1; break;
            case ZMQ_EVENT_CONNECT_RETRIED: name = "RETRIED"; retry = 1; break;
            case ZMQ_EVENT_LISTENING: name = "LISTENING"; break;
            case ZMQ_EVENT_ACCEPTED: name = "ACCEPTED"; break;
            case ZMQ_EVENT_CLOSED: name = "CLOSED"; retry = in_retries; break;
            case ZMQ_EVENT_DISCONNECTED: name = "DISCONNECTED"; break;
            case ZMQ_EVENT_MONITOR_STOPPED: name = "STOPPED"; break;
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: name = "HANDSHAKE"; break;
            default: name = "OTHER"; break;
        }
        if (retry) {
            if (!in_retries) {
                strncat (out, "retries ", cap - strlen (out) - 1);
                in_retries = 1;
            }
            continue;
        }
        in_retries = 0;
        strncat (out, name, cap - strlen (out) - 1);
        strncat (out, " ", cap - strlen (out) - 1);
    }
}

int main (void)
{
    void *ctx, *client, *server, *cmon, *smon;
    static struct events cev, sev;
    char ep[64], text[1024];
    size_t len = sizeof ep;
    int ivl = 50, i;

    tu_init ();
    memset (&cev, 0, sizeof cev);
    memset (&sev, 0, sizeof sev);
    ctx = zmq_ctx_new ();
    client = zmq_socket (ctx, ZMQ_DEALER);
    server = zmq_socket (ctx, ZMQ_ROUTER);
    zmq_setsockopt (client, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    CHECK_OK (zmq_socket_monitor (client, "inproc://mon-client", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (server, "inproc://mon-server", ZMQ_EVENT_ALL));
    cmon = zmq_socket (ctx, ZMQ_PAIR);
    smon = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_connect (cmon, "inproc://mon-client"));
    CHECK_OK (zmq_connect (smon, "inproc://mon-server"));

    tu_begin ("connect and handshake");
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, ep, &len);
    CHECK_OK (zmq_connect (client, ep));
    collect (cmon, &cev, 300);
    collect (smon, &sev, 100);
    describe (&sev, text, sizeof text);
    CHECK_STR (text, "LISTENING ACCEPTED HANDSHAKE ");
    for (i = 0; i < sev.n && strcmp (sev.endpoint[i], ep) == 0; i++)
        ;
    CHECK_EQ (i, sev.n);

    tu_begin ("the server goes: the client retries, the server reports its listener closed");
    zmq_close (server);
    collect (cmon, &cev, 300);
    collect (smon, &sev, 2000);
    describe (&sev, text, sizeof text);
    CHECK_STR (text, "LISTENING ACCEPTED HANDSHAKE CLOSED STOPPED ");
    zmq_close (smon);

    tu_begin ("the server comes back: the client reconnects, then closes");
    server = zmq_socket (ctx, ZMQ_ROUTER);
    CHECK_OK (zmq_bind (server, ep));
    collect (cmon, &cev, 500);
    zmq_close (client);
    collect (cmon, &cev, 2000);
    describe (&cev, text, sizeof text);
    /* A connect on loopback may complete at once (no DELAYED) or not: both are retries. */
    CHECK_STR (text, "retries CONNECTED HANDSHAKE DISCONNECTED retries CONNECTED HANDSHAKE STOPPED ");
    for (i = 0; i + 1 < cev.n && strcmp (cev.endpoint[i], ep) == 0; i++)
        ;
    CHECK_EQ (i, cev.n - 1);
    CHECK_STR (cev.endpoint[cev.n - 1], "");

    zmq_close (cmon);
    zmq_close (server);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
