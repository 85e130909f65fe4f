/* Many threads on one context. (a) Sockets move between threads: a pool of connected
   pairs (inproc, tcp, ipc) that worker threads take, use and give back, each hand-over
   through a mutex, the full memory barrier zmq_socket(3) asks for. (b) zmq_ctx_term and
   zmq_ctx_shutdown from another thread while threads block in recv, send and poll: each
   gets ETERM, closes its socket, and term returns. (c) Threads creating, binding,
   connecting and closing sockets on one context at the same time, with option reads and
   writes on the context. (d) Zero-copy messages whose free function runs on whichever
   thread drops them. (e) Atomic counters shared by threads.

   Worker threads keep their own counts; only the main thread records checks. This is the
   program the TSan mode of capi-tests/sanitize.sh runs against the library built with
   ThreadSanitizer. */
#include "testutil.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define POOL 6
#define ROUNDS 300 /* per worker */
#define BURST 16   /* messages each way per use of a pair */
#define TERM_ROUNDS 12
#define BLOCKERS 5
#define CHURN 200 /* sockets per churning thread */
#define ZC_MSGS 2000
#define COUNTER_INCS 50000

static void sleep_ms (int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep (&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void set_int (void *s, int opt, int value)
{
    zmq_setsockopt (s, opt, &value, sizeof value);
}

/* A thread's failures: how many, and the first one's call and error. */
typedef struct {
    long errors;
    char first_error[160];
} errors_t;

static void note_error (errors_t *e, const char *what)
{
    if (e->errors++ == 0)
        snprintf (e->first_error, sizeof e->first_error, "%s: %s", what,
                  zmq_strerror (zmq_errno ()));
}

/* ---- (a) sockets moving between threads ------------------------------------------------ */

typedef struct {
    void *a, *b; /* a sends to b (PUSH/PULL) or both ways (PAIR) */
    int both_ways;
    unsigned uses;
    unsigned next_seq; /* the next number a sends; b expects it */
    int busy;
} pair_t;

static pair_t pool[POOL];
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    int id;
    long sent, received, misordered;
    errors_t e;
} worker_t;

/* Sends BURST numbered messages from `from` and receives them on `to`, in order. */
static void burst (worker_t *w, void *from, void *to, unsigned *seq)
{
    unsigned i, got, want = *seq;
    char body[64];
    for (i = 0; i < BURST; i++) {
        unsigned n = *seq + i;
        size_t len = 5 + n % 50;
        memset (body, (int) (n & 0x7f), sizeof body);
        memcpy (body, &n, 4);
        if (zmq_send (from, body, len, 0) != (int) len) {
            note_error (&w->e, "send");
            return;
        }
        w->sent++;
    }
    *seq += BURST;
    for (i = 0; i < BURST; i++) {
        int rc = zmq_recv (to, body, sizeof body, 0);
        if (rc < 4) {
            note_error (&w->e, "recv");
            return;
        }
        memcpy (&got, body, 4);
        if (got != want + i || rc != (int) (5 + got % 50)
            || (unsigned char) body[rc - 1] != (got & 0x7f))
            w->misordered++;
        w->received++;
    }
}

static void *pool_worker (void *arg)
{
    worker_t *w = (worker_t *) arg;
    unsigned r = (unsigned) w->id * 7919u;
    int round;
    for (round = 0; round < ROUNDS; round++) {
        pair_t *p = NULL;
        int k;
        /* Take a free pair: the lock is the hand-over's barrier. */
        while (p == NULL) {
            pthread_mutex_lock (&pool_lock);
            for (k = 0; k < POOL; k++) {
                r = r * 1103515245u + 12345u;
                if (!pool[(r >> 8) % POOL].busy) {
                    p = &pool[(r >> 8) % POOL];
                    p->busy = 1;
                    break;
                }
            }
            pthread_mutex_unlock (&pool_lock);
            if (p == NULL)
                sched_yield ();
        }
        burst (w, p->a, p->b, &p->next_seq);
        if (p->both_ways) {
            /* The reverse direction counts on its own (b's numbers start high). */
            unsigned back = 0x10000000u + p->uses * BURST;
            burst (w, p->b, p->a, &back);
        }
        p->uses++;
        pthread_mutex_lock (&pool_lock);
        p->busy = 0;
        pthread_mutex_unlock (&pool_lock);
    }
    return NULL;
}

static void sockets_move (void *ctx)
{
    pthread_t threads[WORKERS];
    worker_t workers[WORKERS];
    long sent = 0, received = 0, errors = 0, misordered = 0;
    unsigned uses = 0;
    int i;
    char ep[128], detail[200];

    tu_begin ("sockets move between threads (inproc, tcp and ipc pairs)");
    for (i = 0; i < POOL; i++) {
        size_t len = sizeof ep;
        int both = i % 2 == 0;
        pair_t *p = &pool[i];
        memset (p, 0, sizeof *p);
        p->both_ways = both;
        p->a = zmq_socket (ctx, both ? ZMQ_PAIR : ZMQ_PUSH);
        p->b = zmq_socket (ctx, both ? ZMQ_PAIR : ZMQ_PULL);
        set_int (p->a, ZMQ_LINGER, 0);
        set_int (p->b, ZMQ_LINGER, 0);
        set_int (p->a, ZMQ_RCVTIMEO, 5000);
        set_int (p->b, ZMQ_RCVTIMEO, 5000);
        set_int (p->a, ZMQ_SNDTIMEO, 5000);
        switch (i % 3) {
        case 0:
            snprintf (ep, sizeof ep, "inproc://stress-pool-%d", i);
            break;
        case 1:
            snprintf (ep, sizeof ep, "tcp://127.0.0.1:*");
            break;
        default:
            snprintf (ep, sizeof ep, "ipc:///tmp/zmq-stress-%d-%d.sock", (int) getpid (), i);
            break;
        }
        CHECK_OK (zmq_bind (p->b, ep));
        zmq_getsockopt (p->b, ZMQ_LAST_ENDPOINT, ep, &len);
        CHECK_OK (zmq_connect (p->a, ep));
    }
    for (i = 0; i < WORKERS; i++) {
        memset (&workers[i], 0, sizeof workers[i]);
        workers[i].id = i + 1;
        pthread_create (&threads[i], NULL, pool_worker, &workers[i]);
    }
    for (i = 0; i < WORKERS; i++) {
        pthread_join (threads[i], NULL);
        sent += workers[i].sent;
        received += workers[i].received;
        errors += workers[i].e.errors;
        misordered += workers[i].misordered;
        if (workers[i].e.errors)
            printf ("worker %d: %s\n", i + 1, workers[i].e.first_error);
    }
    for (i = 0; i < POOL; i++) {
        uses += pool[i].uses;
        zmq_close (pool[i].a);
        zmq_close (pool[i].b);
        if (i % 3 == 2) {
            snprintf (ep, sizeof ep, "/tmp/zmq-stress-%d-%d.sock", (int) getpid (), i);
            unlink (ep);
        }
    }
    printf ("%u uses of %d pairs by %d threads: %ld messages sent, %ld received\n", uses,
            POOL, WORKERS, sent, received);
    snprintf (detail, sizeof detail, "%ld errors", errors);
    tu_record (errors == 0, __FILE__, __LINE__, "no send or receive fails", detail);
    CHECK_EQ (misordered, 0);
    CHECK_EQ (uses, (unsigned) (WORKERS * ROUNDS));
    CHECK_EQ (received, sent);
}

/* ---- (b) term from another thread -------------------------------------------------------- */

typedef struct {
    void *ctx;
    int kind; /* 0 recv on REP, 1 recv on PULL, 2 send on PUSH with no peer, 3 poll, 4 msg_recv */
    int rc, err;
    pthread_mutex_t *lock;
    int *ready;
} blocker_t;

static void *blocker (void *arg)
{
    blocker_t *b = (blocker_t *) arg;
    static const int types[BLOCKERS] = {ZMQ_REP, ZMQ_PULL, ZMQ_PUSH, ZMQ_SUB, ZMQ_DEALER};
    void *s = zmq_socket (b->ctx, types[b->kind]);
    char buf[8];
    if (s == NULL) {
        b->rc = -2;
        b->err = zmq_errno ();
        pthread_mutex_lock (b->lock);
        (*b->ready)++;
        pthread_mutex_unlock (b->lock);
        return NULL;
    }
    set_int (s, ZMQ_LINGER, 0);
    pthread_mutex_lock (b->lock);
    (*b->ready)++;
    pthread_mutex_unlock (b->lock);
    switch (b->kind) {
    case 0:
    case 1:
        b->rc = zmq_recv (s, buf, sizeof buf, 0);
        break;
    case 2:
        b->rc = zmq_send (s, "x", 1, 0);
        break;
    case 3: {
        zmq_pollitem_t item;
        memset (&item, 0, sizeof item);
        item.socket = s;
        item.events = ZMQ_POLLIN;
        b->rc = zmq_poll (&item, 1, -1);
        break;
    }
    default: {
        zmq_msg_t m;
        zmq_msg_init (&m);
        b->rc = zmq_msg_recv (&m, s, 0);
        zmq_msg_close (&m);
        break;
    }
    }
    b->err = zmq_errno ();
    zmq_close (s);
    return NULL;
}

typedef struct {
    void *ctx;
    int shutdown_first;
    int rc;
} terminator_t;

static void *terminator (void *arg)
{
    terminator_t *t = (terminator_t *) arg;
    if (t->shutdown_first)
        zmq_ctx_shutdown (t->ctx);
    t->rc = zmq_ctx_term (t->ctx);
    return NULL;
}

static void term_from_another_thread (void)
{
    int round, i, eterm = 0, other = 0, term_ok = 0;
    char detail[160] = "";

    tu_begin ("zmq_ctx_term and zmq_ctx_shutdown from another thread end blocked calls");
    for (round = 0; round < TERM_ROUNDS; round++) {
        pthread_t threads[BLOCKERS], tt;
        blocker_t b[BLOCKERS];
        terminator_t t;
        pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        int ready = 0, n;
        void *ctx = zmq_ctx_new ();
        for (i = 0; i < BLOCKERS; i++) {
            memset (&b[i], 0, sizeof b[i]);
            b[i].ctx = ctx;
            b[i].kind = i;
            b[i].lock = &lock;
            b[i].ready = &ready;
            pthread_create (&threads[i], NULL, blocker, &b[i]);
        }
        do {
            sleep_ms (1);
            pthread_mutex_lock (&lock);
            n = ready;
            pthread_mutex_unlock (&lock);
        } while (n < BLOCKERS);
        sleep_ms (round % 4 * 5); /* sometimes before the calls block, mostly after */
        t.ctx = ctx;
        t.shutdown_first = round % 2;
        t.rc = -7;
        pthread_create (&tt, NULL, terminator, &t);
        for (i = 0; i < BLOCKERS; i++) {
            pthread_join (threads[i], NULL);
            if (b[i].rc == -1 && b[i].err == ETERM)
                eterm++;
            else {
                other++;
                if (!*detail)
                    snprintf (detail, sizeof detail, "round %d, blocker %d: rc %d, %s", round,
                              i, b[i].rc, zmq_strerror (b[i].err));
            }
        }
        pthread_join (tt, NULL);
        if (t.rc == 0)
            term_ok++;
        pthread_mutex_destroy (&lock);
    }
    printf ("%d rounds of %d blocked threads: %d ended with ETERM\n", TERM_ROUNDS, BLOCKERS,
            eterm);
    tu_record (other == 0, __FILE__, __LINE__, "every blocked call ends with ETERM", detail);
    CHECK_EQ (term_ok, TERM_ROUNDS);
}

/* ---- (c) socket churn on one context ------------------------------------------------------- */

typedef struct {
    void *ctx;
    int id;
    errors_t e;
} churner_t;

/* Each round: a PULL bound on an inproc name of its own and a PUSH connected to it (in
   either order), one message through, both closed; every fourth round over tcp. */
static void *churner (void *arg)
{
    churner_t *c = (churner_t *) arg;
    int i;
    for (i = 0; i < CHURN; i++) {
        char ep[128], buf[16];
        size_t len = sizeof ep;
        void *pull = zmq_socket (c->ctx, ZMQ_PULL), *push = zmq_socket (c->ctx, ZMQ_PUSH);
        int connect_first = i % 3 == 1 && i % 4 != 0;
        if (pull == NULL || push == NULL) {
            note_error (&c->e, "zmq_socket");
            if (pull)
                zmq_close (pull);
            if (push)
                zmq_close (push);
            continue;
        }
        set_int (pull, ZMQ_LINGER, 0);
        set_int (push, ZMQ_LINGER, 0);
        set_int (pull, ZMQ_RCVTIMEO, 5000);
        if (i % 4 == 0)
            snprintf (ep, sizeof ep, "tcp://127.0.0.1:*");
        else
            snprintf (ep, sizeof ep, "inproc://churn-%d-%d", c->id, i);
        if (connect_first && zmq_connect (push, ep) != 0)
            note_error (&c->e, "connect before bind");
        if (zmq_bind (pull, ep) != 0)
            note_error (&c->e, "bind");
        zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
        if (!connect_first && zmq_connect (push, ep) != 0)
            note_error (&c->e, "connect");
        if (zmq_send (push, "churn", 5, 0) != 5)
            note_error (&c->e, "send");
        else if (zmq_recv (pull, buf, sizeof buf, 0) != 5)
            note_error (&c->e, "recv");
        if (i % 5 == 0 && zmq_unbind (pull, ep) != 0)
            note_error (&c->e, "unbind");
        zmq_close (push);
        zmq_close (pull);
    }
    return NULL;
}

static volatile int option_reader_stop;

static void *option_reader (void *arg)
{
    void *ctx = arg;
    long reads = 0;
    while (!__atomic_load_n (&option_reader_stop, __ATOMIC_ACQUIRE)) {
        if (zmq_ctx_get (ctx, ZMQ_IO_THREADS) < 1 || zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS) < 1)
            return (void *) 1;
        zmq_ctx_set (ctx, ZMQ_BLOCKY, (int) (reads & 1));
        reads++;
        sched_yield ();
    }
    return NULL;
}

