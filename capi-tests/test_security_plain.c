/* The PLAIN mechanism (RFC 24) with ZAP (RFC 27), as libzmq 4.3.4 has it: the options and how
   they set the mechanism; a server (ZMQ_PLAIN_SERVER) asking the handler bound at
   inproc://zeromq.zap.01 about each client's username and password; the request's frames, the
   handler's User-Id and metadata on messages, multipart messages both ways; refusals (400, 500,
   300) with the monitor events of both sides; no handler, with and without a domain and
   ZMQ_ZAP_ENFORCE_DOMAIN; a client with a password and no username; mechanism mismatches (PLAIN
   against NULL, both ways) and two PLAIN servers. Over tcp and ipc. */
#include "testutil.h"
#include "zaputil.h"

#include <unistd.h>

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft API */
#endif

#define EVENT_MS 5000

static int counter;

static void bind_fresh (void *s, const char *transport, char *ep, size_t cap)
{
    size_t len = cap;
    if (strcmp (transport, "tcp") == 0)
        zmq_bind (s, "tcp://127.0.0.1:*");
    else
        zmq_bind (s, "ipc://*");
    zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len);
}

/* The server: a DEALER with routing id "IDENT", PLAIN server unless `plain` is 0 (NULL), with
   the ZAP domain (NULL: none) and enforcement given, bound on a fresh endpoint of `transport`
   (into `ep`), monitored by *mon. */
static void *server (void *ctx, int plain, const char *domain, int enforce,
                     const char *transport, char *ep, size_t cap, void **mon)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    char name[64];
    int one = 1, zero = 0, timeout = EVENT_MS;
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (s, ZMQ_ROUTING_ID, "IDENT", 5);
    if (plain)
        zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &one, sizeof one);
    if (domain)
        zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, domain, strlen (domain));
    if (enforce)
        CHECK_OK (zmq_setsockopt (s, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce));
    snprintf (name, sizeof name, "inproc://mon-plain-%d", counter++);
    *mon = monitor_of (ctx, s, name);
    bind_fresh (s, transport, ep, cap);
    return s;
}

/* A DEALER client with the username and password given (each NULL: not set; both NULL: the
   NULL mechanism), connected to ep, monitored by *mon. */
static void *client (void *ctx, const char *user, const char *password, const char *ep,
                     void **mon)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    char name[64];
    int zero = 0, timeout = EVENT_MS;
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (user)
        CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, user, strlen (user)));
    if (password)
        CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, password, strlen (password)));
    snprintf (name, sizeof name, "inproc://mon-plain-%d", counter++);
    *mon = monitor_of (ctx, s, name);
    zmq_connect (s, ep);
    return s;
}

/* Nothing arrives on s within ms. */
static int nothing_arrives (void *s, int ms)
{
    char buf[16];
    int rc, e;
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    rc = zmq_recv (s, buf, sizeof buf, 0);
    e = zmq_errno ();
    return rc == -1 && e == EAGAIN;
}

/* Receives one frame into msg (initialised by the caller) and tells whether it is `text` with
   the more flag `more`. */
static int recv_is (void *s, zmq_msg_t *msg, const char *text, int more)
{
    size_t len = strlen (text);
    if (zmq_msg_recv (msg, s, 0) != (int) len)
        return 0;
    return memcmp (zmq_msg_data (msg), text, len) == 0 && (zmq_msg_more (msg) != 0) == more;
}

static int get_int (void *s, int option)
{
    int value = -1;
    size_t len = sizeof value;
    if (zmq_getsockopt (s, option, &value, &len) != 0 || len != sizeof value)
        return -2;
    return value;
}

/* Getsockopt of a string option into buf (cap bytes); its length with the NUL, or -1. */
static long get_str (void *s, int option, char *buf, size_t cap)
{
    size_t len = cap;
    if (zmq_getsockopt (s, option, buf, &len) != 0)
        return -1;
    return (long) len;
}

