/* The CURVE mechanism (RFC 26) with ZAP (RFC 27), as libzmq 4.3.4 has it: zmq_curve_keypair
   and zmq_curve_public; the ZMQ_CURVE_* options, keys set and read as 32 bytes, 40 Z85
   characters or 41 with the NUL; a ROUTER server and DEALER clients exchanging multipart and
   1 MiB messages both ways; the ZAP request (mechanism "CURVE", the client's public key as 32
   bytes), the handler's User-Id and metadata; refusals (400, 500, 300) with the monitor events
   of both sides; no handler, with and without a domain and ZMQ_ZAP_ENFORCE_DOMAIN; a wrong
   server key; clients without CURVE. Over tcp and ipc. */
#include "testutil.h"
#include "zaputil.h"

#include <unistd.h>

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft API */
#endif

#define EVENT_MS 5000
#define BIG (1024 * 1024)

/* The test keys of the zmq_curve(7) man page. */
static const char man_client_public[] = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
static const char man_client_secret[] = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
static const char man_server_public[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
static const char man_server_secret[] = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

/* Keys made by zmq_curve_keypair at the start. */
static char server_public[41], server_secret[41];
static char client_public[41], client_secret[41];
static char other_public[41], other_secret[41];
static uint8_t client_public_bin[32];

static int counter;
static unsigned char *big_out;

/* How a key is given to zmq_setsockopt. */
enum key_form { KEY_BINARY, KEY_Z85, KEY_Z85_NUL };

static const char *form_name (enum key_form form)
{
    return form == KEY_BINARY ? "32 bytes" : form == KEY_Z85 ? "40 Z85 chars" : "41 with NUL";
}

static int set_key (void *s, int option, const char *z85, enum key_form form)
{
    uint8_t bin[32];
    if (form == KEY_BINARY) {
        zmq_z85_decode (bin, z85);
        return zmq_setsockopt (s, option, bin, 32);
    }
    return zmq_setsockopt (s, option, z85, form == KEY_Z85 ? 40 : 41);
}

/* The key option reads back as z85 in both forms. */
static int key_is (void *s, int option, const char *z85)
{
    char text[41];
    uint8_t bin[32], want[32];
    size_t len = sizeof text;
    memset (text, 0, sizeof text);
    if (zmq_getsockopt (s, option, text, &len) != 0 || len != 41 || text[40] != '\0'
        || strcmp (text, z85) != 0)
        return 0;
    len = sizeof bin;
    zmq_z85_decode (want, z85);
    return zmq_getsockopt (s, option, bin, &len) == 0 && len == 32
           && memcmp (bin, want, 32) == 0;
}

static int get_int (void *s, int option)
{
    int value = -1;
    size_t len = sizeof value;
    if (zmq_getsockopt (s, option, &value, &len) != 0 || len != sizeof value)
        return -2;
    return value;
}

static void bind_fresh (void *s, const char *transport, char *ep, size_t cap)
{
    size_t len = cap;
    if (strcmp (transport, "tcp") == 0)
        zmq_bind (s, "tcp://127.0.0.1:*");
    else
        zmq_bind (s, "ipc://*");
    zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len);
}

static void *monitored (void *ctx, int type, void **mon)
{
    void *s = zmq_socket (ctx, type);
    char name[64];
    int zero = 0, timeout = EVENT_MS;
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (s, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    snprintf (name, sizeof name, "inproc://mon-curve-%d", counter++);
    *mon = monitor_of (ctx, s, name);
    return s;
}

/* A ROUTER with routing id "SRV", a CURVE server (curve 0: NULL) with its keys given in
   `form`, the ZAP domain (NULL: none) and enforcement given, bound on a fresh endpoint. */
static void *server (void *ctx, int curve, enum key_form form, const char *domain, int enforce,
                     const char *transport, char *ep, size_t cap, void **mon)
{
    void *s = monitored (ctx, ZMQ_ROUTER, mon);
    int one = 1;
    zmq_setsockopt (s, ZMQ_ROUTING_ID, "SRV", 3);
    if (curve) {
        CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one));
        CHECK_OK (set_key (s, ZMQ_CURVE_SECRETKEY, server_secret, form));
        CHECK_OK (set_key (s, ZMQ_CURVE_PUBLICKEY, server_public, form));
    }
    if (domain)
        zmq_setsockopt (s, ZMQ_ZAP_DOMAIN, domain, strlen (domain));
    if (enforce)
        CHECK_OK (zmq_setsockopt (s, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce));
    bind_fresh (s, transport, ep, cap);
    return s;
}

