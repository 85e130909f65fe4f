/* ZAP with the NULL mechanism: a server with ZMQ_ZAP_DOMAIN asks the handler bound at
   inproc://zeromq.zap.01 about each peer; the request's frames, the verdicts (200, 300, 400,
   500), the handler's User-Id and metadata on messages, no handler with and without
   ZMQ_ZAP_ENFORCE_DOMAIN, and malformed replies, each with libzmq's monitor events. Over tcp
   and ipc. */
#include "testutil.h"
#include "zaputil.h"

#define EVENT_MS 2000

/* A PULL server with the given ZAP domain (NULL: none), bound on a fresh endpoint of
   `transport`. */
static void server (void *ctx, struct zap_link *l, const char *domain, int enforce,
                    const char *transport)
{
    l->srv = zap_socket (ctx, ZMQ_PULL, 500, &l->smon);
    zap_bind (l, domain, enforce, transport);
}

static void client (void *ctx, struct zap_link *l)
{
    l->cli = zap_socket (ctx, ZMQ_PUSH, EVENT_MS, &l->cmon);
    zmq_connect (l->cli, l->ep);
}

/* A refusal: the server reports HANDSHAKE_FAILED_AUTH with the status, the client hears the
   ERROR (except for 300), and no message passes. */
static void refused (void *ctx, struct zap_handler *h, const char *status, int code,
                     const char *transport)
{
    struct zap_link l;
    zap_answer (h, status, ZAP_FAULT_NONE);
    server (ctx, &l, "global", 0, transport);
    client (ctx, &l);
    zap_check_refused (&l, code, EVENT_MS);
    zap_close (&l);
}

/* A malformed reply: the server reports HANDSHAKE_FAILED_PROTOCOL with the ZAP code. */
static void malformed (void *ctx, struct zap_handler *h, enum zap_fault fault, int code)
{
    struct zap_link l;
    zap_answer (h, "200", fault);
    server (ctx, &l, "global", 0, "tcp");
    client (ctx, &l);
    CHECK_EQ (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, EVENT_MS), code);
    zap_close (&l);
}

static void accepted (void *ctx, struct zap_handler *h, const char *transport)
{
    struct zap_link l;
    zmq_msg_t msg;
    int before = zap_requests (h);
    zap_answer (h, "200", ZAP_FAULT_NONE);
    server (ctx, &l, "global", 0, transport);
    client (ctx, &l);
    CHECK_EQ (zmq_send (l.cli, "hello", 5, 0), 5);
    zmq_msg_init (&msg);
    CHECK_EQ (zmq_msg_recv (&msg, l.srv, 0), 5);
    zap_check_metadata (&msg, "PUSH");
    zmq_msg_close (&msg);
    /* NULL has no credentials: six frames, the server's routing id empty. */
    zap_check_request (h, before, 6, transport, "", "NULL");
    CHECK (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS) >= 0);
    zap_close (&l);
}

int main (void)
{
    void *ctx, *other;
    struct zap_handler h;
    struct zap_link l;
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
    server (ctx, &l, NULL, 0, "tcp");
    client (ctx, &l);
    CHECK_EQ (zmq_send (l.cli, "x", 1, 0), 1);
    CHECK_EQ (zmq_recv (l.srv, buf, sizeof buf, 0), 1);
    CHECK_EQ (zap_requests (&h), before);
    zap_close (&l);
    zap_stop (&h);

    tu_begin ("a domain and no handler: accepted, unless ZAP_ENFORCE_DOMAIN");
    other = zmq_ctx_new ();
    server (other, &l, "global", 0, "tcp");
    client (other, &l);
    CHECK_EQ (zmq_send (l.cli, "x", 1, 0), 1);
    CHECK_EQ (zmq_recv (l.srv, buf, sizeof buf, 0), 1);
    zap_close (&l);
    server (other, &l, "global", 1, "tcp");
    client (other, &l);
    CHECK_EQ (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EFAULT);
    zap_check_nothing_passes (&l);
    zap_close (&l);
    zmq_ctx_term (other);

    zmq_ctx_term (ctx);
    return tu_finish ();
}