static void socket_churn (void *ctx)
{
    pthread_t threads[WORKERS], reader;
    churner_t c[WORKERS];
    long errors = 0;
    void *reader_rc = NULL;
    int i;
    char detail[200] = "";

    tu_begin ("threads create, bind, connect and close sockets on one context");
    __atomic_store_n (&option_reader_stop, 0, __ATOMIC_RELEASE);
    pthread_create (&reader, NULL, option_reader, ctx);
    for (i = 0; i < WORKERS; i++) {
        memset (&c[i], 0, sizeof c[i]);
        c[i].ctx = ctx;
        c[i].id = i;
        pthread_create (&threads[i], NULL, churner, &c[i]);
    }
    for (i = 0; i < WORKERS; i++) {
        pthread_join (threads[i], NULL);
        errors += c[i].e.errors;
        if (c[i].e.errors && !*detail)
            snprintf (detail, sizeof detail, "thread %d: %s", i, c[i].e.first_error);
    }
    __atomic_store_n (&option_reader_stop, 1, __ATOMIC_RELEASE);
    pthread_join (reader, &reader_rc);
    printf ("%d threads, %d socket pairs each\n", WORKERS, CHURN);
    tu_record (errors == 0, __FILE__, __LINE__, "every socket opened, carried and closed",
               detail);
    CHECK (reader_rc == NULL);
}

