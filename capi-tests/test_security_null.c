/* ZAP with the NULL mechanism: a server with ZMQ_ZAP_DOMAIN asks the handler bound at
   inproc://zeromq.zap.01 about each peer; the request's frames, the verdicts (200, 300, 400,
   500), the handler's User-Id and metadata on messages, no handler with and without
   ZMQ_ZAP_ENFORCE_DOMAIN, and malformed replies, each with libzmq's monitor events. Over tcp
   and ipc. */
#include "testutil.h"
#include "zaputil.h"

#include <unistd.h>

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft API */
#endif

static int counter;

/* A PULL server with the given ZAP domain (NULL: none), bound on a fresh endpoint of
   `transport`, with a monitor; `ep` receives the endpoint. */
static void *server (void *ctx, const char *domain, int enforce, const char *transport,
                     char *ep, size_t cap, void **mon)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    char name[64];
    size_t len = cap;
    int timeout = 500;
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (domain)
        zmq_setsockopt (pull, ZMQ_ZAP_DOMAIN, domain, strlen (domain));
    if (enforce)
        CHECK_OK (zmq_setsockopt (pull, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce));
    snprintf (name, sizeof name, "inproc://mon-null-%d", counter++);
    *mon = monitor_of (ctx, pull, name);
    if (strcmp (transport, "tcp") == 0)
        zmq_bind (pull, "tcp://127.0.0.1:*");
    else
        zmq_bind (pull, "ipc://*");
    zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
    return pull;
}

static void *client (void *ctx, const char *ep, void **mon)
{
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    char name[64];
    int linger = 0;
    zmq_setsockopt (push, ZMQ_LINGER, &linger, sizeof linger);
    snprintf (name, sizeof name, "inproc://mon-null-%d", counter++);
    *mon = monitor_of (ctx, push, name);
    zmq_connect (push, ep);
    return push;
}

/* Sockets a and b with their monitors c and d: each monitor stops before its reader goes
   (libzmq sends events blocking, and would hang on a reader that is gone). */
static void close_all (void *a, void *b, void *c, void *d)
{
    close_monitored (a, c);
    close_monitored (b, d);
}

/* A refusal: the server reports HANDSHAKE_FAILED_AUTH with the status, the client hears the
   ERROR (except for 300), and no message passes. */
static void refused (void *ctx, struct zap_handler *h, const char *status, int code,
                     const char *transport)
{
    void *smon, *cmon, *pull, *push;
    char ep[256];
    char buf[8];
    zap_answer (h, status, ZAP_FAULT_NONE);
    pull = server (ctx, "global", 0, transport, ep, sizeof ep, &smon);
    push = client (ctx, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 2000), code);
    if (code != 300)
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 2000), code);
    zmq_send (push, "x", 1, ZMQ_DONTWAIT);
    CHECK_RC_ERRNO (zmq_recv (pull, buf, sizeof buf, 0), -1, EAGAIN);
    close_all (pull, push, smon, cmon);
}

/* A malformed reply: the server reports HANDSHAKE_FAILED_PROTOCOL with the ZAP code. */
static void malformed (void *ctx, struct zap_handler *h, enum zap_fault fault, int code)
{
    void *smon, *cmon, *pull, *push;
    char ep[256];
    zap_answer (h, "200", fault);
    pull = server (ctx, "global", 0, "tcp", ep, sizeof ep, &smon);
    push = client (ctx, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, 2000), code);
    close_all (pull, push, smon, cmon);
}

