/* Soak: every pattern under load over inproc, ipc and tcp at once, for a given time, with the
   process's resident memory sampled as it goes. It must stay flat.

   Usage: soak SECONDS [INTERVAL_SECONDS]

   One thread per pattern and transport drives both ends in lock-step rounds: REQ/REP,
   PUB/SUB (an XPUB and a SUB with two of three topics), PUSH/PULL, PAIR both ways,
   DEALER/ROUTER, and REQ -> ROUTER | zmq_proxy_steerable | DEALER -> REP. Sizes cycle through
   8 B, 64 B, 1 KiB and 64 KiB, with a 1 MiB message now and then. Every CHURN_ROUNDS rounds
   the pair is closed and opened again on a new endpoint (for the proxy, the client), so
   connection set-up and teardown are soaked too. Each pair runs at most ROUNDS_PER_S rounds
   a second, so that every transport gets its share of the CPU. Every message is checked (sequence number,
   size, last byte); a timeout or a wrong message is an error and the pair is reopened.

   Memory: the RSS of the process every INTERVAL seconds, with the messages carried. After a
   warm-up (the first quarter), the curve is FLAT when the median of its last three samples
   is within max(2 MiB, 5%) of the median of its first three. Exits 0 when flat and no error
   happened. */
#include "../testutil.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define ROUND 20         /* messages each way per round */
#define ROUNDS_PER_S 100 /* per pattern and transport: inproc would take all the CPU else */
#define CHURN_ROUNDS 150 /* rounds between reopenings */
#define BIG (1024 * 1024)
#define TIMEOUT_MS 5000
#define MAX_SAMPLES 4096

enum { REQREP, PUBSUB, PUSHPULL, PAIR, DEALERROUTER, PROXY, PATTERNS };
static const char *const pattern_names[PATTERNS] = {"req-rep",   "pub-sub",       "push-pull",
                                                    "pair",      "dealer-router", "proxy"};
static const char *const transports[3] = {"inproc", "ipc", "tcp"};

static void *ctx;
static int stop_flag;
static long total_msgs;

static int stopping (void)
{
    return __atomic_load_n (&stop_flag, __ATOMIC_ACQUIRE);
}

static long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_int (void *s, int opt, int value)
{
    zmq_setsockopt (s, opt, &value, sizeof value);
}

static void *new_socket (int type)
{
    void *s = zmq_socket (ctx, type);
    if (s != NULL) {
        set_int (s, ZMQ_LINGER, 0);
        set_int (s, ZMQ_RCVTIMEO, TIMEOUT_MS);
        set_int (s, ZMQ_SNDTIMEO, TIMEOUT_MS);
    }
    return s;
}

/* Binds s on a new endpoint of transport tr named after tag and gen; the endpoint bound
   (with its port for tcp) goes to ep. */
static int bind_new (void *s, int tr, const char *tag, int gen, char *ep, size_t cap)
{
    size_t len = cap;
    if (tr == 0)
        snprintf (ep, cap, "inproc://soak-%s-%d", tag, gen);
    else if (tr == 1)
        snprintf (ep, cap, "ipc:///tmp/zmq-soak-%d-%s-%d.sock", (int) getpid (), tag, gen);
    else
        snprintf (ep, cap, "tcp://127.0.0.1:*");
    if (zmq_bind (s, ep) != 0)
        return -1;
    return zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len);
}

static void unlink_ipc (const char *ep)
{
    if (strncmp (ep, "ipc://", 6) == 0)
        unlink (ep + 6);
}

/* ---- messages -------------------------------------------------------------------------- */

static size_t size_of (unsigned seq)
{
    static const size_t sizes[4] = {8, 64, 1024, 65536};
    return seq % 397 == 396 ? BIG : sizes[seq % 4];
}

/* Byte 0 is the tag (the topic for pub-sub), bytes 1-4 the sequence number, the last byte
   its low bits; the rest is left as it is. */
static size_t fill (unsigned char *buf, unsigned char tag, unsigned seq)
{
    size_t size = size_of (seq);
    buf[0] = tag;
    memcpy (buf + 1, &seq, 4);
    buf[size - 1] = (unsigned char) (seq * 7 + 1);
    return size;
}

static int good (const unsigned char *buf, int got, unsigned char tag, unsigned seq)
{
    unsigned have;
    if (got < 0 || (size_t) got != size_of (seq) || buf[0] != tag)
        return 0;
    memcpy (&have, buf + 1, 4);
    return have == seq && buf[got - 1] == (unsigned char) (seq * 7 + 1);
}

/* ---- one pattern on one transport -------------------------------------------------------- */