/* A DEALER with routing id "curve-client", a CURVE client with the keypair given (public
   NULL: no CURVE at all) and server key `server_key`, connected to ep. */
static void *client (void *ctx, const char *public_key, const char *secret_key,
                     const char *server_key, enum key_form form, const char *ep, void **mon)
{
    void *s = monitored (ctx, ZMQ_DEALER, mon);
    zmq_setsockopt (s, ZMQ_ROUTING_ID, "curve-client", 12);
    if (public_key) {
        CHECK_OK (set_key (s, ZMQ_CURVE_SERVERKEY, server_key, form));
        CHECK_OK (set_key (s, ZMQ_CURVE_PUBLICKEY, public_key, form));
        CHECK_OK (set_key (s, ZMQ_CURVE_SECRETKEY, secret_key, form));
    }
    zmq_connect (s, ep);
    return s;
}

static int nothing_arrives (void *s, int ms)
{
    char buf[16];
    int rc, e;
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    rc = zmq_recv (s, buf, sizeof buf, 0);
    e = zmq_errno ();
    return rc == -1 && e == EAGAIN;
}

/* Receives one frame into msg and tells whether it is the len bytes at data with the more
   flag `more`. */
static int recv_bytes (void *s, zmq_msg_t *msg, const void *data, size_t len, int more)
{
    if (zmq_msg_recv (msg, s, 0) != (int) len)
        return 0;
    return memcmp (zmq_msg_data (msg), data, len) == 0 && (zmq_msg_more (msg) != 0) == more;
}

