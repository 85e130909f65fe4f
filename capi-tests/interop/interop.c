/*
 * interop: one side of a ZMTP interoperability scenario, so that two processes, each on its own
 * libzmq.so.5 (ours or the reference libzmq 4.3.4), prove that they talk to each other over tcp
 * or ipc with the NULL mechanism.
 *
 *   interop server SCENARIO ENDPOINT    binds every socket of the scenario
 *   interop client SCENARIO ENDPOINTS   connects them
 *   interop list                        prints the scenario names
 *
 * The server binds its k-th socket to an endpoint derived from ENDPOINT: "tcp://host:*" for
 * each (a free port each), "ipc://PATH" then "ipc://PATH-1", "ipc://PATH-2"..., and
 * "tcp://host:PORT" then PORT+1.... Once every socket is bound it prints
 *
 *   endpoints: EP0,EP1,...
 *
 * (the real ports from ZMQ_LAST_ENDPOINT), which is what the client takes: a comma-separated
 * list, or a single endpoint from which it derives the others as the server does.
 *
 * Each scenario runs its socket pairs one phase after the other; where the pattern has two
 * different ends, the second phase swaps them, so that each library plays each end both bound
 * and connected. Every frame is checked (content, size, more flag) against a deterministic
 * expectation; every receive and send times out after 5 s and a watchdog ends the process
 * after 25 s, so nothing hangs.
 *
 * The output starts with "library: PATH (zmq_version X.Y.Z)", PATH being the file that
 * provides zmq_version (dladdr, then realpath); when INTEROP_EXPECT_LIB names a file, the
 * program fails at once unless it runs on that file. It ends with "PASS ROLE SCENARIO: ..." or
 * "FAIL ROLE SCENARIO: ..." (each problem is reported before on an "error:" line), and exits
 * 0 on PASS, 1 on FAIL, 2 on bad usage.
 *
 * C99 with POSIX (dladdr, realpath, clock_gettime, alarm); uses only zmq.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#define RCVTIMEO_MS 5000
#define SNDTIMEO_MS 5000
#define LINGER_MS 2000
#define WATCHDOG_S 25
#define MAX_EPS 4
#define MAX_SOCKS 8
#define EP_LEN 256
#define MIB (1024 * 1024)
#define PATTERN_LEN (MIB + 65536)
#define SCRATCH_LEN (MIB + 65536 + 256)

static int g_server;
static const char *g_role = "?";
static const char *g_scenario = "?";
static const char *g_phase = "setup";
static void *g_ctx;
static int g_errors;
static char g_first_error[1024];
static long g_frames_checked;

static char g_eps_in[MAX_EPS][EP_LEN]; /* client: the endpoints given */
static int g_n_eps_in;
static char g_base[EP_LEN]; /* the ENDPOINT argument */
static char g_eps[MAX_EPS][EP_LEN]; /* bound (server) or connected (client) */
static int g_n_eps;

static void *g_socks[MAX_SOCKS];
static int g_n_socks;

static unsigned char *g_pattern; /* PATTERN_LEN pseudo-random bytes */
static unsigned char *g_scratch; /* a frame being built */

/* ------------------------------------------------------------------------------------------ */
/* Reporting */

static void error (const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (buf, sizeof buf, fmt, ap);
    va_end (ap);
    printf ("error: [%s] %s\n", g_phase, buf);
    if (g_errors == 0)
        snprintf (g_first_error, sizeof g_first_error, "[%s] %.900s", g_phase, buf);
    g_errors++;
    fflush (stdout);
}

static void note (const char *fmt, ...)
{
    va_list ap;
    printf ("note:  [%s] ", g_phase);
    va_start (ap, fmt);
    vprintf (fmt, ap);
    va_end (ap);
    printf ("\n");
    fflush (stdout);
}

static void on_watchdog (int sig)
{
    char line[300];
    int n;
    ssize_t w;
    (void) sig;
    n = snprintf (line, sizeof line,
                  "error: [%s] hung: the %d s watchdog expired\nFAIL %s %s: hung in phase %s\n",
                  g_phase, WATCHDOG_S, g_role, g_scenario, g_phase);
    w = write (1, line, (size_t) n);
    (void) w;
    _exit (1);
}

static long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "N bytes "abc\x01..."" into out: the first 24 bytes, escaped. */
static void describe (char *out, size_t cap, const unsigned char *p, size_t len)
{
    size_t i, n;
    size_t shown = len < 24 ? len : 24;
    n = (size_t) snprintf (out, cap, "%zu bytes \"", len);
    for (i = 0; i < shown && n + 8 < cap; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
            out[n++] = (char) p[i];
        else
            n += (size_t) snprintf (out + n, cap - n, "\\x%02x", p[i]);
    }
    snprintf (out + n, cap - n, "\"%s", shown < len ? "..." : "");
}

/* ------------------------------------------------------------------------------------------ */
/* Sockets */

static int set_int (void *s, int option, int value, const char *name)
{
    if (zmq_setsockopt (s, option, &value, sizeof value) == 0)
        return 0;
    error ("zmq_setsockopt(%s, %d): %s", name, value, zmq_strerror (zmq_errno ()));
    return -1;
}

static int set_bytes (void *s, int option, const char *value, const char *name)
{
    if (zmq_setsockopt (s, option, value, strlen (value)) == 0)
        return 0;
    error ("zmq_setsockopt(%s, \"%s\"): %s", name, value, zmq_strerror (zmq_errno ()));
    return -1;
}

/* A socket with the time-outs and linger every socket here has, closed at exit. */
static void *new_socket (int type, const char *name)
{
    void *s = zmq_socket (g_ctx, type);
    if (s == NULL) {
        error ("zmq_socket(%s): %s", name, zmq_strerror (zmq_errno ()));
        return NULL;
    }
    g_socks[g_n_socks++] = s;
    if (set_int (s, ZMQ_RCVTIMEO, RCVTIMEO_MS, "ZMQ_RCVTIMEO") != 0
        || set_int (s, ZMQ_SNDTIMEO, SNDTIMEO_MS, "ZMQ_SNDTIMEO") != 0
        || set_int (s, ZMQ_LINGER, LINGER_MS, "ZMQ_LINGER") != 0)
        return NULL;
    return s;
}