/* ---- (d) zero-copy messages freed by any thread ----------------------------------------- */

static int zc_freed;

static void zc_free (void *data, void *hint)
{
    (void) hint;
    free (data);
    __atomic_fetch_add (&zc_freed, 1, __ATOMIC_ACQ_REL);
}

typedef struct {
    void *pull;
    int n;
    long received;
} zc_reader_t;

static void *zc_reader (void *arg)
{
    zc_reader_t *r = (zc_reader_t *) arg;
    int i;
    for (i = 0; i < r->n; i++) {
        zmq_msg_t m;
        zmq_msg_init (&m);
        if (zmq_msg_recv (&m, r->pull, 0) < 0) {
            zmq_msg_close (&m);
            break;
        }
        r->received++;
        zmq_msg_close (&m);
    }
    return NULL;
}

static void zero_copy_messages (void)
{
    void *ctx = zmq_ctx_new ();
    int t, i, sent = 0;
    long received = 0;
    char detail[120];

    tu_begin ("zero-copy messages are freed once, by whichever thread drops them");
    __atomic_store_n (&zc_freed, 0, __ATOMIC_RELEASE);
    for (t = 0; t < 2; t++) {
        void *push = zmq_socket (ctx, ZMQ_PUSH), *pull = zmq_socket (ctx, ZMQ_PULL);
        char ep[128];
        size_t len = sizeof ep;
        pthread_t reader;
        zc_reader_t r;
        set_int (pull, ZMQ_RCVTIMEO, 5000);
        set_int (push, ZMQ_SNDTIMEO, 5000);
        CHECK_OK (zmq_bind (pull, t == 0 ? "inproc://stress-zc" : "tcp://127.0.0.1:*"));
        zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
        CHECK_OK (zmq_connect (push, ep));
        memset (&r, 0, sizeof r);
        r.pull = pull;
        r.n = ZC_MSGS;
        pthread_create (&reader, NULL, zc_reader, &r);
        for (i = 0; i < ZC_MSGS; i++) {
            size_t size = i % 7 == 0 ? 70000 : (size_t) (1 + i % 300);
            char *data = (char *) malloc (size);
            zmq_msg_t m;
            memset (data, 'z', size);
            if (zmq_msg_init_data (&m, data, size, zc_free, NULL) != 0) {
                free (data);
                break;
            }
            if (zmq_msg_send (&m, push, 0) < 0) {
                zmq_msg_close (&m);
                break;
            }
            sent++;
        }
        pthread_join (reader, NULL);
        received += r.received;
        zmq_close (push);
        zmq_close (pull);
    }
    CHECK_OK (zmq_ctx_term (ctx));
    snprintf (detail, sizeof detail, "%d sent, %d freed", sent,
              __atomic_load_n (&zc_freed, __ATOMIC_ACQUIRE));
    CHECK_EQ (sent, 2 * ZC_MSGS);
    CHECK_EQ (received, 2 * ZC_MSGS);
    tu_record (__atomic_load_n (&zc_freed, __ATOMIC_ACQUIRE) == sent, __FILE__, __LINE__,
               "each free function ran once by the end of zmq_ctx_term", detail);
}