static int recv_is (void *s, zmq_msg_t *msg, const char *text, int more)
{
    return recv_bytes (s, msg, text, strlen (text), more);
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

static void keys (void)
{
    char pub[41], sec[41], pub2[41], sec2[41], derived[41], bad[41];
    uint8_t bin[32];

    CHECK_EQ (zmq_has ("curve"), 1);
    memset (pub, 'x', sizeof pub);
    memset (sec, 'x', sizeof sec);
    CHECK_OK (zmq_curve_keypair (pub, sec));
    CHECK_EQ_U (strlen (pub), 40);
    CHECK_EQ_U (strlen (sec), 40);
    CHECK_NOT_NULL (zmq_z85_decode (bin, pub));
    CHECK_NOT_NULL (zmq_z85_decode (bin, sec));
    CHECK_OK (zmq_curve_keypair (pub2, sec2));
    CHECK (strcmp (pub, pub2) != 0);
    CHECK (strcmp (sec, sec2) != 0);
    CHECK (strcmp (pub, sec) != 0);

    /* zmq_curve_public derives the public key of each secret key. */
    CHECK_OK (zmq_curve_public (derived, sec));
    CHECK_STR (derived, pub);
    CHECK_OK (zmq_curve_public (derived, sec2));
    CHECK_STR (derived, pub2);
    CHECK_OK (zmq_curve_public (derived, man_client_secret));
    CHECK_STR (derived, man_client_public);
    CHECK_OK (zmq_curve_public (derived, man_server_secret));
    CHECK_STR (derived, man_server_public);
    CHECK_OK (zmq_curve_public (derived, "0000000000000000000000000000000000000000"));
    CHECK_EQ_U (strlen (derived), 40);

    /* A secret key that is not 40 Z85 characters: EINVAL, nothing written. */
    memset (derived, 'Z', sizeof derived);
    CHECK_FAILS (zmq_curve_public (derived, "abc"), EINVAL);
    CHECK_EQ (derived[0], 'Z');
    CHECK_FAILS (zmq_curve_public (derived, ""), EINVAL);
    memcpy (bad, sec, sizeof bad);
    bad[39] = '\0';
    CHECK_FAILS (zmq_curve_public (derived, bad), EINVAL);
    memcpy (bad, sec, sizeof bad);
    bad[5] = ',';
    CHECK_FAILS (zmq_curve_public (derived, bad), EINVAL);
    bad[5] = ' ';
    CHECK_FAILS (zmq_curve_public (derived, bad), EINVAL);
    bad[5] = '~';
    CHECK_FAILS (zmq_curve_public (derived, bad), EINVAL);
    CHECK_EQ (derived[0], 'Z');
}

static void options (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    char text[64], bad[42];
    uint8_t bin[40], want[32];
    size_t len;
    int one = 1, zero = 0, two = 2;
    static const int key_options[] = {ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY,
                                      ZMQ_CURVE_SERVERKEY};
    int i;

    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 0);
    /* Unset keys read as 32 zero bytes, "0000..." in Z85; other sizes are refused. */
    for (i = 0; i < 3; i++) {
        int opt = key_options[i];
        memset (bin, 0xff, sizeof bin);
        len = 32;
        CHECK_OK (zmq_getsockopt (s, opt, bin, &len));
        CHECK_EQ_U (len, 32);
        memset (want, 0, sizeof want);
        CHECK_MEM (bin, want, 32);
        len = 41;
        CHECK_OK (zmq_getsockopt (s, opt, text, &len));
        CHECK_EQ_U (len, 41);
        CHECK_STR (text, "0000000000000000000000000000000000000000");
        len = 40;
        CHECK_FAILS (zmq_getsockopt (s, opt, text, &len), EINVAL);
        len = 42;
        CHECK_FAILS (zmq_getsockopt (s, opt, text, &len), EINVAL);
        len = 31;
        CHECK_FAILS (zmq_getsockopt (s, opt, text, &len), EINVAL);
    }

    /* Each form sets the key; it reads back in both. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, client_public, 40));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_CURVE);
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 0);
    CHECK (key_is (s, ZMQ_CURVE_PUBLICKEY, client_public));
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, other_public, 41));
    CHECK (key_is (s, ZMQ_CURVE_PUBLICKEY, other_public));
    zmq_z85_decode (want, client_public);
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, want, 32));
    CHECK (key_is (s, ZMQ_CURVE_PUBLICKEY, client_public));
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, client_secret, 41));
    CHECK (key_is (s, ZMQ_CURVE_SECRETKEY, client_secret));
    CHECK_OK (set_key (s, ZMQ_CURVE_SERVERKEY, server_public, KEY_BINARY));
    CHECK (key_is (s, ZMQ_CURVE_SERVERKEY, server_public));

    /* Other sizes, and text that is not Z85, are refused and change nothing. */
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, other_public, 39), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, other_public, 31), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, other_public, 33), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, other_public, 0), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, NULL, 0), EINVAL);
    memcpy (bad, other_public, 41);
    bad[41] = '\0';
    bad[3] = ',';
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bad, 40), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bad, 41), EINVAL);
    memcpy (bad, other_public, 40);
    bad[40] = 'x';
    bad[41] = '\0';
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bad, 41), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, bad, 42), EINVAL);
    CHECK (key_is (s, ZMQ_CURVE_PUBLICKEY, client_public));

    /* ZMQ_CURVE_SERVER: 0 or 1; a server key makes a client again; 0 goes back to NULL. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 1);
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_CURVE);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &two, sizeof two), EINVAL);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, 2), EINVAL);
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 1);
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_public, 40));
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 0);
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_CURVE);
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &zero, sizeof zero));
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 0);
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_NULL);
    /* The keys stay. */
    CHECK (key_is (s, ZMQ_CURVE_SECRETKEY, client_secret));
    /* A PLAIN option takes over. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one));
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "u", 1));
    CHECK_EQ (get_int (s, ZMQ_MECHANISM), ZMQ_PLAIN);
    CHECK_EQ (get_int (s, ZMQ_CURVE_SERVER), 0);
    zmq_close (s);
}

/* Sends 1 MiB from `from` to `to` and checks it: from_id is the routing id frame the
   receiving ROUTER puts first, to_id the one the sending ROUTER needs (NULL: none). */