/* The client closes a socket whose phase is over while the server's end is still up (the
   server keeps every socket to the end): the linger delivers what is still queued. A
   connected SUB or XSUB left open would, once the server closes, queue its subscriptions again
   for a reconnection, and zmq_ctx_term would wait out the linger. */
static int close_socket (void *s)
{
    int i;
    if (g_server)
        return 0;
    for (i = 0; i < g_n_socks; i++)
        if (g_socks[i] == s) {
            g_socks[i] = g_socks[--g_n_socks];
            if (zmq_close (s) == 0)
                return 0;
            error ("zmq_close: %s", zmq_strerror (zmq_errno ()));
            return -1;
        }
    return 0;
}

/* The k-th endpoint derived from base (see the top of the file). */
static int derive_endpoint (const char *base, int k, char *out)
{
    const char *colon;
    char *end;
    long port;
    if (k == 0 || strncmp (base, "tcp://", 6) != 0) {
        if (k == 0)
            snprintf (out, EP_LEN, "%s", base);
        else
            snprintf (out, EP_LEN, "%.200s-%d", base, k);
        return 0;
    }
    colon = strrchr (base, ':');
    if (colon == NULL || colon < base + 6)
        return -1;
    if (strcmp (colon, ":*") == 0) {
        snprintf (out, EP_LEN, "%s", base);
        return 0;
    }
    port = strtol (colon + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port + k > 65535)
        return -1;
    snprintf (out, EP_LEN, "%.*s:%ld", (int) (colon - base), base, port + k);
    return 0;
}

/* Binds (server) or connects (client) s to the k-th endpoint of the scenario. */
static int attach (void *s, int k)
{
    char ep[EP_LEN];
    size_t len = EP_LEN;
    if (k >= MAX_EPS)
        return -1;
    if (g_server || g_n_eps_in <= 1) {
        if (derive_endpoint (g_base, k, ep) != 0) {
            error ("cannot derive endpoint %d from \"%s\"", k, g_base);
            return -1;
        }
    } else if (k < g_n_eps_in) {
        snprintf (ep, sizeof ep, "%s", g_eps_in[k]);
    } else {
        error ("endpoint %d missing: %d given", k, g_n_eps_in);
        return -1;
    }
    if (g_server) {
        if (zmq_bind (s, ep) != 0) {
            error ("zmq_bind(\"%s\"): %s", ep, zmq_strerror (zmq_errno ()));
            return -1;
        }
        if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, g_eps[k], &len) != 0) {
            error ("ZMQ_LAST_ENDPOINT: %s", zmq_strerror (zmq_errno ()));
            return -1;
        }
    } else {
        if (zmq_connect (s, ep) != 0) {
            error ("zmq_connect(\"%s\"): %s", ep, zmq_strerror (zmq_errno ()));
            return -1;
        }
        snprintf (g_eps[k], EP_LEN, "%s", ep);
    }
    if (k + 1 > g_n_eps)
        g_n_eps = k + 1;
    return 0;
}

/* Once every socket is attached: the server tells the endpoints it bound. */
static void announce (void)
{
    int k;
    if (!g_server)
        return;
    printf ("endpoints: ");
    for (k = 0; k < g_n_eps; k++)
        printf ("%s%s", k ? "," : "", g_eps[k]);
    printf ("\n");
    fflush (stdout);
}

/* ------------------------------------------------------------------------------------------ */
/* Frames */

static int send_bytes (void *s, const void *data, size_t len, int more, const char *what)
{
    int e;
    if (zmq_send (s, data, len, more ? ZMQ_SNDMORE : 0) == (int) len)
        return 0;
    e = zmq_errno ();
    if (e == EAGAIN)
        error ("send %s (%zu bytes): not accepted within %d ms", what, len, SNDTIMEO_MS);
    else
        error ("send %s (%zu bytes): %s", what, len, zmq_strerror (e));
    return -1;
}

static int send_str (void *s, const char *str, int more)
{
    return send_bytes (s, str, strlen (str), more, str);
}

static int recv_msg (void *s, zmq_msg_t *msg, const char *what)
{
    int e;
    if (zmq_msg_recv (msg, s, 0) >= 0)
        return 0;
    e = zmq_errno ();
    if (e == EAGAIN)
        error ("receive %s: nothing arrived within %d ms", what, RCVTIMEO_MS);
    else
        error ("receive %s: %s", what, zmq_strerror (e));
    return -1;
}

/* Checks a received frame against the one expected: size, bytes and more flag. */
static int compare_frame (zmq_msg_t *msg, const void *want, size_t wlen, int wmore,
                          const char *what)
{
    const unsigned char *got = (const unsigned char *) zmq_msg_data (msg);
    const unsigned char *w = (const unsigned char *) want;
    size_t glen = zmq_msg_size (msg);
    int gmore = zmq_msg_more (msg) != 0;
    size_t i, n;
    char a[200], b[200];

    g_frames_checked++;
    if (glen == wlen && (wlen == 0 || memcmp (got, want, wlen) == 0) && gmore == !!wmore)
        return 0;
    n = glen < wlen ? glen : wlen;
    for (i = 0; i < n && got[i] == w[i]; i++)
        ;
    describe (a, sizeof a, got, glen);
    describe (b, sizeof b, w, wlen);
    if (glen == wlen && i == n)
        error ("%s: received %s with more=%d, expected more=%d", what, a, gmore, !!wmore);
    else
        error ("%s: received %s (more=%d), expected %s (more=%d); first difference at byte %zu",
               what, a, gmore, b, !!wmore, i);
    return -1;
}

static int expect_bytes (void *s, const void *want, size_t wlen, int wmore, const char *what)
{
    zmq_msg_t msg;
    int rc;
    zmq_msg_init (&msg);
    rc = recv_msg (s, &msg, what);
    if (rc == 0)
        rc = compare_frame (&msg, want, wlen, wmore, what);
    zmq_msg_close (&msg);
    return rc;
}

static int expect_str (void *s, const char *str, int more)
{
    char what[80];
    snprintf (what, sizeof what, "\"%.60s\"", str);
    return expect_bytes (s, str, strlen (str), more, what);
}

/* A tagged frame: "TAG-I:" then EXTRA bytes of the pattern (from an offset that depends on
   TAG and I), built in g_scratch. */
