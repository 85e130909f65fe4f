/* The PLAIN mechanism (RFC 24) with ZAP (RFC 27), as libzmq 4.3.4 has it: the options and how
   they set the mechanism; a server (ZMQ_PLAIN_SERVER) asking the handler bound at
   inproc://zeromq.zap.01 about each client's username and password; the request's frames, the
   handler's User-Id and metadata on messages, multipart messages both ways; refusals (400, 500,
   300) with the monitor events of both sides; no handler, with and without a domain and
   ZMQ_ZAP_ENFORCE_DOMAIN; a client with a password and no username; mechanism mismatches (PLAIN
   against NULL, both ways) and two PLAIN servers. Over tcp and ipc. */
#include "testutil.h"
#include "zaputil.h"

#define EVENT_MS 5000

/* The server: a DEALER with routing id "IDENT", PLAIN server unless `plain` is 0 (NULL), with
   the ZAP domain (NULL: none) and enforcement given, bound on a fresh endpoint of
   `transport`. */
static void server (void *ctx, struct zap_link *l, int plain, const char *domain, int enforce,
                    const char *transport)
{
    int one = 1;
    l->srv = zap_socket (ctx, ZMQ_DEALER, EVENT_MS, &l->smon);
    zmq_setsockopt (l->srv, ZMQ_ROUTING_ID, "IDENT", 5);
    if (plain)
        zmq_setsockopt (l->srv, ZMQ_PLAIN_SERVER, &one, sizeof one);
    zap_bind (l, domain, enforce, transport);
}

/* A DEALER client with the username and password given (each NULL: not set; both NULL: the
   NULL mechanism), connected to the server. */
static void client (void *ctx, struct zap_link *l, const char *user, const char *password)
{
    l->cli = zap_socket (ctx, ZMQ_DEALER, EVENT_MS, &l->cmon);
    if (user)
        CHECK_OK (zmq_setsockopt (l->cli, ZMQ_PLAIN_USERNAME, user, strlen (user)));
    if (password)
        CHECK_OK (zmq_setsockopt (l->cli, ZMQ_PLAIN_PASSWORD, password, strlen (password)));
    zmq_connect (l->cli, l->ep);
}

/* Getsockopt of a string option into buf (cap bytes); its length with the NUL, or -1. */
static long get_str (void *s, int option, char *buf, size_t cap)
{
    size_t len = cap;
    if (zmq_getsockopt (s, option, buf, &len) != 0)
        return -1;
    return (long) len;
}

static void options (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    char buf[300], big[256];
    int one = 1, zero = 0, two = 2;
    size_t len;

    memset (big, 'u', sizeof big);
    /* Defaults. */
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 0);
    CHECK_EQ (get_str (s, ZMQ_PLAIN_USERNAME, buf, sizeof buf), 1);
    CHECK_STR (buf, "");
    CHECK_EQ (get_str (s, ZMQ_PLAIN_PASSWORD, buf, sizeof buf), 1);
    CHECK_STR (buf, "");

    /* A username makes a PLAIN client. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "admin", 5));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 0);
    CHECK_EQ (get_str (s, ZMQ_PLAIN_USERNAME, buf, sizeof buf), 6);
    CHECK_STR (buf, "admin");
    CHECK_EQ (get_str (s, ZMQ_PLAIN_USERNAME, buf, 6), 6);
    len = 5;
    CHECK_FAILS (zmq_getsockopt (s, ZMQ_PLAIN_USERNAME, buf, &len), EINVAL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "secret", 6));
    CHECK_EQ (get_str (s, ZMQ_PLAIN_PASSWORD, buf, sizeof buf), 7);
    CHECK_STR (buf, "secret");

    /* Lengths: 1 to 255; an empty value is refused unless the pointer is NULL, which goes back
       to the NULL mechanism and keeps the value. */
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "", 0), EINVAL);
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, big, 255));
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, big, 256), EINVAL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, big, 255));
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, big, 256), EINVAL);
    CHECK_EQ (get_str (s, ZMQ_PLAIN_PASSWORD, buf, sizeof buf), 256);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "admin", 5));
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, NULL, 0));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);
    CHECK_EQ (get_str (s, ZMQ_PLAIN_USERNAME, buf, sizeof buf), 6);
    CHECK_STR (buf, "admin");
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "pw", 2));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, NULL, 0));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);

    /* ZMQ_PLAIN_SERVER: 0 or 1, an int. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &one, sizeof one));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 1);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &two, sizeof two), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &one, 2), EINVAL);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 1);
    /* A username makes it a client again. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "bob", 3));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 0);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &zero, sizeof zero));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);
    CHECK_EQ (get_int (s, ZMQ_PLAIN_SERVER), 0);

    /* The ZAP options read back. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, "global", 6));
    CHECK_EQ (get_str (s, ZMQ_ZAP_DOMAIN, buf, sizeof buf), 7);
    CHECK_STR (buf, "global");
    CHECK_EQ (get_int (s, ZMQ_ZAP_ENFORCE_DOMAIN), 0);
    CHECK_OK (zmq_setsockopt (s, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one));
    CHECK_EQ (get_int (s, ZMQ_ZAP_ENFORCE_DOMAIN), 1);
    zmq_close (s);
}

/* admin/secret accepted: multipart both ways, the request's frames, User-Id and metadata. */
static void accepted (void *ctx, struct zap_handler *h, const char *transport)
{
    struct zap_link l;
    zmq_msg_t msg;
    int before = zap_expect (h, "400", "admin", 5, "secret");

    server (ctx, &l, 1, "global", 0, transport);
    client (ctx, &l, "admin", "secret");
    zap_check_handshake (&l, ZMQ_PLAIN, ZMQ_PLAIN_SERVER, EVENT_MS);

    /* Client to server: three frames, the middle one empty. */
    zap_send_three (l.cli, "hello", "world");
    zmq_msg_init (&msg);
    CHECK (recv_is (l.srv, &msg, "hello", 1));
    zap_check_metadata (&msg, "DEALER");
    CHECK (recv_is (l.srv, &msg, "", 1));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    CHECK (recv_is (l.srv, &msg, "world", 0));
    zmq_msg_close (&msg);
    zap_check_reply (&l, NULL, "DEALER", "IDENT");

    /* One request, with the username and password. */
    zap_check_request (h, before, 8, transport, "IDENT", "PLAIN");
    CHECK (zap_frame_is (h, 6, "admin", 5));
    CHECK (zap_frame_is (h, 7, "secret", 6));
    zap_close (&l);
}

