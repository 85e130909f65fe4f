/* Socket options on every standard socket type: defaults, round trips, value and size
   validation, the read-only socket state, the type-specific options, and the parts that
   depend on the build (CURVE, GSSAPI, the draft API), chosen with zmq_has at run time. */
#include "testutil.h"

#include <fcntl.h>
#include <stdint.h>

/* Draft option numbers; a build without the draft API still handles some of them. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#define ZMQ_LOOPBACK_FASTPATH 94
#define ZMQ_METADATA 95
#define ZMQ_MULTICAST_LOOP 96
#define ZMQ_ROUTER_NOTIFY 97
#define ZMQ_XPUB_MANUAL_LAST_VALUE 98
#define ZMQ_SOCKS_USERNAME 99
#define ZMQ_SOCKS_PASSWORD 100
#define ZMQ_IN_BATCH_SIZE 101
#define ZMQ_OUT_BATCH_SIZE 102
#define ZMQ_ONLY_FIRST_SUBSCRIBE 108
#define ZMQ_RECONNECT_STOP 109
#define ZMQ_HELLO_MSG 110
#define ZMQ_DISCONNECT_MSG 111
#define ZMQ_PRIORITY 112
#endif

#define NTYPES 12
static const char *const type_names[NTYPES] = {
  "PAIR", "PUB",  "SUB",  "REQ",  "REP",  "DEALER",
  "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"};
/* ZMQ_EVENTS of a fresh socket: the types that can always send report POLLOUT. */
static const int fresh_events[NTYPES] = {0, 2, 0, 0, 0, 0, 2, 0, 0, 2, 2, 2};

static const char *where = "";
static void *ctx;
static int has_curve, has_gssapi, has_draft;

/* ---- checks that print the socket type and option name ---- */

static void report (int ok, int line, const char *what, int rc, int err,
                    long long value, size_t size)
{
    char w[200], d[160];
    snprintf (w, sizeof w, "%s: %s", where, what);
    snprintf (d, sizeof d, "rc %d errno %d value %lld size %zu", rc, err,
              value, size);
    tu_record (ok, __FILE__, line, w, d);
}

static void get_int_is (void *s, int opt, const char *name, int want, int line)
{
    int value = -12345;
    size_t size = sizeof value;
    int rc, err;
    char what[120];
    errno = 0;
    rc = zmq_getsockopt (s, opt, &value, &size);
    err = errno;
    snprintf (what, sizeof what, "get %s == %d", name, want);
    report (rc == 0 && value == want && size == sizeof value, line, what, rc,
            err, value, size);
}

static void set_is (void *s, int opt, const char *name, const void *val,
                    size_t len, int want_errno, int line)
{
    int rc, err;
    char what[120];
    errno = 0;
    rc = zmq_setsockopt (s, opt, val, len);
    err = errno;
    snprintf (what, sizeof what, "set %s (%zu bytes) %s %d", name, len,
              want_errno ? "fails with" : "succeeds", want_errno);
    report (want_errno ? rc == -1 && err == want_errno : rc == 0, line, what,
            rc, err, 0, len);
}

static void set_int_is (void *s, int opt, const char *name, int value,
                        int want_errno, int line)
{
    char n[100];
    snprintf (n, sizeof n, "%s = %d", name, value);
    set_is (s, opt, n, &value, sizeof value, want_errno, line);
}

/* A get into a buffer of `cap` bytes fails with EINVAL and leaves the size. */
static void get_fails (void *s, int opt, const char *name, size_t cap,
                       int want_errno, int line)
{
    unsigned char buf[300];
    size_t size = cap;
    int rc, err;
    char what[120];
    errno = 0;
    rc = zmq_getsockopt (s, opt, buf, &size);
    err = errno;
    snprintf (what, sizeof what, "get %s into %zu bytes fails with %d", name,
              cap, want_errno);
    report (rc == -1 && err == want_errno && size == cap, line, what, rc, err,
            0, size);
}

/* A get into `cap` bytes returns `want` (want_len bytes) and zeroes the rest. */
static void get_bytes_are (void *s, int opt, const char *name,
                           const void *want, size_t want_len, size_t cap,
                           int line)
{
    unsigned char buf[300];
    size_t size = cap, i;
    int rc, err, ok;
    char what[120];
    memset (buf, 0xAA, sizeof buf);
    errno = 0;
    rc = zmq_getsockopt (s, opt, buf, &size);
    err = errno;
    ok = rc == 0 && size == want_len && memcmp (buf, want, want_len) == 0;
    for (i = want_len; ok && i < cap; i++)
        ok = buf[i] == 0;
    snprintf (what, sizeof what, "get %s into %zu bytes gives %zu bytes", name,
              cap, want_len);
    report (ok, line, what, rc, err, 0, size);
}