/* ---- (e) atomic counters ---------------------------------------------------------------- */

static void *counter_incs (void *arg)
{
    int i;
    for (i = 0; i < COUNTER_INCS; i++) {
        zmq_atomic_counter_inc (arg);
        if (i % 2)
            zmq_atomic_counter_dec (arg);
    }
    return NULL;
}

static void atomic_counters (void)
{
    pthread_t threads[WORKERS];
    void *counter = zmq_atomic_counter_new ();
    int i;

    tu_begin ("atomic counters shared by threads");
    CHECK_NOT_NULL (counter);
    for (i = 0; i < WORKERS; i++)
        pthread_create (&threads[i], NULL, counter_incs, counter);
    for (i = 0; i < WORKERS; i++)
        pthread_join (threads[i], NULL);
    CHECK_EQ (zmq_atomic_counter_value (counter), WORKERS * (COUNTER_INCS / 2));
    zmq_atomic_counter_destroy (&counter);
    CHECK_NULL (counter);
}

int main (void)
{
    void *ctx;
    tu_init ();
    ctx = zmq_ctx_new ();
    sockets_move (ctx);
    socket_churn (ctx);
    CHECK_OK (zmq_ctx_term (ctx));
    term_from_another_thread ();
    zero_copy_messages ();
    atomic_counters ();
    return tu_finish ();
}