typedef struct {
    int pattern, tr;
    void *a, *b;          /* a connects, b binds (for the proxy: REQ and REP, both connect) */
    char ep[128];         /* where b is bound */
    const char *front_ep; /* the proxy's endpoints */
    const char *back_ep;
    int gen;
    unsigned seq;
    long msgs, errors, reopens;
    char first_error[200];
    unsigned char *out, *in;
} job_t;

static int fail (job_t *j, const char *what)
{
    if (j->errors++ == 0)
        snprintf (j->first_error, sizeof j->first_error, "%s (round seq %u): %s", what, j->seq,
                  zmq_strerror (zmq_errno ()));
    return -1;
}

static void close_job (job_t *j, int keep_b)
{
    if (j->a)
        zmq_close (j->a);
    j->a = NULL;
    if (j->b && !keep_b) {
        zmq_close (j->b);
        j->b = NULL;
        unlink_ipc (j->ep);
    }
}

static int open_job (job_t *j)
{
    static const int a_type[PATTERNS] = {ZMQ_REQ, ZMQ_SUB, ZMQ_PUSH, ZMQ_PAIR, ZMQ_DEALER, ZMQ_REQ};
    static const int b_type[PATTERNS] = {ZMQ_REP,  ZMQ_XPUB,   ZMQ_PULL,
                                         ZMQ_PAIR, ZMQ_ROUTER, ZMQ_REP};
    char tag[32];
    j->gen++;
    snprintf (tag, sizeof tag, "%s", pattern_names[j->pattern]);
    j->a = new_socket (a_type[j->pattern]);
    if (j->a == NULL)
        return fail (j, "zmq_socket");
    if (j->pattern == PROXY) {
        /* The worker stays; the client comes and goes. */
        if (j->b == NULL) {
            j->b = new_socket (ZMQ_REP);
            if (j->b == NULL || zmq_connect (j->b, j->back_ep) != 0)
                return fail (j, "connect the worker");
        }
        if (zmq_connect (j->a, j->front_ep) != 0)
            return fail (j, "connect the client");
        return 0;
    }
    j->b = new_socket (b_type[j->pattern]);
    if (j->b == NULL)
        return fail (j, "zmq_socket");
    if (bind_new (j->b, j->tr, tag, j->gen, j->ep, sizeof j->ep) != 0)
        return fail (j, "bind");
    if (zmq_connect (j->a, j->ep) != 0)
        return fail (j, "connect");
    if (j->pattern == PUBSUB) {
        /* Topics A and C; the XPUB sees both subscriptions before the first round. */
        int k;
        zmq_setsockopt (j->a, ZMQ_SUBSCRIBE, "A", 1);
        zmq_setsockopt (j->a, ZMQ_SUBSCRIBE, "C", 1);
        for (k = 0; k < 2; k++)
            if (zmq_recv (j->b, j->in, 16, 0) != 2)
                return fail (j, "subscriptions");
    }
    return 0;
}

static int send_seq (job_t *j, void *s, unsigned char tag, unsigned seq)
{
    size_t size = fill (j->out, tag, seq);
    return zmq_send (s, j->out, size, 0) == (int) size ? 0 : fail (j, "send");
}

static int recv_seq (job_t *j, void *s, unsigned char tag, unsigned seq)
{
    int got = zmq_recv (s, j->in, BIG, 0);
    if (!good (j->in, got, tag, seq))
        return got < 0 ? fail (j, "recv") : fail (j, "a wrong message");
    j->msgs++;
    return 0;
}

/* n messages from `from` to `to`, numbered from seq. */
static int stream (job_t *j, void *from, void *to, unsigned seq, int n)
{
    int k;
    for (k = 0; k < n; k++)
        if (send_seq (j, from, 'm', seq + (unsigned) k) != 0)
            return -1;
    for (k = 0; k < n; k++)
        if (recv_seq (j, to, 'm', seq + (unsigned) k) != 0)
            return -1;
    return 0;
}

static int round_trip (job_t *j, void *req, void *rep, unsigned seq)
{
    if (send_seq (j, req, 'q', seq) != 0 || recv_seq (j, rep, 'q', seq) != 0)
        return -1;
    if (send_seq (j, rep, 'r', seq) != 0 || recv_seq (j, req, 'r', seq) != 0)
        return -1;
    return 0;
}