static size_t make_tagged (const char *tag, int i, size_t extra)
{
    int n = snprintf ((char *) g_scratch, 64, "%.40s-%d:", tag, i);
    size_t off = ((size_t) i * 7919u + (size_t) (unsigned char) tag[0] * 131u) % 65536u;
    memcpy (g_scratch + n, g_pattern + off, extra);
    return (size_t) n + extra;
}

static int send_tagged (void *s, const char *tag, int i, size_t extra, int more)
{
    char what[80];
    size_t len = make_tagged (tag, i, extra);
    snprintf (what, sizeof what, "frame %.40s-%d", tag, i);
    return send_bytes (s, g_scratch, len, more, what);
}

static int expect_tagged (void *s, const char *tag, int i, size_t extra, int more)
{
    char what[80];
    size_t len = make_tagged (tag, i, extra);
    snprintf (what, sizeof what, "frame %.40s-%d", tag, i);
    return expect_bytes (s, g_scratch, len, more, what);
}

/* ------------------------------------------------------------------------------------------ */
/* push-pull: 10000 messages of varying sizes, one of 1 MiB, in order, each way. */

#define PP_COUNT 10000
#define PP_BIG_AT 4321

static size_t pp_size (int i)
{
    static const size_t sizes[] = {0, 1, 255, 256, 1000, 70000, 7, 64, 8192, 300};
    return i == PP_BIG_AT ? (size_t) MIB : sizes[i % 10];
}

/* Message i: pattern bytes, the first four replaced by i (little-endian) when they fit. */
static void pp_fill (unsigned char *buf, int i, size_t len)
{
    size_t off = ((size_t) i * 7919u) % 65536u;
    memcpy (buf, g_pattern + off, len);
    if (len >= 4) {
        buf[0] = (unsigned char) (i & 0xff);
        buf[1] = (unsigned char) ((i >> 8) & 0xff);
        buf[2] = (unsigned char) ((i >> 16) & 0xff);
        buf[3] = (unsigned char) ((i >> 24) & 0xff);
    }
}

static int pp_push (void *s)
{
    int i;
    char what[64];
    for (i = 0; i < PP_COUNT; i++) {
        size_t len = pp_size (i);
        pp_fill (g_scratch, i, len);
        snprintf (what, sizeof what, "message %d", i);
        if (send_bytes (s, g_scratch, len, 0, what) != 0)
            return -1;
    }
    return 0;
}