static void big_message (void *from, void *to, const char *from_id, const char *to_id)
{
    zmq_msg_t msg;
    size_t i;
    for (i = 0; i < BIG; i++)
        big_out[i] = (unsigned char) (i * 7 + (from_id ? 1 : 3));
    if (to_id)
        zmq_send (from, to_id, strlen (to_id), ZMQ_SNDMORE);
    CHECK_EQ (zmq_send (from, big_out, BIG, 0), BIG);
    zmq_msg_init (&msg);
    if (from_id)
        CHECK (recv_is (to, &msg, from_id, 1));
    CHECK_EQ (zmq_msg_recv (&msg, to, 0), BIG);
    CHECK (zmq_msg_size (&msg) == BIG && memcmp (zmq_msg_data (&msg), big_out, BIG) == 0);
    zmq_msg_close (&msg);
}

/* The known client: its key accepted by the handler, messages both ways. */
static void accepted (void *ctx, struct zap_handler *h, enum key_form form, const char *transport,
                      int big)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    zmq_msg_t msg;
    int before = zap_requests (h);
    static char section[120];

    snprintf (section, sizeof section, "accepted over %s, keys as %s: the request, metadata, %s",
              transport, form_name (form),
              big ? "multipart and 1 MiB both ways" : "multipart both ways");
    tu_begin (section);
    zap_answer (h, "400", ZAP_FAULT_NONE);
    zap_accept_only (h, client_public_bin, 32, NULL);
    srv = server (ctx, 1, form, "global", 0, transport, ep, sizeof ep, &smon);
    cli = client (ctx, client_public, client_secret, server_public, form, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
    CHECK_EQ (get_int (srv, ZMQ_MECHANISM), ZMQ_CURVE);
    CHECK_EQ (get_int (cli, ZMQ_MECHANISM), ZMQ_CURVE);
    CHECK_EQ (get_int (srv, ZMQ_CURVE_SERVER), 1);
    CHECK_EQ (get_int (cli, ZMQ_CURVE_SERVER), 0);
    CHECK (key_is (srv, ZMQ_CURVE_SECRETKEY, server_secret));
    CHECK (key_is (srv, ZMQ_CURVE_PUBLICKEY, server_public));
    CHECK (key_is (cli, ZMQ_CURVE_SERVERKEY, server_public));
    CHECK (key_is (cli, ZMQ_CURVE_PUBLICKEY, client_public));
    CHECK (key_is (cli, ZMQ_CURVE_SECRETKEY, client_secret));

    /* Client to server: three frames, the middle one empty. */
    CHECK_EQ (zmq_send (cli, "one", 3, ZMQ_SNDMORE), 3);
    CHECK_EQ (zmq_send (cli, "", 0, ZMQ_SNDMORE), 0);
    CHECK_EQ (zmq_send (cli, "three", 5, 0), 5);
    zmq_msg_init (&msg);
    CHECK (recv_is (srv, &msg, "curve-client", 1));
    CHECK (recv_is (srv, &msg, "one", 1));
    CHECK_STR (zmq_msg_gets (&msg, "User-Id"), "alice");
    CHECK_STR (zmq_msg_gets (&msg, "Hello"), "World");
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "curve-client");
    CHECK (recv_is (srv, &msg, "", 1));
    CHECK (recv_is (srv, &msg, "three", 0));

    /* Server to client. */
    CHECK_EQ (zmq_send (srv, "curve-client", 12, ZMQ_SNDMORE), 12);
    CHECK_EQ (zmq_send (srv, "four", 4, ZMQ_SNDMORE), 4);
    CHECK_EQ (zmq_send (srv, "five", 4, 0), 4);
    CHECK (recv_is (cli, &msg, "four", 1));
    CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "User-Id"), EINVAL);
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "ROUTER");
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "SRV");
    CHECK (recv_is (cli, &msg, "five", 0));
    zmq_msg_close (&msg);

    if (big) {
        big_message (cli, srv, "curve-client", NULL);
        big_message (srv, cli, NULL, "curve-client");
    }

    /* One request: version, id, domain, address, the server's routing id, "CURVE", the
       client's long-term public key as 32 bytes. */
    CHECK_EQ (zap_requests (h), before + 1);
    CHECK_EQ (h->frames, 7);
    CHECK (zap_frame_is (h, 0, "1.0", 3));
    CHECK (zap_frame_is (h, 1, "1", 1));
    CHECK (zap_frame_is (h, 2, "global", 6));
    check_address (h, transport);
    CHECK (zap_frame_is (h, 4, "SRV", 3));
    CHECK (zap_frame_is (h, 5, "CURVE", 5));
    CHECK (zap_frame_is (h, 6, client_public_bin, 32));

    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* The other client (a keypair the handler does not know): refused with `status`. The server
   reports HANDSHAKE_FAILED_AUTH with it; the client too (an ERROR command), except for 300:
   no ERROR, the client is not told and its handshake does not succeed. */