#define GET_INT(s, o, v) get_int_is ((s), (o), #o, (v), __LINE__)
#define SET_INT(s, o, v) set_int_is ((s), (o), #o, (v), 0, __LINE__)
#define SET_INT_FAILS(s, o, v, e) set_int_is ((s), (o), #o, (v), (e), __LINE__)
#define SET(s, o, val, len) set_is ((s), (o), #o, (val), (len), 0, __LINE__)
#define SET_FAILS(s, o, val, len, e)                                           \
    set_is ((s), (o), #o, (val), (len), (e), __LINE__)
#define GET_FAILS(s, o, cap, e) get_fails ((s), (o), #o, (cap), (e), __LINE__)
#define GET_BYTES(s, o, want, len, cap)                                        \
    get_bytes_are ((s), (o), #o, (want), (len), (cap), __LINE__)
#define GET_STR(s, o, str) GET_BYTES (s, o, str, strlen (str) + 1, 300)

/* ---- tables ---- */

struct int_opt
{
    int id;
    const char *name;
    int dflt;
    int good[5];
    int ngood;
    int bad[2];
    int nbad;
};
#define O(x) x, #x

/* Plain int options: default, accepted values, refused values (EINVAL). */
static const struct int_opt int_opts[] = {
  {O (ZMQ_SNDHWM), 1000, {0, 1, INT_MAX}, 3, {-1, INT_MIN}, 2},
  {O (ZMQ_RCVHWM), 1000, {0, 1, INT_MAX}, 3, {-1, INT_MIN}, 2},
  {O (ZMQ_RATE), 100, {1, INT_MAX}, 2, {0, -1}, 2},
  {O (ZMQ_RECOVERY_IVL), 10000, {0, 5}, 2, {-1}, 1},
  {O (ZMQ_SNDBUF), -1, {-1, 0, 1 << 20}, 3, {-2}, 1},
  {O (ZMQ_RCVBUF), -1, {-1, 0, 1 << 20}, 3, {-2}, 1},
  {O (ZMQ_TOS), 0, {0, 0xB8}, 2, {-1}, 1},
  {O (ZMQ_LINGER), -1, {-1, 0, 5000}, 3, {-2, INT_MIN}, 2},
  {O (ZMQ_CONNECT_TIMEOUT), 0, {0, 100}, 2, {-1}, 1},
  {O (ZMQ_TCP_MAXRT), 0, {0, 100}, 2, {-1}, 1},
  {O (ZMQ_RECONNECT_IVL), 100, {-1, 0, 5}, 3, {-2}, 1},
  {O (ZMQ_RECONNECT_IVL_MAX), 0, {0, 5}, 2, {-1}, 1},
  {O (ZMQ_BACKLOG), 100, {0, 5}, 2, {-1}, 1},
  {O (ZMQ_MULTICAST_HOPS), 1, {1, 255}, 2, {0, -1}, 2},
  {O (ZMQ_MULTICAST_MAXTPDU), 1500, {1, 9000}, 2, {0, -1}, 2},
  {O (ZMQ_RCVTIMEO), -1, {-1, 0, 10}, 3, {-2}, 1},
  {O (ZMQ_SNDTIMEO), -1, {-1, 0, 10}, 3, {-2}, 1},
  {O (ZMQ_TCP_KEEPALIVE), -1, {-1, 0, 1}, 3, {2, -2}, 2},
  {O (ZMQ_TCP_KEEPALIVE_CNT), -1, {-1, 0, 10}, 3, {-2}, 1},
  {O (ZMQ_TCP_KEEPALIVE_IDLE), -1, {-1, 0, 10}, 3, {-2}, 1},
  {O (ZMQ_TCP_KEEPALIVE_INTVL), -1, {-1, 0, 10}, 3, {-2}, 1},
  {O (ZMQ_HANDSHAKE_IVL), 30000, {0, 10}, 2, {-1}, 1},
  {O (ZMQ_HEARTBEAT_IVL), 0, {0, 10}, 2, {-1}, 1},
  {O (ZMQ_HEARTBEAT_TIMEOUT), -1, {0, 10}, 2, {-1}, 1},
  {O (ZMQ_USE_FD), -1, {-1, 0, 3}, 3, {-2}, 1},
  {O (ZMQ_RECONNECT_STOP), 0, {-77, 7, INT_MIN, INT_MAX, 0}, 5, {0}, 0},
  /* Booleans that take only 0 and 1. */
  {O (ZMQ_IPV6), 0, {1, 0}, 2, {2, -1}, 2},
  {O (ZMQ_IMMEDIATE), 0, {1, 0}, 2, {2, -1}, 2},
  {O (ZMQ_CONFLATE), 0, {1, 0}, 2, {2, -1}, 2},
};
#define N_INT_OPTS (sizeof int_opts / sizeof int_opts[0])

/* Booleans where any non-zero value is true. */
static const struct
{
    int id;
    const char *name;
    int dflt;
} relaxed_bools[] = {{O (ZMQ_INVERT_MATCHING), 0},
                     {O (ZMQ_ZAP_ENFORCE_DOMAIN), 0},
                     {O (ZMQ_LOOPBACK_FASTPATH), 0},
                     {O (ZMQ_MULTICAST_LOOP), 1}};

/* String options (all empty by default) and their longest value. */
static const struct
{
    int id;
    const char *name;
    size_t max;
} strings[] = {{O (ZMQ_PLAIN_USERNAME), 255}, {O (ZMQ_PLAIN_PASSWORD), 255},
               {O (ZMQ_ZAP_DOMAIN), 255},     {O (ZMQ_SOCKS_USERNAME), 255},
               {O (ZMQ_SOCKS_PASSWORD), 255}, {O (ZMQ_BINDTODEVICE), 16},
               {O (ZMQ_SOCKS_PROXY), 280}};

/* Type-specific options: which types accept an int 1 (bit per type). */
#define T(x) (1 << ZMQ_##x)
static const struct
{
    int id;
    const char *name;
    int types;
} specific[] = {
  {O (ZMQ_SUBSCRIBE), T (SUB)},
  {O (ZMQ_UNSUBSCRIBE), T (SUB)},
  {O (ZMQ_ROUTER_MANDATORY), T (ROUTER) | T (REP)},
  {O (ZMQ_ROUTER_RAW), T (ROUTER) | T (REP)},
  {O (ZMQ_ROUTER_HANDOVER), T (ROUTER) | T (REP)},
  {O (ZMQ_PROBE_ROUTER), T (ROUTER) | T (REP) | T (DEALER) | T (REQ)},
  {O (ZMQ_REQ_CORRELATE), T (REQ)},
  {O (ZMQ_REQ_RELAXED), T (REQ)},
  {O (ZMQ_CONNECT_ROUTING_ID), T (ROUTER) | T (REP) | T (STREAM)},
  {O (ZMQ_XPUB_VERBOSE), T (XPUB) | T (PUB)},
  {O (ZMQ_XPUB_VERBOSER), T (XPUB) | T (PUB)},
  {O (ZMQ_XPUB_NODROP), T (XPUB) | T (PUB)},
  {O (ZMQ_XPUB_MANUAL), T (XPUB) | T (PUB)},
  {O (ZMQ_XPUB_WELCOME_MSG), T (XPUB) | T (PUB)},
  {O (ZMQ_XPUB_MANUAL_LAST_VALUE), T (XPUB) | T (PUB)},
  {O (ZMQ_ONLY_FIRST_SUBSCRIBE), T (XPUB) | T (PUB) | T (XSUB)},
  {O (ZMQ_STREAM_NOTIFY), T (STREAM)},
};

/* ---- sections ---- */

static void socket_state (void *s, int type)
{
    int fd = -1, fd2 = -2;
    size_t size = sizeof fd;
    unsigned char wide[8] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
    const unsigned char zero8[8] = {0};
    int events = fresh_events[type];
    unsigned char ev8[8] = {0};
    GET_INT (s, ZMQ_TYPE, type);
    GET_INT (s, ZMQ_RCVMORE, 0);
    GET_INT (s, ZMQ_EVENTS, events);
    GET_INT (s, ZMQ_THREAD_SAFE, 0);
    GET_STR (s, ZMQ_LAST_ENDPOINT, "");
    CHECK_OK (zmq_getsockopt (s, ZMQ_FD, &fd, &size));
    CHECK_EQ_U (size, sizeof fd);
    CHECK (fd >= 0 && fcntl (fd, F_GETFD) != -1);
    CHECK_OK (zmq_getsockopt (s, ZMQ_FD, &fd2, &size));
    CHECK_EQ (fd2, fd);
    /* The state options take any buffer of at least an int and zero the rest;
       ZMQ_TYPE, like the generic ints, wants exactly an int. */
    memcpy (ev8, &events, sizeof events);
    GET_BYTES (s, ZMQ_RCVMORE, zero8, 4, 8);
    GET_BYTES (s, ZMQ_THREAD_SAFE, zero8, 4, 8);
    GET_BYTES (s, ZMQ_EVENTS, ev8, 4, 8);
    size = sizeof wide;
    CHECK_OK (zmq_getsockopt (s, ZMQ_FD, wide, &size));
    CHECK_EQ_U (size, 4);
    CHECK_MEM (wide + 4, zero8, 4);
    GET_FAILS (s, ZMQ_TYPE, 8, EINVAL);
    GET_FAILS (s, ZMQ_RCVMORE, 3, EINVAL);
    GET_FAILS (s, ZMQ_EVENTS, 2, EINVAL);
    GET_FAILS (s, ZMQ_FD, 3, EINVAL);
    GET_FAILS (s, ZMQ_THREAD_SAFE, 0, EINVAL);
    GET_FAILS (s, ZMQ_LAST_ENDPOINT, 0, EINVAL);
    GET_BYTES (s, ZMQ_LAST_ENDPOINT, "", 1, 5);
    /* None of them can be set, nor can ZMQ_MECHANISM. */
    SET_INT_FAILS (s, ZMQ_TYPE, type, EINVAL);
    SET_INT_FAILS (s, ZMQ_RCVMORE, 0, EINVAL);
    SET_INT_FAILS (s, ZMQ_FD, fd, EINVAL);
    SET_INT_FAILS (s, ZMQ_EVENTS, 0, EINVAL);
    SET_INT_FAILS (s, ZMQ_THREAD_SAFE, 0, EINVAL);
    SET_FAILS (s, ZMQ_LAST_ENDPOINT, "x", 1, EINVAL);
    SET_INT_FAILS (s, ZMQ_MECHANISM, 0, EINVAL);
}


static const unsigned char zero32[32] = {0};
/* Z85 of 32 zero bytes, with its terminator. */
static const char z85_zero[41] = "0000000000000000000000000000000000000000";

static void defaults (void *s, int type)
{
    size_t i;
    int64_t v64 = 5;
    size_t size = sizeof v64;
    for (i = 0; i < N_INT_OPTS; i++) {
        int want = int_opts[i].dflt;
        /* SUB and XSUB do not linger on their subscriptions. */
        if (int_opts[i].id == ZMQ_LINGER
            && (type == ZMQ_SUB || type == ZMQ_XSUB))
            want = 0;
        get_int_is (s, int_opts[i].id, int_opts[i].name, want, __LINE__);
    }
    for (i = 0; i < sizeof relaxed_bools / sizeof relaxed_bools[0]; i++)
        get_int_is (s, relaxed_bools[i].id, relaxed_bools[i].name,
                    relaxed_bools[i].dflt, __LINE__);
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
        get_bytes_are (s, strings[i].id, strings[i].name, "", 1, 300,
                       __LINE__);
    GET_INT (s, ZMQ_IPV4ONLY, 1);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
    GET_INT (s, ZMQ_PLAIN_SERVER, 0);
    GET_INT (s, ZMQ_HEARTBEAT_TTL, 0);
    GET_BYTES (s, ZMQ_ROUTING_ID, "", 0, 8);
    GET_BYTES (s, ZMQ_ROUTING_ID, "", 0, 0);
    CHECK_OK (zmq_getsockopt (s, ZMQ_AFFINITY, &v64, &size));
    CHECK_EQ (v64, 0);
    CHECK_EQ_U (size, 8);
    CHECK_OK (zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v64, &size));
    CHECK_EQ (v64, -1);
    CHECK_EQ_U (size, 8);
    if (has_curve) {
        GET_INT (s, ZMQ_CURVE_SERVER, 0);
        GET_BYTES (s, ZMQ_CURVE_PUBLICKEY, z85_zero, 41, 41);
        GET_BYTES (s, ZMQ_CURVE_SECRETKEY, zero32, 32, 32);
        GET_BYTES (s, ZMQ_CURVE_SERVERKEY, zero32, 32, 32);
    }
    if (has_gssapi) {
        GET_INT (s, ZMQ_GSSAPI_SERVER, 0);
        GET_INT (s, ZMQ_GSSAPI_PLAINTEXT, 0);
        GET_INT (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, ZMQ_GSSAPI_NT_HOSTBASED);
        GET_INT (s, ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE,
                 ZMQ_GSSAPI_NT_HOSTBASED);
        GET_STR (s, ZMQ_GSSAPI_PRINCIPAL, "");
        GET_STR (s, ZMQ_GSSAPI_SERVICE_PRINCIPAL, "");
    }
}

/* Round trips and validation of the numeric options. */
static void numbers (void *s)
{
    size_t i;
    int j;
    const unsigned char eight[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    int64_t v64;
    size_t size;
    for (i = 0; i < N_INT_OPTS; i++) {
        const struct int_opt *o = &int_opts[i];
        int last = o->good[o->ngood - 1];
        for (j = 0; j < o->ngood; j++) {
            set_int_is (s, o->id, o->name, o->good[j], 0, __LINE__);
            get_int_is (s, o->id, o->name, o->good[j], __LINE__);
        }
        /* Refused values and sizes other than an int's change nothing. */
        for (j = 0; j < o->nbad; j++)
            set_int_is (s, o->id, o->name, o->bad[j], EINVAL, __LINE__);
        set_is (s, o->id, o->name, eight, 0, EINVAL, __LINE__);
        set_is (s, o->id, o->name, eight, 2, EINVAL, __LINE__);
        set_is (s, o->id, o->name, eight, 8, EINVAL, __LINE__);
        set_is (s, o->id, o->name, NULL, 0, EINVAL, __LINE__);
        get_int_is (s, o->id, o->name, last, __LINE__);
        get_fails (s, o->id, o->name, 0, EINVAL, __LINE__);
        get_fails (s, o->id, o->name, 3, EINVAL, __LINE__);
        get_fails (s, o->id, o->name, 8, EINVAL, __LINE__);
    }
    for (i = 0; i < sizeof relaxed_bools / sizeof relaxed_bools[0]; i++) {
        static const int in[] = {5, 0, -3, 1}, out[] = {1, 0, 1, 1};
        for (j = 0; j < 4; j++) {
            set_int_is (s, relaxed_bools[i].id, relaxed_bools[i].name, in[j],
                        0, __LINE__);
            get_int_is (s, relaxed_bools[i].id, relaxed_bools[i].name,
                        out[j], __LINE__);
        }
    }
    /* ZMQ_IPV4ONLY is the inverse of ZMQ_IPV6, strictly 0 or 1. */
    SET_INT (s, ZMQ_IPV4ONLY, 0);
    GET_INT (s, ZMQ_IPV6, 1);
    GET_INT (s, ZMQ_IPV4ONLY, 0);
    SET_INT_FAILS (s, ZMQ_IPV4ONLY, 2, EINVAL);
    SET_INT (s, ZMQ_IPV6, 0);
    GET_INT (s, ZMQ_IPV4ONLY, 1);
    /* ZMQ_HEARTBEAT_TTL is kept in tenths of a second, divided first. */
    {
        static const int in[] = {150, 99, -99, -1, 6553500, 6553599};
        static const int out[] = {100, 0, 0, 0, 6553500, 6553500};
        for (j = 0; j < 6; j++) {
            SET_INT (s, ZMQ_HEARTBEAT_TTL, in[j]);
            GET_INT (s, ZMQ_HEARTBEAT_TTL, out[j]);
        }
        SET_INT_FAILS (s, ZMQ_HEARTBEAT_TTL, -100, EINVAL);
        SET_INT_FAILS (s, ZMQ_HEARTBEAT_TTL, 6553600, EINVAL);
        GET_INT (s, ZMQ_HEARTBEAT_TTL, 6553500);
    }
    /* 64-bit options: any value, exactly 8 bytes both ways. */
    v64 = -5;
    SET (s, ZMQ_MAXMSGSIZE, &v64, 8);
    v64 = INT64_MIN;
    SET (s, ZMQ_MAXMSGSIZE, &v64, 8);
    size = 8;
    CHECK_OK (zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v64, &size));
    CHECK (v64 == INT64_MIN);
    v64 = -1;
    SET (s, ZMQ_AFFINITY, &v64, 8);
    size = 8;
    v64 = 0;
    CHECK_OK (zmq_getsockopt (s, ZMQ_AFFINITY, &v64, &size));
    CHECK ((uint64_t) v64 == UINT64_MAX);
    SET_FAILS (s, ZMQ_MAXMSGSIZE, eight, 4, EINVAL);
    SET_FAILS (s, ZMQ_AFFINITY, eight, 4, EINVAL);
    GET_FAILS (s, ZMQ_MAXMSGSIZE, 4, EINVAL);
    GET_FAILS (s, ZMQ_AFFINITY, 4, EINVAL);
    GET_FAILS (s, ZMQ_MAXMSGSIZE, 16, EINVAL);
}

static void routing_id (void *s)
{
    unsigned char big[256];
    memset (big, 'r', sizeof big);
    SET_FAILS (s, ZMQ_ROUTING_ID, "", 0, EINVAL);
    SET_FAILS (s, ZMQ_ROUTING_ID, NULL, 0, EINVAL);
    SET_FAILS (s, ZMQ_ROUTING_ID, big, 256, EINVAL);
    SET (s, ZMQ_ROUTING_ID, big, 255);
    GET_BYTES (s, ZMQ_ROUTING_ID, big, 255, 255);
    /* A leading zero byte is accepted by libzmq 4.3. */
    SET (s, ZMQ_ROUTING_ID, "\0abc", 4);
    GET_BYTES (s, ZMQ_ROUTING_ID, "\0abc", 4, 8);
    GET_BYTES (s, ZMQ_ROUTING_ID, "\0abc", 4, 4);
    GET_FAILS (s, ZMQ_ROUTING_ID, 3, EINVAL);
    /* ZMQ_IDENTITY is the old name. */
    GET_BYTES (s, ZMQ_IDENTITY, "\0abc", 4, 4);
}

/* A string option reads back as `len` bytes of `text` and a terminator, needs a buffer with
   room for the terminator, and zeroes the rest of a larger one. */
static void string_is (void *s, int id, const char *name, const char *text,
                       size_t len, int line)
{
    char want[300];
    memcpy (want, text, len);
    want[len] = '\0';
    get_bytes_are (s, id, name, want, len + 1, 300, line);
    get_bytes_are (s, id, name, want, len + 1, len + 1, line);
    get_fails (s, id, name, len, EINVAL, line);
}

static void text_options (void *s)
{
    size_t i;
    char text[300];
    memset (text, 't', sizeof text);
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        int id = strings[i].id;
        const char *name = strings[i].name;
        size_t max = strings[i].max;
        set_is (s, id, name, text, max, 0, __LINE__);
        string_is (s, id, name, text, max, __LINE__);
        if (id != ZMQ_SOCKS_PROXY)
            set_is (s, id, name, text, max + 1, EINVAL, __LINE__);
        /* Bytes after a NUL are kept and read back. */
        set_is (s, id, name, "ab\0cd", 5, 0, __LINE__);
        string_is (s, id, name, "ab\0cd", 5, __LINE__);
    }
    /* NULL clears these; an empty non-NULL value is refused. */
    SET_FAILS (s, ZMQ_SOCKS_PROXY, "", 0, EINVAL);
    SET_FAILS (s, ZMQ_BINDTODEVICE, "", 0, EINVAL);
    string_is (s, ZMQ_SOCKS_PROXY, "SOCKS_PROXY", "ab\0cd", 5, __LINE__);
    SET (s, ZMQ_SOCKS_PROXY, NULL, 0);
    SET (s, ZMQ_BINDTODEVICE, NULL, 0);
    GET_STR (s, ZMQ_SOCKS_PROXY, "");
    GET_STR (s, ZMQ_BINDTODEVICE, "");
    /* Both clear the SOCKS credentials. */
    SET (s, ZMQ_SOCKS_USERNAME, "", 0);
    SET (s, ZMQ_SOCKS_PASSWORD, NULL, 0);
    GET_STR (s, ZMQ_SOCKS_USERNAME, "");
    GET_STR (s, ZMQ_SOCKS_PASSWORD, "");
    /* The ZAP domain and the PLAIN credentials are never empty. */
    SET_FAILS (s, ZMQ_ZAP_DOMAIN, "", 0, EINVAL);
    SET_FAILS (s, ZMQ_ZAP_DOMAIN, NULL, 0, EINVAL);
    SET_FAILS (s, ZMQ_PLAIN_USERNAME, "", 0, EINVAL);
    SET_FAILS (s, ZMQ_PLAIN_PASSWORD, "", 0, EINVAL);
    string_is (s, ZMQ_ZAP_DOMAIN, "ZAP_DOMAIN", "ab\0cd", 5, __LINE__);
}