static int pp_pull (void *s)
{
    int i;
    char what[64];
    for (i = 0; i < PP_COUNT; i++) {
        zmq_msg_t msg;
        int rc;
        size_t len = pp_size (i);
        pp_fill (g_scratch, i, len);
        snprintf (what, sizeof what, "message %d", i);
        zmq_msg_init (&msg);
        rc = recv_msg (s, &msg, what);
        if (rc == 0) {
            rc = compare_frame (&msg, g_scratch, len, 0, what);
            if (rc != 0 && zmq_msg_size (&msg) >= 4) {
                const unsigned char *d = (const unsigned char *) zmq_msg_data (&msg);
                unsigned long got_i = (unsigned long) d[0] | (unsigned long) d[1] << 8
                                      | (unsigned long) d[2] << 16 | (unsigned long) d[3] << 24;
                note ("the frame received carries index %lu (expected %d, of %zu bytes)", got_i,
                      i, len);
            }
        }
        zmq_msg_close (&msg);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int scenario_push_pull (void)
{
    void *a = new_socket (g_server ? ZMQ_PUSH : ZMQ_PULL, "a");
    void *b = a ? new_socket (g_server ? ZMQ_PULL : ZMQ_PUSH, "b") : NULL;
    if (b == NULL || attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "server PUSH (bound) -> client PULL" : "server PUSH -> client PULL (connected)";
    if ((g_server ? pp_push (a) : pp_pull (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "client PUSH -> server PULL (bound)" : "client PUSH (connected) -> server PULL";
    return g_server ? pp_pull (b) : pp_push (b);
}

/* ------------------------------------------------------------------------------------------ */
/* req-rep: 1000 round trips, then a request of three frames, the middle one empty. */

#define RR_ROUNDS 1000

static int rr_requester (void *s)
{
    int i;
    for (i = 0; i < RR_ROUNDS; i++) {
        if (send_tagged (s, "req", i, (size_t) (i * 37) % 300, 0) != 0
            || expect_tagged (s, "rep", i, (size_t) (i * 53) % 500, 0) != 0)
            return -1;
    }
    if (send_str (s, "multi-first", 1) != 0 || send_bytes (s, "", 0, 1, "empty frame") != 0
        || send_tagged (s, "multi-last", 0, 100, 0) != 0)
        return -1;
    if (expect_str (s, "multi-reply", 1) != 0 || expect_bytes (s, "", 0, 1, "empty frame") != 0
        || expect_str (s, "3 frames", 0) != 0)
        return -1;
    return 0;
}

static int rr_replier (void *s)
{
    int i;
    for (i = 0; i < RR_ROUNDS; i++) {
        if (expect_tagged (s, "req", i, (size_t) (i * 37) % 300, 0) != 0
            || send_tagged (s, "rep", i, (size_t) (i * 53) % 500, 0) != 0)
            return -1;
    }
    if (expect_str (s, "multi-first", 1) != 0 || expect_bytes (s, "", 0, 1, "empty frame") != 0
        || expect_tagged (s, "multi-last", 0, 100, 0) != 0)
        return -1;
    if (send_str (s, "multi-reply", 1) != 0 || send_bytes (s, "", 0, 1, "empty frame") != 0
        || send_str (s, "3 frames", 0) != 0)
        return -1;
    return 0;
}

static int scenario_req_rep (void)
{
    void *a = new_socket (g_server ? ZMQ_REP : ZMQ_REQ, "a");
    void *b = a ? new_socket (g_server ? ZMQ_REQ : ZMQ_REP, "b") : NULL;
    if (b == NULL || attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "client REQ -> server REP (bound)" : "client REQ (connected) -> server REP";
    if ((g_server ? rr_replier (a) : rr_requester (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "server REQ (bound) -> client REP" : "server REQ -> client REP (connected)";
    return g_server ? rr_requester (b) : rr_replier (b);
}

/* ------------------------------------------------------------------------------------------ */
/* pub-sub: the SUB subscribes to "A" then "B"; the PUB publishes "Bhello" until the subscriber
   says, on a REQ/REP side channel, that one arrived (so both subscriptions are in force: they
   travel in order), then 300 messages on topics A, B, C in turn and "B-END". The subscriber
   must get exactly the A and B ones, in order, then "B-END". */

#define PS_COUNT 300
#define PS_HELLO "Bhello"

static size_t ps_extra (int i)
{
    return (size_t) (i * 13) % 200;
}

static int ps_publisher (void *pub, void *rep)
{
    long long deadline = now_ms () + RCVTIMEO_MS;
    int hellos = 0, i;
    for (;;) {
        zmq_pollitem_t item;
        int rc;
        if (send_str (pub, PS_HELLO, 0) != 0)
            return -1;
        hellos++;
        memset (&item, 0, sizeof item);
        item.socket = rep;
        item.events = ZMQ_POLLIN;
        rc = zmq_poll (&item, 1, 10);
        if (rc < 0) {
            error ("zmq_poll: %s", zmq_strerror (zmq_errno ()));
            return -1;
        }
        if (item.revents & ZMQ_POLLIN)
            break;
        if (now_ms () > deadline) {
            error ("the subscriber did not report \"ready\" within %d ms (%d \"%s\" published)",
                   RCVTIMEO_MS, hellos, PS_HELLO);
            return -1;
        }
    }
    if (expect_str (rep, "ready", 0) != 0 || send_str (rep, "go", 0) != 0)
        return -1;
    for (i = 0; i < PS_COUNT; i++) {
        char topic[2] = {"ABC"[i % 3], '\0'};
        if (send_tagged (pub, topic, i, ps_extra (i), 0) != 0)
            return -1;
    }
    if (send_str (pub, "B-END", 0) != 0)
        return -1;
    /* The subscriber confirms it got everything, so that the PUB closes after delivery. */
    if (expect_str (rep, "got all", 0) != 0 || send_str (rep, "bye", 0) != 0)
        return -1;
    return 0;
}

static int is_hello (zmq_msg_t *msg)
{
    return zmq_msg_size (msg) == strlen (PS_HELLO)
           && memcmp (zmq_msg_data (msg), PS_HELLO, strlen (PS_HELLO)) == 0;
}

static int ps_subscriber (void *sub, void *req)
{
    zmq_msg_t msg;
    int i, rc, hellos = 0, first = 1;
    char what[64];

    zmq_msg_init (&msg);
    if (recv_msg (sub, &msg, "the first \"" PS_HELLO "\"") != 0
        || compare_frame (&msg, PS_HELLO, strlen (PS_HELLO), 0, "the first message") != 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    if (send_str (req, "ready", 0) != 0 || expect_str (req, "go", 0) != 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    /* The hellos still queued, then exactly the A and B messages. */
    for (i = 0; i < PS_COUNT; i++) {
        char topic[2] = {"ABC"[i % 3], '\0'};
        size_t len;
        if (topic[0] == 'C')
            continue;
        snprintf (what, sizeof what, "message %s-%d", topic, i);
        do {
            rc = recv_msg (sub, &msg, what);
            if (rc != 0) {
                zmq_msg_close (&msg);
                return -1;
            }
            if (first && is_hello (&msg))
                hellos++;
        } while (first && is_hello (&msg));
        first = 0;
        len = make_tagged (topic, i, ps_extra (i));
        if (compare_frame (&msg, g_scratch, len, 0, what) != 0) {
            zmq_msg_close (&msg);
            return -1;
        }
    }
    zmq_msg_close (&msg);
    if (expect_str (sub, "B-END", 0) != 0)
        return -1;
    note ("%d queued \"%s\" skipped, %d A/B messages received in order, no C", hellos, PS_HELLO,
          PS_COUNT * 2 / 3);
    if (send_str (req, "got all", 0) != 0 || expect_str (req, "bye", 0) != 0)
        return -1;
    return 0;
}

static int scenario_pub_sub (void)
{
    /* Phase 1: server PUB + REP, client SUB + REQ. Phase 2 swaps them. */
    void *pub1 = new_socket (g_server ? ZMQ_PUB : ZMQ_SUB, "data 1");
    void *sync1 = pub1 ? new_socket (g_server ? ZMQ_REP : ZMQ_REQ, "sync 1") : NULL;
    void *pub2 = sync1 ? new_socket (g_server ? ZMQ_SUB : ZMQ_PUB, "data 2") : NULL;
    void *sync2 = pub2 ? new_socket (g_server ? ZMQ_REQ : ZMQ_REP, "sync 2") : NULL;
    void *sub = g_server ? pub2 : pub1;
    if (sync2 == NULL)
        return -1;
    if (set_bytes (sub, ZMQ_SUBSCRIBE, "A", "ZMQ_SUBSCRIBE") != 0
        || set_bytes (sub, ZMQ_SUBSCRIBE, "B", "ZMQ_SUBSCRIBE") != 0)
        return -1;
    if (attach (pub1, 0) != 0 || attach (sync1, 1) != 0 || attach (pub2, 2) != 0
        || attach (sync2, 3) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "server PUB (bound) -> client SUB" : "server PUB -> client SUB (connected)";
    if ((g_server ? ps_publisher (pub1, sync1) : ps_subscriber (pub1, sync1)) != 0
        || close_socket (pub1) != 0 || close_socket (sync1) != 0)
        return -1;
    g_phase = g_server ? "client PUB -> server SUB (bound)" : "client PUB (connected) -> server SUB";
    return g_server ? ps_subscriber (pub2, sync2) : ps_publisher (pub2, sync2);
}

/* ------------------------------------------------------------------------------------------ */
/* dealer-router: a DEALER with ZMQ_ROUTING_ID "client-1" sends 200 requests (every fifth of
   three frames, the middle one empty); the ROUTER sees ["client-1", request...] and replies by
   that id. Then the DEALER binds and the ROUTER connects. Then a ROUTER connects to a bound
   ROUTER with ZMQ_CONNECT_ROUTING_ID "srv", its own ZMQ_ROUTING_ID "client-r" and
   ZMQ_PROBE_ROUTER: the binder sees the probe from "client-r", greets it, and the connector
   addresses the binder as "srv". */

#define DR_ROUNDS 200
#define DR_ID "client-1"

static int dr_send (void *s, const char *tag, int i)
{
    if (i % 5 != 4)
        return send_tagged (s, tag, i, (size_t) (i * 7) % 150, 0);
    return send_tagged (s, tag, i, (size_t) (i * 7) % 150, 1) != 0
               || send_bytes (s, "", 0, 1, "empty frame") != 0
               || send_tagged (s, "tail", i, 20, 0) != 0
             ? -1
             : 0;
}

static int dr_expect (void *s, const char *tag, int i)
{
    if (i % 5 != 4)
        return expect_tagged (s, tag, i, (size_t) (i * 7) % 150, 0);
    return expect_tagged (s, tag, i, (size_t) (i * 7) % 150, 1) != 0
               || expect_bytes (s, "", 0, 1, "empty frame") != 0
               || expect_tagged (s, "tail", i, 20, 0) != 0
             ? -1
             : 0;
}

static int dr_dealer (void *s)
{
    int i;
    for (i = 0; i < DR_ROUNDS; i++)
        if (dr_send (s, "dreq", i) != 0 || dr_expect (s, "drep", i) != 0)
            return -1;
    return 0;
}

static int dr_router (void *s)
{
    int i;
    for (i = 0; i < DR_ROUNDS; i++) {
        if (expect_bytes (s, DR_ID, strlen (DR_ID), 1, "routing id \"" DR_ID "\"") != 0
            || dr_expect (s, "dreq", i) != 0)
            return -1;
        if (send_bytes (s, DR_ID, strlen (DR_ID), 1, "routing id \"" DR_ID "\"") != 0
            || dr_send (s, "drep", i) != 0)
            return -1;
    }
    return 0;
}

static int rr_binder (void *s)
{
    int i;
    if (expect_str (s, "client-r", 1) != 0 || expect_bytes (s, "", 0, 0, "the probe") != 0)
        return -1;
    if (send_str (s, "client-r", 1) != 0 || send_str (s, "welcome", 0) != 0)
        return -1;
    for (i = 0; i < DR_ROUNDS; i++) {
        if (expect_str (s, "client-r", 1) != 0 || expect_tagged (s, "ping", i, 50, 0) != 0
            || send_str (s, "client-r", 1) != 0 || send_tagged (s, "pong", i, 60, 0) != 0)
            return -1;
    }
    return 0;
}

static int rr_connector (void *s)
{
    int i;
    if (expect_str (s, "srv", 1) != 0 || expect_str (s, "welcome", 0) != 0)
        return -1;
    for (i = 0; i < DR_ROUNDS; i++) {
        if (send_str (s, "srv", 1) != 0 || send_tagged (s, "ping", i, 50, 0) != 0
            || expect_str (s, "srv", 1) != 0 || expect_tagged (s, "pong", i, 60, 0) != 0)
            return -1;
    }
    return 0;
}

static int scenario_dealer_router (void)
{
    void *a = new_socket (g_server ? ZMQ_ROUTER : ZMQ_DEALER, "a");
    void *b = a ? new_socket (g_server ? ZMQ_DEALER : ZMQ_ROUTER, "b") : NULL;
    void *c = b ? new_socket (ZMQ_ROUTER, "c") : NULL;
    void *dealer = g_server ? b : a;
    void *router = g_server ? a : b;
    if (c == NULL)
        return -1;
    if (set_bytes (dealer, ZMQ_ROUTING_ID, DR_ID, "ZMQ_ROUTING_ID") != 0
        || set_int (router, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY") != 0
        || set_int (c, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY") != 0)
        return -1;
    if (g_server) {
        if (set_bytes (c, ZMQ_ROUTING_ID, "server-r", "ZMQ_ROUTING_ID") != 0)
            return -1;
    } else {
        if (set_bytes (c, ZMQ_ROUTING_ID, "client-r", "ZMQ_ROUTING_ID") != 0
            || set_bytes (c, ZMQ_CONNECT_ROUTING_ID, "srv", "ZMQ_CONNECT_ROUTING_ID") != 0
            || set_int (c, ZMQ_PROBE_ROUTER, 1, "ZMQ_PROBE_ROUTER") != 0)
            return -1;
    }
    if (attach (a, 0) != 0 || attach (b, 1) != 0 || attach (c, 2) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "client DEALER -> server ROUTER (bound)"
                       : "client DEALER (connected) -> server ROUTER";
    if ((g_server ? dr_router (a) : dr_dealer (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "server DEALER (bound) -> client ROUTER"
                       : "server DEALER -> client ROUTER (connected)";
    if ((g_server ? dr_dealer (b) : dr_router (b)) != 0 || close_socket (b) != 0)
        return -1;
    g_phase = g_server ? "client ROUTER -> server ROUTER (bound)"
                       : "client ROUTER (connected, CONNECT_ROUTING_ID) -> server ROUTER";
    return g_server ? rr_binder (c) : rr_connector (c);
}

/* ------------------------------------------------------------------------------------------ */
/* pair: a greeting from the client, then both ends send 50 messages of one to three frames
   (the second empty) before reading the other's 50, then 100 multipart round trips. */

#define PAIR_BURST 50
#define PAIR_ROUNDS 100

static int pair_send (void *s, const char *who, int i)
{
    int frames = 1 + i % 3, k;
    char tag[16];
    for (k = 0; k < frames; k++) {
        int more = k + 1 < frames;
        snprintf (tag, sizeof tag, "%s%d", who, k);
        if (k == 1 ? send_bytes (s, "", 0, more, "empty frame")
                   : send_tagged (s, tag, i, (size_t) (i * 17 + k * 5) % 400, more))
            return -1;
    }
    return 0;
}

static int pair_expect (void *s, const char *who, int i)
{
    int frames = 1 + i % 3, k;
    char tag[16];
    for (k = 0; k < frames; k++) {
        int more = k + 1 < frames;
        snprintf (tag, sizeof tag, "%s%d", who, k);
        if (k == 1 ? expect_bytes (s, "", 0, more, "empty frame")
                   : expect_tagged (s, tag, i, (size_t) (i * 17 + k * 5) % 400, more))
            return -1;
    }
    return 0;
}

static int scenario_pair (void)
{
    void *s = new_socket (ZMQ_PAIR, "pair");
    const char *me = g_server ? "srv" : "cli";
    const char *peer = g_server ? "cli" : "srv";
    int i;
    if (s == NULL || attach (s, 0) != 0)
        return -1;
    announce ();
    g_phase = "greeting";
    if ((g_server ? expect_str (s, "hello pair", 0) : send_str (s, "hello pair", 0)) != 0)
        return -1;
    g_phase = "both ends send 50, then read 50";
    for (i = 0; i < PAIR_BURST; i++)
        if (pair_send (s, me, i) != 0)
            return -1;
    for (i = 0; i < PAIR_BURST; i++)
        if (pair_expect (s, peer, i) != 0)
            return -1;
    g_phase = "round trips, client first";
    for (i = 0; i < PAIR_ROUNDS; i++) {
        if (g_server) {
            if (pair_expect (s, peer, i) != 0 || pair_send (s, me, i) != 0)
                return -1;
        } else {
            if (pair_send (s, me, i) != 0 || pair_expect (s, peer, i) != 0)
                return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* xpub-xsub: XSUB sends "\x01topic", XPUB receives it; XPUB publishes "other-I" and "topic-I"
   in turn and "topic-END"; XSUB gets only the topic ones. XSUB sends "\x01ctl" and
   "\x00topic", XPUB receives both, publishes "topic-late" (no subscriber now: dropped) and
   "ctl-ACK", which XSUB gets next. XSUB's final "\x01done" tells XPUB it is over. */

#define XP_COUNT 10
static const char xp_sub_topic[] = "\x01" "topic";
static const char xp_sub_ctl[] = "\x01" "ctl";
static const char xp_unsub_topic[] = "\x00" "topic";
static const char xp_sub_done[] = "\x01" "done";

static int xp_xpub (void *s)
{
    int i;
    char other[32];
    if (expect_bytes (s, xp_sub_topic, sizeof xp_sub_topic - 1, 0, "subscription \\x01topic") != 0)
        return -1;
    for (i = 0; i < XP_COUNT; i++) {
        snprintf (other, sizeof other, "other-%d", i);
        if (send_str (s, other, 0) != 0 || send_tagged (s, "topic", i, (size_t) i * 10, 0) != 0)
            return -1;
    }
    if (send_str (s, "topic-END", 0) != 0)
        return -1;
    if (expect_bytes (s, xp_sub_ctl, sizeof xp_sub_ctl - 1, 0, "subscription \\x01ctl") != 0
        || expect_bytes (s, xp_unsub_topic, sizeof xp_unsub_topic - 1, 0,
                         "unsubscription \\x00topic")
             != 0)
        return -1;
    if (send_str (s, "topic-late", 0) != 0 || send_str (s, "ctl-ACK", 0) != 0)
        return -1;
    return expect_bytes (s, xp_sub_done, sizeof xp_sub_done - 1, 0, "subscription \\x01done");
}

static int xp_xsub (void *s)
{
    int i;
    if (send_bytes (s, xp_sub_topic, sizeof xp_sub_topic - 1, 0, "subscription \\x01topic") != 0)
        return -1;
    for (i = 0; i < XP_COUNT; i++)
        if (expect_tagged (s, "topic", i, (size_t) i * 10, 0) != 0)
            return -1;
    if (expect_str (s, "topic-END", 0) != 0)
        return -1;
    if (send_bytes (s, xp_sub_ctl, sizeof xp_sub_ctl - 1, 0, "subscription \\x01ctl") != 0
        || send_bytes (s, xp_unsub_topic, sizeof xp_unsub_topic - 1, 0,
                       "unsubscription \\x00topic")
             != 0)
        return -1;
    if (expect_str (s, "ctl-ACK", 0) != 0)
        return -1;
    return send_bytes (s, xp_sub_done, sizeof xp_sub_done - 1, 0, "subscription \\x01done");
}

static int scenario_xpub_xsub (void)
{
    void *a = new_socket (g_server ? ZMQ_XPUB : ZMQ_XSUB, "a");
    void *b = a ? new_socket (g_server ? ZMQ_XSUB : ZMQ_XPUB, "b") : NULL;
    if (b == NULL || attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "server XPUB (bound) / client XSUB" : "server XPUB / client XSUB (connected)";
    if ((g_server ? xp_xpub (a) : xp_xsub (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "client XPUB / server XSUB (bound)" : "client XPUB (connected) / server XSUB";
    return g_server ? xp_xsub (b) : xp_xpub (b);
}

/* ------------------------------------------------------------------------------------------ */
/* heartbeat: PAIR ends with ZMQ_HEARTBEAT_IVL 100 ms, ZMQ_HEARTBEAT_TIMEOUT 300 ms and
   ZMQ_HEARTBEAT_TTL 500 ms exchange a message, stay idle 1 s (the client watches its socket:
   nothing may arrive), exchange again; a monitor on each end must show one connection, one
   handshake and no disconnection or retry. */

#define HB_IDLE_MS 1000

struct hb_events
{
    int connected, handshakes, disconnected, retried, failed, other;
    char log[600];
};

static const char *event_name (unsigned ev)
{
    switch (ev) {
        case ZMQ_EVENT_CONNECTED: return "CONNECTED";
        case ZMQ_EVENT_CONNECT_DELAYED: return "CONNECT_DELAYED";
        case ZMQ_EVENT_CONNECT_RETRIED: return "CONNECT_RETRIED";
        case ZMQ_EVENT_LISTENING: return "LISTENING";
        case ZMQ_EVENT_BIND_FAILED: return "BIND_FAILED";
        case ZMQ_EVENT_ACCEPTED: return "ACCEPTED";
        case ZMQ_EVENT_ACCEPT_FAILED: return "ACCEPT_FAILED";
        case ZMQ_EVENT_CLOSED: return "CLOSED";
        case ZMQ_EVENT_CLOSE_FAILED: return "CLOSE_FAILED";
        case ZMQ_EVENT_DISCONNECTED: return "DISCONNECTED";
        case ZMQ_EVENT_MONITOR_STOPPED: return "MONITOR_STOPPED";
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: return "HANDSHAKE_FAILED_NO_DETAIL";
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "HANDSHAKE_SUCCEEDED";
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return "HANDSHAKE_FAILED_PROTOCOL";
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return "HANDSHAKE_FAILED_AUTH";
        default: return "?";
    }
}

/* Reads the monitor events available within wait_ms. */
static int hb_read_events (void *mon, struct hb_events *ev, int wait_ms)
{
    long long deadline = now_ms () + wait_ms;
    for (;;) {
        zmq_pollitem_t item;
        zmq_msg_t m1, m2;
        unsigned char head[6];
        unsigned event;
        long long left = deadline - now_ms ();
        int rc;
        memset (&item, 0, sizeof item);
        item.socket = mon;
        item.events = ZMQ_POLLIN;
        rc = zmq_poll (&item, 1, left > 0 ? (long) left : 0);
        if (rc < 0) {
            error ("zmq_poll(monitor): %s", zmq_strerror (zmq_errno ()));
            return -1;
        }
        if (rc == 0)
            return 0;
        zmq_msg_init (&m1);
        zmq_msg_init (&m2);
        if (recv_msg (mon, &m1, "monitor event") != 0) {
            zmq_msg_close (&m1);
            zmq_msg_close (&m2);
            return -1;
        }
        if (zmq_msg_size (&m1) != 6 || !zmq_msg_more (&m1)) {
            error ("monitor event: a first frame of %zu bytes (more=%d), expected 6 with more",
                   zmq_msg_size (&m1), zmq_msg_more (&m1));
            zmq_msg_close (&m1);
            zmq_msg_close (&m2);
            return -1;
        }
        memcpy (head, zmq_msg_data (&m1), 6);
        event = (unsigned) head[0] | (unsigned) head[1] << 8; /* host order: little-endian */
        if (recv_msg (mon, &m2, "monitor event address") != 0) {
            zmq_msg_close (&m1);
            zmq_msg_close (&m2);
            return -1;
        }
        zmq_msg_close (&m1);
        zmq_msg_close (&m2);
        if (strlen (ev->log) + 40 < sizeof ev->log)
            snprintf (ev->log + strlen (ev->log), sizeof ev->log - strlen (ev->log), " %s",
                      event_name (event));
        switch (event) {
            case ZMQ_EVENT_CONNECTED:
            case ZMQ_EVENT_ACCEPTED: ev->connected++; break;
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: ev->handshakes++; break;
            case ZMQ_EVENT_DISCONNECTED: ev->disconnected++; break;
            case ZMQ_EVENT_CONNECT_RETRIED: ev->retried++; break;
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            case ZMQ_EVENT_ACCEPT_FAILED:
            case ZMQ_EVENT_CLOSED: ev->failed++; break;
            default: ev->other++; break;
        }
    }
}

/* The connection is still the first one: one connection, one handshake, nothing lost. */
static int hb_verify (void *mon, struct hb_events *ev)
{
    if (hb_read_events (mon, ev, 0) != 0)
        return -1;
    if (ev->handshakes == 0 && hb_read_events (mon, ev, 2000) != 0)
        return -1;
    if (ev->connected != 1 || ev->handshakes != 1 || ev->disconnected != 0 || ev->retried != 0
        || ev->failed != 0) {
        error ("the connection did not stay up: monitor events:%s", ev->log);
        return -1;
    }
    note ("monitor events:%s", ev->log);
    return 0;
}

static int scenario_heartbeat (void)
{
    struct hb_events ev;
    void *s = new_socket (ZMQ_PAIR, "pair");
    void *mon;
    memset (&ev, 0, sizeof ev);
    if (s == NULL || set_int (s, ZMQ_HEARTBEAT_IVL, 100, "ZMQ_HEARTBEAT_IVL") != 0
        || set_int (s, ZMQ_HEARTBEAT_TIMEOUT, 300, "ZMQ_HEARTBEAT_TIMEOUT") != 0
        || set_int (s, ZMQ_HEARTBEAT_TTL, 500, "ZMQ_HEARTBEAT_TTL") != 0)
        return -1;
    if (zmq_socket_monitor (s, "inproc://interop-monitor", ZMQ_EVENT_ALL) != 0) {
        error ("zmq_socket_monitor: %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    mon = new_socket (ZMQ_PAIR, "monitor");
    if (mon == NULL)
        return -1;
    if (zmq_connect (mon, "inproc://interop-monitor") != 0) {
        error ("zmq_connect(monitor): %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (attach (s, 0) != 0)
        return -1;
    announce ();
    if (g_server) {
        g_phase = "first exchange";
        if (expect_str (s, "ping-1", 0) != 0 || send_str (s, "pong-1", 0) != 0)
            return -1;
        g_phase = "after the client's idle second";
        if (expect_str (s, "ping-2", 0) != 0)
            return -1;
        if (hb_verify (mon, &ev) != 0)
            return -1;
        if (send_str (s, "pong-2", 0) != 0)
            return -1;
        g_phase = "closing";
        return expect_str (s, "bye", 0);
    } else {
        long long until;
        g_phase = "first exchange";
        if (send_str (s, "ping-1", 0) != 0 || expect_str (s, "pong-1", 0) != 0)
            return -1;
        g_phase = "idle second";
        until = now_ms () + HB_IDLE_MS;
        for (;;) {
            zmq_pollitem_t items[2];
            long long left = until - now_ms ();
            int rc;
            if (left <= 0)
                break;
            memset (items, 0, sizeof items);
            items[0].socket = s;
            items[0].events = ZMQ_POLLIN;
            items[1].socket = mon;
            items[1].events = ZMQ_POLLIN;
            rc = zmq_poll (items, 2, (long) left);
            if (rc < 0) {
                error ("zmq_poll: %s", zmq_strerror (zmq_errno ()));
                return -1;
            }
            if (items[0].revents & ZMQ_POLLIN) {
                error ("a message arrived while both ends were idle");
                return -1;
            }
            if ((items[1].revents & ZMQ_POLLIN) && hb_read_events (mon, &ev, 0) != 0)
                return -1;
        }
        g_phase = "second exchange";
        if (send_str (s, "ping-2", 0) != 0 || expect_str (s, "pong-2", 0) != 0)
            return -1;
        if (hb_verify (mon, &ev) != 0)
            return -1;
        return send_str (s, "bye", 0);
    }
}

/* ------------------------------------------------------------------------------------------ */

struct scenario
{
    const char *name;
    int (*run) (void);
};

static const struct scenario scenarios[] = {
  {"push-pull", scenario_push_pull},   {"req-rep", scenario_req_rep},
  {"pub-sub", scenario_pub_sub},       {"dealer-router", scenario_dealer_router},
  {"pair", scenario_pair},             {"xpub-xsub", scenario_xpub_xsub},
  {"heartbeat", scenario_heartbeat},
};
#define N_SCENARIOS ((int) (sizeof scenarios / sizeof scenarios[0]))

/* Prints the library providing zmq_version; fails unless it is INTEROP_EXPECT_LIB (if set). */
static int identify_library (void)
{
    typedef void (*version_fn) (int *, int *, int *);
    version_fn fn = zmq_version;
    void *addr;
    Dl_info info;
    char loaded[PATH_MAX];
    char expected[PATH_MAX];
    const char *want = getenv ("INTEROP_EXPECT_LIB");
    int major, minor, patch;

    memcpy (&addr, &fn, sizeof addr); /* function to object pointer without a pedantic cast */
    memset (&info, 0, sizeof info);
    if (dladdr (addr, &info) == 0 || info.dli_fname == NULL) {
        error ("dladdr(zmq_version) found no shared object");
        return -1;
    }
    if (realpath (info.dli_fname, loaded) == NULL) {
        error ("realpath(\"%s\"): %s", info.dli_fname, strerror (errno));
        return -1;
    }
    zmq_version (&major, &minor, &patch);
    printf ("library: %s (zmq_version %d.%d.%d)\n", loaded, major, minor, patch);
    fflush (stdout);
    if (want != NULL && *want != '\0') {
        if (realpath (want, expected) == NULL) {
            error ("realpath(INTEROP_EXPECT_LIB \"%s\"): %s", want, strerror (errno));
            return -1;
        }
        if (strcmp (loaded, expected) != 0) {
            error ("running on %s, but INTEROP_EXPECT_LIB is %s", loaded, expected);
            return -1;
        }
    }
    return 0;
}

static int usage (const char *argv0)
{
    int i;
    fprintf (stderr, "usage: %s server|client SCENARIO ENDPOINT[,ENDPOINT...]\n       %s list\n",
             argv0, argv0);
    fprintf (stderr, "scenarios:");
    for (i = 0; i < N_SCENARIOS; i++)
        fprintf (stderr, " %s", scenarios[i].name);
    fprintf (stderr, "\n");
    return 2;
}

int main (int argc, char **argv)
{
    const struct scenario *sc = NULL;
    long long t0;
    int i, rc;
    uint32_t x = 2463534242u;

    setvbuf (stdout, NULL, _IOLBF, 0);
    if (argc == 2 && strcmp (argv[1], "list") == 0) {
        for (i = 0; i < N_SCENARIOS; i++)
            printf ("%s\n", scenarios[i].name);
        return 0;
    }
    if (argc != 4)
        return usage (argv[0]);
    if (strcmp (argv[1], "server") == 0)
        g_server = 1;
    else if (strcmp (argv[1], "client") != 0)
        return usage (argv[0]);
    g_role = argv[1];
    for (i = 0; i < N_SCENARIOS; i++)
        if (strcmp (argv[2], scenarios[i].name) == 0)
            sc = &scenarios[i];
    if (sc == NULL)
        return usage (argv[0]);
    g_scenario = sc->name;

    /* The endpoints: a comma-separated list, or one base to derive the others from. */
    if (strlen (argv[3]) >= EP_LEN) {
        fprintf (stderr, "endpoint too long\n");
        return 2;
    }
    {
        const char *p = argv[3];
        while (g_n_eps_in < MAX_EPS) {
            const char *comma = strchr (p, ',');
            size_t n = comma ? (size_t) (comma - p) : strlen (p);
            snprintf (g_eps_in[g_n_eps_in++], EP_LEN, "%.*s", (int) n, p);
            if (comma == NULL)
                break;
            p = comma + 1;
        }
        snprintf (g_base, sizeof g_base, "%s", g_eps_in[0]);
        if (g_server && g_n_eps_in > 1) {
            fprintf (stderr, "the server takes one ENDPOINT\n");
            return 2;
        }
    }

    signal (SIGALRM, on_watchdog);
    alarm (WATCHDOG_S);
    printf ("interop %s %s %s\n", g_role, g_scenario, argv[3]);
    if (identify_library () != 0) {
        printf ("FAIL %s %s: %s\n", g_role, g_scenario, g_first_error);
        return 1;
    }

    g_pattern = (unsigned char *) malloc (PATTERN_LEN);
    g_scratch = (unsigned char *) malloc (SCRATCH_LEN);
    if (g_pattern == NULL || g_scratch == NULL) {
        printf ("FAIL %s %s: out of memory\n", g_role, g_scenario);
        return 1;
    }
    for (i = 0; i < PATTERN_LEN; i++) { /* xorshift32 */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        g_pattern[i] = (unsigned char) (x >> 24);
    }

    t0 = now_ms ();
    g_ctx = zmq_ctx_new ();
    if (g_ctx == NULL) {
        printf ("FAIL %s %s: zmq_ctx_new: %s\n", g_role, g_scenario, zmq_strerror (zmq_errno ()));
        return 1;
    }
    rc = sc->run ();
    if (rc != 0 && g_errors == 0)
        error ("the scenario failed without a reason given");
    g_phase = "teardown";
    for (i = 0; i < g_n_socks; i++) {
        if (g_errors) {
            int zero = 0; /* do not wait for a peer that is gone */
            zmq_setsockopt (g_socks[i], ZMQ_LINGER, &zero, sizeof zero);
        }
        if (zmq_close (g_socks[i]) != 0)
            error ("zmq_close: %s", zmq_strerror (zmq_errno ()));
    }
    if (zmq_ctx_term (g_ctx) != 0)
        error ("zmq_ctx_term: %s", zmq_strerror (zmq_errno ()));
    alarm (0);

    if (g_errors) {
        printf ("FAIL %s %s: %d error(s), the first: %s\n", g_role, g_scenario, g_errors,
                g_first_error);
        return 1;
    }
    printf ("PASS %s %s: %ld frames checked in %lld ms\n", g_role, g_scenario, g_frames_checked,
            now_ms () - t0);
    return 0;
}