static void refused (void *ctx, struct zap_handler *h, const char *status, int code,
                     const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    uint8_t other_bin[32];
    int before = zap_requests (h);

    zmq_z85_decode (other_bin, other_public);
    zap_answer (h, status, ZAP_FAULT_NONE);
    zap_accept_only (h, client_public_bin, 32, NULL);
    srv = server (ctx, 1, KEY_Z85, "global", 0, transport, ep, sizeof ep, &smon);
    cli = client (ctx, other_public, other_secret, server_public, KEY_Z85, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, EVENT_MS), code);
    if (code != 300)
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, EVENT_MS), code);
    CHECK (zap_requests (h) > before);
    CHECK (zap_frame_is (h, 5, "CURVE", 5));
    CHECK (zap_frame_is (h, 6, other_bin, 32));
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 200));
    if (code == 300) {
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 100), -1);
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    }
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* A client with the wrong server key: the server cannot open its HELLO and reports
   HANDSHAKE_FAILED_PROTOCOL/CRYPTOGRAPHIC; the client sees the connection drop
   (NO_DETAIL/EPIPE) and tries again; the handler is not asked. */
static void wrong_server_key (void *ctx, struct zap_handler *h, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    int before = zap_requests (h);
    zap_answer (h, "200", ZAP_FAULT_NONE);
    zap_accept_only (h, NULL, 0, NULL);
    srv = server (ctx, 1, KEY_Z85, "global", 0, transport, ep, sizeof ep, &smon);
    cli = client (ctx, client_public, client_secret, other_public, KEY_Z85, ep, &cmon);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, EVENT_MS),
              ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC);
    CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EPIPE);
    CHECK (wait_event (cmon, ZMQ_EVENT_CONNECT_RETRIED, EVENT_MS) >= 0);
    CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, EVENT_MS),
              ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC);
    zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (srv, 200));
    CHECK_EQ (zap_requests (h), before);
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

/* CURVE on one side only: both report HANDSHAKE_FAILED_PROTOCOL/MECHANISM_MISMATCH (the
   client may first see the connection drop and try again: with ipc libzmq's does). client_mech
   is ZMQ_NULL or ZMQ_PLAIN against a CURVE server, or ZMQ_CURVE against a NULL server. */
