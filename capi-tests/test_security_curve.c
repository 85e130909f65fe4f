/* The CURVE mechanism (RFC 26) with ZAP (RFC 27), as libzmq 4.3.4 has it: zmq_curve_keypair
   and zmq_curve_public; the ZMQ_CURVE_* options, keys set and read as 32 bytes, 40 Z85
   characters or 41 with the NUL; a ROUTER server and DEALER clients exchanging multipart and
   1 MiB messages both ways; the ZAP request (mechanism "CURVE", the client's public key as 32
   bytes), the handler's User-Id and metadata; refusals (400, 500, 300) with the monitor events
   of both sides; no handler, with and without a domain and ZMQ_ZAP_ENFORCE_DOMAIN; a wrong
   server key; clients without CURVE. Over tcp and ipc. */
#include "testutil.h"
#include "zaputil.h"

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

/* A ROUTER with routing id "SRV", a CURVE server (curve 0: NULL) with its keys given in
   `form`, the ZAP domain (NULL: none) and enforcement given, bound on a fresh endpoint. */
static void server (void *ctx, struct zap_link *l, int curve, enum key_form form,
                    const char *domain, int enforce, const char *transport)
{
    int one = 1;
    l->srv = zap_socket (ctx, ZMQ_ROUTER, EVENT_MS, &l->smon);
    zmq_setsockopt (l->srv, ZMQ_ROUTING_ID, "SRV", 3);
    if (curve) {
        CHECK_OK (zmq_setsockopt (l->srv, ZMQ_CURVE_SERVER, &one, sizeof one));
        CHECK_OK (set_key (l->srv, ZMQ_CURVE_SECRETKEY, server_secret, form));
        CHECK_OK (set_key (l->srv, ZMQ_CURVE_PUBLICKEY, server_public, form));
    }
    zap_bind (l, domain, enforce, transport);
}

/* A DEALER with routing id "curve-client", a CURVE client with the keypair given (public
   NULL: no CURVE at all) and server key `server_key`, connected to the server. */
static void client (void *ctx, struct zap_link *l, const char *public_key,
                    const char *secret_key, const char *server_key, enum key_form form)
{
    l->cli = zap_socket (ctx, ZMQ_DEALER, EVENT_MS, &l->cmon);
    zmq_setsockopt (l->cli, ZMQ_ROUTING_ID, "curve-client", 12);
    if (public_key) {
        CHECK_OK (set_key (l->cli, ZMQ_CURVE_SERVERKEY, server_key, form));
        CHECK_OK (set_key (l->cli, ZMQ_CURVE_PUBLICKEY, public_key, form));
        CHECK_OK (set_key (l->cli, ZMQ_CURVE_SECRETKEY, secret_key, form));
    }
    zmq_connect (l->cli, l->ep);
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
    struct zap_link l;
    zmq_msg_t msg;
    int before;
    static char section[120];

    snprintf (section, sizeof section, "accepted over %s, keys as %s: the request, metadata, %s",
              transport, form_name (form),
              big ? "multipart and 1 MiB both ways" : "multipart both ways");
    tu_begin (section);
    before = zap_expect (h, "400", client_public_bin, 32, NULL);
    server (ctx, &l, 1, form, "global", 0, transport);
    client (ctx, &l, client_public, client_secret, server_public, form);
    zap_check_handshake (&l, ZMQ_CURVE, ZMQ_CURVE_SERVER, EVENT_MS);
    CHECK (key_is (l.srv, ZMQ_CURVE_SECRETKEY, server_secret));
    CHECK (key_is (l.srv, ZMQ_CURVE_PUBLICKEY, server_public));
    CHECK (key_is (l.cli, ZMQ_CURVE_SERVERKEY, server_public));
    CHECK (key_is (l.cli, ZMQ_CURVE_PUBLICKEY, client_public));
    CHECK (key_is (l.cli, ZMQ_CURVE_SECRETKEY, client_secret));

    /* Client to server: three frames, the middle one empty, after the client's routing id. */
    zap_send_three (l.cli, "one", "three");
    zmq_msg_init (&msg);
    CHECK (recv_is (l.srv, &msg, "curve-client", 1));
    CHECK (recv_is (l.srv, &msg, "one", 1));
    zap_check_metadata (&msg, "DEALER");
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), "curve-client");
    CHECK (recv_is (l.srv, &msg, "", 1));
    CHECK (recv_is (l.srv, &msg, "three", 0));
    zmq_msg_close (&msg);
    zap_check_reply (&l, "curve-client", "ROUTER", "SRV");

    if (big) {
        big_message (l.cli, l.srv, "curve-client", NULL);
        big_message (l.srv, l.cli, NULL, "curve-client");
    }

    /* One request, with the client's long-term public key as 32 bytes. */
    zap_check_request (h, before, 7, transport, "SRV", "CURVE");
    CHECK (zap_frame_is (h, 6, client_public_bin, 32));
    zap_close (&l);
}