/* A refusal: the handler answers `status` to user/password. The server reports
   HANDSHAKE_FAILED_AUTH with the status; the client, told by an ERROR command, reports
   HANDSHAKE_FAILED_AUTH with it too, except for 300 (no ERROR: the client is not told, and its
   handshake does not succeed); nothing passes. */
static void refused (void *ctx, struct zap_handler *h, const char *user, const char *password,
                     const char *status, int code, const char *transport)
{
    struct zap_link l;
    int before = zap_expect (h, status, "admin", 5, "secret");

    server (ctx, &l, 1, "global", 0, transport);
    client (ctx, &l, user, password);
    zap_check_refused (&l, code, EVENT_MS);
    zap_check_asked (h, before, "PLAIN", user, strlen (user));
    CHECK (zap_frame_is (h, 7, password, strlen (password)));
    if (code == 300)
        zap_check_client_untold (&l);
    zap_close (&l);
}

/* No handler bound: the PLAIN server fails every handshake with NO_DETAIL/EFAULT, whatever
   the domain; the client sees the connection drop (NO_DETAIL/EPIPE) and tries again. */
static void no_handler (void *ctx, const char *domain, int enforce, const char *transport)
{
    struct zap_link l;
    long long got[4];
    int attempt;
    for (attempt = 1;; attempt++) {
        server (ctx, &l, 1, domain, enforce, transport);
        client (ctx, &l, "admin", "secret");
        if (zap_dropped (&l, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EFAULT, EVENT_MS, got)
            || attempt == 2)
            break;
        /* Once, on a loaded machine, libzmq 4.3.4's client saw nothing at all for seconds:
           one more try with new sockets tells a hiccup from a behaviour. */
        printf ("note: no handler (%s): events %lld %lld %lld %lld, trying once more\n",
                transport, got[0], got[1], got[2], got[3]);
        zap_close (&l);
    }
    zap_record_dropped (got, EFAULT);
    zap_check_nothing_passes (&l);
    zap_close (&l);
}

/* PLAIN on one side, NULL on the other: both report HANDSHAKE_FAILED_PROTOCOL with
   MECHANISM_MISMATCH (the client may first see the connection drop: with ipc libzmq's client
   always does, then tries again), and the handler is not asked. */
static void mismatch (void *ctx, struct zap_handler *h, int plain_server, const char *transport)
{
    struct zap_link l;
    int before = zap_expect (h, "200", NULL, 0, NULL);
    server (ctx, &l, plain_server, NULL, 0, transport);
    if (plain_server)
        client (ctx, &l, NULL, NULL);
    else
        client (ctx, &l, "admin", "secret");
    CHECK_EQ (get_int (l.srv, ZMQ_MECHANISM), plain_server ? ZMQ_PLAIN : ZMQ_NULL);
    CHECK_EQ (get_int (l.cli, ZMQ_MECHANISM), plain_server ? ZMQ_NULL : ZMQ_PLAIN);
    zap_check_mismatch (&l, EVENT_MS);
    zap_check_unasked (&l, h, before);
    zap_close (&l);
}