static int run_round (job_t *j)
{
    unsigned seq = j->seq;
    int k;
    switch (j->pattern) {
    case REQREP:
    case PROXY:
        for (k = 0; k < ROUND / 2; k++)
            if (round_trip (j, j->a, j->b, seq + (unsigned) k) != 0)
                return -1;
        break;
    case PUBSUB:
        /* Topics A, B, C in turn; the subscriber gets A and C, in order. */
        for (k = 0; k < 3 * ROUND / 2; k++)
            if (send_seq (j, j->b, (unsigned char) ('A' + k % 3), seq + (unsigned) k) != 0)
                return -1;
        for (k = 0; k < 3 * ROUND / 2; k++)
            if (k % 3 != 1 && recv_seq (j, j->a, (unsigned char) ('A' + k % 3), seq + (unsigned) k) != 0)
                return -1;
        break;
    case PUSHPULL:
        return stream (j, j->a, j->b, seq, ROUND);
    case PAIR:
        return stream (j, j->a, j->b, seq, ROUND) || stream (j, j->b, j->a, seq + ROUND, ROUND)
                 ? -1
                 : 0;
    case DEALERROUTER:
        for (k = 0; k < ROUND; k++)
            if (send_seq (j, j->a, 'd', seq + (unsigned) k) != 0)
                return -1;
        for (k = 0; k < ROUND; k++) {
            char id[256];
            int idlen = zmq_recv (j->b, id, sizeof id, 0);
            if (idlen <= 0)
                return fail (j, "recv the routing id");
            if (recv_seq (j, j->b, 'd', seq + (unsigned) k) != 0)
                return -1;
            if (zmq_send (j->b, id, (size_t) idlen, ZMQ_SNDMORE) != idlen
                || send_seq (j, j->b, 'd', seq + (unsigned) k) != 0)
                return fail (j, "reply");
        }
        for (k = 0; k < ROUND; k++)
            if (recv_seq (j, j->a, 'd', seq + (unsigned) k) != 0)
                return -1;
        break;
    }
    return 0;
}

static void *run_job (void *arg)
{
    job_t *j = (job_t *) arg;
    long rounds = 0, last = 0;
    j->out = (unsigned char *) malloc (BIG);
    j->in = (unsigned char *) malloc (BIG);
    memset (j->out, 0x5a, BIG);
    if (open_job (j) != 0) {
        close_job (j, 0);
        j->reopens++;
        open_job (j);
    }
    long long start = now_ms ();
    while (!stopping ()) {
        int rc;
        if (rounds > (now_ms () - start) * ROUNDS_PER_S / 1000) {
            usleep (2000);
            continue;
        }
        rc = run_round (j);
        j->seq += 2 * ROUND * 2;
        __atomic_fetch_add (&total_msgs, j->msgs - last, __ATOMIC_RELAXED);
        last = j->msgs;
        if (rc != 0 || ++rounds % CHURN_ROUNDS == 0) {
            /* After an error both ends start over, the proxy's worker too. */
            close_job (j, j->pattern == PROXY && rc == 0);
            j->reopens++;
            if (open_job (j) != 0)
                sleep (1);
        }
    }
    close_job (j, 0);
    free (j->out);
    free (j->in);
    return NULL;
}

/* ---- proxies ---------------------------------------------------------------------------- */

typedef struct {
    int tr;
    char front[128], back[128], control[64];
    void *frontend, *backend;
    int rc;
} proxy_t;

static void *run_proxy (void *arg)
{
    proxy_t *p = (proxy_t *) arg;
    void *control = zmq_socket (ctx, ZMQ_PAIR);
    zmq_connect (control, p->control);
    p->rc = zmq_proxy_steerable (p->frontend, p->backend, NULL, control);
    zmq_close (control);
    return NULL;
}

/* ---- memory ------------------------------------------------------------------------------ */