/* The security options choose the mechanism; ZMQ_PLAIN_SERVER and ZMQ_CURVE_SERVER read the
   server flag only while their mechanism is current. */
static void mechanisms (void)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    unsigned char key[32];
    memset (key, 7, sizeof key);
    SET (s, ZMQ_PLAIN_USERNAME, "bob", 3);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_PLAIN);
    GET_INT (s, ZMQ_PLAIN_SERVER, 0);
    SET_INT (s, ZMQ_PLAIN_SERVER, 1);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_PLAIN);
    GET_INT (s, ZMQ_PLAIN_SERVER, 1);
    /* A credential makes this side a client again. */
    SET (s, ZMQ_PLAIN_PASSWORD, "pw", 2);
    GET_INT (s, ZMQ_PLAIN_SERVER, 0);
    SET_INT_FAILS (s, ZMQ_PLAIN_SERVER, 2, EINVAL);
    SET_INT (s, ZMQ_PLAIN_SERVER, 1);
    SET_INT (s, ZMQ_PLAIN_SERVER, 0);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
    SET (s, ZMQ_PLAIN_USERNAME, "bob", 3);
    /* NULL turns PLAIN off and keeps the credentials. */
    SET (s, ZMQ_PLAIN_USERNAME, NULL, 0);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
    GET_STR (s, ZMQ_PLAIN_USERNAME, "bob");
    SET (s, ZMQ_PLAIN_PASSWORD, NULL, 0);
    GET_STR (s, ZMQ_PLAIN_PASSWORD, "pw");
    if (!has_curve) {
        printf ("no CURVE in this library: checking that its options are "
                "refused\n");
        SET_INT_FAILS (s, ZMQ_CURVE_SERVER, 1, EINVAL);
        SET_FAILS (s, ZMQ_CURVE_PUBLICKEY, key, 32, EINVAL);
        SET_FAILS (s, ZMQ_CURVE_SECRETKEY, z85_zero, 41, EINVAL);
        SET_FAILS (s, ZMQ_CURVE_SERVERKEY, z85_zero, 40, EINVAL);
        GET_FAILS (s, ZMQ_CURVE_SERVER, 4, EINVAL);
        GET_FAILS (s, ZMQ_CURVE_PUBLICKEY, 32, EINVAL);
        GET_FAILS (s, ZMQ_CURVE_SECRETKEY, 41, EINVAL);
        GET_FAILS (s, ZMQ_CURVE_SERVERKEY, 41, EINVAL);
        GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
        zmq_close (s);
        return;
    }
    SET_INT (s, ZMQ_CURVE_SERVER, 1);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_CURVE);
    GET_INT (s, ZMQ_CURVE_SERVER, 1);
    GET_INT (s, ZMQ_PLAIN_SERVER, 0);
    /* PLAIN_SERVER 0 turns any mechanism off. */
    SET_INT (s, ZMQ_PLAIN_SERVER, 0);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
    SET_INT (s, ZMQ_CURVE_SERVER, 1);
    SET (s, ZMQ_CURVE_PUBLICKEY, key, 32);
    GET_INT (s, ZMQ_CURVE_SERVER, 1);
    /* The server key makes this side a client. */
    SET (s, ZMQ_CURVE_SERVERKEY, key, 32);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_CURVE);
    GET_INT (s, ZMQ_CURVE_SERVER, 0);
    SET_INT (s, ZMQ_CURVE_SERVER, 1);
    SET_INT (s, ZMQ_PLAIN_SERVER, 1);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_PLAIN);
    GET_INT (s, ZMQ_CURVE_SERVER, 0);
    SET_INT (s, ZMQ_CURVE_SERVER, 0);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_NULL);
    SET_INT_FAILS (s, ZMQ_CURVE_SERVER, 2, EINVAL);
    zmq_close (s);
}

