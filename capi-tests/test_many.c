/* Many connections on one socket: 1000 DEALERs on one ROUTER over tcp and over ipc, each
   sending a request and getting its own reply, then one of them streaming through. */
#include "testutil.h"

#include <sys/resource.h>
#include <unistd.h>

#define PEERS 1000
#define STREAM 20000

static void run (void *ctx, const char *transport)
{
    static void *dealers[PEERS];
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    char ep[256], id[64], buf[64];
    size_t len = sizeof ep;
    int i, n, timeout = 5000, backlog = 2048, zero = 0, requests = 0, replies = 0, streamed = 0;

    zmq_setsockopt (router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (router, ZMQ_LINGER, &zero, sizeof zero);
    /* All connect at once: a backlog that holds them (the default 100 makes the kernel drop
       connects, to be retried seconds later). */
    zmq_setsockopt (router, ZMQ_BACKLOG, &backlog, sizeof backlog);
    CHECK_OK (zmq_bind (router, transport));
    zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, ep, &len);
    for (i = 0; i < PEERS; i++) {
        dealers[i] = zmq_socket (ctx, ZMQ_DEALER);
        if (!dealers[i])
            break;
        snprintf (id, sizeof id, "peer-%d", i);
        zmq_setsockopt (dealers[i], ZMQ_ROUTING_ID, id, strlen (id));
        zmq_setsockopt (dealers[i], ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        zmq_setsockopt (dealers[i], ZMQ_LINGER, &zero, sizeof zero);
        zmq_connect (dealers[i], ep);
    }
    CHECK_EQ (i, PEERS);
    for (i = 0; i < PEERS; i++)
        zmq_send (dealers[i], "request", 7, 0);
    for (i = 0; i < PEERS; i++) {
        n = zmq_recv (router, id, sizeof id - 1, 0);
        if (n < 0 || zmq_recv (router, buf, sizeof buf, 0) != 7)
            break;
        requests++;
        zmq_send (router, id, (size_t) n, ZMQ_SNDMORE);
        id[n] = '\0';
        zmq_send (router, id, (size_t) n, 0);
    }
    CHECK_EQ (requests, PEERS);
    for (i = 0; i < PEERS; i++) {
        char want[64];
        snprintf (want, sizeof want, "peer-%d", i);
        n = zmq_recv (dealers[i], buf, sizeof buf - 1, 0);
        if (n == (int) strlen (want) && memcmp (buf, want, (size_t) n) == 0)
            replies++;
    }
    CHECK_EQ (replies, PEERS);
    /* With all of them attached, one streams (in bursts under the high-water marks, as one
       thread both sends and receives). */
    for (i = 0; i < STREAM && streamed == i; i += 500) {
        int j;
        for (j = 0; j < 500; j++)
            zmq_send (dealers[PEERS / 2], "x", 1, 0);
        for (j = 0; j < 500; j++) {
            if (zmq_recv (router, id, sizeof id, 0) < 0
                || zmq_recv (router, buf, sizeof buf, 0) != 1)
                break;
            streamed++;
        }
    }
    CHECK_EQ (streamed, STREAM);
    for (i = 0; i < PEERS; i++)
        zmq_close (dealers[i]);
    zmq_close (router);
}

int main (void)
{
    struct rlimit limit;
    void *ctx;
    char ipc[64];

    tu_init ();
    /* Two descriptors per connection and one per socket: more than the usual 1024. */
    getrlimit (RLIMIT_NOFILE, &limit);
    if (limit.rlim_max < 4 * PEERS) {
        printf ("SKIP: RLIMIT_NOFILE hard limit %lu is below %d\n",
                (unsigned long) limit.rlim_max, 4 * PEERS);
        return tu_finish ();
    }
    if (limit.rlim_cur < 4 * PEERS) {
        limit.rlim_cur = 4 * PEERS;
        setrlimit (RLIMIT_NOFILE, &limit);
    }
    ctx = zmq_ctx_new ();
    zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 2 * PEERS + 16);

    tu_begin ("1000 peers on one ROUTER over tcp");
    run (ctx, "tcp://127.0.0.1:*");
    tu_begin ("1000 peers on one ROUTER over ipc");
    snprintf (ipc, sizeof ipc, "ipc:///tmp/zmq-capi-many-%d", (int) getpid ());
    run (ctx, ipc);

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
