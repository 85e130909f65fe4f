/*
 * interop: one side of a ZMTP interoperability scenario, so that two processes, each on its own
 * libzmq.so.5 (ours or the reference libzmq 4.3.4), prove that they talk to each other over tcp
 * or ipc with the NULL mechanism, and with PLAIN and CURVE (scenarios plain, curve and
 * curve-nozap: the server runs a ZAP handler thread); draft-router checks the draft options a
 * side with the draft API uses toward a peer without (ZMQ_HELLO_MSG, ZMQ_ROUTER_NOTIFY).
 *
 *   interop server SCENARIO ENDPOINT    binds every socket of the scenario
 *   interop client SCENARIO ENDPOINTS   connects them
 *   interop restarted restart ENDPOINTS binds them again: the server of the scenario restart
 *                                       started anew after the first was killed
 *   interop list                        prints the scenario names
 *
 * The server binds its k-th socket to an endpoint derived from ENDPOINT: "tcp://host:*" for
 * each (a free port each), "ipc://PATH" then "ipc://PATH-1", "ipc://PATH-2"..., and
 * "tcp://host:PORT" then PORT+1.... Once every socket is bound it prints
 *
 *   endpoints: EP0,EP1,...
 *
 * (the real ports from ZMQ_LAST_ENDPOINT), which is what the client takes: a comma-separated
 * list, or a single endpoint from which it derives the others as the server does. The
 * restarted server takes that list too and binds exactly those endpoints.
 *
 * Each scenario runs its socket pairs one phase after the other; where the pattern has two
 * different ends, the second phase swaps them, so that each library plays each end both bound
 * and connected (restart excepted: its client connects, its servers bind). Every frame is
 * checked (content, size, more flag) against a deterministic expectation; every receive and
 * send times out after 5 s and a watchdog ends the process after 25 s, so nothing hangs.
 *
 * The output starts with "library: PATH (zmq_version X.Y.Z)", PATH being the file that
 * provides zmq_version (dladdr, then realpath); when INTEROP_EXPECT_LIB names a file, the
 * program fails at once unless it runs on that file. It ends with "PASS ROLE SCENARIO: ..." or
 * "FAIL ROLE SCENARIO: ..." (each problem is reported before on an "error:" line), and exits
 * 0 on PASS, 1 on FAIL, 2 on bad usage. The first server of restart ends neither way: once
 * it has printed "kill me: ..." run.sh kills it (SIGKILL).
 *
 * C99 with POSIX (dladdr, realpath, clock_gettime, alarm, pthreads); uses only zmq.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
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

static int g_server; /* the server or the restarted server */
static int g_restarted; /* the restarted server (scenario restart) */
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
    if (g_n_eps_in <= 1) {
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
/* Monitor events */

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

/* A monitor of every event of s, read from the returned PAIR (NULL on a failure, reported). */
static void *open_monitor (void *s, const char *name)
{
    char ep[64];
    void *mon;
    snprintf (ep, sizeof ep, "inproc://monitor-%s", name);
    if (zmq_socket_monitor (s, ep, ZMQ_EVENT_ALL) != 0) {
        error ("zmq_socket_monitor(%s): %s", name, zmq_strerror (zmq_errno ()));
        return NULL;
    }
    mon = new_socket (ZMQ_PAIR, "monitor");
    if (mon != NULL && zmq_connect (mon, ep) != 0) {
        error ("zmq_connect(%s): %s", ep, zmq_strerror (zmq_errno ()));
        return NULL;
    }
    return mon;
}

/* Reads the next event of a monitor, if it comes before `deadline` (of now_ms): 1 with its
   number and value, 0 when none came, -1 on an error (reported). */
static int read_event (void *mon, long long deadline, unsigned *event, unsigned long *value)
{
    zmq_pollitem_t item;
    zmq_msg_t m1, m2;
    unsigned char head[6];
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
    rc = recv_msg (mon, &m1, "monitor event");
    if (rc == 0 && (zmq_msg_size (&m1) != 6 || !zmq_msg_more (&m1))) {
        error ("monitor event: a first frame of %zu bytes (more=%d), expected 6 with more",
               zmq_msg_size (&m1), zmq_msg_more (&m1));
        rc = -1;
    }
    if (rc == 0) {
        memcpy (head, zmq_msg_data (&m1), 6);
        rc = recv_msg (mon, &m2, "monitor event address");
    }
    zmq_msg_close (&m1);
    zmq_msg_close (&m2);
    if (rc != 0)
        return -1;
    /* Host order: little-endian. */
    *event = (unsigned) head[0] | (unsigned) head[1] << 8;
    *value = (unsigned long) head[2] | (unsigned long) head[3] << 8
             | (unsigned long) head[4] << 16 | (unsigned long) head[5] << 24;
    return 1;
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

/* Reads the monitor events available within wait_ms. */
static int hb_read_events (void *mon, struct hb_events *ev, int wait_ms)
{
    long long deadline = now_ms () + wait_ms;
    unsigned event;
    unsigned long value;
    int rc;
    while ((rc = read_event (mon, deadline, &event, &value)) > 0) {
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
    return rc;
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
    mon = open_monitor (s, "heartbeat");
    if (mon == NULL)
        return -1;
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
/* req-router: a REQ sends 200 requests (every tenth of two frames) to a ROUTER, which sees
   [id, "", request...] and replies [id, "", reply] by that id. First the REQ connects without
   a routing id: the ROUTER's id for it (made up by the ROUTER) must be non-empty and the same
   every time. Then the REQ binds with ZMQ_ROUTING_ID "req-2" and the ROUTER connects. */

#define RQ_ROUNDS 200
#define RQ_ID "req-2"
#define RQ_ID_MAX 255

static size_t rq_extra (int i)
{
    return (size_t) (i * 29) % 250;
}

static int rq_req (void *s)
{
    int i;
    for (i = 0; i < RQ_ROUNDS; i++) {
        int two = i % 10 == 9;
        if (send_tagged (s, "rreq", i, rq_extra (i), two) != 0
            || (two && send_tagged (s, "rreq-2nd", i, 40, 0) != 0)
            || expect_tagged (s, "rrep", i, rq_extra (i) + 3, 0) != 0)
            return -1;
    }
    return 0;
}

/* want_id: the routing id the REQ set, or NULL (the ROUTER's own, learnt from the first). */
static int rq_router (void *s, const char *want_id)
{
    unsigned char id[RQ_ID_MAX];
    size_t id_len = 0;
    char shown[200];
    int i;
    if (want_id != NULL) {
        id_len = strlen (want_id);
        memcpy (id, want_id, id_len);
    }
    for (i = 0; i < RQ_ROUNDS; i++) {
        int two = i % 10 == 9;
        if (want_id == NULL && i == 0) {
            zmq_msg_t msg;
            zmq_msg_init (&msg);
            if (recv_msg (s, &msg, "the routing id of the first request") != 0) {
                zmq_msg_close (&msg);
                return -1;
            }
            id_len = zmq_msg_size (&msg);
            describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&msg), id_len);
            if (id_len == 0 || id_len > RQ_ID_MAX || !zmq_msg_more (&msg)) {
                error ("the first request starts with %s (more=%d), expected a routing id "
                       "(1 to %d bytes) with more",
                       shown, zmq_msg_more (&msg), RQ_ID_MAX);
                zmq_msg_close (&msg);
                return -1;
            }
            memcpy (id, zmq_msg_data (&msg), id_len);
            zmq_msg_close (&msg);
            g_frames_checked++;
        } else if (expect_bytes (s, id, id_len, 1, "routing id") != 0) {
            return -1;
        }
        if (expect_bytes (s, "", 0, 1, "empty delimiter") != 0
            || expect_tagged (s, "rreq", i, rq_extra (i), two) != 0
            || (two && expect_tagged (s, "rreq-2nd", i, 40, 0) != 0))
            return -1;
        if (send_bytes (s, id, id_len, 1, "routing id") != 0
            || send_bytes (s, "", 0, 1, "empty delimiter") != 0
            || send_tagged (s, "rrep", i, rq_extra (i) + 3, 0) != 0)
            return -1;
    }
    describe (shown, sizeof shown, id, id_len);
    note ("the ROUTER saw every request from routing id %s", shown);
    return 0;
}

static int scenario_req_router (void)
{
    void *a = new_socket (g_server ? ZMQ_ROUTER : ZMQ_REQ, "a");
    void *b = a ? new_socket (g_server ? ZMQ_REQ : ZMQ_ROUTER, "b") : NULL;
    void *router = g_server ? a : b;
    void *req2 = g_server ? b : NULL;
    if (b == NULL || set_int (router, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY") != 0
        || (req2 && set_bytes (req2, ZMQ_ROUTING_ID, RQ_ID, "ZMQ_ROUTING_ID") != 0))
        return -1;
    if (attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "client REQ -> server ROUTER (bound)"
                       : "client REQ (connected, no routing id) -> server ROUTER";
    if ((g_server ? rq_router (a, NULL) : rq_req (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "server REQ (bound, routing id \"" RQ_ID "\") -> client ROUTER"
                       : "server REQ -> client ROUTER (connected)";
    return g_server ? rq_req (b) : rq_router (b, RQ_ID);
}

/* ------------------------------------------------------------------------------------------ */
/* dealer-rep: a DEALER sends 200 requests ["", request] to a REP in bursts of 10 (the REP
   answers them in turn) and gets ["", reply]. Every fifth request carries a longer envelope
   ["hop-I", "", request] that the reply must carry back; every seventh request has two frames
   after the delimiter. First the REP binds, then the DEALER binds and the REP connects. */

#define DP_ROUNDS 200
#define DP_BURST 10

static size_t dp_extra (int i)
{
    return (size_t) (i * 31) % 300;
}

static int dp_send_request (void *s, int i)
{
    int hop = i % 5 == 4, two = i % 7 == 6;
    if (hop && send_tagged (s, "hop", i, 0, 1) != 0)
        return -1;
    if (send_bytes (s, "", 0, 1, "empty delimiter") != 0
        || send_tagged (s, "dq", i, dp_extra (i), two) != 0)
        return -1;
    return two ? send_tagged (s, "dq-2nd", i, 30, 0) : 0;
}

static int dp_expect_reply (void *s, int i)
{
    if (i % 5 == 4 && expect_tagged (s, "hop", i, 0, 1) != 0)
        return -1;
    if (expect_bytes (s, "", 0, 1, "empty delimiter") != 0)
        return -1;
    return expect_tagged (s, "dp", i, dp_extra (i) / 2, 0);
}

static int dp_dealer (void *s)
{
    int i, k;
    for (i = 0; i < DP_ROUNDS; i += DP_BURST) {
        for (k = i; k < i + DP_BURST; k++)
            if (dp_send_request (s, k) != 0)
                return -1;
        for (k = i; k < i + DP_BURST; k++)
            if (dp_expect_reply (s, k) != 0)
                return -1;
    }
    return 0;
}

/* The REP sees the request without its envelope. */
static int dp_rep (void *s)
{
    int i;
    for (i = 0; i < DP_ROUNDS; i++) {
        int two = i % 7 == 6;
        if (expect_tagged (s, "dq", i, dp_extra (i), two) != 0
            || (two && expect_tagged (s, "dq-2nd", i, 30, 0) != 0)
            || send_tagged (s, "dp", i, dp_extra (i) / 2, 0) != 0)
            return -1;
    }
    return 0;
}

static int scenario_dealer_rep (void)
{
    void *a = new_socket (g_server ? ZMQ_REP : ZMQ_DEALER, "a");
    void *b = a ? new_socket (g_server ? ZMQ_DEALER : ZMQ_REP, "b") : NULL;
    if (b == NULL || attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "client DEALER -> server REP (bound)" : "client DEALER (connected) -> server REP";
    if ((g_server ? dp_rep (a) : dp_dealer (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "server DEALER (bound) -> client REP" : "server DEALER -> client REP (connected)";
    return g_server ? dp_dealer (b) : dp_rep (b);
}

/* ------------------------------------------------------------------------------------------ */
/* pub-xsub: the XSUB sends "\x01A" and "\x01S"; the PUB publishes "S-hello" until the XSUB
   says on a REQ/REP side channel that one arrived (both subscriptions are then in force: they
   travel in order), then 150 messages on topics A, C, S in turn and "S-END": the XSUB, which
   filters nothing itself, must get exactly the A and S ones. The XSUB then sends "\x00A" and
   "\x01T"; the PUB publishes "A-late-K" and "T-hello" in turn until the XSUB reports a
   T-hello: A-late-0, A-late-1... may come before the first T-hello, none after (the
   unsubscription travelled before "\x01T"). Then 150 messages on A, C, T and "T-END": the
   XSUB must get exactly the T ones. */

#define PX_COUNT 150
static const char px_sub_a[] = "\x01" "A";
static const char px_sub_s[] = "\x01" "S";
static const char px_unsub_a[] = "\x00" "A";
static const char px_sub_t[] = "\x01" "T";

/* Publishes hello (each preceded by "A-late-K" when late) every 10 ms until the subscriber
   says "ready" on rep; answers "go". */
static int px_hello_until_ready (void *pub, void *rep, const char *hello, int late)
{
    long long deadline = now_ms () + RCVTIMEO_MS;
    int k;
    char buf[32];
    for (k = 0;; k++) {
        zmq_pollitem_t item;
        int rc;
        snprintf (buf, sizeof buf, "A-late-%d", k);
        if ((late && send_str (pub, buf, 0) != 0) || send_str (pub, hello, 0) != 0)
            return -1;
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
                   RCVTIMEO_MS, k + 1, hello);
            return -1;
        }
    }
    return expect_str (rep, "ready", 0) != 0 || send_str (rep, "go", 0) != 0 ? -1 : 0;
}

static int px_pub (void *pub, void *rep)
{
    int i;
    if (px_hello_until_ready (pub, rep, "S-hello", 0) != 0)
        return -1;
    for (i = 0; i < PX_COUNT; i++) {
        char topic[2] = {"ACS"[i % 3], '\0'};
        if (send_tagged (pub, topic, i, ps_extra (i), 0) != 0)
            return -1;
    }
    if (send_str (pub, "S-END", 0) != 0)
        return -1;
    if (px_hello_until_ready (pub, rep, "T-hello", 1) != 0)
        return -1;
    for (i = 0; i < PX_COUNT; i++) {
        char topic[2] = {"ACT"[i % 3], '\0'};
        if (send_tagged (pub, topic, i, ps_extra (i), 0) != 0)
            return -1;
    }
    if (send_str (pub, "T-END", 0) != 0)
        return -1;
    return expect_str (rep, "got all", 0) != 0 || send_str (rep, "bye", 0) != 0 ? -1 : 0;
}

static int msg_is (zmq_msg_t *msg, const char *str)
{
    return zmq_msg_size (msg) == strlen (str)
           && memcmp (zmq_msg_data (msg), str, strlen (str)) == 0;
}

static int msg_starts (zmq_msg_t *msg, const char *prefix)
{
    return zmq_msg_size (msg) >= strlen (prefix)
           && memcmp (zmq_msg_data (msg), prefix, strlen (prefix)) == 0;
}

/* Receives the messages of topics[i % 3] != '-' for i < PX_COUNT (skipping the queued hellos
   before the first), then END. An "A-late-..." is reported as such. */
static int px_expect_run (void *xsub, const char *topics, const char *hello, const char *end,
                          int *hellos)
{
    zmq_msg_t msg;
    int i, first = 1;
    char what[64], shown[200];
    zmq_msg_init (&msg);
    for (i = 0; i < PX_COUNT; i++) {
        char topic[2] = {topics[i % 3], '\0'};
        size_t len;
        if (topic[0] == '-')
            continue;
        snprintf (what, sizeof what, "message %s-%d", topic, i);
        do {
            if (recv_msg (xsub, &msg, what) != 0) {
                zmq_msg_close (&msg);
                return -1;
            }
            if (first && msg_is (&msg, hello))
                (*hellos)++;
        } while (first && msg_is (&msg, hello));
        first = 0;
        if (msg_starts (&msg, "A-late-")) {
            describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&msg),
                      zmq_msg_size (&msg));
            error ("%s arrived after the first \"%s\": the PUB did not apply \"\\x00A\" that "
                   "came before \"\\x01T\"",
                   shown, hello);
            zmq_msg_close (&msg);
            return -1;
        }
        len = make_tagged (topic, i, ps_extra (i));
        if (compare_frame (&msg, g_scratch, len, 0, what) != 0) {
            zmq_msg_close (&msg);
            return -1;
        }
    }
    zmq_msg_close (&msg);
    return expect_str (xsub, end, 0);
}

static int px_xsub (void *xsub, void *req)
{
    zmq_msg_t msg;
    int hellos = 0, late = 0;
    char buf[32], shown[200];

    if (send_bytes (xsub, px_sub_a, sizeof px_sub_a - 1, 0, "subscription \\x01A") != 0
        || send_bytes (xsub, px_sub_s, sizeof px_sub_s - 1, 0, "subscription \\x01S") != 0)
        return -1;
    if (expect_str (xsub, "S-hello", 0) != 0)
        return -1;
    if (send_str (req, "ready", 0) != 0 || expect_str (req, "go", 0) != 0)
        return -1;
    if (px_expect_run (xsub, "A-S", "S-hello", "S-END", &hellos) != 0)
        return -1;
    note ("subscribed to A and S: %d queued \"S-hello\" skipped, then the %d A and S messages "
          "in order, no C",
          hellos, PX_COUNT * 2 / 3);

    if (send_bytes (xsub, px_unsub_a, sizeof px_unsub_a - 1, 0, "unsubscription \\x00A") != 0
        || send_bytes (xsub, px_sub_t, sizeof px_sub_t - 1, 0, "subscription \\x01T") != 0)
        return -1;
    /* A-late-0, A-late-1... until the first T-hello. */
    zmq_msg_init (&msg);
    for (;;) {
        snprintf (buf, sizeof buf, "A-late-%d", late);
        if (recv_msg (xsub, &msg, "A-late-K or T-hello") != 0) {
            zmq_msg_close (&msg);
            return -1;
        }
        if (msg_is (&msg, "T-hello"))
            break;
        if (!msg_is (&msg, buf)) {
            describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&msg),
                      zmq_msg_size (&msg));
            error ("after \"\\x00A\" and \"\\x01T\": received %s, expected \"%s\" or \"T-hello\"",
                   shown, buf);
            zmq_msg_close (&msg);
            return -1;
        }
        g_frames_checked++;
        late++;
    }
    g_frames_checked++;
    zmq_msg_close (&msg);
    if (send_str (req, "ready", 0) != 0 || expect_str (req, "go", 0) != 0)
        return -1;
    hellos = 0;
    if (px_expect_run (xsub, "--T", "T-hello", "T-END", &hellos) != 0)
        return -1;
    note ("unsubscribed from A, subscribed to T: %d A-late before the first T-hello, none after; "
          "%d queued \"T-hello\" skipped, then the %d T messages in order, no A or C",
          late, hellos, PX_COUNT / 3);
    return send_str (req, "got all", 0) != 0 || expect_str (req, "bye", 0) != 0 ? -1 : 0;
}

static int scenario_pub_xsub (void)
{
    /* Phase 1: server PUB + REP, client XSUB + REQ. Phase 2 swaps them. */
    void *pub1 = new_socket (g_server ? ZMQ_PUB : ZMQ_XSUB, "data 1");
    void *sync1 = pub1 ? new_socket (g_server ? ZMQ_REP : ZMQ_REQ, "sync 1") : NULL;
    void *pub2 = sync1 ? new_socket (g_server ? ZMQ_XSUB : ZMQ_PUB, "data 2") : NULL;
    void *sync2 = pub2 ? new_socket (g_server ? ZMQ_REQ : ZMQ_REP, "sync 2") : NULL;
    if (sync2 == NULL)
        return -1;
    if (attach (pub1, 0) != 0 || attach (sync1, 1) != 0 || attach (pub2, 2) != 0
        || attach (sync2, 3) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "server PUB (bound) -> client XSUB" : "server PUB -> client XSUB (connected)";
    if ((g_server ? px_pub (pub1, sync1) : px_xsub (pub1, sync1)) != 0
        || close_socket (pub1) != 0 || close_socket (sync1) != 0)
        return -1;
    g_phase = g_server ? "client PUB -> server XSUB (bound)" : "client PUB (connected) -> server XSUB";
    return g_server ? px_xsub (pub2, sync2) : px_pub (pub2, sync2);
}

/* ------------------------------------------------------------------------------------------ */
/* xpub-sub: the SUB subscribes to "A" (ZMQ_SUBSCRIBE, once connected or bound); the XPUB
   receives "\x01A", then publishes 100 messages on topics A and B in turn and "A-END": the SUB
   gets exactly the A ones. The SUB unsubscribes from "A" (ZMQ_UNSUBSCRIBE) and subscribes to
   "Z"; the XPUB receives "\x00A" then "\x01Z", publishes "A-late" and "Z-ack": the SUB's next
   message is "Z-ack". The SUB's subscription to "done" ("\x01done") tells the XPUB it is over.
   First the XPUB binds, then the SUB binds and the XPUB connects. */

#define XS_COUNT 100
static const char xs_sub_a[] = "\x01" "A";
static const char xs_unsub_a[] = "\x00" "A";
static const char xs_sub_z[] = "\x01" "Z";
static const char xs_sub_done[] = "\x01" "done";

static size_t xs_extra (int i)
{
    return (size_t) (i * 11) % 200;
}

static int xs_xpub (void *s)
{
    int i;
    if (expect_bytes (s, xs_sub_a, sizeof xs_sub_a - 1, 0, "subscription \\x01A") != 0)
        return -1;
    for (i = 0; i < XS_COUNT; i++) {
        char topic[2] = {"AB"[i % 2], '\0'};
        if (send_tagged (s, topic, i, xs_extra (i), 0) != 0)
            return -1;
    }
    if (send_str (s, "A-END", 0) != 0)
        return -1;
    if (expect_bytes (s, xs_unsub_a, sizeof xs_unsub_a - 1, 0, "unsubscription \\x00A") != 0
        || expect_bytes (s, xs_sub_z, sizeof xs_sub_z - 1, 0, "subscription \\x01Z") != 0)
        return -1;
    if (send_str (s, "A-late", 0) != 0 || send_str (s, "Z-ack", 0) != 0)
        return -1;
    return expect_bytes (s, xs_sub_done, sizeof xs_sub_done - 1, 0, "subscription \\x01done");
}

static int xs_sub (void *s)
{
    int i;
    if (set_bytes (s, ZMQ_SUBSCRIBE, "A", "ZMQ_SUBSCRIBE") != 0)
        return -1;
    for (i = 0; i < XS_COUNT; i += 2)
        if (expect_tagged (s, "A", i, xs_extra (i), 0) != 0)
            return -1;
    if (expect_str (s, "A-END", 0) != 0)
        return -1;
    if (set_bytes (s, ZMQ_UNSUBSCRIBE, "A", "ZMQ_UNSUBSCRIBE") != 0
        || set_bytes (s, ZMQ_SUBSCRIBE, "Z", "ZMQ_SUBSCRIBE") != 0)
        return -1;
    if (expect_str (s, "Z-ack", 0) != 0)
        return -1;
    return set_bytes (s, ZMQ_SUBSCRIBE, "done", "ZMQ_SUBSCRIBE");
}

static int scenario_xpub_sub (void)
{
    void *a = new_socket (g_server ? ZMQ_XPUB : ZMQ_SUB, "a");
    void *b = a ? new_socket (g_server ? ZMQ_SUB : ZMQ_XPUB, "b") : NULL;
    if (b == NULL || attach (a, 0) != 0 || attach (b, 1) != 0)
        return -1;
    announce ();
    g_phase = g_server ? "server XPUB (bound) / client SUB" : "server XPUB / client SUB (connected)";
    if ((g_server ? xs_xpub (a) : xs_sub (a)) != 0 || close_socket (a) != 0)
        return -1;
    g_phase = g_server ? "client XPUB / server SUB (bound)" : "client XPUB (connected) / server SUB";
    return g_server ? xs_sub (b) : xs_xpub (b);
}

/* ------------------------------------------------------------------------------------------ */
/* restart: the peer restarted mid-stream. The client's PUSH (ZMQ_RECONNECT_IVL 20 ms) sends
   "seq-N" (N = 0, 1, ...; ZMQ_DONTWAIT, about one every RS_PAUSE_MS) to the server's PULL
   while watching, for "done", a PULL (ZMQ_RECONNECT_IVL 20 ms) connected to the server's PUSH.
   The first server checks that it receives seq-0, seq-1... in order; having received RS_FIRST
   it prints "kill me: ..." and goes on receiving (printing "received: seq-N" for each) until
   run.sh kills it with SIGKILL (it printed its "pid: " before its endpoints). run.sh then
   starts a new process, role "restarted", on the same library, which binds the very
   endpoints the first one reported (for ipc, over the socket file the dead process left,
   which bind replaces). The client reconnects by itself;
   the restarted server must receive a contiguous tail seq-K, seq-K+1... with K >= RS_FIRST
   (what was in flight at the crash may be lost, as in libzmq, but nothing comes twice); after
   RS_SECOND of them it sends "done"; the client then sends "end-N", N being the number of
   messages it sent, and the restarted server checks that the last message before it was
   seq-(N-1). Without "done" within RS_DEADLINE_MS the client fails. run.sh checks that the
   tail starts after the last message the first server printed. */

#define RS_FIRST 50
#define RS_SECOND 50
#define RS_PAUSE_MS 2
#define RS_RECONNECT_IVL_MS 20
#define RS_DEADLINE_MS 15000

static size_t rs_extra (long n)
{
    return (size_t) (n * 13) % 120;
}

/* The number after prefix in "PREFIX<digits>" followed by stop ('\0': the end of the frame). */
static int rs_number (zmq_msg_t *msg, const char *prefix, char stop, long *n)
{
    char buf[40];
    size_t len = zmq_msg_size (msg), plen = strlen (prefix);
    size_t cpy = len < sizeof buf - 1 ? len : sizeof buf - 1;
    char *end;
    memcpy (buf, zmq_msg_data (msg), cpy);
    buf[cpy] = '\0';
    if (cpy <= plen || strncmp (buf, prefix, plen) != 0 || buf[plen] < '0' || buf[plen] > '9')
        return -1;
    *n = strtol (buf + plen, &end, 10);
    if (*end != stop || (stop == '\0' && (size_t) (end - buf) != len))
        return -1;
    return 0;
}

static int rs_first_server (void *pull)
{
    long i;
    g_phase = "first server: seq-0, seq-1... until killed";
    for (i = 0;; i++) {
        if (expect_tagged (pull, "seq", (int) i, rs_extra (i), 0) != 0)
            return -1;
        if (i + 1 == RS_FIRST)
            printf ("kill me: seq-0..seq-%ld received in order\n", i);
        else if (i + 1 > RS_FIRST)
            printf ("received: seq-%ld\n", i);
        fflush (stdout);
    }
}

static int rs_restarted_server (void *pull, void *ctl)
{
    zmq_msg_t msg;
    long first = -1, next = -1, n;
    int done_sent = 0, rc = -1;
    char what[64], shown[200];

    g_phase = "restarted server: a contiguous tail, then end-N";
    zmq_msg_init (&msg);
    for (;;) {
        if (first < 0)
            snprintf (what, sizeof what, "the first message");
        else
            snprintf (what, sizeof what, "seq-%ld or end-%ld", next, next);
        if (recv_msg (pull, &msg, what) != 0)
            break;
        describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&msg),
                  zmq_msg_size (&msg));
        if (rs_number (&msg, "end-", '\0', &n) == 0) {
            g_frames_checked++;
            if (!done_sent)
                error ("received %s before \"done\" was sent", shown);
            else if (n != next)
                error ("the client sent seq-0..seq-%ld (end-%ld), but the last to arrive here "
                       "was seq-%ld: the last messages sent were lost",
                       n - 1, n, next - 1);
            else
                rc = 0;
            break;
        }
        if (rs_number (&msg, "seq-", ':', &n) != 0) {
            error ("received %s, expected %s", shown, what);
            break;
        }
        if (first < 0) {
            first = next = n;
            note ("the first message to reach the restarted server is seq-%ld", n);
            if (n < RS_FIRST) {
                error ("seq-%ld arrived at the restarted server although the first one had "
                       "received seq-0..seq-%d: delivered twice",
                       n, RS_FIRST - 1);
                break;
            }
        }
        if (n != next) {
            error ("received seq-%ld, expected seq-%ld: the tail after the restart has a gap "
                   "or is out of order (it started at seq-%ld)",
                   n, next, first);
            break;
        }
        snprintf (what, sizeof what, "seq-%ld", n);
        if (compare_frame (&msg, g_scratch, make_tagged ("seq", (int) n, rs_extra (n)), 0, what)
            != 0)
            break;
        next++;
        if (!done_sent && next - first == RS_SECOND) {
            if (send_str (ctl, "done", 0) != 0)
                break;
            done_sent = 1;
        }
    }
    zmq_msg_close (&msg);
    if (rc == 0)
        note ("received seq-%ld..seq-%ld in order, then end-%ld: seq-%d..seq-%ld went to the "
              "first server or were lost in the crash",
              first, next - 1, next, RS_FIRST, first - 1);
    return rc;
}

static int rs_client (void *push, void *ctl)
{
    long n = 0, refused = 0;
    long long deadline = now_ms () + RS_DEADLINE_MS;
    char end[32];

    g_phase = "client: seq-N until a restarted server says done";
    for (;;) {
        zmq_pollitem_t item;
        size_t len = make_tagged ("seq", (int) n, rs_extra (n));
        int rc;
        if (zmq_send (push, g_scratch, len, ZMQ_DONTWAIT) == (int) len) {
            n++;
        } else if (zmq_errno () == EAGAIN) {
            refused++;
        } else {
            error ("send seq-%ld: %s", n, zmq_strerror (zmq_errno ()));
            return -1;
        }
        memset (&item, 0, sizeof item);
        item.socket = ctl;
        item.events = ZMQ_POLLIN;
        rc = zmq_poll (&item, 1, RS_PAUSE_MS);
        if (rc < 0) {
            error ("zmq_poll: %s", zmq_strerror (zmq_errno ()));
            return -1;
        }
        if (item.revents & ZMQ_POLLIN)
            break;
        if (now_ms () > deadline) {
            error ("no \"done\" within %d ms: seq-0..seq-%ld sent, %ld sends refused (EAGAIN)",
                   RS_DEADLINE_MS, n - 1, refused);
            return -1;
        }
    }
    if (expect_str (ctl, "done", 0) != 0)
        return -1;
    g_phase = "client: after done";
    snprintf (end, sizeof end, "end-%ld", n);
    if (send_str (push, end, 0) != 0)
        return -1;
    note ("seq-0..seq-%ld sent (%ld sends refused with EAGAIN), \"done\" received, %s sent", n - 1,
          refused, end);
    return 0;
}

static int scenario_restart (void)
{
    void *data = new_socket (g_server ? ZMQ_PULL : ZMQ_PUSH, "data");
    void *ctl = data ? new_socket (g_server ? ZMQ_PUSH : ZMQ_PULL, "control") : NULL;
    if (ctl == NULL)
        return -1;
    if (!g_server
        && (set_int (data, ZMQ_RECONNECT_IVL, RS_RECONNECT_IVL_MS, "ZMQ_RECONNECT_IVL") != 0
            || set_int (ctl, ZMQ_RECONNECT_IVL, RS_RECONNECT_IVL_MS, "ZMQ_RECONNECT_IVL") != 0))
        return -1;
    if (attach (data, 0) != 0 || attach (ctl, 1) != 0)
        return -1;
    if (g_server) {
        printf ("pid: %ld\n", (long) getpid ());
        fflush (stdout);
    }
    announce ();
    if (g_restarted)
        return rs_restarted_server (data, ctl);
    return g_server ? rs_first_server (data) : rs_client (data, ctl);
}

/* ------------------------------------------------------------------------------------------ */
/* Security: plain, curve, curve-nozap. The server binds a ROUTER (endpoint 0) and a PULL
   (endpoint 1), both PLAIN or CURVE servers. A DEALER of the client with routing id
   "sec-client" and good credentials connects to the ROUTER: "hello", "" and "world" (three
   frames) go to the server, which checks the metadata of what it receives (User-Id and the
   property Role set by its ZAP handler, Socket-Type), "re", "" and "ply" come back, then 1 MiB
   each way. Meanwhile a PUSH of the client with bad credentials connects to the PULL: both
   ends must see it refused (for plain and curve: HANDSHAKE_FAILED_AUTH 400, the ZAP handler's
   verdict carried by an ERROR command). Then the client says "bye" on the DEALER, so that the
   server outlives the refusal.

   plain: the server's ZAP handler (a thread, REP at inproc://zeromq.zap.01, domain "interop")
   accepts the username "admin" with the password "secret" (User-Id "admin"); the bad client
   says "admin"/"wrong".
   curve: the keys are fixed (below); the handler accepts the known client's public key (User-Id
   "curve-client"); the bad client has another keypair. The keys are given in different forms
   (32 bytes, 40 Z85 characters, 41 with the NUL).
   curve-nozap: no handler and no domain, so CURVE encrypts without authenticating (no
   User-Id); the good client's key pair is made by its own library's zmq_curve_keypair; the
   bad client has the wrong server key: the server must report
   HANDSHAKE_FAILED_PROTOCOL/CRYPTOGRAPHIC, the client see the connection drop (DISCONNECTED),
   and neither a handshake that succeeded. */

#define SEC_DOMAIN "interop"
#define SEC_WAIT_MS 5000
#define SEC_ID "sec-client"

/* Made once with zmq_curve_keypair. */
static const char sec_server_public[] = "UVK!yU8:]nXi@XReg]LXoYH4m3(!MW8qNvDPMAKE";
static const char sec_server_secret[] = "[>z74H4s8-I!w)z8r<39wwkaP(j95n}v6UqM[5!e";
static const char sec_client_public[] = "6zAMhD)o=F)f+7DueW8KN{ZEKRW-j29[nV52f0tu";
static const char sec_client_secret[] = "13!7?!O9bRpHO<:DUj#w+A0KF4h9R=HBJfbBZe)R";
static const char sec_stranger_public[] = "Dn*IN6DQcaH[?CKx&V0A{SX-ILEoDWA?IkGf7nGO";
static const char sec_stranger_secret[] = "hB{!n?H[NJt$%b#^DEBv0^ZbQDlMaPZO4xYGRo/W";

/* The handler's metadata for an accepted peer: Role=tester (RFC 27 / ZMTP property). */
static const char sec_metadata[] = "\x04"
                                   "Role"
                                   "\x00\x00\x00\x06"
                                   "tester";

enum sec_kind { SEC_PLAIN, SEC_CURVE, SEC_CURVE_NOZAP };

struct sec_zap
{
    pthread_t thread;
    pthread_mutex_t lock;
    int stop;
    int ready; /* 1 bound, -1 bind failed */
    const char *mechanism;
    int accepted, refused;
    char problem[300]; /* the first request not as expected */
    char refused_what[200]; /* the credentials last refused */
    char address[128]; /* the address of the last request */
};

static struct sec_zap g_zap;

static int frame_is (zmq_msg_t *m, const void *data, size_t len)
{
    return zmq_msg_size (m) == len && (len == 0 || memcmp (zmq_msg_data (m), data, len) == 0);
}

static int frame_is_str (zmq_msg_t *m, const char *str)
{
    return frame_is (m, str, strlen (str));
}

/* One request: checks it and tells whether the credentials are the good ones. */
static int sec_zap_judge (zmq_msg_t *f, int n, char *problem, size_t cap, char *what,
                          size_t what_cap)
{
    uint8_t key[32];
    int curve = strcmp (g_zap.mechanism, "CURVE") == 0;
    char shown[120];
    if (n != (curve ? 7 : 8)) {
        snprintf (problem, cap, "a request of %d frames after the delimiter, expected %d", n,
                  curve ? 7 : 8);
        return 0;
    }
    if (!frame_is_str (&f[0], "1.0") || !frame_is_str (&f[2], SEC_DOMAIN)
        || !frame_is_str (&f[5], g_zap.mechanism)) {
        describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&f[5]),
                  zmq_msg_size (&f[5]));
        snprintf (problem, cap,
                  "a request with a version, domain or mechanism not \"1.0\", \"" SEC_DOMAIN
                  "\", \"%s\" (mechanism %s)",
                  g_zap.mechanism, shown);
        return 0;
    }
    if (curve) {
        char text[41];
        if (zmq_msg_size (&f[6]) != 32) {
            describe (shown, sizeof shown, (const unsigned char *) zmq_msg_data (&f[6]),
                      zmq_msg_size (&f[6]));
            snprintf (problem, cap, "a CURVE request whose key is %s, not 32 bytes", shown);
            return 0;
        }
        zmq_z85_encode (text, (const uint8_t *) zmq_msg_data (&f[6]), 32);
        snprintf (what, what_cap, "public key %s", text);
        zmq_z85_decode (key, sec_client_public);
        return frame_is (&f[6], key, 32);
    }
    {
        char user[60], password[60];
        describe (user, sizeof user, (const unsigned char *) zmq_msg_data (&f[6]),
                  zmq_msg_size (&f[6]));
        describe (password, sizeof password, (const unsigned char *) zmq_msg_data (&f[7]),
                  zmq_msg_size (&f[7]));
        snprintf (what, what_cap, "username %s, password %s", user, password);
    }
    return frame_is_str (&f[6], "admin") && frame_is_str (&f[7], "secret");
}

static void *sec_zap_run (void *arg)
{
    void *rep = zmq_socket (g_ctx, ZMQ_REP);
    int timeout = 20, zero = 0, rc;
    (void) arg;
    zmq_setsockopt (rep, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (rep, ZMQ_LINGER, &zero, sizeof zero);
    rc = zmq_bind (rep, "inproc://zeromq.zap.01");
    pthread_mutex_lock (&g_zap.lock);
    g_zap.ready = rc == 0 ? 1 : -1;
    pthread_mutex_unlock (&g_zap.lock);
    for (;;) {
        zmq_msg_t f[10];
        int n = 0, i, ok, stop;
        char problem[300] = "", what[200] = "";
        const char *user = strcmp (g_zap.mechanism, "CURVE") == 0 ? "curve-client" : "admin";
        pthread_mutex_lock (&g_zap.lock);
        stop = g_zap.stop;
        pthread_mutex_unlock (&g_zap.lock);
        if (stop || rc != 0)
            break;
        zmq_msg_init (&f[0]);
        if (zmq_msg_recv (&f[0], rep, 0) < 0) {
            zmq_msg_close (&f[0]);
            continue;
        }
        n = 1;
        while (zmq_msg_more (&f[n - 1])) {
            zmq_msg_t extra;
            zmq_msg_t *m = n < 10 ? &f[n] : &extra;
            zmq_msg_init (m);
            zmq_msg_recv (m, rep, 0);
            if (n < 10)
                n++;
            else {
                int more = zmq_msg_more (m);
                zmq_msg_close (m);
                snprintf (problem, sizeof problem, "a request of more than 10 frames");
                if (!more)
                    break;
            }
        }
        ok = problem[0] == '\0'
             && sec_zap_judge (f, n, problem, sizeof problem, what, sizeof what);
        /* Version, request id, status, text, user id, metadata. */
        zmq_send (rep, "1.0", 3, ZMQ_SNDMORE);
        if (n > 1)
            zmq_send (rep, zmq_msg_data (&f[1]), zmq_msg_size (&f[1]), ZMQ_SNDMORE);
        else
            zmq_send (rep, "", 0, ZMQ_SNDMORE);
        zmq_send (rep, ok ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send (rep, ok ? "OK" : "Unknown", ok ? 2 : 7, ZMQ_SNDMORE);
        zmq_send (rep, ok ? user : "", ok ? strlen (user) : 0, ZMQ_SNDMORE);
        zmq_send (rep, sec_metadata, ok ? sizeof sec_metadata - 1 : 0, 0);
        pthread_mutex_lock (&g_zap.lock);
        if (ok)
            g_zap.accepted++;
        else
            g_zap.refused++;
        if (problem[0] != '\0' && g_zap.problem[0] == '\0')
            snprintf (g_zap.problem, sizeof g_zap.problem, "%s", problem);
        if (!ok)
            snprintf (g_zap.refused_what, sizeof g_zap.refused_what, "%s", what);
        if (n > 3)
            describe (g_zap.address, sizeof g_zap.address,
                      (const unsigned char *) zmq_msg_data (&f[3]), zmq_msg_size (&f[3]));
        pthread_mutex_unlock (&g_zap.lock);
        for (i = 0; i < n; i++)
            zmq_msg_close (&f[i]);
    }
    zmq_close (rep);
    return NULL;
}

/* Starts the handler and waits until it is bound. */
static int sec_zap_start (const char *mechanism)
{
    long long deadline = now_ms () + SEC_WAIT_MS;
    int ready = 0;
    memset (&g_zap, 0, sizeof g_zap);
    g_zap.mechanism = mechanism;
    pthread_mutex_init (&g_zap.lock, NULL);
    if (pthread_create (&g_zap.thread, NULL, sec_zap_run, NULL) != 0) {
        error ("pthread_create: the ZAP handler did not start");
        return -1;
    }
    while (ready == 0 && now_ms () < deadline) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep (&ts, NULL);
        pthread_mutex_lock (&g_zap.lock);
        ready = g_zap.ready;
        pthread_mutex_unlock (&g_zap.lock);
    }
    if (ready != 1) {
        error ("the ZAP handler could not bind inproc://zeromq.zap.01");
        return -1;
    }
    return 0;
}

/* Stops the handler; with check, reports what it saw (one good request, and at least one
   refused with the bad credentials). */
static int sec_zap_stop (int check, const char *refused_want)
{
    int rc = 0;
    pthread_mutex_lock (&g_zap.lock);
    g_zap.stop = 1;
    pthread_mutex_unlock (&g_zap.lock);
    pthread_join (g_zap.thread, NULL);
    pthread_mutex_destroy (&g_zap.lock);
    if (!check)
        return 0;
    if (g_zap.problem[0] != '\0') {
        error ("ZAP handler: %s", g_zap.problem);
        rc = -1;
    }
    if (g_zap.accepted != 1 || g_zap.refused < 1) {
        error ("ZAP handler: %d request(s) accepted, %d refused; expected 1 accepted (the good "
               "client) and at least 1 refused (the bad one)",
               g_zap.accepted, g_zap.refused);
        rc = -1;
    } else if (strcmp (g_zap.refused_what, refused_want) != 0) {
        error ("ZAP handler: refused %s, expected %s", g_zap.refused_what, refused_want);
        rc = -1;
    }
    if (strncmp (g_base, "tcp://", 6) == 0 ? strcmp (g_zap.address, "9 bytes \"127.0.0.1\"") != 0
                                           : strstr (g_zap.address, "bytes \"localhost:") == NULL) {
        error ("ZAP handler: the address frame was %s, expected \"127.0.0.1\" (tcp) or "
               "\"localhost:UID:GID:PID\" (ipc)",
               g_zap.address);
        rc = -1;
    }
    if (rc == 0)
        note ("ZAP handler: 1 request accepted, %d refused (%s), address %s", g_zap.refused,
              g_zap.refused_what, g_zap.address);
    return rc;
}

/* Waits for event `want` (with the value want_value, unless it is negative) on the monitor;
   fails on `forbid` or after SEC_WAIT_MS. */
static int await_event (void *mon, unsigned want, long want_value, unsigned forbid,
                        const char *what)
{
    long long deadline = now_ms () + SEC_WAIT_MS;
    char log[600] = "";
    for (;;) {
        unsigned event;
        unsigned long value;
        int rc = read_event (mon, deadline, &event, &value);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            error ("%s: no %s within %d ms; events:%s", what, event_name (want), SEC_WAIT_MS,
                   log[0] ? log : " none");
            return -1;
        }
        if (strlen (log) + 60 < sizeof log)
            snprintf (log + strlen (log), sizeof log - strlen (log), " %s(%#lx)",
                      event_name (event), value);
        if (event == forbid) {
            error ("%s: %s; events:%s", what, event_name (event), log);
            return -1;
        }
        if (event == want) {
            if (want_value >= 0 && value != (unsigned long) want_value) {
                error ("%s: %s with the value %#lx, expected %#lx; events:%s", what,
                       event_name (want), value, (unsigned long) want_value, log);
                return -1;
            }
            note ("%s: events:%s", what, log);
            return 0;
        }
    }
}

/* Receives a frame, checks it (as expect_bytes) and its metadata: User-Id (NULL: none),
   Role (NULL: none) and Socket-Type. */
static int expect_meta (void *s, const void *want, size_t wlen, int wmore, const char *what,
                        const char *user_id, const char *role, const char *socket_type)
{
    zmq_msg_t msg;
    const char *props[3] = {"User-Id", "Role", "Socket-Type"};
    const char *wants[3];
    int rc, i;
    wants[0] = user_id;
    wants[1] = role;
    wants[2] = socket_type;
    zmq_msg_init (&msg);
    rc = recv_msg (s, &msg, what);
    if (rc == 0)
        rc = compare_frame (&msg, want, wlen, wmore, what);
    for (i = 0; rc == 0 && i < 3; i++) {
        const char *got = zmq_msg_gets (&msg, props[i]);
        if ((got == NULL) != (wants[i] == NULL)
            || (got != NULL && strcmp (got, wants[i]) != 0)) {
            error ("%s: the property %s is %s%s%s, expected %s%s%s", what, props[i],
                   got ? "\"" : "", got ? got : "absent", got ? "\"" : "", wants[i] ? "\"" : "",
                   wants[i] ? wants[i] : "absent", wants[i] ? "\"" : "");
            rc = -1;
        }
    }
    zmq_msg_close (&msg);
    return rc;
}

static int set_key_form (void *s, int option, const char *z85, int form, const char *name)
{
    uint8_t bin[32];
    int rc;
    if (form == 32) {
        zmq_z85_decode (bin, z85);
        rc = zmq_setsockopt (s, option, bin, 32);
    } else {
        rc = zmq_setsockopt (s, option, z85, (size_t) form);
    }
    if (rc != 0)
        error ("zmq_setsockopt(%s, %d-byte key): %s", name, form, zmq_strerror (zmq_errno ()));
    return rc;
}

/* The server's ends: PLAIN or CURVE servers (the ROUTER with its keys as 32 bytes, the PULL
   with 41 characters), with the domain unless curve-nozap. */
static int sec_server_setup (void *s, enum sec_kind kind, int form)
{
    if (kind == SEC_PLAIN) {
        if (set_int (s, ZMQ_PLAIN_SERVER, 1, "ZMQ_PLAIN_SERVER") != 0)
            return -1;
    } else if (set_int (s, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER") != 0
               || set_key_form (s, ZMQ_CURVE_SECRETKEY, sec_server_secret, form,
                                "ZMQ_CURVE_SECRETKEY")
                    != 0
               || set_key_form (s, ZMQ_CURVE_PUBLICKEY, sec_server_public, form,
                                "ZMQ_CURVE_PUBLICKEY")
                    != 0)
        return -1;
    if (kind != SEC_CURVE_NOZAP && set_bytes (s, ZMQ_ZAP_DOMAIN, SEC_DOMAIN, "ZMQ_ZAP_DOMAIN") != 0)
        return -1;
    return 0;
}

/* The client's ends: the good DEALER (keys as 40 characters), the bad PUSH (41). */
/* curve-nozap's good client takes a fresh key pair from its own library's zmq_curve_keypair
   (checked against zmq_curve_public), so the other library proves those keys work. */
static int fresh_keypair (char *public_key, char *secret_key)
{
    char derived[41];
    if (zmq_curve_keypair (public_key, secret_key) != 0
        || zmq_curve_public (derived, secret_key) != 0) {
        error ("zmq_curve_keypair/zmq_curve_public: %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (strcmp (derived, public_key) != 0) {
        error ("zmq_curve_public gave %s for the secret key of %s", derived, public_key);
        return -1;
    }
    return 0;
}

static int sec_client_setup (void *s, enum sec_kind kind, int good)
{
    char fresh_public[41], fresh_secret[41];
    const char *client_public = sec_client_public, *client_secret = sec_client_secret;
    if (kind == SEC_CURVE_NOZAP && good) {
        if (fresh_keypair (fresh_public, fresh_secret) != 0)
            return -1;
        client_public = fresh_public;
        client_secret = fresh_secret;
    }
    if (kind == SEC_PLAIN)
        return set_bytes (s, ZMQ_PLAIN_USERNAME, "admin", "ZMQ_PLAIN_USERNAME") != 0
                   || set_bytes (s, ZMQ_PLAIN_PASSWORD, good ? "secret" : "wrong",
                                 "ZMQ_PLAIN_PASSWORD")
                        != 0
                 ? -1
                 : 0;
    if (set_key_form (s, ZMQ_CURVE_SERVERKEY,
                      good || kind == SEC_CURVE ? sec_server_public : sec_stranger_public,
                      good ? 40 : 41, "ZMQ_CURVE_SERVERKEY")
          != 0
        || set_key_form (s, ZMQ_CURVE_PUBLICKEY,
                         good || kind == SEC_CURVE_NOZAP ? client_public : sec_stranger_public,
                         good ? 40 : 41, "ZMQ_CURVE_PUBLICKEY")
             != 0
        || set_key_form (s, ZMQ_CURVE_SECRETKEY,
                         good || kind == SEC_CURVE_NOZAP ? client_secret : sec_stranger_secret,
                         good ? 40 : 41, "ZMQ_CURVE_SECRETKEY")
             != 0)
        return -1;
    return 0;
}

static int sec_server (void *router, void *pull, void *mon, enum sec_kind kind)
{
    const char *user = kind == SEC_PLAIN ? "admin" : kind == SEC_CURVE ? "curve-client" : NULL;
    const char *role = kind == SEC_CURVE_NOZAP ? NULL : "tester";
    (void) pull;
    g_phase = "client DEALER (good credentials) <-> server ROUTER (bound)";
    if (expect_str (router, SEC_ID, 1) != 0
        || expect_meta (router, "hello", 5, 1, "\"hello\"", user, role, "DEALER") != 0
        || expect_meta (router, "", 0, 1, "empty frame", user, role, "DEALER") != 0
        || expect_tagged (router, "world", 0, 100, 0) != 0)
        return -1;
    if (send_str (router, SEC_ID, 1) != 0 || send_str (router, "re", 1) != 0
        || send_bytes (router, "", 0, 1, "empty frame") != 0 || send_str (router, "ply", 0) != 0)
        return -1;
    if (expect_str (router, SEC_ID, 1) != 0 || expect_tagged (router, "big-up", 0, MIB, 0) != 0)
        return -1;
    if (send_str (router, SEC_ID, 1) != 0 || send_tagged (router, "big-down", 0, MIB, 0) != 0)
        return -1;
    g_phase = kind == SEC_CURVE_NOZAP ? "client PUSH (wrong server key) -> server PULL (bound)"
                                      : "client PUSH (bad credentials) -> server PULL (bound)";
    if (kind == SEC_CURVE_NOZAP) {
        if (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                         ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC, ZMQ_EVENT_HANDSHAKE_SUCCEEDED,
                         "the PULL")
            != 0)
            return -1;
    } else if (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400,
                            ZMQ_EVENT_HANDSHAKE_SUCCEEDED, "the PULL")
               != 0)
        return -1;
    g_phase = "the client's bye";
    return expect_str (router, SEC_ID, 1) != 0 || expect_str (router, "bye", 0) != 0 ? -1 : 0;
}

static int sec_client (void *dealer, void *push, void *mon, enum sec_kind kind)
{
    (void) push;
    g_phase = "client DEALER (good credentials, connected) <-> server ROUTER";
    if (send_str (dealer, "hello", 1) != 0 || send_bytes (dealer, "", 0, 1, "empty frame") != 0
        || send_tagged (dealer, "world", 0, 100, 0) != 0)
        return -1;
    if (expect_meta (dealer, "re", 2, 1, "\"re\"", NULL, NULL, "ROUTER") != 0
        || expect_bytes (dealer, "", 0, 1, "empty frame") != 0
        || expect_str (dealer, "ply", 0) != 0)
        return -1;
    if (send_tagged (dealer, "big-up", 0, MIB, 0) != 0
        || expect_tagged (dealer, "big-down", 0, MIB, 0) != 0)
        return -1;
    g_phase = kind == SEC_CURVE_NOZAP ? "client PUSH (wrong server key, connected) -> server PULL"
                                      : "client PUSH (bad credentials, connected) -> server PULL";
    if (kind == SEC_CURVE_NOZAP) {
        if (await_event (mon, ZMQ_EVENT_DISCONNECTED, -1, ZMQ_EVENT_HANDSHAKE_SUCCEEDED,
                         "the PUSH")
            != 0)
            return -1;
    } else if (await_event (mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400,
                            ZMQ_EVENT_HANDSHAKE_SUCCEEDED, "the PUSH")
               != 0)
        return -1;
    g_phase = "the client's bye";
    return send_str (dealer, "bye", 0);
}

static int scenario_security (enum sec_kind kind)
{
    void *a = new_socket (g_server ? ZMQ_ROUTER : ZMQ_DEALER, "a");
    void *b = a ? new_socket (g_server ? ZMQ_PULL : ZMQ_PUSH, "b") : NULL;
    void *mon;
    int handler = g_server && kind != SEC_CURVE_NOZAP, rc;
    if (b == NULL)
        return -1;
    if (g_server) {
        if (sec_server_setup (a, kind, 32) != 0 || sec_server_setup (b, kind, 41) != 0
            || set_int (a, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY") != 0)
            return -1;
    } else if (set_bytes (a, ZMQ_ROUTING_ID, SEC_ID, "ZMQ_ROUTING_ID") != 0
               || sec_client_setup (a, kind, 1) != 0 || sec_client_setup (b, kind, 0) != 0)
        return -1;
    mon = open_monitor (b, "b");
    if (mon == NULL)
        return -1;
    if (handler && sec_zap_start (kind == SEC_PLAIN ? "PLAIN" : "CURVE") != 0)
        return -1;
    rc = attach (a, 0) != 0 || attach (b, 1) != 0 ? -1 : 0;
    if (rc == 0) {
        announce ();
        rc = g_server ? sec_server (a, b, mon, kind) : sec_client (a, b, mon, kind);
    }
    /* The monitor stops before its reader closes (libzmq's monitor sends block). */
    zmq_socket_monitor (b, NULL, 0);
    if (handler) {
        char want[200];
        if (kind == SEC_PLAIN)
            snprintf (want, sizeof want, "username 5 bytes \"admin\", password 5 bytes \"wrong\"");
        else
            snprintf (want, sizeof want, "public key %s", sec_stranger_public);
        if (rc == 0)
            g_phase = "the server's ZAP handler";
        if (sec_zap_stop (rc == 0, want) != 0)
            rc = -1;
    }
    return rc;
}

static int scenario_plain (void)
{
    return scenario_security (SEC_PLAIN);
}

static int scenario_curve (void)
{
    return scenario_security (SEC_CURVE);
}

static int scenario_curve_nozap (void)
{
    return scenario_security (SEC_CURVE_NOZAP);
}

/* ------------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------------ */
/* draft-router: draft options toward a peer of either library. Each side uses them only when
   its own library has the draft API (zmq_has ("draft")), and says so in its first message; the
   other checks that what it received matches. The server ROUTER sets ZMQ_ROUTER_NOTIFY (an
   empty message when the client comes and when it goes) and ZMQ_HELLO_MSG; the client DEALER
   sets ZMQ_HELLO_MSG. */

#define DRAFT_HELLO_MSG 110
#define DRAFT_ROUTER_NOTIFY 97

/* The next frame into buf (NUL-terminated); its size, or -1. */
static int recv_text (void *s, char *buf, size_t size, const char *what)
{
    zmq_msg_t msg;
    size_t n;
    zmq_msg_init (&msg);
    if (recv_msg (s, &msg, what) != 0) {
        zmq_msg_close (&msg);
        return -1;
    }
    n = zmq_msg_size (&msg) < size - 1 ? zmq_msg_size (&msg) : size - 1;
    memcpy (buf, zmq_msg_data (&msg), n);
    buf[n] = '\0';
    zmq_msg_close (&msg);
    return (int) n;
}

static int draft_router_server (void *r, int draft)
{
    char id[256], body[64];
    int idn, notified = 0, hello = 0, client_draft;
    for (;;) {
        idn = recv_text (r, id, sizeof id, "routing id");
        if (idn < 0 || recv_text (r, body, sizeof body, "message") < 0)
            return -1;
        if (body[0] == '\0')
            notified++;
        else if (strcmp (body, "client-hello") == 0)
            hello++;
        else if (strncmp (body, "ping-", 5) == 0)
            break;
        else {
            error ("unexpected message \"%s\"", body);
            return -1;
        }
    }
    client_draft = strcmp (body, "ping-draft") == 0;
    if (notified != draft || hello != client_draft) {
        error ("ROUTER_NOTIFY messages %d (want %d), client hellos %d (want %d)", notified, draft,
               hello, client_draft);
        return -1;
    }
    if (send_bytes (r, id, (size_t) idn, 1, "routing id") != 0
        || send_str (r, draft ? "pong-draft" : "pong-plain", 0) != 0)
        return -1;
    if (!draft)
        return 0;
    /* The client closes: ZMQ_ROUTER_NOTIFY says so with its routing id. */
    g_phase = "server ROUTER hears the client go (ZMQ_ROUTER_NOTIFY)";
    if (expect_bytes (r, id, (size_t) idn, 1, "routing id of the notification") != 0)
        return -1;
    return expect_bytes (r, "", 0, 0, "disconnect notification");
}

static int draft_router_client (void *d, int draft)
{
    char body[64];
    int hello = 0;
    if (send_str (d, draft ? "ping-draft" : "ping-plain", 0) != 0)
        return -1;
    for (;;) {
        if (recv_text (d, body, sizeof body, "reply") < 0)
            return -1;
        if (strcmp (body, "server-hello") == 0)
            hello++;
        else if (strncmp (body, "pong-", 5) == 0)
            break;
        else {
            error ("unexpected message \"%s\"", body);
            return -1;
        }
    }
    if (hello != (strcmp (body, "pong-draft") == 0)) {
        error ("server hellos %d, reply %s", hello, body);
        return -1;
    }
    return close_socket (d);
}

static int scenario_draft_router (void)
{
    int draft = zmq_has ("draft") == 1;
    void *s = new_socket (g_server ? ZMQ_ROUTER : ZMQ_DEALER, g_server ? "router" : "dealer");
    if (s == NULL)
        return -1;
    if (draft
        && ((g_server && (set_int (s, DRAFT_ROUTER_NOTIFY, 3, "ZMQ_ROUTER_NOTIFY") != 0
                          || set_bytes (s, DRAFT_HELLO_MSG, "server-hello", "ZMQ_HELLO_MSG")
                               != 0))
            || (!g_server && set_bytes (s, DRAFT_HELLO_MSG, "client-hello", "ZMQ_HELLO_MSG"))))
        return -1;
    if (attach (s, 0) != 0)
        return -1;
    announce ();
    g_phase = draft ? "ROUTER and DEALER, this side with draft options"
                    : "ROUTER and DEALER, this side without draft options";
    return g_server ? draft_router_server (s, draft) : draft_router_client (s, draft);
}

struct scenario
{
    const char *name;
    int (*run) (void);
};

static const struct scenario scenarios[] = {
  {"push-pull", scenario_push_pull},       {"req-rep", scenario_req_rep},
  {"req-router", scenario_req_router},     {"dealer-rep", scenario_dealer_rep},
  {"dealer-router", scenario_dealer_router}, {"pub-sub", scenario_pub_sub},
  {"pub-xsub", scenario_pub_xsub},         {"xpub-sub", scenario_xpub_sub},
  {"xpub-xsub", scenario_xpub_xsub},       {"pair", scenario_pair},
  {"heartbeat", scenario_heartbeat},       {"restart", scenario_restart},
  {"plain", scenario_plain},               {"curve", scenario_curve},
  {"curve-nozap", scenario_curve_nozap},   {"draft-router", scenario_draft_router},
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
    fprintf (stderr,
             "usage: %s server|client SCENARIO ENDPOINT[,ENDPOINT...]\n"
             "       %s restarted restart ENDPOINT,ENDPOINT\n       %s list\n",
             argv0, argv0, argv0);
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
    else if (strcmp (argv[1], "restarted") == 0)
        g_server = g_restarted = 1;
    else if (strcmp (argv[1], "client") != 0)
        return usage (argv[0]);
    g_role = argv[1];
    for (i = 0; i < N_SCENARIOS; i++)
        if (strcmp (argv[2], scenarios[i].name) == 0)
            sc = &scenarios[i];
    if (sc == NULL)
        return usage (argv[0]);
    if (g_restarted && sc->run != scenario_restart) {
        fprintf (stderr, "the role restarted is for the scenario restart\n");
        return 2;
    }
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
        if (g_server && !g_restarted && g_n_eps_in > 1) {
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