static void curve_keys (void)
{
    /* The RFC 32 test key and its binary form. */
    static const char z85[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    unsigned char bin[32], key[32];
    char text[42];
    void *s;
    if (!has_curve) {
        printf ("no CURVE in this library: key encodings skipped\n");
        return;
    }
    s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK_NOT_NULL (zmq_z85_decode (bin, z85));
    SET (s, ZMQ_CURVE_PUBLICKEY, z85, 40);
    GET_BYTES (s, ZMQ_CURVE_PUBLICKEY, z85, 41, 41);
    GET_BYTES (s, ZMQ_CURVE_PUBLICKEY, bin, 32, 32);
    GET_FAILS (s, ZMQ_CURVE_PUBLICKEY, 40, EINVAL);
    GET_FAILS (s, ZMQ_CURVE_PUBLICKEY, 42, EINVAL);
    GET_FAILS (s, ZMQ_CURVE_PUBLICKEY, 31, EINVAL);
    SET (s, ZMQ_CURVE_SECRETKEY, z85, 41);
    GET_BYTES (s, ZMQ_CURVE_SECRETKEY, bin, 32, 32);
    SET (s, ZMQ_CURVE_SERVERKEY, bin, 32);
    GET_BYTES (s, ZMQ_CURVE_SERVERKEY, z85, 41, 41);
    /* 41 bytes need the terminator. */
    memcpy (text, z85, 40);
    text[40] = 'x';
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, text, 41, EINVAL);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, z85, 39, EINVAL);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, bin, 33, EINVAL);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, NULL, 0, EINVAL);
    /* Not Z85: a quote, or a group above 32 bits. */
    memcpy (text, z85, 41);
    text[7] = '"';
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, text, 40, EINVAL);
    memcpy (text, "#####", 5);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, text, 40, EINVAL);
    /* The text ends at its first NUL: a shorter whole number of groups replaces only the
       first bytes of the key; nothing at all is refused. */
    memset (text, 0, sizeof text);
    memcpy (text, "0000000000", 10);
    SET (s, ZMQ_CURVE_SECRETKEY, text, 41);
    memcpy (key, bin, 32);
    memset (key, 0, 8);
    GET_BYTES (s, ZMQ_CURVE_SECRETKEY, key, 32, 32);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, z85_zero + 40, 1, EINVAL);
    memset (text, 0, sizeof text);
    SET_FAILS (s, ZMQ_CURVE_SECRETKEY, text, 40, EINVAL);
    GET_BYTES (s, ZMQ_CURVE_SECRETKEY, key, 32, 32);
    zmq_close (s);
}