static double rss_mib (void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen ("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose (f);
    return resident < 0 ? -1 : (double) resident * (double) sysconf (_SC_PAGESIZE) / 1048576.0;
}

static int cmp_double (const void *x, const void *y)
{
    double a = *(const double *) x, b = *(const double *) y;
    return a < b ? -1 : a > b;
}

static double median3 (const double *v)
{
    double s[3];
    memcpy (s, v, sizeof s);
    qsort (s, 3, sizeof s[0], cmp_double);
    return s[1];
}

int main (int argc, char **argv)
{
    int seconds = argc > 1 ? atoi (argv[1]) : 60;
    int interval = argc > 2 ? atoi (argv[2]) : 5;
    job_t jobs[3 * PATTERNS];
    pthread_t threads[3 * PATTERNS], proxy_threads[3];
    proxy_t proxies[3];
    void *controls[3];
    double rss[MAX_SAMPLES], secs[MAX_SAMPLES];
    int n = 0, i, first, flat, errors = 0;
    long long t0;
    long msgs_before = 0;

    tu_init ();
    if (seconds < 4 * interval || interval < 1) {
        printf ("soak: SECONDS must be at least 4 intervals\n");
        return 2;
    }
    ctx = zmq_ctx_new ();
    for (i = 0; i < 3; i++) {
        proxy_t *p = &proxies[i];
        memset (p, 0, sizeof *p);
        p->tr = i;
        p->frontend = new_socket (ZMQ_ROUTER);
        p->backend = new_socket (ZMQ_DEALER);
        if (bind_new (p->frontend, i, "front", 0, p->front, sizeof p->front) != 0
            || bind_new (p->backend, i, "back", 0, p->back, sizeof p->back) != 0) {
            printf ("soak: the %s proxy cannot bind: %s\n", transports[i], zmq_strerror (errno));
            return 2;
        }
        snprintf (p->control, sizeof p->control, "inproc://soak-control-%d", i);
        controls[i] = zmq_socket (ctx, ZMQ_PAIR);
        zmq_bind (controls[i], p->control);
        pthread_create (&proxy_threads[i], NULL, run_proxy, p);
    }
    for (i = 0; i < 3 * PATTERNS; i++) {
        job_t *j = &jobs[i];
        memset (j, 0, sizeof *j);
        j->pattern = i % PATTERNS;
        j->tr = i / PATTERNS;
        j->front_ep = proxies[j->tr].front;
        j->back_ep = proxies[j->tr].back;
        pthread_create (&threads[i], NULL, run_job, j);
    }

    printf ("%d patterns x 3 transports for %d s, RSS every %d s\n", PATTERNS, seconds, interval);
    printf ("%8s %10s %14s %12s\n", "time s", "RSS MiB", "messages", "msg/s");
    t0 = now_ms ();
    while (n < MAX_SAMPLES && now_ms () - t0 < (long long) seconds * 1000) {
        long msgs;
        long long next = t0 + (long long) (n + 1) * interval * 1000;
        while (now_ms () < next)
            usleep (20000);
        msgs = __atomic_load_n (&total_msgs, __ATOMIC_RELAXED);
        secs[n] = (double) (now_ms () - t0) / 1000.0;
        rss[n] = rss_mib ();
        printf ("%8.0f %10.1f %14ld %12.0f\n", secs[n], rss[n], msgs,
                (double) (msgs - msgs_before) / interval);
        msgs_before = msgs;
        n++;
    }
    __atomic_store_n (&stop_flag, 1, __ATOMIC_RELEASE);
    for (i = 0; i < 3 * PATTERNS; i++)
        pthread_join (threads[i], NULL);
    for (i = 0; i < 3; i++) {
        zmq_send (controls[i], "TERMINATE", 9, 0);
        pthread_join (proxy_threads[i], NULL);
        zmq_close (controls[i]);
        zmq_close (proxies[i].frontend);
        zmq_close (proxies[i].backend);
        unlink_ipc (proxies[i].front);
        unlink_ipc (proxies[i].back);
    }
    zmq_ctx_term (ctx);

    printf ("\n%-14s %-7s %12s %8s %7s\n", "pattern", "over", "messages", "reopens", "errors");
    for (i = 0; i < 3 * PATTERNS; i++) {
        job_t *j = &jobs[i];
        printf ("%-14s %-7s %12ld %8ld %7ld %s\n", pattern_names[j->pattern],
                transports[j->tr], j->msgs, j->reopens, j->errors, j->first_error);
        errors += (int) j->errors;
    }

    /* The curve after the warm-up. */
    first = n / 4;
    {
        double base = median3 (&rss[first]), end = median3 (&rss[n - 3]);
        double allowed = base * 0.05 > 2.0 ? base * 0.05 : 2.0;
        double sx = 0, sy = 0, sxx = 0, sxy = 0, slope;
        int m = n - first;
        for (i = first; i < n; i++) {
            sx += secs[i];
            sy += rss[i];
            sxx += secs[i] * secs[i];
            sxy += secs[i] * rss[i];
        }
        slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
        flat = end - base <= allowed;
        printf ("\nRSS after the warm-up (from %.0f s): %.1f MiB, at the end %.1f MiB "
                "(%+.1f MiB, allowed %.1f); trend %+.0f KiB/min\n",
                secs[first], base, end, end - base, allowed, slope * 60.0 * 1024.0);
        {
            double peak = 0;
            for (i = 0; i < n; i++)
                if (rss[i] > peak)
                    peak = rss[i];
            printf ("peak RSS %.1f MiB; %ld messages, %d errors\n", peak, total_msgs, errors);
        }
    }
    printf ("soak: %s, %s\n", flat ? "RSS FLAT" : "RSS GROWS", errors ? "ERRORS" : "no errors");
    return flat && errors == 0 ? 0 : 1;
}