static void check_address (struct zap_handler *h, const char *transport)
{
    if (strcmp (transport, "tcp") == 0)
        CHECK (zap_frame_is (h, 3, "127.0.0.1", 9));
    else {
        char address[64];
        snprintf (address, sizeof address, "localhost:%u:%u:%d", (unsigned) getuid (),
                  (unsigned) getgid (), (int) getpid ());
        CHECK (zap_frame_is (h, 3, address, strlen (address)));
    }
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
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    zmq_msg_t msg;
    int before = zap_requests (h);

    zap_answer (h, "400", ZAP_FAULT_NONE);
    zap_accept_only (h, "admin", 5, "secret");
    srv = server (ctx, 1, "global", 0, transport, ep, sizeof ep, &smon);
    cli = client (ctx, "admin", "secret", ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
    CHECK_EQ (get_int (srv, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (cli, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (srv, ZMQ_PLAIN_SERVER), 1);
    CHECK_EQ (get_int (cli, ZMQ_PLAIN_SERVER), 0);

    /* Client to server: three frames, the middle one empty. */
    CHECK_EQ (zmq_send (cli, "hello", 5, ZMQ_SNDMORE), 5);
    CHECK_EQ (zmq_send (cli, "", 0, ZMQ_SNDMORE), 0);
    CHECK_EQ (zmq_send (cli, "world", 5, 0), 5);
    zmq_msg_init (&msg);
    CHECK (recv_is (srv, &msg, "hello", 1));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    CHECK_STR (zmq_msg_gets (&msg, "Hello"), "World");
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
    CHECK (recv_is (srv, &msg, "", 1));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    CHECK (recv_is (srv, &msg, "world", 0));

    /* Server to client: the client has no User-Id. */
    CHECK_EQ (zmq_send (srv, "re", 2, ZMQ_SNDMORE), 2);
    CHECK_EQ (zmq_send (srv, "ply", 3, 0), 3);
    CHECK (recv_is (cli, &msg, "re", 1));
    CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "User-Id"), EINVAL);
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "IDENT");
    CHECK (recv_is (cli, &msg, "ply", 0));
    zmq_msg_close (&msg);

    /* One request: version, id, domain, address, the server's routing id, "PLAIN", username,
       password (the REP handler took the delimiter off). */
    CHECK_EQ (zap_requests (h), before + 1);
    CHECK_EQ (h->frames, 8);
    CHECK (zap_frame_is (h, 0, "1.0", 3));
    CHECK (zap_frame_is (h, 1, "1", 1));
    CHECK (zap_frame_is (h, 2, "global", 6));
    check_address (h, transport);
    CHECK (zap_frame_is (h, 4, "IDENT", 5));
    CHECK (zap_frame_is (h, 5, "PLAIN", 5));
    CHECK (zap_frame_is (h, 6, "admin", 5));
    CHECK (zap_frame_is (h, 7, "secret", 6));

    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* A refusal: the handler answers `status` to user/password. The server reports
   HANDSHAKE_FAILED_AUTH with the status; the client, told by an ERROR command, reports
   HANDSHAKE_FAILED_AUTH with it too, except for 300 (no ERROR: the client is not told, and its
   handshake does not succeed); nothing passes. */
static void refused (void *ctx, struct zap_handler *h, const char *user, const char *password,
                     const char *status, int code, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    int before = zap_requests (h);

    zap_answer (h, status, ZAP_FAULT_NONE);
    zap_accept_only (h, "admin", 5, "secret");
    srv = server (ctx, 1, "global", 0, transport, ep, sizeof ep, &smon);
    cli = client (ctx, user, password, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, EVENT_MS), code);
    if (code != 300)
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, EVENT_MS), code);
    CHECK (zap_requests (h) > before);
    CHECK (zap_frame_is (h, 5, "PLAIN", 5));
    CHECK (zap_frame_is (h, 6, user, strlen (user)));
    CHECK (zap_frame_is (h, 7, password, strlen (password)));
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 200));
    if (code == 300) {
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 100), -1);
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    }
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* No handler bound: the PLAIN server fails every handshake with NO_DETAIL/EFAULT, whatever
   the domain; the client sees the connection drop (NO_DETAIL/EPIPE) and tries again. */