static void gssapi (void)
{
    static const int ids[] = {ZMQ_GSSAPI_SERVER,
                              ZMQ_GSSAPI_PRINCIPAL,
                              ZMQ_GSSAPI_SERVICE_PRINCIPAL,
                              ZMQ_GSSAPI_PLAINTEXT,
                              ZMQ_GSSAPI_PRINCIPAL_NAMETYPE,
                              ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE};
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    char big[256];
    size_t i;
    if (!has_gssapi) {
        printf ("no GSSAPI in this library: checking that its options are "
                "refused\n");
        for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            set_int_is (s, ids[i], "a GSSAPI option", 0, EINVAL, __LINE__);
            set_is (s, ids[i], "a GSSAPI option", "p", 1, EINVAL, __LINE__);
            get_fails (s, ids[i], "a GSSAPI option", 4, EINVAL, __LINE__);
        }
        zmq_close (s);
        return;
    }
    memset (big, 'g', sizeof big);
    SET (s, ZMQ_GSSAPI_PRINCIPAL, "p", 1);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_GSSAPI);
    GET_STR (s, ZMQ_GSSAPI_PRINCIPAL, "p");
    SET_INT (s, ZMQ_GSSAPI_SERVER, 1);
    GET_INT (s, ZMQ_GSSAPI_SERVER, 1);
    SET (s, ZMQ_GSSAPI_SERVICE_PRINCIPAL, "q", 1);
    GET_INT (s, ZMQ_GSSAPI_SERVER, 0);
    /* GSSAPI_SERVER 0 keeps the mechanism. */
    SET_INT (s, ZMQ_GSSAPI_SERVER, 0);
    GET_INT (s, ZMQ_MECHANISM, ZMQ_GSSAPI);
    SET_INT_FAILS (s, ZMQ_GSSAPI_SERVER, 2, EINVAL);
    SET_INT (s, ZMQ_GSSAPI_PLAINTEXT, 1);
    GET_INT (s, ZMQ_GSSAPI_PLAINTEXT, 1);
    SET_INT_FAILS (s, ZMQ_GSSAPI_PLAINTEXT, 2, EINVAL);
    SET_INT (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, ZMQ_GSSAPI_NT_KRB5_PRINCIPAL);
    GET_INT (s, ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, ZMQ_GSSAPI_NT_KRB5_PRINCIPAL);
    SET_INT_FAILS (s, ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, 3, EINVAL);
    SET_FAILS (s, ZMQ_GSSAPI_PRINCIPAL, NULL, 0, EINVAL);
    SET_FAILS (s, ZMQ_GSSAPI_PRINCIPAL, "", 0, EINVAL);
    SET (s, ZMQ_GSSAPI_PRINCIPAL, big, 255);
    SET_FAILS (s, ZMQ_GSSAPI_PRINCIPAL, big, 256, EINVAL);
    zmq_close (s);
}