/* The other client (a keypair the handler does not know): refused with `status`. The server
   reports HANDSHAKE_FAILED_AUTH with it; the client too (an ERROR command), except for 300:
   no ERROR, the client is not told and its handshake does not succeed. */
static void refused (void *ctx, struct zap_handler *h, const char *status, int code,
                     const char *transport)
{
    struct zap_link l;
    uint8_t other_bin[32];
    int before = zap_expect (h, status, client_public_bin, 32, NULL);

    zmq_z85_decode (other_bin, other_public);
    server (ctx, &l, 1, KEY_Z85, "global", 0, transport);
    client (ctx, &l, other_public, other_secret, server_public, KEY_Z85);
    zap_check_refused (&l, code, EVENT_MS);
    zap_check_asked (h, before, "CURVE", other_bin, 32);
    if (code == 300)
        zap_check_client_untold (&l);
    zap_close (&l);
}

/* A client with the wrong server key: the server cannot open its HELLO and reports
   HANDSHAKE_FAILED_PROTOCOL/CRYPTOGRAPHIC; the client sees the connection drop
   (NO_DETAIL/EPIPE) and tries again; the handler is not asked. */
static void wrong_server_key (void *ctx, struct zap_handler *h, const char *transport)
{
    struct zap_link l;
    int before = zap_expect (h, "200", NULL, 0, NULL);
    server (ctx, &l, 1, KEY_Z85, "global", 0, transport);
    client (ctx, &l, client_public, client_secret, other_public, KEY_Z85);
    zap_check_dropped (&l, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                       ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC, EVENT_MS);
    zap_check_unasked (&l, h, before);
    zap_close (&l);
}

/* CURVE on one side only: both report HANDSHAKE_FAILED_PROTOCOL/MECHANISM_MISMATCH (the
   client may first see the connection drop and try again: with ipc libzmq's does). client_mech
   is ZMQ_NULL or ZMQ_PLAIN against a CURVE server, or ZMQ_CURVE against a NULL server. */
static void mismatch (void *ctx, struct zap_handler *h, int client_mech, const char *transport)
{
    struct zap_link l;
    int before = zap_requests (h);
    server (ctx, &l, client_mech != ZMQ_CURVE, KEY_Z85, NULL, 0, transport);
    if (client_mech == ZMQ_CURVE)
        client (ctx, &l, client_public, client_secret, server_public, KEY_Z85);
    else {
        client (ctx, &l, NULL, NULL, NULL, KEY_Z85);
        if (client_mech == ZMQ_PLAIN)
            CHECK_OK (zmq_setsockopt (l.cli, ZMQ_PLAIN_USERNAME, "admin", 5));
    }
    CHECK_EQ (get_int (l.cli, ZMQ_MECHANISM), client_mech);
    zap_check_mismatch (&l, EVENT_MS);
    zap_check_unasked (&l, h, before);
    zap_close (&l);
}

/* No handler bound (ctx has none): the handshake succeeds without ZAP (no User-Id), unless
   the server has a domain and ZMQ_ZAP_ENFORCE_DOMAIN. */
static void no_handler (void *ctx, const char *domain, int enforce, const char *transport)
{
    struct zap_link l;
    zmq_msg_t msg;
    server (ctx, &l, 1, KEY_Z85, domain, enforce, transport);
    client (ctx, &l, client_public, client_secret, server_public, KEY_BINARY);
    if (domain == NULL || !enforce) {
        CHECK_EQ (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
        CHECK_EQ (wait_event (l.cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, EVENT_MS), 0);
        CHECK_EQ (zmq_send (l.cli, "ping", 4, 0), 4);
        zmq_msg_init (&msg);
        CHECK (recv_is (l.srv, &msg, "curve-client", 1));
        CHECK (recv_is (l.srv, &msg, "ping", 0));
        CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "User-Id"), EINVAL);
        CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), "DEALER");
        CHECK_EQ (zmq_send (l.srv, "curve-client", 12, ZMQ_SNDMORE), 12);
        CHECK_EQ (zmq_send (l.srv, "pong", 4, 0), 4);
        CHECK (recv_is (l.cli, &msg, "pong", 0));
        zmq_msg_close (&msg);
    } else {
        /* The server reports NO_DETAIL/EFAULT; the connection is left as it is: the client
           is not told and its handshake does not succeed. */
        CHECK_EQ (wait_event (l.smon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EVENT_MS), EFAULT);
        zap_check_nothing_passes (&l);
        CHECK_EQ (wait_event (l.cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
    }
    zap_close (&l);
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