int main (void)
{
    void *ctx, *other;
    struct zap_handler h;
    struct zap_link l;
    zmq_msg_t msg;
    int before, one = 1, zero = 0;

    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("options: ZMQ_PLAIN_* set the mechanism and read back");
    options (ctx);

    zap_start (&h, ctx, "200");
    CHECK (zap_ready (&h, EVENT_MS));

    tu_begin ("accepted over tcp: multipart both ways, the request, User-Id and metadata");
    accepted (ctx, &h, "tcp");
    tu_begin ("accepted over ipc: the address is localhost:uid:gid:pid");
    accepted (ctx, &h, "ipc");

    tu_begin ("refused with 400: HANDSHAKE_FAILED_AUTH 400 on both sides");
    refused (ctx, &h, "admin", "wrong", "400", 400, "tcp");
    refused (ctx, &h, "mallory", "secret", "400", 400, "tcp");
    refused (ctx, &h, "admin", "wrong", "400", 400, "ipc");
    tu_begin ("refused with 500: HANDSHAKE_FAILED_AUTH 500 on both sides");
    refused (ctx, &h, "admin", "wrong", "500", 500, "tcp");
    refused (ctx, &h, "admin", "wrong", "500", 500, "ipc");
    tu_begin ("refused with 300: the server reports it, the client is not told");
    refused (ctx, &h, "admin", "wrong", "300", 300, "tcp");
    refused (ctx, &h, "admin", "wrong", "300", 300, "ipc");

    tu_begin ("a password and no username: PLAIN with an empty username");
    before = zap_expect (&h, "200", NULL, 0, NULL);
    server (ctx, &l, 1, NULL, 0, "tcp");
    client (ctx, &l, NULL, "secret");
    CHECK_EQ (get_int (l.cli, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (zmq_send (l.cli, "x", 1, 0), 1);
    zmq_msg_init (&msg);
    CHECK (recv_is (l.srv, &msg, "x", 0));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    zmq_msg_close (&msg);
    CHECK_EQ (zap_requests (&h), before + 1);
    /* Without ZMQ_ZAP_DOMAIN the domain frame is empty: PLAIN asks the handler anyway. */
    CHECK (zap_frame_is (&h, 2, "", 0));
    CHECK (zap_frame_is (&h, 5, "PLAIN", 5));
    CHECK (zap_frame_is (&h, 6, "", 0));
    CHECK (zap_frame_is (&h, 7, "secret", 6));
    zap_close (&l);

    tu_begin ("mechanism mismatch: PLAIN client and NULL server, NULL client and PLAIN server");
    mismatch (ctx, &h, 0, "tcp");
    mismatch (ctx, &h, 1, "tcp");
    mismatch (ctx, &h, 0, "ipc");
    mismatch (ctx, &h, 1, "ipc");

    tu_begin ("two PLAIN servers: each waits for a HELLO, nothing happens");
    before = zap_requests (&h);
    server (ctx, &l, 1, "global", 0, "tcp");
    l.cli = zmq_socket (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (l.cli, ZMQ_LINGER, &zero, sizeof zero));
    CHECK_OK (zmq_setsockopt (l.cli, ZMQ_PLAIN_SERVER, &one, sizeof one));
    l.cmon = monitor_of (ctx, l.cli, "inproc://mon-plain-two-servers");
    CHECK_OK (zmq_connect (l.cli, l.ep));
    zmq_send (l.cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (l.srv, 300));
    CHECK_EQ (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    CHECK_EQ (wait_event (l.cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    CHECK_EQ (zap_requests (&h), before);
    zap_close (&l);
    zap_stop (&h);

    tu_begin ("no handler: NO_DETAIL/EFAULT on the server, with or without a domain");
    other = zmq_ctx_new ();
    no_handler (other, NULL, 0, "tcp");
    no_handler (other, "global", 0, "tcp");
    no_handler (other, "global", 1, "tcp");
    no_handler (other, "global", 0, "ipc");
    /* (ZMQ_ZAP_ENFORCE_DOMAIN without a domain makes libzmq 4.3.4 abort on a PLAIN server's
       first connection: an assertion, not a behaviour to test.) */
    zmq_ctx_term (other);

    zmq_ctx_term (ctx);
    return tu_finish ();
}