static void filters (void *s)
{
    static const char *const v4_ok[] = {"127.0.0.1", "10.0.0.0/8", "127.1",
                                        "0.0.0.0/0", "[127.0.0.1]",
                                        "127.0.0.1/8x"};
    static const char *const v4_bad[] = {"::1", "localhost", "127.0.0.1/33",
                                         "127.0.0.1/", "/8", "127.0.0.1/00",
                                         " 127.0.0.1", "*"};
    size_t i;
    char big[256];
    memset (big, '1', sizeof big);
    for (i = 0; i < sizeof v4_ok / sizeof v4_ok[0]; i++)
        set_is (s, ZMQ_TCP_ACCEPT_FILTER, v4_ok[i], v4_ok[i],
                strlen (v4_ok[i]), 0, __LINE__);
    for (i = 0; i < sizeof v4_bad / sizeof v4_bad[0]; i++)
        set_is (s, ZMQ_TCP_ACCEPT_FILTER, v4_bad[i], v4_bad[i],
                strlen (v4_bad[i]), EINVAL, __LINE__);
    SET_FAILS (s, ZMQ_TCP_ACCEPT_FILTER, "", 0, EINVAL);
    SET_FAILS (s, ZMQ_TCP_ACCEPT_FILTER, big, 256, EINVAL);
    /* The text ends at a NUL. */
    SET (s, ZMQ_TCP_ACCEPT_FILTER, "127.0.0.1\0junk", 14);
    GET_FAILS (s, ZMQ_TCP_ACCEPT_FILTER, 64, EINVAL);
    SET (s, ZMQ_TCP_ACCEPT_FILTER, NULL, 0);
    /* An IPv6 socket reads IPv6 text, and IPv4 text as mapped IPv6. */
    SET_INT (s, ZMQ_IPV6, 1);
    SET (s, ZMQ_TCP_ACCEPT_FILTER, "::1", 3);
    SET (s, ZMQ_TCP_ACCEPT_FILTER, "[::1]/64", 8);
    SET (s, ZMQ_TCP_ACCEPT_FILTER, "127.0.0.1/33", 12);
    SET_FAILS (s, ZMQ_TCP_ACCEPT_FILTER, "::1/129", 7, EINVAL);
    SET_INT (s, ZMQ_IPV6, 0);
    SET (s, ZMQ_TCP_ACCEPT_FILTER, NULL, 0);
    /* IPC filters: an id of the native size joins the set, NULL empties it. */
    SET_INT (s, ZMQ_IPC_FILTER_UID, 1000);
    SET_INT (s, ZMQ_IPC_FILTER_GID, -1);
    SET_INT (s, ZMQ_IPC_FILTER_PID, 1);
    SET_FAILS (s, ZMQ_IPC_FILTER_UID, big, 8, EINVAL);
    SET_FAILS (s, ZMQ_IPC_FILTER_GID, big, 2, EINVAL);
    SET_FAILS (s, ZMQ_IPC_FILTER_PID, "", 0, EINVAL);
    SET (s, ZMQ_IPC_FILTER_UID, NULL, 0);
    SET (s, ZMQ_IPC_FILTER_GID, NULL, 0);
    SET (s, ZMQ_IPC_FILTER_PID, NULL, 0);
    GET_FAILS (s, ZMQ_IPC_FILTER_UID, 4, EINVAL);
    GET_FAILS (s, ZMQ_IPC_FILTER_GID, 4, EINVAL);
    GET_FAILS (s, ZMQ_IPC_FILTER_PID, 4, EINVAL);
}