static void no_handler (void *ctx, const char *domain, int enforce, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    srv = server (ctx, 1, domain, enforce, transport, ep, sizeof ep, &smon);
    cli = client (ctx, "admin", "secret", ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EFAULT);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EPIPE);
    CHECK (wait_event (cmon, ZMQ_EVENT_CONNECT_RETRIED, EVENT_MS) >= 0);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EFAULT);
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 200));
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* PLAIN on one side, NULL on the other: both report HANDSHAKE_FAILED_PROTOCOL with
   MECHANISM_MISMATCH (the client may first see the connection drop: with ipc libzmq's client
   always does, then tries again), and the handler is not asked. */
static void mismatch (void *ctx, struct zap_handler *h, int plain_server, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    int before = zap_requests (h);
    zap_answer (h, "200", ZAP_FAULT_NONE);
    zap_accept_only (h, NULL, 0, NULL);
    srv = server (ctx, plain_server, NULL, 0, transport, ep, sizeof ep, &smon);
    if (plain_server)
        cli = client (ctx, NULL, NULL, ep, &cmon);
    else
        cli = client (ctx, "admin", "secret", ep, &cmon);
    CHECK_EQ (get_int (srv, ZMQ_MECHANISM), plain_server ? ZMQ_PLAIN : ZMQ_NULL);
    CHECK_EQ (get_int (cli, ZMQ_MECHANISM), plain_server ? ZMQ_NULL : ZMQ_PLAIN);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, EVENT_MS),
              ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, EVENT_MS),
              ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 200));
    CHECK_EQ (zap_requests (h), before);
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

int main (void)
{
    void *ctx, *other, *smon, *cmon, *srv, *cli;
    struct zap_handler h;
    char ep[256];
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
    zap_answer (&h, "200", ZAP_FAULT_NONE);
    zap_accept_only (&h, NULL, 0, NULL);
    before = zap_requests (&h);
    srv = server (ctx, 1, NULL, 0, "tcp", ep, sizeof ep, &smon);
    cli = client (ctx, NULL, "secret", ep, &cmon);
    CHECK_EQ (get_int (cli, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (zmq_send (cli, "x", 1, 0), 1);
    zmq_msg_init (&msg);
    CHECK (recv_is (srv, &msg, "x", 0));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    zmq_msg_close (&msg);
    CHECK_EQ (zap_requests (&h), before + 1);
    /* Without ZMQ_ZAP_DOMAIN the domain frame is empty: PLAIN asks the handler anyway. */
    CHECK (zap_frame_is (&h, 2, "", 0));
    CHECK (zap_frame_is (&h, 5, "PLAIN", 5));
    CHECK (zap_frame_is (&h, 6, "", 0));
    CHECK (zap_frame_is (&h, 7, "secret", 6));
    close_monitored (cli, cmon);
    close_monitored (srv, smon);

    tu_begin ("mechanism mismatch: PLAIN client and NULL server, NULL client and PLAIN server");
    mismatch (ctx, &h, 0, "tcp");
    mismatch (ctx, &h, 1, "tcp");
    mismatch (ctx, &h, 0, "ipc");
    mismatch (ctx, &h, 1, "ipc");

    tu_begin ("two PLAIN servers: each waits for a HELLO, nothing happens");
    before = zap_requests (&h);
    srv = server (ctx, 1, "global", 0, "tcp", ep, sizeof ep, &smon);
    cli = zmq_socket (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (cli, ZMQ_LINGER, &zero, sizeof zero));
    CHECK_OK (zmq_setsockopt (cli, ZMQ_PLAIN_SERVER, &one, sizeof one));
    cmon = monitor_of (ctx, cli, "inproc://mon-plain-two-servers");
    CHECK_OK (zmq_connect (cli, ep));
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 300));
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    CHECK_EQ (zap_requests (&h), before);
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
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