static void mismatch (void *ctx, struct zap_handler *h, int client_mech, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    int before = zap_requests (h);
    srv = server (ctx, client_mech != ZMQ_CURVE, KEY_Z85, NULL, 0, transport, ep, sizeof ep,
                  &smon);
    if (client_mech == ZMQ_CURVE)
        cli = client (ctx, client_public, client_secret, server_public, KEY_Z85, ep, &cmon);
    else {
        cli = client (ctx, NULL, NULL, NULL, KEY_Z85, ep, &cmon);
        if (client_mech == ZMQ_PLAIN)
            CHECK_OK (zmq_setsockopt (cli, ZMQ_PLAIN_USERNAME, "admin", 5));
    }
    CHECK_EQ (get_int (cli, ZMQ_MECHANISM), client_mech);
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

/* No handler bound (ctx has none): the handshake succeeds without ZAP (no User-Id), unless
   the server has a domain and ZMQ_ZAP_ENFORCE_DOMAIN. */
static void no_handler (void *ctx, const char *domain, int enforce, const char *transport)
{
    void *smon, *cmon, *srv, *cli;
    char ep[256];
    zmq_msg_t msg;
    srv = server (ctx, 1, KEY_Z85, domain, enforce, transport, ep, sizeof ep, &smon);
    cli = client (ctx, client_public, client_secret, server_public, KEY_BINARY, ep, &cmon);
    if (domain == NULL || !enforce) {
        CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
        CHECK_EQ (zmq_send (cli, "ping", 4, 0), 4);
        zmq_msg_init (&msg);
        CHECK (recv_is (srv, &msg, "curve-client", 1));
        CHECK (recv_is (srv, &msg, "ping", 0));
        CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "User-Id"), EINVAL);
        CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
        CHECK_EQ (zmq_send (srv, "curve-client", 12, ZMQ_SNDMORE), 12);
        CHECK_EQ (zmq_send (srv, "pong", 4, 0), 4);
        CHECK (recv_is (cli, &msg, "pong", 0));
        zmq_msg_close (&msg);
    } else {
        /* The server reports NO_DETAIL/EFAULT; the connection is left as it is: the client
           is not told and its handshake does not succeed. */
        CHECK_EQ (wait_event (smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EFAULT);
        zmq_send (cli, "x", 1, ZMQ_DONTWAIT);
        CHECK (nothing_arrives (srv, 200));
        CHECK_EQ (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    }
    close_monitored (cli, cmon);
    close_monitored (srv, smon);
}

int main (void)
{
    void *ctx, *other;
    struct zap_handler h;

    tu_init ();
    big_out = (unsigned char *) malloc (BIG);
    ctx = zmq_ctx_new ();

    tu_begin ("zmq_curve_keypair and zmq_curve_public");
    keys ();
    zmq_curve_keypair (server_public, server_secret);
    zmq_curve_keypair (client_public, client_secret);
    zmq_curve_keypair (other_public, other_secret);
    zmq_z85_decode (client_public_bin, client_public);

    tu_begin ("options: ZMQ_CURVE_* keys in three forms, ZMQ_CURVE_SERVER, ZMQ_MECHANISM");
    options (ctx);

    zap_start (&h, ctx, "400");
    CHECK (zap_ready (&h, EVENT_MS));

    accepted (ctx, &h, KEY_BINARY, "tcp", 1);
    accepted (ctx, &h, KEY_Z85, "tcp", 0);
    accepted (ctx, &h, KEY_Z85_NUL, "tcp", 0);
    accepted (ctx, &h, KEY_Z85, "ipc", 1);

    tu_begin ("an unknown client key refused with 400: HANDSHAKE_FAILED_AUTH 400 on both sides");
    refused (ctx, &h, "400", 400, "tcp");
    refused (ctx, &h, "400", 400, "ipc");
    tu_begin ("refused with 500: HANDSHAKE_FAILED_AUTH 500 on both sides");
    refused (ctx, &h, "500", 500, "tcp");
    tu_begin ("refused with 300: the server reports it, the client is not told");
    refused (ctx, &h, "300", 300, "tcp");

    tu_begin ("a wrong server key: CRYPTOGRAPHIC on the server, the connection drops");
    wrong_server_key (ctx, &h, "tcp");
    wrong_server_key (ctx, &h, "ipc");

    tu_begin ("mechanism mismatch: NULL or PLAIN client and CURVE server, CURVE client and NULL "
              "server");
    mismatch (ctx, &h, ZMQ_NULL, "tcp");
    mismatch (ctx, &h, ZMQ_PLAIN, "tcp");
    mismatch (ctx, &h, ZMQ_CURVE, "tcp");
    mismatch (ctx, &h, ZMQ_NULL, "ipc");
    zap_stop (&h);

    tu_begin ("no handler: accepted without ZAP, unless a domain and ZAP_ENFORCE_DOMAIN");
    other = zmq_ctx_new ();
    no_handler (other, NULL, 0, "tcp");
    no_handler (other, "global", 0, "tcp");
    no_handler (other, NULL, 1, "tcp");
    no_handler (other, "global", 0, "ipc");
    no_handler (other, "global", 1, "tcp");
    no_handler (other, "global", 1, "ipc");
    zmq_ctx_term (other);

    zmq_ctx_term (ctx);
    free (big_out);
    return tu_finish ();
}