static void metadata_and_draft (void *s)
{
    static const int draft_only[] = {ZMQ_IN_BATCH_SIZE, ZMQ_OUT_BATCH_SIZE,
                                     ZMQ_PRIORITY,      ZMQ_HELLO_MSG,
                                     ZMQ_DISCONNECT_MSG, 113,
                                     114,               ZMQ_ROUTER_NOTIFY};
    size_t i;
    /* ZMQ_METADATA works in every build: "X-name:value", write only. */
    SET (s, ZMQ_METADATA, "X-foo:bar", 9);
    SET (s, ZMQ_METADATA, "X-foo:baz", 9);
    SET (s, ZMQ_METADATA, "X-:bc", 5);
    SET (s, ZMQ_METADATA, "X-a:b:c", 7);
    SET_FAILS (s, ZMQ_METADATA, "X-a:", 4, EINVAL);
    SET_FAILS (s, ZMQ_METADATA, "X-ab", 4, EINVAL);
    SET_FAILS (s, ZMQ_METADATA, "Y-a:b", 5, EINVAL);
    SET_FAILS (s, ZMQ_METADATA, "x-a:b", 5, EINVAL);
    /* Four bytes are taken for a mistaken int. */
    SET_FAILS (s, ZMQ_METADATA, "X-:b", 4, EINVAL);
    SET_FAILS (s, ZMQ_METADATA, NULL, 0, EINVAL);
    GET_FAILS (s, ZMQ_METADATA, 64, EINVAL);
    if (has_draft) {
        printf ("draft API present: draft-only options not checked\n");
        return;
    }
    for (i = 0; i < sizeof draft_only / sizeof draft_only[0]; i++) {
        set_int_is (s, draft_only[i], "a draft-only option", 1, EINVAL,
                    __LINE__);
        get_fails (s, draft_only[i], "a draft-only option", 4, EINVAL,
                   __LINE__);
    }
}

static void unknown_ids (void *s)
{
    static const int ids[] = {0,   1,   2,   3,   10,  20,     26,      29,
                              30,  70,  82,  83,  85,  86,     87,      88,
                              103, 104, 105, 106, 107, 117,    124,     125,
                              200, 1000, -1, INT_MAX, INT_MIN, 0x10000};
    size_t i;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char name[40];
        snprintf (name, sizeof name, "option %d", ids[i]);
        set_int_is (s, ids[i], name, 1, EINVAL, __LINE__);
        set_is (s, ids[i], name, "ab", 2, EINVAL, __LINE__);
        set_is (s, ids[i], name, NULL, 0, EINVAL, __LINE__);
        get_fails (s, ids[i], name, 4, EINVAL, __LINE__);
        get_fails (s, ids[i], name, 256, EINVAL, __LINE__);
    }
}

/* Which types take which type-specific option, and how. */
static void type_specific (void *s, int type)
{
    size_t i;
    const int64_t one64 = 1;
    for (i = 0; i < sizeof specific / sizeof specific[0]; i++) {
        int id = specific[i].id;
        const char *name = specific[i].name;
        int takes = (specific[i].types >> type) & 1;
        /* These take any bytes; the others an int that is not negative. */
        int any = id == ZMQ_SUBSCRIBE || id == ZMQ_UNSUBSCRIBE
                  || id == ZMQ_XPUB_WELCOME_MSG || id == ZMQ_CONNECT_ROUTING_ID;
        /* STREAM_NOTIFY alone is strictly 0 or 1. */
        int two_ok = takes && id != ZMQ_STREAM_NOTIFY;
        set_int_is (s, id, name, 1, takes ? 0 : EINVAL, __LINE__);
        set_int_is (s, id, name, 2, two_ok ? 0 : EINVAL, __LINE__);
        set_int_is (s, id, name, -1, takes && any ? 0 : EINVAL, __LINE__);
        set_is (s, id, name, &one64, 8, takes && any ? 0 : EINVAL, __LINE__);
        /* They are all write only. */
        get_fails (s, id, name, 4, EINVAL, __LINE__);
    }
    if (!has_draft)
        SET_INT_FAILS (s, ZMQ_ROUTER_NOTIFY, 1, EINVAL);
}