static void accepted (void *ctx, struct zap_handler *h, const char *transport)
{
    void *smon, *cmon, *pull, *push;
    char ep[256];
    zmq_msg_t msg;
    int before = zap_requests (h);
    zap_answer (h, "200", ZAP_FAULT_NONE);
    pull = server (ctx, "global", 0, transport, ep, sizeof ep, &smon);
    push = client (ctx, ep, &cmon);
    CHECK_EQ (zmq_send (push, "hello", 5, 0), 5);
    zmq_msg_init (&msg);
    CHECK_EQ (zmq_msg_recv (&msg, pull, 0), 5);
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    CHECK_STR (zmq_msg_gets (&msg, "Hello"), "World");
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "PUSH");
    zmq_msg_close (&msg);
    CHECK_EQ (zap_requests (h), before + 1);
    /* "1.0", "1", domain, address, the server's routing id (none), "NULL": the REP handler
       takes the empty delimiter off. */
    CHECK (zap_frame_is (h, 0, "1.0", 3));
    CHECK (zap_frame_is (h, 1, "1", 1));
    CHECK (zap_frame_is (h, 2, "global", 6));
    if (strcmp (transport, "tcp") == 0)
        CHECK (zap_frame_is (h, 3, "127.0.0.1", 9));
    else {
        char address[64];
        snprintf (address, sizeof address, "localhost:%u:%u:%d", (unsigned) getuid (),
                  (unsigned) getgid (), (int) getpid ());
        CHECK (zap_frame_is (h, 3, address, strlen (address)));
    }
    CHECK (zap_frame_is (h, 4, "", 0));
    CHECK (zap_frame_is (h, 5, "NULL", 4));
    CHECK_EQ (h->frames, 6);
    CHECK (wait_event (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 2000) >= 0);
    close_all (pull, push, smon, cmon);
}

int main (void)
{
    void *ctx, *other, *smon, *cmon, *pull, *push;
    struct zap_handler h;
    char ep[256];
    char buf[8];
    int before;

    tu_init ();
    ctx = zmq_ctx_new ();
    zap_start (&h, ctx, "200");

    tu_begin ("accepted over tcp: the request's frames, User-Id and metadata on messages");
    accepted (ctx, &h, "tcp");
    tu_begin ("accepted over ipc: the address is localhost:uid:gid:pid");
    accepted (ctx, &h, "ipc");

    tu_begin ("refused with 400, 500 and 300");
    refused (ctx, &h, "400", 400, "tcp");
    refused (ctx, &h, "500", 500, "tcp");
    refused (ctx, &h, "300", 300, "tcp");
    refused (ctx, &h, "400", 400, "ipc");

    tu_begin ("malformed replies: each with its ZAP protocol error");
    malformed (ctx, &h, ZAP_FAULT_VERSION, ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION);
    malformed (ctx, &h, ZAP_FAULT_REQUEST_ID, ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID);
    malformed (ctx, &h, ZAP_FAULT_STATUS, ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE);
    malformed (ctx, &h, ZAP_FAULT_METADATA, ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA);
    malformed (ctx, &h, ZAP_FAULT_SHORT, ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY);

    tu_begin ("without a ZAP domain, NULL never asks the handler");
    zap_answer (&h, "400", ZAP_FAULT_NONE);
    before = zap_requests (&h);
    pull = server (ctx, NULL, 0, "tcp", ep, sizeof ep, &smon);
    push = client (ctx, ep, &cmon);
    CHECK_EQ (zmq_send (push, "x", 1, 0), 1);
    CHECK_EQ (zmq_recv (pull, buf, sizeof buf, 0), 1);
    CHECK_EQ (zap_requests (&h), before);
    close_all (pull, push, smon, cmon);
    zap_stop (&h);

    tu_begin ("a domain and no handler: accepted, unless ZAP_ENFORCE_DOMAIN");
    other = zmq_ctx_new ();
    pull = server (other, "global", 0, "tcp", ep, sizeof ep, &smon);
    push = client (other, ep, &cmon);
    CHECK_EQ (zmq_send (push, "x", 1, 0), 1);
    CHECK_EQ (zmq_recv (pull, buf, sizeof buf, 0), 1);
    close_all (pull, push, smon, cmon);
    pull = server (other, "global", 1, "tcp", ep, sizeof ep, &smon);
    push = client (other, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, 2000), EFAULT);
    zmq_send (push, "x", 1, ZMQ_DONTWAIT);
    CHECK_RC_ERRNO (zmq_recv (pull, buf, sizeof buf, 0), -1, EAGAIN);
    close_all (pull, push, smon, cmon);
    zmq_ctx_term (other);

    zmq_ctx_term (ctx);
    return tu_finish ();
}