static void type_specific_values (void)
{
    void *sub = zmq_socket (ctx, ZMQ_SUB);
    void *pub = zmq_socket (ctx, ZMQ_PUB);
    void *xpub = zmq_socket (ctx, ZMQ_XPUB);
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    char big[1000];
    memset (big, 'b', sizeof big);
    SET (sub, ZMQ_SUBSCRIBE, NULL, 0);
    SET (sub, ZMQ_SUBSCRIBE, "", 0);
    SET (sub, ZMQ_SUBSCRIBE, big, sizeof big);
    SET (sub, ZMQ_UNSUBSCRIBE, "never", 5);
    /* PUB and XPUB take subscriptions only in manual mode. */
    SET_FAILS (pub, ZMQ_SUBSCRIBE, "a", 1, EINVAL);
    SET_FAILS (xpub, ZMQ_UNSUBSCRIBE, "a", 1, EINVAL);
    SET_INT (pub, ZMQ_XPUB_MANUAL, 1);
    SET_INT (xpub, ZMQ_XPUB_MANUAL, 1);
    SET (pub, ZMQ_SUBSCRIBE, "a", 1);
    SET (xpub, ZMQ_SUBSCRIBE, "a", 1);
    SET (xpub, ZMQ_UNSUBSCRIBE, "a", 1);
    SET (xpub, ZMQ_XPUB_WELCOME_MSG, NULL, 0);
    SET (xpub, ZMQ_XPUB_WELCOME_MSG, "hi", 2);
    /* A connect routing id is any non-empty bytes, even long ones. */
    SET_FAILS (router, ZMQ_CONNECT_ROUTING_ID, NULL, 0, EINVAL);
    SET_FAILS (router, ZMQ_CONNECT_ROUTING_ID, "", 0, EINVAL);
    SET (router, ZMQ_CONNECT_ROUTING_ID, big, 300);
    SET (router, ZMQ_CONNECT_ROUTING_ID, "\0a", 2);
    zmq_close (sub);
    zmq_close (pub);
    zmq_close (xpub);
    zmq_close (router);
}

/* New sockets take ZMQ_BLOCKY (as linger) and ZMQ_IPV6 from their context. */
static void context_defaults (void)
{
    void *c = zmq_ctx_new ();
    int type;
    CHECK_OK (zmq_ctx_set (c, ZMQ_BLOCKY, 0));
    CHECK_OK (zmq_ctx_set (c, ZMQ_IPV6, 1));
    for (type = 0; type < NTYPES; type++) {
        void *s = zmq_socket (c, type);
        where = type_names[type];
        GET_INT (s, ZMQ_LINGER, 0);
        GET_INT (s, ZMQ_IPV6, 1);
        GET_INT (s, ZMQ_IPV4ONLY, 0);
        zmq_close (s);
    }
    CHECK_OK (zmq_ctx_term (c));
}

static void misuse (void)
{
    void *c = zmq_ctx_new ();
    void *s = zmq_socket (c, ZMQ_DEALER);
    int v = 0;
    size_t size = sizeof v;
    CHECK_FAILS (zmq_setsockopt (NULL, ZMQ_LINGER, &v, sizeof v), ENOTSOCK);
    CHECK_FAILS (zmq_getsockopt (NULL, ZMQ_LINGER, &v, &size), ENOTSOCK);
    /* Once the socket sees the context shut down, options fail with ETERM. */
    CHECK_OK (zmq_ctx_shutdown (c));
    CHECK_FAILS (zmq_getsockopt (s, ZMQ_EVENTS, &v, &size), ETERM);
    CHECK_FAILS (zmq_getsockopt (s, ZMQ_LINGER, &v, &size), ETERM);
    CHECK_FAILS (zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v), ETERM);
    CHECK_FAILS (zmq_setsockopt (s, 1000, &v, sizeof v), ETERM);
    CHECK_OK (zmq_close (s));
    CHECK_OK (zmq_ctx_term (c));
}

int main (void)
{
    int type;
    tu_init ();
    has_curve = zmq_has ("curve");
    has_gssapi = zmq_has ("gssapi");
    has_draft = zmq_has ("draft");
    printf ("curve %d, gssapi %d, draft %d\n", has_curve, has_gssapi,
            has_draft);
    ctx = zmq_ctx_new ();

    for (type = 0; type < NTYPES; type++) {
        void *s = zmq_socket (ctx, type);
        void *t = zmq_socket (ctx, type);
        char section[64];
        where = type_names[type];
        snprintf (section, sizeof section, "generic options on %s", where);
        tu_begin (section);
        if (!CHECK_NOT_NULL (s) || !CHECK_NOT_NULL (t))
            continue;
        socket_state (s, type);
        defaults (s, type);
        numbers (s);
        routing_id (s);
        unknown_ids (s);
        type_specific (t, type);
        CHECK_OK (zmq_close (s));
        CHECK_OK (zmq_close (t));
    }

    where = "DEALER";
    tu_begin ("text options");
    {
        void *s = zmq_socket (ctx, ZMQ_DEALER);
        text_options (s);
        tu_begin ("accept filters");
        filters (s);
        tu_begin ("metadata and draft options");
        metadata_and_draft (s);
        zmq_close (s);
    }
    tu_begin ("security mechanisms");
    mechanisms ();
    tu_begin ("CURVE keys");
    curve_keys ();
    tu_begin ("GSSAPI");
    gssapi ();
    where = "type specific";
    tu_begin ("values of type-specific options");
    type_specific_values ();
    tu_begin ("defaults from the context");
    context_defaults ();
    where = "misuse";
    tu_begin ("misuse and termination");
    misuse ();

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
