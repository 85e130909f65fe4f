/*
 * Misuse of the C API: NULL, closed, terminated and wrong-type handles, bad option sizes
 * and values, invalid endpoints, messages used after zmq_msg_close, calls out of order for
 * the socket type, and contexts terminated under blocked threads.
 *
 * Every case runs in a process of its own (fork), under a 5 s deadline, so that a library
 * which aborts, faults or blocks on misuse has that recorded instead of ending the run. The
 * child reports the return value, errno and whether both are what libzmq 4.3 documents
 * through a pipe; the parent prints one line per case:
 *
 *   case-name  expected=<rc/errno>  got=<rc/errno | CRASH signal N | HANG>  ok|MISMATCH|CRASH|HANG
 *
 * then "misuse: N cases, A crashes/hangs, M errno mismatches". The exit status is 0 only
 * when every case is ok.
 *
 * Where libzmq 4.3 documents no error for a misuse because it asserts or reads freed memory,
 * the expected answer follows its own conventions: ENOTSOCK for anything that is not an open
 * socket, EFAULT for a context that is not live, a message that is not initialised and a
 * NULL data pointer, EINVAL for option and endpoint arguments.
 *
 * The first thing main does is prove which library it runs on (ZMQ_EXPECT_LIB, as in
 * capi-tests/testutil.h). Options: -l lists the case names, -k NAME runs only the cases
 * whose name contains NAME, -j N runs N cases at a time (default 8), -v shows what a
 * crashed case wrote to stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "../testutil.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANY_ERRNO (-424242)  /* errno is not checked (the call succeeds) */
#define SETUP_RC (-999999)   /* the case could not set itself up */
#define CASE_DEADLINE_MS 5000
#define STDERR_KEEP 240

/* ---- outcomes -------------------------------------------------------------------------- */

typedef enum { R_INT, R_PTR, R_VOID } rkind_t;

/* What a child sends back: one write, well under PIPE_BUF. */
typedef struct {
    long long rc; /* R_PTR: 1 for a non-NULL pointer, 0 for NULL */
    int err;
    int matched;
    char note[160]; /* a secondary check that failed, or why the setup failed */
} outcome_t;

typedef void (*case_fn) (outcome_t *);

typedef struct {
    const char *name;
    case_fn fn;
    rkind_t kind;
    long long want_rc;
    int want_err;
} case_t;

static const char *errno_name (int e)
{
    static char other[32];
    switch (e) {
        case 0: return "0";
        case EINVAL: return "EINVAL";
        case EFAULT: return "EFAULT";
        case ENOTSOCK: return "ENOTSOCK";
        case ETERM: return "ETERM";
        case EFSM: return "EFSM";
        case ENOTSUP: return "ENOTSUP";
        case EAGAIN: return "EAGAIN";
        case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
        case ENOCOMPATPROTO: return "ENOCOMPATPROTO";
        case EADDRINUSE: return "EADDRINUSE";
        case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
        case ENODEV: return "ENODEV";
        case ENOENT: return "ENOENT";
        case ENAMETOOLONG: return "ENAMETOOLONG";
        case ENOMEM: return "ENOMEM";
        case EHOSTUNREACH: return "EHOSTUNREACH";
        case EMTHREAD: return "EMTHREAD";
        case EINTR: return "EINTR";
        case EMFILE: return "EMFILE";
        case EBADF: return "EBADF";
        default:
            snprintf (other, sizeof other, "errno %d", e);
            return other;
    }
}

static void sleep_ms (int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
        ;
}

static long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Records an int-returning call: errno is cleared first and read right after. */
#define RET_INT(o, call)                                                                   \
    do {                                                                                   \
        long long r_;                                                                      \
        errno = 0;                                                                         \
        r_ = (long long) (call);                                                           \
        (o)->err = errno;                                                                  \
        (o)->rc = r_;                                                                      \
    } while (0)

/* Records a pointer-returning call as 1 (non-NULL) or 0 (NULL). */
#define RET_PTR(o, call)                                                                   \
    do {                                                                                   \
        const void *p_;                                                                    \
        errno = 0;                                                                         \
        p_ = (const void *) (call);                                                        \
        (o)->err = errno;                                                                  \
        (o)->rc = p_ != NULL;                                                              \
    } while (0)

/* Records a call that returns nothing: reaching the next line is the result. */
#define RET_VOID(o, call)                                                                  \
    do {                                                                                   \
        errno = 0;                                                                         \
        call;                                                                              \
        (o)->err = errno;                                                                  \
        (o)->rc = 0;                                                                       \
    } while (0)

static void setup_failed (outcome_t *o, const char *what)
{
    o->err = errno;
    o->rc = SETUP_RC;
    snprintf (o->note, sizeof o->note, "setup failed: %s (%s)", what, errno_name (o->err));
}

/* Leaves the case when a setup step failed. */
#define NEED(cond, o, what)                                                                \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            setup_failed ((o), (what));                                                    \
            return;                                                                        \
        }                                                                                  \
    } while (0)

/* Notes a secondary check that failed (the first one is kept). */
static void note (outcome_t *o, const char *what, long long rc, int err)
{
    if (o->note[0] != '\0')
        return;
    snprintf (o->note, sizeof o->note, "then %s gave %lld/%s", what, rc, errno_name (err));
}

/* ---- fixtures: each case runs in a fresh process, so nothing is cleaned up ------------- */

static void *g_ctx;

static void *ctx (void)
{
    if (g_ctx == NULL)
        g_ctx = zmq_ctx_new ();
    return g_ctx;
}

static void set_int (void *s, int option, int value)
{
    zmq_setsockopt (s, option, &value, sizeof value);
}

/* A socket of the shared context with LINGER 0, or NULL. */
static void *sock (int type)
{
    void *s;
    if (ctx () == NULL)
        return NULL;
    s = zmq_socket (ctx (), type);
    if (s != NULL)
        set_int (s, ZMQ_LINGER, 0);
    return s;
}

static void *closed_sock (void)
{
    void *s = sock (ZMQ_PAIR);
    if (s != NULL && zmq_close (s) != 0)
        return NULL;
    return s;
}

static void *termed_ctx (void)
{
    void *c = zmq_ctx_new ();
    if (c != NULL && zmq_ctx_term (c) != 0)
        return NULL;
    return c;
}

/* Two PAIR sockets joined over inproc; 0 on success. */
static int pair_up (void **a, void **b)
{
    *a = sock (ZMQ_PAIR);
    *b = sock (ZMQ_PAIR);
    if (*a == NULL || *b == NULL)
        return -1;
    if (zmq_bind (*a, "inproc://misuse-pair") != 0)
        return -1;
    return zmq_connect (*b, "inproc://misuse-pair");
}

/* A REQ connected to a bound REP over inproc; 0 on success. */
static int req_rep (void **req, void **rep)
{
    *rep = sock (ZMQ_REP);
    *req = sock (ZMQ_REQ);
    if (*req == NULL || *rep == NULL)
        return -1;
    set_int (*rep, ZMQ_RCVTIMEO, 2000);
    set_int (*req, ZMQ_RCVTIMEO, 2000);
    set_int (*req, ZMQ_SNDTIMEO, 2000);
    if (zmq_bind (*rep, "inproc://misuse-rep") != 0)
        return -1;
    return zmq_connect (*req, "inproc://misuse-rep");
}

static void *closed_msg (zmq_msg_t *m)
{
    if (zmq_msg_init_size (m, 8) != 0 || zmq_msg_close (m) != 0)
        return NULL;
    return m;
}

static void on_timer (int timer_id, void *arg)
{
    (void) timer_id;
    (void) arg;
}

/* ---- 1. NULL handles ------------------------------------------------------------------- */

static void c_close_null (outcome_t *o) { RET_INT (o, zmq_close (NULL)); }
static void c_bind_null (outcome_t *o) { RET_INT (o, zmq_bind (NULL, "inproc://x")); }
static void c_connect_null (outcome_t *o) { RET_INT (o, zmq_connect (NULL, "inproc://x")); }
static void c_unbind_null (outcome_t *o) { RET_INT (o, zmq_unbind (NULL, "inproc://x")); }
static void c_disconnect_null (outcome_t *o) { RET_INT (o, zmq_disconnect (NULL, "inproc://x")); }
static void c_send_null (outcome_t *o) { RET_INT (o, zmq_send (NULL, "x", 1, ZMQ_DONTWAIT)); }
static void c_recv_null (outcome_t *o)
{
    char buf[8];
    RET_INT (o, zmq_recv (NULL, buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_send_const_null (outcome_t *o)
{
    RET_INT (o, zmq_send_const (NULL, "x", 1, ZMQ_DONTWAIT));
}
static void c_msg_send_null_socket (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init_size (&m, 1) == 0, o, "zmq_msg_init_size");
    RET_INT (o, zmq_msg_send (&m, NULL, ZMQ_DONTWAIT));
}
static void c_msg_recv_null_socket (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_recv (&m, NULL, ZMQ_DONTWAIT));
}
static void c_sendmsg_null (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init_size (&m, 1) == 0, o, "zmq_msg_init_size");
    RET_INT (o, zmq_sendmsg (NULL, &m, ZMQ_DONTWAIT));
}
static void c_recvmsg_null (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_recvmsg (NULL, &m, ZMQ_DONTWAIT));
}
static void c_setsockopt_null (outcome_t *o)
{
    int v = 0;
    RET_INT (o, zmq_setsockopt (NULL, ZMQ_LINGER, &v, sizeof v));
}
static void c_getsockopt_null (outcome_t *o)
{
    int v = 0;
    size_t len = sizeof v;
    RET_INT (o, zmq_getsockopt (NULL, ZMQ_TYPE, &v, &len));
}
static void c_monitor_null (outcome_t *o)
{
    RET_INT (o, zmq_socket_monitor (NULL, "inproc://mon", ZMQ_EVENT_ALL));
}
static void c_ctx_term_null (outcome_t *o) { RET_INT (o, zmq_ctx_term (NULL)); }
static void c_ctx_shutdown_null (outcome_t *o) { RET_INT (o, zmq_ctx_shutdown (NULL)); }
static void c_ctx_destroy_null (outcome_t *o) { RET_INT (o, zmq_ctx_destroy (NULL)); }
static void c_term_null (outcome_t *o) { RET_INT (o, zmq_term (NULL)); }
static void c_ctx_set_null (outcome_t *o) { RET_INT (o, zmq_ctx_set (NULL, ZMQ_IO_THREADS, 1)); }
static void c_ctx_get_null (outcome_t *o) { RET_INT (o, zmq_ctx_get (NULL, ZMQ_IO_THREADS)); }
static void c_socket_null_ctx (outcome_t *o) { RET_PTR (o, zmq_socket (NULL, ZMQ_PAIR)); }

/* NULL string and buffer arguments on a live socket */
static void c_bind_null_addr (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_bind (s, NULL));
}
static void c_connect_null_addr (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_connect (s, NULL));
}
static void c_unbind_null_addr (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_unbind (s, NULL));
}
static void c_disconnect_null_addr (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_disconnect (s, NULL));
}
static void c_monitor_null_addr (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    /* a NULL endpoint stops monitoring, which is not running: nothing to do */
    RET_INT (o, zmq_socket_monitor (s, NULL, ZMQ_EVENT_ALL));
}
static void c_send_null_buf (outcome_t *o)
{
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send (s, NULL, 5, ZMQ_DONTWAIT));
}
static void c_send_null_buf_empty (outcome_t *o)
{
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send (s, NULL, 0, ZMQ_DONTWAIT));
}
static void c_send_const_null_buf (outcome_t *o)
{
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send_const (s, NULL, 5, ZMQ_DONTWAIT));
}
static void c_recv_null_buf (outcome_t *o)
{
    void *a, *b;
    NEED (pair_up (&a, &b) == 0, o, "inproc PAIR");
    NEED (zmq_send (a, "hello", 5, 0) == 5, o, "zmq_send");
    set_int (b, ZMQ_RCVTIMEO, 2000);
    RET_INT (o, zmq_recv (b, NULL, 5, 0));
}
static void c_recv_null_buf_empty (outcome_t *o)
{
    void *a, *b;
    NEED (pair_up (&a, &b) == 0, o, "inproc PAIR");
    NEED (zmq_send (a, "hello", 5, 0) == 5, o, "zmq_send");
    set_int (b, ZMQ_RCVTIMEO, 2000);
    /* no room at all: the frame is dropped whole and its size returned */
    RET_INT (o, zmq_recv (b, NULL, 0, 0));
}
static void c_setsockopt_null_val (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_LINGER, NULL, sizeof (int)));
}
static void c_setsockopt_routing_id_null (outcome_t *o)
{
    void *s = sock (ZMQ_DEALER);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_ROUTING_ID, NULL, 5));
}
static void c_setsockopt_subscribe_null (outcome_t *o)
{
    void *s = sock (ZMQ_SUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_SUBSCRIBE, NULL, 3));
}
static void c_getsockopt_null_len (outcome_t *o)
{
    int v = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_TYPE, &v, NULL));
}
static void c_getsockopt_null_val (outcome_t *o)
{
    size_t len = sizeof (int);
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_TYPE, NULL, &len));
}

/* ---- 2. messages: NULL, uninitialised, closed ------------------------------------------ */

static void c_msg_init_null (outcome_t *o) { RET_INT (o, zmq_msg_init (NULL)); }
static void c_msg_init_size_null (outcome_t *o) { RET_INT (o, zmq_msg_init_size (NULL, 16)); }
static void c_msg_init_data_null (outcome_t *o)
{
    static char data[8] = "payload";
    RET_INT (o, zmq_msg_init_data (NULL, data, sizeof data, NULL, NULL));
}
static void c_msg_init_data_null_data (outcome_t *o)
{
    zmq_msg_t m;
    RET_INT (o, zmq_msg_init_data (&m, NULL, 16, NULL, NULL));
}
static void c_msg_init_size_huge (outcome_t *o)
{
    zmq_msg_t m;
    RET_INT (o, zmq_msg_init_size (&m, SIZE_MAX));
}
static void c_msg_init_size_half (outcome_t *o)
{
    zmq_msg_t m;
    RET_INT (o, zmq_msg_init_size (&m, SIZE_MAX / 2));
}
static void c_msg_close_null (outcome_t *o) { RET_INT (o, zmq_msg_close (NULL)); }
static void c_msg_move_null_dst (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_move (NULL, &m));
}
static void c_msg_move_null_src (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_move (&m, NULL));
}
static void c_msg_copy_null_dst (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_copy (NULL, &m));
}
static void c_msg_copy_null_src (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_copy (&m, NULL));
}
static void c_msg_data_null (outcome_t *o) { RET_PTR (o, zmq_msg_data (NULL)); }
static void c_msg_size_null (outcome_t *o) { RET_INT (o, zmq_msg_size (NULL)); }
static void c_msg_more_null (outcome_t *o) { RET_INT (o, zmq_msg_more (NULL)); }
static void c_msg_get_null (outcome_t *o) { RET_INT (o, zmq_msg_get (NULL, ZMQ_MORE)); }
static void c_msg_set_null (outcome_t *o) { RET_INT (o, zmq_msg_set (NULL, ZMQ_MORE, 1)); }
static void c_msg_gets_null (outcome_t *o) { RET_PTR (o, zmq_msg_gets (NULL, "Socket-Type")); }
static void c_msg_gets_null_prop (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_PTR (o, zmq_msg_gets (&m, NULL));
}
static void c_msg_get_unknown (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_get (&m, 12345));
}
static void c_msg_send_null_msg (outcome_t *o)
{
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_msg_send (NULL, s, ZMQ_DONTWAIT));
}
static void c_msg_recv_null_msg (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_msg_recv (NULL, s, ZMQ_DONTWAIT));
}
static void c_msg_close_zeroed (outcome_t *o)
{
    zmq_msg_t m;
    memset (&m, 0, sizeof m);
    RET_INT (o, zmq_msg_close (&m));
}
static void c_msg_close_garbage (outcome_t *o)
{
    zmq_msg_t m;
    memset (&m, 0xA5, sizeof m);
    RET_INT (o, zmq_msg_close (&m));
}
static void c_msg_send_zeroed (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    memset (&m, 0, sizeof m);
    RET_INT (o, zmq_msg_send (&m, s, ZMQ_DONTWAIT));
}
static void c_msg_recv_zeroed (outcome_t *o)
{
    void *a, *b;
    zmq_msg_t m;
    NEED (pair_up (&a, &b) == 0, o, "inproc PAIR");
    NEED (zmq_send (a, "x", 1, 0) == 1, o, "zmq_send");
    memset (&m, 0, sizeof m);
    set_int (b, ZMQ_RCVTIMEO, 2000);
    RET_INT (o, zmq_msg_recv (&m, b, 0));
}

/* after zmq_msg_close */
static void c_closed_msg_size (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_size (&m));
}
static void c_closed_msg_data (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_PTR (o, zmq_msg_data (&m));
}
static void c_closed_msg_more (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_more (&m));
}
static void c_closed_msg_get (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_get (&m, ZMQ_MORE));
}
static void c_closed_msg_gets (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_PTR (o, zmq_msg_gets (&m, "Socket-Type"));
}
static void c_closed_msg_close (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_close (&m));
}
static void c_closed_msg_send (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_send (&m, s, ZMQ_DONTWAIT));
}
static void c_closed_msg_sendmsg (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_sendmsg (s, &m, ZMQ_DONTWAIT));
}
static void c_closed_msg_recv (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_recv (&m, s, ZMQ_DONTWAIT));
}
static void c_closed_msg_copy_src (outcome_t *o)
{
    zmq_msg_t m, d;
    NEED (closed_msg (&m), o, "closed message");
    NEED (zmq_msg_init (&d) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_copy (&d, &m));
}
static void c_closed_msg_copy_dst (outcome_t *o)
{
    zmq_msg_t m, src;
    NEED (closed_msg (&m), o, "closed message");
    NEED (zmq_msg_init_size (&src, 4) == 0, o, "zmq_msg_init_size");
    RET_INT (o, zmq_msg_copy (&m, &src));
}
static void c_closed_msg_move_src (outcome_t *o)
{
    zmq_msg_t m, d;
    NEED (closed_msg (&m), o, "closed message");
    NEED (zmq_msg_init (&d) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_move (&d, &m));
}
static void c_closed_msg_reinit (outcome_t *o)
{
    zmq_msg_t m;
    NEED (closed_msg (&m), o, "closed message");
    RET_INT (o, zmq_msg_init (&m));
}
static void c_moved_from_size (outcome_t *o)
{
    zmq_msg_t m, d;
    NEED (zmq_msg_init_size (&m, 40) == 0, o, "zmq_msg_init_size");
    NEED (zmq_msg_init (&d) == 0, o, "zmq_msg_init");
    NEED (zmq_msg_move (&d, &m) == 0, o, "zmq_msg_move");
    /* the source is left an empty, live message */
    RET_INT (o, zmq_msg_size (&m));
}
static void c_sent_msg_close (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    NEED (zmq_msg_init_size (&m, 40) == 0, o, "zmq_msg_init_size");
    NEED (zmq_msg_send (&m, s, 0) == 40, o, "zmq_msg_send");
    /* a sent message is left empty and must still be closable */
    RET_INT (o, zmq_msg_close (&m));
}

/* ---- 3. closed sockets ------------------------------------------------------------------ */

static void c_close_twice (outcome_t *o)
{
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_close (s));
}
static void c_closed_send (outcome_t *o)
{
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_send (s, "x", 1, ZMQ_DONTWAIT));
}
static void c_closed_recv (outcome_t *o)
{
    char buf[8];
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_closed_msg_send_sock (outcome_t *o)
{
    zmq_msg_t m;
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    NEED (zmq_msg_init_size (&m, 3) == 0, o, "zmq_msg_init_size");
    RET_INT (o, zmq_msg_send (&m, s, ZMQ_DONTWAIT));
}
static void c_closed_bind (outcome_t *o)
{
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_bind (s, "inproc://after-close"));
}
static void c_closed_connect (outcome_t *o)
{
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_connect (s, "inproc://after-close"));
}
static void c_closed_setsockopt (outcome_t *o)
{
    int v = 0;
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v));
}
static void c_closed_getsockopt (outcome_t *o)
{
    int v = 0;
    size_t len = sizeof v;
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_TYPE, &v, &len));
}
static void c_closed_monitor (outcome_t *o)
{
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    RET_INT (o, zmq_socket_monitor (s, "inproc://mon", ZMQ_EVENT_ALL));
}
static void c_closed_poll (outcome_t *o)
{
    zmq_pollitem_t item;
    void *s = closed_sock ();
    NEED (s, o, "closed socket");
    memset (&item, 0, sizeof item);
    item.socket = s;
    item.events = ZMQ_POLLIN;
    RET_INT (o, zmq_poll (&item, 1, 0));
}

/* ---- 4. terminated and shut-down contexts ---------------------------------------------- */

static void c_termed_socket (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_PTR (o, zmq_socket (c, ZMQ_PAIR));
}
static void c_termed_get (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_INT (o, zmq_ctx_get (c, ZMQ_IO_THREADS));
}
static void c_termed_set (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_INT (o, zmq_ctx_set (c, ZMQ_IO_THREADS, 2));
}
static void c_termed_term (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_INT (o, zmq_ctx_term (c));
}
static void c_termed_shutdown (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_INT (o, zmq_ctx_shutdown (c));
}
static void c_termed_destroy (outcome_t *o)
{
    void *c = termed_ctx ();
    NEED (c, o, "terminated context");
    RET_INT (o, zmq_ctx_destroy (c));
}
static void c_shutdown_twice (outcome_t *o)
{
    void *c = zmq_ctx_new ();
    NEED (c, o, "zmq_ctx_new");
    NEED (zmq_ctx_shutdown (c) == 0, o, "zmq_ctx_shutdown");
    RET_INT (o, zmq_ctx_shutdown (c));
}
static void c_shutdown_socket (outcome_t *o)
{
    void *c = zmq_ctx_new ();
    NEED (c, o, "zmq_ctx_new");
    NEED (zmq_ctx_shutdown (c) == 0, o, "zmq_ctx_shutdown");
    RET_PTR (o, zmq_socket (c, ZMQ_PAIR));
}
static void c_shutdown_then_term (outcome_t *o)
{
    void *c = zmq_ctx_new ();
    NEED (c, o, "zmq_ctx_new");
    NEED (zmq_ctx_shutdown (c) == 0, o, "zmq_ctx_shutdown");
    RET_INT (o, zmq_ctx_term (c));
}

/* A socket of a fresh context, then zmq_ctx_shutdown of that context. */
static void *shut_down_sock (int type, void **c)
{
    void *s;
    *c = zmq_ctx_new ();
    if (*c == NULL)
        return NULL;
    s = zmq_socket (*c, type);
    if (s == NULL)
        return NULL;
    set_int (s, ZMQ_LINGER, 0);
    if (zmq_ctx_shutdown (*c) != 0)
        return NULL;
    return s;
}
static void c_shutdown_send (outcome_t *o)
{
    void *c, *s = shut_down_sock (ZMQ_PUB, &c);
    NEED (s, o, "socket of a shut-down context");
    RET_INT (o, zmq_send (s, "x", 1, ZMQ_DONTWAIT));
}
static void c_shutdown_recv (outcome_t *o)
{
    char buf[8];
    void *c, *s = shut_down_sock (ZMQ_PULL, &c);
    NEED (s, o, "socket of a shut-down context");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_shutdown_bind (outcome_t *o)
{
    void *c, *s = shut_down_sock (ZMQ_PULL, &c);
    NEED (s, o, "socket of a shut-down context");
    RET_INT (o, zmq_bind (s, "inproc://after-shutdown"));
}
static void c_shutdown_connect (outcome_t *o)
{
    void *c, *s = shut_down_sock (ZMQ_PUSH, &c);
    NEED (s, o, "socket of a shut-down context");
    RET_INT (o, zmq_connect (s, "inproc://after-shutdown"));
}
static void c_shutdown_poll (outcome_t *o)
{
    zmq_pollitem_t item;
    void *c, *s = shut_down_sock (ZMQ_PULL, &c);
    NEED (s, o, "socket of a shut-down context");
    memset (&item, 0, sizeof item);
    item.socket = s;
    item.events = ZMQ_POLLIN;
    RET_INT (o, zmq_poll (&item, 1, 0));
}
static void c_shutdown_close_term (outcome_t *o)
{
    void *c, *s = shut_down_sock (ZMQ_PULL, &c);
    NEED (s, o, "socket of a shut-down context");
    NEED (zmq_close (s) == 0, o, "zmq_close");
    RET_INT (o, zmq_ctx_term (c));
}

/* ---- 5. handles of the wrong kind ------------------------------------------------------- */

static void c_ctx_as_socket_send (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_send (ctx (), "x", 1, ZMQ_DONTWAIT));
}
static void c_ctx_as_socket_close (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_close (ctx ()));
}
static void c_ctx_as_socket_bind (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_bind (ctx (), "inproc://x"));
}
static void c_ctx_as_socket_setsockopt (outcome_t *o)
{
    int v = 0;
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_setsockopt (ctx (), ZMQ_LINGER, &v, sizeof v));
}
static void c_ctx_as_socket_recv (outcome_t *o)
{
    char buf[4];
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_recv (ctx (), buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_ctx_as_poll_item (outcome_t *o)
{
    zmq_pollitem_t item;
    NEED (ctx (), o, "zmq_ctx_new");
    memset (&item, 0, sizeof item);
    item.socket = ctx ();
    item.events = ZMQ_POLLIN;
    RET_INT (o, zmq_poll (&item, 1, 0));
}
static void c_socket_as_ctx_socket (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_PTR (o, zmq_socket (s, ZMQ_PAIR));
}
static void c_socket_as_ctx_term (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_ctx_term (s));
}
static void c_socket_as_ctx_get (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_ctx_get (s, ZMQ_IO_THREADS));
}
static void c_socket_as_ctx_set (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_ctx_set (s, ZMQ_IO_THREADS, 2));
}
static void c_socket_as_ctx_shutdown (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_ctx_shutdown (s));
}
static void c_msg_as_socket_send (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_send ((void *) &m, "x", 1, ZMQ_DONTWAIT));
}
static void c_msg_as_socket_close (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init_size (&m, 100) == 0, o, "zmq_msg_init_size");
    RET_INT (o, zmq_close ((void *) &m));
}
static void c_msg_as_socket_bind (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_bind ((void *) &m, "inproc://x"));
}
static void c_msg_as_ctx (outcome_t *o)
{
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_PTR (o, zmq_socket ((void *) &m, ZMQ_PAIR));
}
static void c_timers_as_socket (outcome_t *o)
{
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    RET_INT (o, zmq_send (t, "x", 1, ZMQ_DONTWAIT));
}
static void c_socket_as_timers (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_timers_add (s, 10, on_timer, NULL));
}
static void c_ctx_as_timers (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_timers_timeout (ctx ()));
}

/* ---- 6. socket options ------------------------------------------------------------------ */

static void c_setsockopt_size0 (outcome_t *o)
{
    int v = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_LINGER, &v, 0));
}
static void c_setsockopt_size_small (outcome_t *o)
{
    int v = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_SNDHWM, &v, 2));
}
static void c_setsockopt_size_big (outcome_t *o)
{
    long long v = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v));
}
static void c_setsockopt_unknown (outcome_t *o)
{
    int v = 1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, 9999, &v, sizeof v));
}
static void c_setsockopt_negative_id (outcome_t *o)
{
    int v = 1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, -1, &v, sizeof v));
}
static void c_setsockopt_linger_neg (outcome_t *o)
{
    int v = -2;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_LINGER, &v, sizeof v));
}
static void c_setsockopt_sndhwm_neg (outcome_t *o)
{
    int v = -1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_SNDHWM, &v, sizeof v));
}
static void c_setsockopt_rcvhwm_neg (outcome_t *o)
{
    int v = -1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_RCVHWM, &v, sizeof v));
}
static void c_setsockopt_rcvtimeo_neg (outcome_t *o)
{
    int v = -2;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_RCVTIMEO, &v, sizeof v));
}
static void c_setsockopt_backlog_neg (outcome_t *o)
{
    int v = -1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_BACKLOG, &v, sizeof v));
}
static void c_setsockopt_keepalive_bad (outcome_t *o)
{
    int v = 5;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_TCP_KEEPALIVE, &v, sizeof v));
}
static void c_setsockopt_ipv6_bad (outcome_t *o)
{
    int v = 2;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_IPV6, &v, sizeof v));
}
static void c_setsockopt_immediate_bad (outcome_t *o)
{
    int v = 7;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_IMMEDIATE, &v, sizeof v));
}
static void c_setsockopt_maxmsgsize_int (outcome_t *o)
{
    int v = 100;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_MAXMSGSIZE, &v, sizeof v));
}
static void c_setsockopt_affinity_int (outcome_t *o)
{
    int v = 1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_AFFINITY, &v, sizeof v));
}
static void c_setsockopt_routing_id_long (outcome_t *o)
{
    char id[256];
    void *s = sock (ZMQ_DEALER);
    NEED (s, o, "zmq_socket");
    memset (id, 'r', sizeof id);
    RET_INT (o, zmq_setsockopt (s, ZMQ_ROUTING_ID, id, sizeof id));
}
static void c_setsockopt_routing_id_empty (outcome_t *o)
{
    void *s = sock (ZMQ_DEALER);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_ROUTING_ID, "", 0));
}
static void c_setsockopt_connect_rid_long (outcome_t *o)
{
    char id[256];
    void *s = sock (ZMQ_ROUTER);
    NEED (s, o, "zmq_socket");
    memset (id, 'c', sizeof id);
    RET_INT (o, zmq_setsockopt (s, ZMQ_CONNECT_ROUTING_ID, id, sizeof id));
}
static void c_setsockopt_readonly_type (outcome_t *o)
{
    int v = ZMQ_PUB;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_TYPE, &v, sizeof v));
}
static void c_setsockopt_readonly_rcvmore (outcome_t *o)
{
    int v = 1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_RCVMORE, &v, sizeof v));
}
static void c_setsockopt_subscribe_on_pub (outcome_t *o)
{
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_SUBSCRIBE, "a", 1));
}
static void c_setsockopt_router_opt_on_pair (outcome_t *o)
{
    int v = 1;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_setsockopt (s, ZMQ_ROUTER_MANDATORY, &v, sizeof v));
}
static void c_getsockopt_size_small (outcome_t *o)
{
    int v = 0;
    size_t len = 2;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_TYPE, &v, &len));
}
static void c_getsockopt_size0 (outcome_t *o)
{
    int v = 0;
    size_t len = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_RCVMORE, &v, &len));
}
static void c_getsockopt_unknown (outcome_t *o)
{
    int v = 0;
    size_t len = sizeof v;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, 9999, &v, &len));
}
static void c_getsockopt_writeonly (outcome_t *o)
{
    char v[16];
    size_t len = sizeof v;
    void *s = sock (ZMQ_SUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_SUBSCRIBE, v, &len));
}
static void c_getsockopt_int64_as_int (outcome_t *o)
{
    int v = 0;
    size_t len = sizeof v;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_MAXMSGSIZE, &v, &len));
}
static void c_getsockopt_events_small (outcome_t *o)
{
    int v = 0;
    size_t len = 2;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_EVENTS, &v, &len));
}
static void c_getsockopt_last_endpoint_small (outcome_t *o)
{
    char ep[4];
    size_t len = sizeof ep;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    NEED (zmq_bind (s, "inproc://a-rather-long-endpoint-name") == 0, o, "zmq_bind");
    RET_INT (o, zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len));
}
static void c_getsockopt_last_endpoint_zero (outcome_t *o)
{
    char ep[4];
    size_t len = 0;
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len));
}
static void c_getsockopt_routing_id_small (outcome_t *o)
{
    char id[2];
    size_t len = sizeof id;
    void *s = sock (ZMQ_DEALER);
    NEED (s, o, "zmq_socket");
    NEED (zmq_setsockopt (s, ZMQ_ROUTING_ID, "abcdef", 6) == 0, o, "set ZMQ_ROUTING_ID");
    RET_INT (o, zmq_getsockopt (s, ZMQ_ROUTING_ID, id, &len));
}

/* ---- 7. endpoints ----------------------------------------------------------------------- */

static void bind_case (outcome_t *o, int type, const char *ep)
{
    void *s = sock (type);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_bind (s, ep));
}
static void connect_case (outcome_t *o, int type, const char *ep)
{
    void *s = sock (type);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_connect (s, ep));
}
static void c_bind_garbage (outcome_t *o) { bind_case (o, ZMQ_PAIR, "garbage"); }
static void c_bind_empty (outcome_t *o) { bind_case (o, ZMQ_PAIR, ""); }
static void c_bind_tcp_empty (outcome_t *o) { bind_case (o, ZMQ_PAIR, "tcp://"); }
static void c_bind_tcp_port_range (outcome_t *o) { bind_case (o, ZMQ_PAIR, "tcp://*:99999"); }
static void c_bind_tcp_no_port (outcome_t *o) { bind_case (o, ZMQ_PAIR, "tcp://127.0.0.1"); }
static void c_bind_tcp_bad_port (outcome_t *o) { bind_case (o, ZMQ_PAIR, "tcp://127.0.0.1:abc"); }
static void c_bind_tcp_unknown_host (outcome_t *o)
{
    bind_case (o, ZMQ_PAIR, "tcp://nosuchhost.invalid:1");
}
static void c_bind_unknown_transport (outcome_t *o) { bind_case (o, ZMQ_PAIR, "foo://x"); }
static void c_connect_unknown_transport (outcome_t *o) { connect_case (o, ZMQ_PAIR, "foo://x"); }
static void c_bind_ipc_empty (outcome_t *o) { bind_case (o, ZMQ_PAIR, "ipc://"); }
static void c_bind_ipc_too_long (outcome_t *o)
{
    char ep[300];
    size_t n = (size_t) snprintf (ep, sizeof ep, "ipc:///tmp/");
    memset (ep + n, 'x', 200);
    ep[n + 200] = '\0';
    bind_case (o, ZMQ_PAIR, ep);
}
static void c_connect_ipc_too_long (outcome_t *o)
{
    char ep[300];
    size_t n = (size_t) snprintf (ep, sizeof ep, "ipc:///tmp/");
    memset (ep + n, 'y', 200);
    ep[n + 200] = '\0';
    connect_case (o, ZMQ_PAIR, ep);
}
static void c_bind_inproc_empty (outcome_t *o) { bind_case (o, ZMQ_PAIR, "inproc://"); }
static void c_connect_inproc_empty (outcome_t *o) { connect_case (o, ZMQ_PAIR, "inproc://"); }
static void c_connect_garbage (outcome_t *o) { connect_case (o, ZMQ_PAIR, "garbage"); }
static void c_connect_tcp_empty (outcome_t *o) { connect_case (o, ZMQ_PAIR, "tcp://"); }
static void c_connect_tcp_no_port (outcome_t *o) { connect_case (o, ZMQ_PAIR, "tcp://127.0.0.1"); }
static void c_connect_tcp_star_port (outcome_t *o)
{
    connect_case (o, ZMQ_PAIR, "tcp://127.0.0.1:*");
}
static void c_connect_tcp_unknown_host (outcome_t *o)
{
    /* resolved later, in the background: the call itself succeeds */
    connect_case (o, ZMQ_DEALER, "tcp://nosuchhost.invalid:1");
}
static void c_bind_tcp_in_use (outcome_t *o)
{
    char ep[256];
    size_t len = sizeof ep;
    void *a = sock (ZMQ_PULL), *b = sock (ZMQ_PULL);
    NEED (a && b, o, "zmq_socket");
    NEED (zmq_bind (a, "tcp://127.0.0.1:*") == 0, o, "zmq_bind");
    NEED (zmq_getsockopt (a, ZMQ_LAST_ENDPOINT, ep, &len) == 0, o, "ZMQ_LAST_ENDPOINT");
    RET_INT (o, zmq_bind (b, ep));
}
static void c_bind_inproc_in_use (outcome_t *o)
{
    void *a = sock (ZMQ_PULL), *b = sock (ZMQ_PULL);
    NEED (a && b, o, "zmq_socket");
    NEED (zmq_bind (a, "inproc://taken") == 0, o, "zmq_bind");
    RET_INT (o, zmq_bind (b, "inproc://taken"));
}
static void c_unbind_not_bound (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_unbind (s, "inproc://never-bound"));
}
static void c_unbind_wildcard (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    NEED (zmq_bind (s, "tcp://127.0.0.1:*") == 0, o, "zmq_bind");
    RET_INT (o, zmq_unbind (s, "tcp://127.0.0.1:*"));
}
static void c_unbind_garbage (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_unbind (s, "garbage"));
}
static void c_unbind_unknown_transport (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_unbind (s, "foo://x"));
}
static void c_disconnect_not_connected (outcome_t *o)
{
    void *s = sock (ZMQ_PUSH);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_disconnect (s, "inproc://never-connected"));
}
static void c_unbind_twice (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    NEED (zmq_bind (s, "inproc://once") == 0, o, "zmq_bind");
    NEED (zmq_unbind (s, "inproc://once") == 0, o, "first zmq_unbind");
    RET_INT (o, zmq_unbind (s, "inproc://once"));
}
static void c_monitor_tcp (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_socket_monitor (s, "tcp://127.0.0.1:5555", ZMQ_EVENT_ALL));
}
static void c_monitor_garbage (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_socket_monitor (s, "garbage", ZMQ_EVENT_ALL));
}
static void c_monitor_bad_events (outcome_t *o)
{
    void *s = sock (ZMQ_PAIR);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_socket_monitor (s, "inproc://mon-bad-events", 1 << 20));
}

/* ---- 8. socket types and states --------------------------------------------------------- */

static void c_socket_bad_type (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_PTR (o, zmq_socket (ctx (), 99));
}
static void c_socket_negative_type (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_PTR (o, zmq_socket (ctx (), -1));
}
static void c_socket_limit (outcome_t *o)
{
    void *c = zmq_ctx_new ();
    NEED (c, o, "zmq_ctx_new");
    NEED (zmq_ctx_set (c, ZMQ_MAX_SOCKETS, 1) == 0, o, "ZMQ_MAX_SOCKETS 1");
    NEED (zmq_socket (c, ZMQ_PAIR) != NULL, o, "first zmq_socket");
    RET_PTR (o, zmq_socket (c, ZMQ_PAIR));
}
static void c_pub_msg_recv (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_recv (&m, s, 0));
}
static void c_pub_recv (outcome_t *o)
{
    char buf[8];
    void *s = sock (ZMQ_PUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, 0));
}
static void c_sub_send (outcome_t *o)
{
    void *s = sock (ZMQ_SUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send (s, "x", 1, 0));
}
static void c_sub_send_const (outcome_t *o)
{
    void *s = sock (ZMQ_SUB);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send_const (s, "x", 1, 0));
}
static void c_pull_send (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send (s, "x", 1, 0));
}
static void c_push_recv (outcome_t *o)
{
    char buf[8];
    void *s = sock (ZMQ_PUSH);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, 0));
}
static void c_req_send_twice (outcome_t *o)
{
    void *req, *rep;
    NEED (req_rep (&req, &rep) == 0, o, "inproc REQ/REP");
    NEED (zmq_send (req, "one", 3, 0) == 3, o, "first zmq_send");
    RET_INT (o, zmq_send (req, "two", 3, ZMQ_DONTWAIT));
}
static void c_req_recv_first (outcome_t *o)
{
    char buf[8];
    void *req, *rep;
    NEED (req_rep (&req, &rep) == 0, o, "inproc REQ/REP");
    RET_INT (o, zmq_recv (req, buf, sizeof buf, 0));
}
static void c_rep_send_first (outcome_t *o)
{
    void *req, *rep;
    NEED (req_rep (&req, &rep) == 0, o, "inproc REQ/REP");
    RET_INT (o, zmq_send (rep, "x", 1, 0));
}
static void c_rep_recv_twice (outcome_t *o)
{
    char buf[8];
    void *req, *rep;
    NEED (req_rep (&req, &rep) == 0, o, "inproc REQ/REP");
    NEED (zmq_send (req, "ask", 3, 0) == 3, o, "zmq_send");
    NEED (zmq_recv (rep, buf, sizeof buf, 0) == 3, o, "first zmq_recv");
    RET_INT (o, zmq_recv (rep, buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_recv_dontwait_empty (outcome_t *o)
{
    char buf[8];
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    NEED (zmq_bind (s, "inproc://empty") == 0, o, "zmq_bind");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, ZMQ_DONTWAIT));
}
static void c_msg_recv_dontwait_empty (outcome_t *o)
{
    zmq_msg_t m;
    void *s = sock (ZMQ_SUB);
    NEED (s, o, "zmq_socket");
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    RET_INT (o, zmq_msg_recv (&m, s, ZMQ_DONTWAIT));
}
static void c_recv_timeout_empty (outcome_t *o)
{
    char buf[8];
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    set_int (s, ZMQ_RCVTIMEO, 20);
    RET_INT (o, zmq_recv (s, buf, sizeof buf, 0));
}
static void c_send_dontwait_no_peer (outcome_t *o)
{
    void *s = sock (ZMQ_PUSH);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_send (s, "x", 1, ZMQ_DONTWAIT));
}
static void c_send_timeout_no_peer (outcome_t *o)
{
    void *s = sock (ZMQ_DEALER);
    NEED (s, o, "zmq_socket");
    set_int (s, ZMQ_SNDTIMEO, 20);
    RET_INT (o, zmq_send (s, "x", 1, 0));
}
static void c_router_mandatory_unknown (outcome_t *o)
{
    int one = 1;
    void *s = sock (ZMQ_ROUTER);
    NEED (s, o, "zmq_socket");
    NEED (zmq_setsockopt (s, ZMQ_ROUTER_MANDATORY, &one, sizeof one) == 0, o,
          "ZMQ_ROUTER_MANDATORY");
    RET_INT (o, zmq_send (s, "nobody", 6, ZMQ_SNDMORE));
}

/* ---- 9. zmq_poll and zmq_proxy ---------------------------------------------------------- */

static void c_poll_null_items (outcome_t *o) { RET_INT (o, zmq_poll (NULL, 1, 0)); }
static void c_poll_null_none (outcome_t *o) { RET_INT (o, zmq_poll (NULL, 0, 0)); }
static void c_poll_negative_count (outcome_t *o)
{
    zmq_pollitem_t item;
    memset (&item, 0, sizeof item);
    item.fd = 0;
    RET_INT (o, zmq_poll (&item, -1, 0));
}
static void c_poll_negative_fd (outcome_t *o)
{
    zmq_pollitem_t item;
    memset (&item, 0, sizeof item);
    item.fd = -1;
    item.events = ZMQ_POLLIN;
    RET_INT (o, zmq_poll (&item, 1, 0));
}
static void c_poll_closed_fd (outcome_t *o)
{
    zmq_pollitem_t item;
    int fds[2];
    NEED (pipe (fds) == 0, o, "pipe");
    close (fds[0]);
    close (fds[1]);
    memset (&item, 0, sizeof item);
    item.fd = fds[0];
    item.events = ZMQ_POLLIN;
    /* poll(2) flags a descriptor that is not open (POLLNVAL): reported as ZMQ_POLLERR */
    RET_INT (o, zmq_poll (&item, 1, 0));
}
static void c_proxy_null (outcome_t *o) { RET_INT (o, zmq_proxy (NULL, NULL, NULL)); }
static void c_proxy_null_backend (outcome_t *o)
{
    void *s = sock (ZMQ_PULL);
    NEED (s, o, "zmq_socket");
    RET_INT (o, zmq_proxy (s, NULL, NULL));
}
static void c_proxy_steerable_null (outcome_t *o)
{
    RET_INT (o, zmq_proxy_steerable (NULL, NULL, NULL, NULL));
}
static void c_device_null (outcome_t *o) { RET_INT (o, zmq_device (ZMQ_QUEUE, NULL, NULL)); }

/* ---- 10. Z85, CURVE keys, has, strerror, version, stopwatch ---------------------------- */

static void c_z85_encode_bad_size (outcome_t *o)
{
    char dest[16];
    uint8_t data[5] = {1, 2, 3, 4, 5};
    RET_PTR (o, zmq_z85_encode (dest, data, 5));
}
static void c_z85_encode_null_dest (outcome_t *o)
{
    uint8_t data[4] = {1, 2, 3, 4};
    RET_PTR (o, zmq_z85_encode (NULL, data, 4));
}
static void c_z85_encode_null_data (outcome_t *o)
{
    char dest[16];
    RET_PTR (o, zmq_z85_encode (dest, NULL, 4));
}
static void c_z85_decode_bad_size (outcome_t *o)
{
    uint8_t dest[16];
    RET_PTR (o, zmq_z85_decode (dest, "abcd"));
}
static void c_z85_decode_bad_char (outcome_t *o)
{
    uint8_t dest[16];
    RET_PTR (o, zmq_z85_decode (dest, "ab~cd"));
}
static void c_z85_decode_overflow (outcome_t *o)
{
    uint8_t dest[16];
    /* '#' is digit 84: #####  is 85^5 - 1, more than 32 bits hold */
    RET_PTR (o, zmq_z85_decode (dest, "#####"));
}
static void c_z85_decode_null_string (outcome_t *o)
{
    uint8_t dest[16];
    RET_PTR (o, zmq_z85_decode (dest, NULL));
}
static void c_z85_decode_null_dest (outcome_t *o)
{
    RET_PTR (o, zmq_z85_decode (NULL, "HelloWorld"));
}
static void c_curve_keypair_null (outcome_t *o) { RET_INT (o, zmq_curve_keypair (NULL, NULL)); }
static void c_curve_keypair_null_secret (outcome_t *o)
{
    char pub[41];
    RET_INT (o, zmq_curve_keypair (pub, NULL));
}
static void c_curve_public_null_dest (outcome_t *o)
{
    RET_INT (o, zmq_curve_public (NULL, "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"));
}
static void c_curve_public_null_secret (outcome_t *o)
{
    char pub[41];
    RET_INT (o, zmq_curve_public (pub, NULL));
}
static void c_curve_public_bad_length (outcome_t *o)
{
    char pub[41];
    RET_INT (o, zmq_curve_public (pub, "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh"));
}
static void c_curve_public_bad_char (outcome_t *o)
{
    char pub[41];
    RET_INT (o, zmq_curve_public (pub, "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh~"));
}
static void c_has_null (outcome_t *o) { RET_INT (o, zmq_has (NULL)); }
static void c_has_unknown (outcome_t *o) { RET_INT (o, zmq_has ("no-such-capability")); }
static void c_strerror_negative (outcome_t *o) { RET_PTR (o, zmq_strerror (-1)); }
static void c_strerror_huge (outcome_t *o) { RET_PTR (o, zmq_strerror (1000000)); }
static void c_strerror_hausnumero (outcome_t *o) { RET_PTR (o, zmq_strerror (ZMQ_HAUSNUMERO + 99)); }
static void c_version_null (outcome_t *o) { RET_VOID (o, zmq_version (NULL, NULL, NULL)); }
static void c_init_negative (outcome_t *o) { RET_PTR (o, zmq_init (-1)); }
static void c_ctx_set_io_negative (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_ctx_set (ctx (), ZMQ_IO_THREADS, -1));
}
static void c_ctx_set_max_sockets_zero (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_ctx_set (ctx (), ZMQ_MAX_SOCKETS, 0));
}
static void c_ctx_set_unknown (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_ctx_set (ctx (), 9999, 1));
}
static void c_ctx_get_unknown (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_ctx_get (ctx (), 9999));
}
static void c_ctx_get_negative (outcome_t *o)
{
    NEED (ctx (), o, "zmq_ctx_new");
    RET_INT (o, zmq_ctx_get (ctx (), -1));
}
static void c_stopwatch_stop_null (outcome_t *o) { RET_INT (o, zmq_stopwatch_stop (NULL)); }
static void c_stopwatch_intermediate_null (outcome_t *o)
{
    RET_INT (o, zmq_stopwatch_intermediate (NULL));
}
static void c_threadclose_null (outcome_t *o) { RET_VOID (o, zmq_threadclose (NULL)); }

/* ---- 11. timers and atomic counters ----------------------------------------------------- */

static void c_timers_destroy_null (outcome_t *o) { RET_INT (o, zmq_timers_destroy (NULL)); }
static void c_timers_destroy_null_inner (outcome_t *o)
{
    void *t = NULL;
    RET_INT (o, zmq_timers_destroy (&t));
}
static void c_timers_add_null (outcome_t *o)
{
    RET_INT (o, zmq_timers_add (NULL, 10, on_timer, NULL));
}
static void c_timers_add_null_handler (outcome_t *o)
{
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    RET_INT (o, zmq_timers_add (t, 10, NULL, NULL));
}
static void c_timers_cancel_null (outcome_t *o) { RET_INT (o, zmq_timers_cancel (NULL, 1)); }
static void c_timers_cancel_unknown (outcome_t *o)
{
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    RET_INT (o, zmq_timers_cancel (t, 12345));
}
static void c_timers_cancel_twice (outcome_t *o)
{
    int id;
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    id = zmq_timers_add (t, 1000, on_timer, NULL);
    NEED (id >= 0, o, "zmq_timers_add");
    NEED (zmq_timers_cancel (t, id) == 0, o, "first zmq_timers_cancel");
    RET_INT (o, zmq_timers_cancel (t, id));
}
static void c_timers_set_interval_null (outcome_t *o)
{
    RET_INT (o, zmq_timers_set_interval (NULL, 1, 10));
}
static void c_timers_set_interval_unknown (outcome_t *o)
{
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    RET_INT (o, zmq_timers_set_interval (t, 12345, 10));
}
static void c_timers_reset_null (outcome_t *o) { RET_INT (o, zmq_timers_reset (NULL, 1)); }
static void c_timers_reset_unknown (outcome_t *o)
{
    void *t = zmq_timers_new ();
    NEED (t, o, "zmq_timers_new");
    RET_INT (o, zmq_timers_reset (t, 12345));
}
static void c_timers_timeout_null (outcome_t *o) { RET_INT (o, zmq_timers_timeout (NULL)); }
static void c_timers_execute_null (outcome_t *o) { RET_INT (o, zmq_timers_execute (NULL)); }
static void c_timers_after_destroy (outcome_t *o)
{
    void *t = zmq_timers_new (), *kept = t;
    NEED (t, o, "zmq_timers_new");
    NEED (zmq_timers_destroy (&t) == 0, o, "zmq_timers_destroy");
    RET_INT (o, zmq_timers_add (kept, 10, on_timer, NULL));
}
static void c_timers_destroy_twice (outcome_t *o)
{
    void *t = zmq_timers_new (), *kept = t;
    NEED (t, o, "zmq_timers_new");
    NEED (zmq_timers_destroy (&t) == 0, o, "zmq_timers_destroy");
    RET_INT (o, zmq_timers_destroy (&kept));
}
static void c_counter_inc_null (outcome_t *o) { RET_INT (o, zmq_atomic_counter_inc (NULL)); }
static void c_counter_dec_null (outcome_t *o) { RET_INT (o, zmq_atomic_counter_dec (NULL)); }
static void c_counter_value_null (outcome_t *o) { RET_INT (o, zmq_atomic_counter_value (NULL)); }
static void c_counter_set_null (outcome_t *o) { RET_VOID (o, zmq_atomic_counter_set (NULL, 5)); }
static void c_counter_destroy_null (outcome_t *o) { RET_VOID (o, zmq_atomic_counter_destroy (NULL)); }
static void c_counter_destroy_null_inner (outcome_t *o)
{
    void *c = NULL;
    RET_VOID (o, zmq_atomic_counter_destroy (&c));
}

/* ---- 12. contexts terminated under other threads --------------------------------------- */

/* Calls zmq_ctx_term (or zmq_ctx_shutdown) after a delay, on a thread of its own. */
typedef struct {
    void *ctx;
    int delay_ms;
    int shutdown_only;
    int rc;
    int err;
} ender_t;

static void *ender_main (void *arg)
{
    ender_t *e = (ender_t *) arg;
    sleep_ms (e->delay_ms);
    errno = 0;
    e->rc = e->shutdown_only ? zmq_ctx_shutdown (e->ctx) : zmq_ctx_term (e->ctx);
    e->err = errno;
    return NULL;
}

/* A fresh context and one socket of it (LINGER 0), and a thread that ends the context after
   100 ms. 0 on success. */
static int start_ender (pthread_t *th, ender_t *e, void **s, int type, int shutdown_only)
{
    memset (e, 0, sizeof *e);
    e->ctx = zmq_ctx_new ();
    if (e->ctx == NULL)
        return -1;
    *s = zmq_socket (e->ctx, type);
    if (*s == NULL)
        return -1;
    set_int (*s, ZMQ_LINGER, 0);
    e->delay_ms = 100;
    e->shutdown_only = shutdown_only;
    e->rc = -2;
    return pthread_create (th, NULL, ender_main, e) == 0 ? 0 : -1;
}

/* Closes the socket, waits for the ender and checks both returned 0. */
static void finish_ender (outcome_t *o, pthread_t th, ender_t *e, void *s)
{
    int rc;
    errno = 0;
    rc = zmq_close (s);
    if (rc != 0)
        note (o, "zmq_close", rc, errno);
    pthread_join (th, NULL);
    if (e->rc != 0)
        note (o, e->shutdown_only ? "zmq_ctx_shutdown" : "zmq_ctx_term (other thread)", e->rc,
              e->err);
    if (e->shutdown_only) {
        errno = 0;
        rc = zmq_ctx_term (e->ctx);
        if (rc != 0)
            note (o, "zmq_ctx_term", rc, errno);
    }
}

static void c_term_unblocks_recv (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    NEED (start_ender (&th, &e, &s, ZMQ_PULL, 0) == 0, o, "context, socket and thread");
    NEED (zmq_bind (s, "inproc://blocked") == 0, o, "zmq_bind");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, 0));
    finish_ender (o, th, &e, s);
}
static void c_term_unblocks_msg_recv (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    zmq_msg_t m;
    NEED (zmq_msg_init (&m) == 0, o, "zmq_msg_init");
    NEED (start_ender (&th, &e, &s, ZMQ_SUB, 0) == 0, o, "context, socket and thread");
    RET_INT (o, zmq_msg_recv (&m, s, 0));
    zmq_msg_close (&m);
    finish_ender (o, th, &e, s);
}
static void c_term_unblocks_send (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    NEED (start_ender (&th, &e, &s, ZMQ_PUSH, 0) == 0, o, "context, socket and thread");
    /* a PUSH without peers blocks in send */
    RET_INT (o, zmq_send (s, "x", 1, 0));
    finish_ender (o, th, &e, s);
}
static void c_term_unblocks_poll (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    zmq_pollitem_t item;
    NEED (start_ender (&th, &e, &s, ZMQ_PULL, 0) == 0, o, "context, socket and thread");
    memset (&item, 0, sizeof item);
    item.socket = s;
    item.events = ZMQ_POLLIN;
    RET_INT (o, zmq_poll (&item, 1, -1));
    finish_ender (o, th, &e, s);
}
static void c_term_unblocks_proxy (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *front, *back;
    int rc;
    NEED (start_ender (&th, &e, &front, ZMQ_PULL, 0) == 0, o, "context, socket and thread");
    back = zmq_socket (e.ctx, ZMQ_PUSH);
    NEED (back, o, "zmq_socket");
    set_int (back, ZMQ_LINGER, 0);
    NEED (zmq_bind (front, "inproc://front") == 0, o, "zmq_bind front");
    NEED (zmq_bind (back, "inproc://back") == 0, o, "zmq_bind back");
    RET_INT (o, zmq_proxy (front, back, NULL));
    errno = 0;
    rc = zmq_close (back);
    if (rc != 0)
        note (o, "zmq_close (backend)", rc, errno);
    finish_ender (o, th, &e, front);
}
static void c_shutdown_unblocks_recv (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    NEED (start_ender (&th, &e, &s, ZMQ_DEALER, 1) == 0, o, "context, socket and thread");
    RET_INT (o, zmq_recv (s, buf, sizeof buf, 0));
    finish_ender (o, th, &e, s);
}
static void c_send_after_eterm (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    NEED (start_ender (&th, &e, &s, ZMQ_PAIR, 0) == 0, o, "context, socket and thread");
    NEED (zmq_recv (s, buf, sizeof buf, 0) == -1 && errno == ETERM, o, "zmq_recv gives ETERM");
    RET_INT (o, zmq_send (s, "x", 1, ZMQ_DONTWAIT));
    finish_ender (o, th, &e, s);
}
static void c_setsockopt_after_eterm (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    int v = 100;
    NEED (start_ender (&th, &e, &s, ZMQ_PAIR, 0) == 0, o, "context, socket and thread");
    NEED (zmq_recv (s, buf, sizeof buf, 0) == -1 && errno == ETERM, o, "zmq_recv gives ETERM");
    RET_INT (o, zmq_setsockopt (s, ZMQ_SNDHWM, &v, sizeof v));
    finish_ender (o, th, &e, s);
}
static void c_bind_after_eterm (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    NEED (start_ender (&th, &e, &s, ZMQ_PAIR, 0) == 0, o, "context, socket and thread");
    NEED (zmq_recv (s, buf, sizeof buf, 0) == -1 && errno == ETERM, o, "zmq_recv gives ETERM");
    RET_INT (o, zmq_bind (s, "inproc://after-eterm"));
    finish_ender (o, th, &e, s);
}
static void c_socket_while_terminating (outcome_t *o)
{
    pthread_t th;
    ender_t e;
    void *s;
    char buf[8];
    NEED (start_ender (&th, &e, &s, ZMQ_PAIR, 0) == 0, o, "context, socket and thread");
    NEED (zmq_recv (s, buf, sizeof buf, 0) == -1 && errno == ETERM, o, "zmq_recv gives ETERM");
    RET_PTR (o, zmq_socket (e.ctx, ZMQ_PAIR));
    finish_ender (o, th, &e, s);
}

/* A socket used by another thread, closed there after a delay (and, with block_recv, after a
   blocking receive that the termination ends). */
typedef struct {
    void *s;
    int delay_ms;
    int block_recv;
    int recv_rc, recv_err, close_rc, close_err;
} closer_t;

static void *closer_main (void *arg)
{
    closer_t *c = (closer_t *) arg;
    char buf[8];
    if (c->block_recv) {
        errno = 0;
        c->recv_rc = zmq_recv (c->s, buf, sizeof buf, 0);
        c->recv_err = errno;
    }
    sleep_ms (c->delay_ms);
    errno = 0;
    c->close_rc = zmq_close (c->s);
    c->close_err = errno;
    return NULL;
}

static void term_with_closers (outcome_t *o, int n, int block_recv)
{
    pthread_t th[3];
    closer_t cl[3];
    void *c = zmq_ctx_new ();
    int i;
    NEED (c, o, "zmq_ctx_new");
    for (i = 0; i < n; i++) {
        memset (&cl[i], 0, sizeof cl[i]);
        /* receiving types, for the blocked zmq_recv */
        cl[i].s = zmq_socket (c, i % 2 ? ZMQ_DEALER : ZMQ_PULL);
        NEED (cl[i].s, o, "zmq_socket");
        set_int (cl[i].s, ZMQ_LINGER, 0);
        cl[i].delay_ms = block_recv ? 20 : 100 + 50 * i;
        cl[i].block_recv = block_recv;
        NEED (pthread_create (&th[i], NULL, closer_main, &cl[i]) == 0, o, "pthread_create");
    }
    if (block_recv)
        sleep_ms (50);
    RET_INT (o, zmq_ctx_term (c));
    for (i = 0; i < n; i++) {
        pthread_join (th[i], NULL);
        if (cl[i].close_rc != 0)
            note (o, "zmq_close (other thread)", cl[i].close_rc, cl[i].close_err);
        if (block_recv && !(cl[i].recv_rc == -1 && cl[i].recv_err == ETERM))
            note (o, "the blocked zmq_recv (other thread)", cl[i].recv_rc, cl[i].recv_err);
    }
}
static void c_term_waits_for_close (outcome_t *o) { term_with_closers (o, 1, 0); }
static void c_term_waits_for_two (outcome_t *o) { term_with_closers (o, 2, 0); }
static void c_term_ends_blocked_threads (outcome_t *o) { term_with_closers (o, 2, 1); }

static void c_term_with_queued_tcp (outcome_t *o)
{
    closer_t cl;
    pthread_t th;
    void *c = zmq_ctx_new ();
    NEED (c, o, "zmq_ctx_new");
    memset (&cl, 0, sizeof cl);
    cl.s = zmq_socket (c, ZMQ_PUSH);
    NEED (cl.s, o, "zmq_socket");
    set_int (cl.s, ZMQ_LINGER, 0);
    /* port 1 on loopback: nothing listens, the message stays queued */
    NEED (zmq_connect (cl.s, "tcp://127.0.0.1:1") == 0, o, "zmq_connect");
    NEED (zmq_send (cl.s, "queued", 6, ZMQ_DONTWAIT) == 6, o, "zmq_send");
    cl.delay_ms = 100;
    NEED (pthread_create (&th, NULL, closer_main, &cl) == 0, o, "pthread_create");
    RET_INT (o, zmq_ctx_term (c));
    pthread_join (th, NULL);
    if (cl.close_rc != 0)
        note (o, "zmq_close (other thread)", cl.close_rc, cl.close_err);
}

/* ---- 13. one socket, several threads ---------------------------------------------------- */

/* A thread that makes one call on a socket (which ours then lets that thread's next calls
   make without taking the socket's busy flag), then blocks in zmq_recv on it. */
typedef struct {
    void *s;
    volatile int ready;
    int recv_rc, recv_err;
} blocker_t;

static void *blocker_main (void *arg)
{
    blocker_t *b = (blocker_t *) arg;
    char buf[8];
    int type;
    size_t len = sizeof type;
    zmq_getsockopt (b->s, ZMQ_TYPE, &type, &len);
    b->ready = 1;
    errno = 0;
    b->recv_rc = zmq_recv (b->s, buf, sizeof buf, 0);
    b->recv_err = errno;
    return NULL;
}

/* Calls on a socket another thread is blocked in fail with EAGAIN, and work once it left. */
static void c_call_while_other_thread_blocks (outcome_t *o)
{
    void *a, *b;
    blocker_t bl;
    pthread_t th;
    int i;
    NEED (pair_up (&a, &b) == 0, o, "PAIR pair");
    memset (&bl, 0, sizeof bl);
    bl.s = b;
    NEED (pthread_create (&th, NULL, blocker_main, &bl) == 0, o, "pthread_create");
    while (!bl.ready)
        sleep_ms (1);
    sleep_ms (50);
    RET_INT (o, zmq_send (b, "x", 1, ZMQ_DONTWAIT));
    for (i = 0; i < 100; i++) {
        int type;
        size_t len = sizeof type;
        errno = 0;
        int rc = zmq_getsockopt (b, ZMQ_TYPE, &type, &len);
        if (!(rc == -1 && errno == EAGAIN)) {
            note (o, "zmq_getsockopt during the other thread's zmq_recv", rc, errno);
            break;
        }
    }
    errno = 0;
    int rc = zmq_send (a, "wake", 4, 0);
    if (rc != 4)
        note (o, "zmq_send to wake the other thread", rc, errno);
    pthread_join (th, NULL);
    if (bl.recv_rc != 4)
        note (o, "the other thread's zmq_recv", bl.recv_rc, bl.recv_err);
    errno = 0;
    rc = zmq_send (b, "y", 1, ZMQ_DONTWAIT);
    if (rc != 1)
        note (o, "zmq_send once the other thread left", rc, errno);
}

/* A free function that sends on the socket whose call runs it. */
static void *g_reenter_socket;
static volatile int g_in_call, g_ffn_in_call = -1;
static int g_inner_rc, g_inner_err;

static void reenter_ffn (void *data, void *hint)
{
    (void) data;
    (void) hint;
    g_ffn_in_call = g_in_call;
    errno = 0;
    g_inner_rc = zmq_send (g_reenter_socket, "inner", 5, ZMQ_DONTWAIT);
    g_inner_err = errno;
}

/* A PUB without subscribers drops what it is sent: the zero-copy message's free function runs
   inside the zmq_msg_send, on the thread the socket serves, and its own send on that socket
   gets EAGAIN. */
static void c_reentrant_send_from_free_function (outcome_t *o)
{
    static char data[4096];
    zmq_msg_t m;
    int type;
    size_t len = sizeof type;
    g_reenter_socket = sock (ZMQ_PUB);
    NEED (g_reenter_socket, o, "zmq_socket");
    NEED (zmq_bind (g_reenter_socket, "inproc://misuse-reenter") == 0, o, "zmq_bind");
    NEED (zmq_getsockopt (g_reenter_socket, ZMQ_TYPE, &type, &len) == 0, o, "zmq_getsockopt");
    NEED (zmq_msg_init_data (&m, data, sizeof data, reenter_ffn, NULL) == 0, o, "zmq_msg_init_data");
    g_in_call = 1;
    int rc = zmq_msg_send (&m, g_reenter_socket, 0);
    g_in_call = 0;
    NEED (rc == (int) sizeof data, o, "zmq_msg_send");
    NEED (g_ffn_in_call == 1, o, "the free function running inside zmq_msg_send");
    o->rc = g_inner_rc;
    o->err = g_inner_err;
    errno = 0;
    rc = zmq_send (g_reenter_socket, "after", 5, ZMQ_DONTWAIT);
    if (rc != 5)
        note (o, "zmq_send after the call", rc, errno);
}

/* Threads that use a socket in turn (each started once the last ended) all succeed, past
   the point where ours stops letting one thread skip the busy flag. */
typedef struct {
    void *s;
    int rc, err;
} turn_t;

static void *turn_main (void *arg)
{
    turn_t *t = (turn_t *) arg;
    int i;
    for (i = 0; i < 3; i++) {
        errno = 0;
        t->rc = zmq_send (t->s, "turn", 4, 0);
        t->err = errno;
        if (t->rc != 4)
            break;
    }
    return NULL;
}

static void c_socket_passed_between_threads (outcome_t *o)
{
    void *a, *b;
    char buf[8];
    int i, got = 0;
    NEED (pair_up (&a, &b) == 0, o, "PAIR pair");
    for (i = 0; i < 12; i++) {
        turn_t t = {b, 0, 0};
        pthread_t th;
        NEED (pthread_create (&th, NULL, turn_main, &t) == 0, o, "pthread_create");
        pthread_join (th, NULL);
        if (t.rc != 4) {
            note (o, "zmq_send on a thread of its turn", t.rc, t.err);
            break;
        }
        while (zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT) == 4)
            got++;
    }
    o->rc = got;
    o->err = 0;
}

/* ---- the table -------------------------------------------------------------------------- */

#define FAIL(e) -1, (e)
#define NULLP(e) 0, (e)
#define OK_INT(v) (v), ANY_ERRNO
#define NONNULL 1, ANY_ERRNO
#define RETURNS 0, ANY_ERRNO

static const case_t cases[] = {
    /* NULL handles */
    {"close-null", c_close_null, R_INT, FAIL (ENOTSOCK)},
    {"bind-null-socket", c_bind_null, R_INT, FAIL (ENOTSOCK)},
    {"connect-null-socket", c_connect_null, R_INT, FAIL (ENOTSOCK)},
    {"unbind-null-socket", c_unbind_null, R_INT, FAIL (ENOTSOCK)},
    {"disconnect-null-socket", c_disconnect_null, R_INT, FAIL (ENOTSOCK)},
    {"send-null-socket", c_send_null, R_INT, FAIL (ENOTSOCK)},
    {"recv-null-socket", c_recv_null, R_INT, FAIL (ENOTSOCK)},
    {"send-const-null-socket", c_send_const_null, R_INT, FAIL (ENOTSOCK)},
    {"msg-send-null-socket", c_msg_send_null_socket, R_INT, FAIL (ENOTSOCK)},
    {"msg-recv-null-socket", c_msg_recv_null_socket, R_INT, FAIL (ENOTSOCK)},
    {"sendmsg-null-socket", c_sendmsg_null, R_INT, FAIL (ENOTSOCK)},
    {"recvmsg-null-socket", c_recvmsg_null, R_INT, FAIL (ENOTSOCK)},
    {"setsockopt-null-socket", c_setsockopt_null, R_INT, FAIL (ENOTSOCK)},
    {"getsockopt-null-socket", c_getsockopt_null, R_INT, FAIL (ENOTSOCK)},
    {"socket-monitor-null-socket", c_monitor_null, R_INT, FAIL (ENOTSOCK)},
    {"ctx-term-null", c_ctx_term_null, R_INT, FAIL (EFAULT)},
    {"ctx-shutdown-null", c_ctx_shutdown_null, R_INT, FAIL (EFAULT)},
    {"ctx-destroy-null", c_ctx_destroy_null, R_INT, FAIL (EFAULT)},
    {"term-null", c_term_null, R_INT, FAIL (EFAULT)},
    {"ctx-set-null", c_ctx_set_null, R_INT, FAIL (EFAULT)},
    {"ctx-get-null", c_ctx_get_null, R_INT, FAIL (EFAULT)},
    {"socket-null-ctx", c_socket_null_ctx, R_PTR, NULLP (EFAULT)},
    /* NULL arguments on live sockets */
    {"bind-null-endpoint", c_bind_null_addr, R_INT, FAIL (EINVAL)},
    {"connect-null-endpoint", c_connect_null_addr, R_INT, FAIL (EINVAL)},
    {"unbind-null-endpoint", c_unbind_null_addr, R_INT, FAIL (EINVAL)},
    {"disconnect-null-endpoint", c_disconnect_null_addr, R_INT, FAIL (EINVAL)},
    {"socket-monitor-null-endpoint", c_monitor_null_addr, R_INT, OK_INT (0)},
    {"send-null-buffer", c_send_null_buf, R_INT, FAIL (EFAULT)},
    {"send-null-buffer-len0", c_send_null_buf_empty, R_INT, OK_INT (0)},
    {"send-const-null-buffer", c_send_const_null_buf, R_INT, FAIL (EFAULT)},
    {"recv-null-buffer", c_recv_null_buf, R_INT, FAIL (EFAULT)},
    {"recv-null-buffer-len0", c_recv_null_buf_empty, R_INT, OK_INT (5)},
    {"setsockopt-null-value", c_setsockopt_null_val, R_INT, FAIL (EINVAL)},
    {"setsockopt-routing-id-null-value", c_setsockopt_routing_id_null, R_INT, FAIL (EINVAL)},
    {"setsockopt-subscribe-null-value", c_setsockopt_subscribe_null, R_INT, FAIL (EINVAL)},
    {"getsockopt-null-length", c_getsockopt_null_len, R_INT, FAIL (EINVAL)},
    {"getsockopt-null-value", c_getsockopt_null_val, R_INT, FAIL (EINVAL)},
    /* messages */
    {"msg-init-null", c_msg_init_null, R_INT, FAIL (EFAULT)},
    {"msg-init-size-null", c_msg_init_size_null, R_INT, FAIL (EFAULT)},
    {"msg-init-data-null", c_msg_init_data_null, R_INT, FAIL (EFAULT)},
    /* libzmq asserts; an invalid argument (EINVAL) here, as for a NULL buffer of size 0 with a
       free function. */
    {"msg-init-data-null-data", c_msg_init_data_null_data, R_INT, FAIL (EINVAL)},
    {"msg-init-size-SIZE_MAX", c_msg_init_size_huge, R_INT, FAIL (ENOMEM)},
    {"msg-init-size-SIZE_MAX/2", c_msg_init_size_half, R_INT, FAIL (ENOMEM)},
    {"msg-close-null", c_msg_close_null, R_INT, FAIL (EFAULT)},
    {"msg-move-null-dest", c_msg_move_null_dst, R_INT, FAIL (EFAULT)},
    {"msg-move-null-src", c_msg_move_null_src, R_INT, FAIL (EFAULT)},
    {"msg-copy-null-dest", c_msg_copy_null_dst, R_INT, FAIL (EFAULT)},
    {"msg-copy-null-src", c_msg_copy_null_src, R_INT, FAIL (EFAULT)},
    {"msg-data-null", c_msg_data_null, R_PTR, NULLP (EFAULT)},
    {"msg-size-null", c_msg_size_null, R_INT, 0, EFAULT},
    {"msg-more-null", c_msg_more_null, R_INT, 0, EFAULT},
    {"msg-get-null", c_msg_get_null, R_INT, FAIL (EFAULT)},
    {"msg-set-null", c_msg_set_null, R_INT, FAIL (EINVAL)},
    {"msg-gets-null", c_msg_gets_null, R_PTR, NULLP (EFAULT)},
    {"msg-gets-null-property", c_msg_gets_null_prop, R_PTR, NULLP (EINVAL)},
    {"msg-get-unknown-property", c_msg_get_unknown, R_INT, FAIL (EINVAL)},
    {"msg-send-null-msg", c_msg_send_null_msg, R_INT, FAIL (EFAULT)},
    {"msg-recv-null-msg", c_msg_recv_null_msg, R_INT, FAIL (EFAULT)},
    {"msg-close-zeroed", c_msg_close_zeroed, R_INT, FAIL (EFAULT)},
    {"msg-close-garbage", c_msg_close_garbage, R_INT, FAIL (EFAULT)},
    {"msg-send-zeroed", c_msg_send_zeroed, R_INT, FAIL (EFAULT)},
    {"msg-recv-zeroed", c_msg_recv_zeroed, R_INT, FAIL (EFAULT)},
    {"closed-msg-size", c_closed_msg_size, R_INT, 0, EFAULT},
    {"closed-msg-data", c_closed_msg_data, R_PTR, NULLP (EFAULT)},
    {"closed-msg-more", c_closed_msg_more, R_INT, 0, EFAULT},
    {"closed-msg-get", c_closed_msg_get, R_INT, FAIL (EFAULT)},
    {"closed-msg-gets", c_closed_msg_gets, R_PTR, NULLP (EFAULT)},
    {"closed-msg-close-again", c_closed_msg_close, R_INT, FAIL (EFAULT)},
    {"closed-msg-send", c_closed_msg_send, R_INT, FAIL (EFAULT)},
    {"closed-msg-sendmsg", c_closed_msg_sendmsg, R_INT, FAIL (EFAULT)},
    {"closed-msg-recv", c_closed_msg_recv, R_INT, FAIL (EFAULT)},
    {"closed-msg-copy-src", c_closed_msg_copy_src, R_INT, FAIL (EFAULT)},
    {"closed-msg-copy-dest", c_closed_msg_copy_dst, R_INT, FAIL (EFAULT)},
    {"closed-msg-move-src", c_closed_msg_move_src, R_INT, FAIL (EFAULT)},
    {"closed-msg-init-again", c_closed_msg_reinit, R_INT, OK_INT (0)},
    {"moved-from-msg-size", c_moved_from_size, R_INT, OK_INT (0)},
    {"sent-msg-close", c_sent_msg_close, R_INT, OK_INT (0)},
    /* closed sockets */
    {"close-twice", c_close_twice, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-send", c_closed_send, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-recv", c_closed_recv, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-msg-send", c_closed_msg_send_sock, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-bind", c_closed_bind, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-connect", c_closed_connect, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-setsockopt", c_closed_setsockopt, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-getsockopt", c_closed_getsockopt, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-monitor", c_closed_monitor, R_INT, FAIL (ENOTSOCK)},
    {"closed-socket-poll", c_closed_poll, R_INT, FAIL (ENOTSOCK)},
    /* terminated and shut-down contexts */
    {"termed-ctx-socket", c_termed_socket, R_PTR, NULLP (EFAULT)},
    {"termed-ctx-get", c_termed_get, R_INT, FAIL (EFAULT)},
    {"termed-ctx-set", c_termed_set, R_INT, FAIL (EFAULT)},
    {"termed-ctx-term-again", c_termed_term, R_INT, FAIL (EFAULT)},
    {"termed-ctx-shutdown", c_termed_shutdown, R_INT, FAIL (EFAULT)},
    {"termed-ctx-destroy", c_termed_destroy, R_INT, FAIL (EFAULT)},
    {"ctx-shutdown-twice", c_shutdown_twice, R_INT, OK_INT (0)},
    {"shutdown-ctx-socket", c_shutdown_socket, R_PTR, NULLP (ETERM)},
    {"shutdown-ctx-term", c_shutdown_then_term, R_INT, OK_INT (0)},
    {"shutdown-ctx-send", c_shutdown_send, R_INT, FAIL (ETERM)},
    {"shutdown-ctx-recv", c_shutdown_recv, R_INT, FAIL (ETERM)},
    {"shutdown-ctx-bind", c_shutdown_bind, R_INT, FAIL (ETERM)},
    {"shutdown-ctx-connect", c_shutdown_connect, R_INT, FAIL (ETERM)},
    {"shutdown-ctx-poll", c_shutdown_poll, R_INT, FAIL (ETERM)},
    {"shutdown-ctx-close-then-term", c_shutdown_close_term, R_INT, OK_INT (0)},
    /* wrong kinds of handle */
    {"ctx-as-socket-send", c_ctx_as_socket_send, R_INT, FAIL (ENOTSOCK)},
    {"ctx-as-socket-recv", c_ctx_as_socket_recv, R_INT, FAIL (ENOTSOCK)},
    {"ctx-as-socket-close", c_ctx_as_socket_close, R_INT, FAIL (ENOTSOCK)},
    {"ctx-as-socket-bind", c_ctx_as_socket_bind, R_INT, FAIL (ENOTSOCK)},
    {"ctx-as-socket-setsockopt", c_ctx_as_socket_setsockopt, R_INT, FAIL (ENOTSOCK)},
    {"ctx-as-poll-item", c_ctx_as_poll_item, R_INT, FAIL (ENOTSOCK)},
    {"socket-as-ctx-socket", c_socket_as_ctx_socket, R_PTR, NULLP (EFAULT)},
    {"socket-as-ctx-term", c_socket_as_ctx_term, R_INT, FAIL (EFAULT)},
    {"socket-as-ctx-get", c_socket_as_ctx_get, R_INT, FAIL (EFAULT)},
    {"socket-as-ctx-set", c_socket_as_ctx_set, R_INT, FAIL (EFAULT)},
    {"socket-as-ctx-shutdown", c_socket_as_ctx_shutdown, R_INT, FAIL (EFAULT)},
    {"msg-as-socket-send", c_msg_as_socket_send, R_INT, FAIL (ENOTSOCK)},
    {"msg-as-socket-close", c_msg_as_socket_close, R_INT, FAIL (ENOTSOCK)},
    {"msg-as-socket-bind", c_msg_as_socket_bind, R_INT, FAIL (ENOTSOCK)},
    {"msg-as-ctx-socket", c_msg_as_ctx, R_PTR, NULLP (EFAULT)},
    {"timers-as-socket-send", c_timers_as_socket, R_INT, FAIL (ENOTSOCK)},
    {"socket-as-timers-add", c_socket_as_timers, R_INT, FAIL (EFAULT)},
    {"ctx-as-timers-timeout", c_ctx_as_timers, R_INT, FAIL (EFAULT)},
    /* socket options */
    {"setsockopt-size-0", c_setsockopt_size0, R_INT, FAIL (EINVAL)},
    {"setsockopt-size-too-small", c_setsockopt_size_small, R_INT, FAIL (EINVAL)},
    {"setsockopt-size-too-big", c_setsockopt_size_big, R_INT, FAIL (EINVAL)},
    {"setsockopt-unknown-option", c_setsockopt_unknown, R_INT, FAIL (EINVAL)},
    {"setsockopt-negative-option", c_setsockopt_negative_id, R_INT, FAIL (EINVAL)},
    {"setsockopt-linger-minus-2", c_setsockopt_linger_neg, R_INT, FAIL (EINVAL)},
    {"setsockopt-sndhwm-negative", c_setsockopt_sndhwm_neg, R_INT, FAIL (EINVAL)},
    {"setsockopt-rcvhwm-negative", c_setsockopt_rcvhwm_neg, R_INT, FAIL (EINVAL)},
    {"setsockopt-rcvtimeo-minus-2", c_setsockopt_rcvtimeo_neg, R_INT, FAIL (EINVAL)},
    {"setsockopt-backlog-negative", c_setsockopt_backlog_neg, R_INT, FAIL (EINVAL)},
    {"setsockopt-tcp-keepalive-5", c_setsockopt_keepalive_bad, R_INT, FAIL (EINVAL)},
    {"setsockopt-ipv6-2", c_setsockopt_ipv6_bad, R_INT, FAIL (EINVAL)},
    {"setsockopt-immediate-7", c_setsockopt_immediate_bad, R_INT, FAIL (EINVAL)},
    {"setsockopt-maxmsgsize-as-int", c_setsockopt_maxmsgsize_int, R_INT, FAIL (EINVAL)},
    {"setsockopt-affinity-as-int", c_setsockopt_affinity_int, R_INT, FAIL (EINVAL)},
    {"setsockopt-routing-id-256-bytes", c_setsockopt_routing_id_long, R_INT, FAIL (EINVAL)},
    {"setsockopt-routing-id-empty", c_setsockopt_routing_id_empty, R_INT, FAIL (EINVAL)},
    /* libzmq 4.3 takes a ZMQ_CONNECT_ROUTING_ID of any length (the 255-byte limit applies
       when it is used); so do we. */
    {"setsockopt-connect-routing-id-256", c_setsockopt_connect_rid_long, R_INT, OK_INT (0)},
    {"setsockopt-read-only-type", c_setsockopt_readonly_type, R_INT, FAIL (EINVAL)},
    {"setsockopt-read-only-rcvmore", c_setsockopt_readonly_rcvmore, R_INT, FAIL (EINVAL)},
    {"setsockopt-subscribe-on-pub", c_setsockopt_subscribe_on_pub, R_INT, FAIL (EINVAL)},
    {"setsockopt-router-mandatory-on-pair", c_setsockopt_router_opt_on_pair, R_INT, FAIL (EINVAL)},
    {"getsockopt-size-too-small", c_getsockopt_size_small, R_INT, FAIL (EINVAL)},
    {"getsockopt-size-0", c_getsockopt_size0, R_INT, FAIL (EINVAL)},
    {"getsockopt-unknown-option", c_getsockopt_unknown, R_INT, FAIL (EINVAL)},
    {"getsockopt-write-only-subscribe", c_getsockopt_writeonly, R_INT, FAIL (EINVAL)},
    {"getsockopt-maxmsgsize-as-int", c_getsockopt_int64_as_int, R_INT, FAIL (EINVAL)},
    {"getsockopt-events-too-small", c_getsockopt_events_small, R_INT, FAIL (EINVAL)},
    {"getsockopt-last-endpoint-too-small", c_getsockopt_last_endpoint_small, R_INT, FAIL (EINVAL)},
    {"getsockopt-last-endpoint-size-0", c_getsockopt_last_endpoint_zero, R_INT, FAIL (EINVAL)},
    {"getsockopt-routing-id-too-small", c_getsockopt_routing_id_small, R_INT, FAIL (EINVAL)},
    /* endpoints */
    {"bind-garbage", c_bind_garbage, R_INT, FAIL (EINVAL)},
    {"bind-empty-string", c_bind_empty, R_INT, FAIL (EINVAL)},
    {"bind-tcp-empty", c_bind_tcp_empty, R_INT, FAIL (EINVAL)},
    /* libzmq 4.3 reads the port modulo 65536 (99999 binds 34463); so do we. */
    {"bind-tcp-port-99999", c_bind_tcp_port_range, R_INT, OK_INT (0)},
    {"bind-tcp-no-port", c_bind_tcp_no_port, R_INT, FAIL (EINVAL)},
    {"bind-tcp-port-abc", c_bind_tcp_bad_port, R_INT, FAIL (EINVAL)},
    {"bind-tcp-unknown-host", c_bind_tcp_unknown_host, R_INT, FAIL (ENODEV)},
    {"bind-unknown-transport", c_bind_unknown_transport, R_INT, FAIL (EPROTONOSUPPORT)},
    {"connect-unknown-transport", c_connect_unknown_transport, R_INT, FAIL (EPROTONOSUPPORT)},
    {"bind-ipc-empty", c_bind_ipc_empty, R_INT, FAIL (EINVAL)},
    {"bind-ipc-path-too-long", c_bind_ipc_too_long, R_INT, FAIL (ENAMETOOLONG)},
    {"connect-ipc-path-too-long", c_connect_ipc_too_long, R_INT, FAIL (ENAMETOOLONG)},
    {"bind-inproc-empty", c_bind_inproc_empty, R_INT, FAIL (EINVAL)},
    {"connect-inproc-empty", c_connect_inproc_empty, R_INT, FAIL (EINVAL)},
    {"connect-garbage", c_connect_garbage, R_INT, FAIL (EINVAL)},
    {"connect-tcp-empty", c_connect_tcp_empty, R_INT, FAIL (EINVAL)},
    {"connect-tcp-no-port", c_connect_tcp_no_port, R_INT, FAIL (EINVAL)},
    {"connect-tcp-port-star", c_connect_tcp_star_port, R_INT, FAIL (EINVAL)},
    {"connect-tcp-unknown-host", c_connect_tcp_unknown_host, R_INT, OK_INT (0)},
    {"bind-tcp-address-in-use", c_bind_tcp_in_use, R_INT, FAIL (EADDRINUSE)},
    {"bind-inproc-name-in-use", c_bind_inproc_in_use, R_INT, FAIL (EADDRINUSE)},
    {"unbind-not-bound", c_unbind_not_bound, R_INT, FAIL (ENOENT)},
    {"unbind-wildcard", c_unbind_wildcard, R_INT, FAIL (ENOENT)},
    {"unbind-twice", c_unbind_twice, R_INT, FAIL (ENOENT)},
    {"unbind-garbage", c_unbind_garbage, R_INT, FAIL (EINVAL)},
    {"unbind-unknown-transport", c_unbind_unknown_transport, R_INT, FAIL (EPROTONOSUPPORT)},
    {"disconnect-not-connected", c_disconnect_not_connected, R_INT, FAIL (ENOENT)},
    {"socket-monitor-tcp-endpoint", c_monitor_tcp, R_INT, FAIL (EPROTONOSUPPORT)},
    {"socket-monitor-garbage-endpoint", c_monitor_garbage, R_INT, FAIL (EINVAL)},
    {"socket-monitor-unknown-events", c_monitor_bad_events, R_INT, FAIL (EINVAL)},
    /* socket types and states */
    {"socket-type-99", c_socket_bad_type, R_PTR, NULLP (EINVAL)},
    {"socket-type-negative", c_socket_negative_type, R_PTR, NULLP (EINVAL)},
    {"socket-over-max-sockets", c_socket_limit, R_PTR, NULLP (EMFILE)},
    {"pub-msg-recv", c_pub_msg_recv, R_INT, FAIL (ENOTSUP)},
    {"pub-recv", c_pub_recv, R_INT, FAIL (ENOTSUP)},
    {"sub-send", c_sub_send, R_INT, FAIL (ENOTSUP)},
    {"sub-send-const", c_sub_send_const, R_INT, FAIL (ENOTSUP)},
    {"pull-send", c_pull_send, R_INT, FAIL (ENOTSUP)},
    {"push-recv", c_push_recv, R_INT, FAIL (ENOTSUP)},
    {"req-send-twice", c_req_send_twice, R_INT, FAIL (EFSM)},
    {"req-recv-before-send", c_req_recv_first, R_INT, FAIL (EFSM)},
    {"rep-send-before-recv", c_rep_send_first, R_INT, FAIL (EFSM)},
    {"rep-recv-twice", c_rep_recv_twice, R_INT, FAIL (EFSM)},
    {"recv-dontwait-empty", c_recv_dontwait_empty, R_INT, FAIL (EAGAIN)},
    {"msg-recv-dontwait-empty", c_msg_recv_dontwait_empty, R_INT, FAIL (EAGAIN)},
    {"recv-rcvtimeo-empty", c_recv_timeout_empty, R_INT, FAIL (EAGAIN)},
    {"send-dontwait-no-peer", c_send_dontwait_no_peer, R_INT, FAIL (EAGAIN)},
    {"send-sndtimeo-no-peer", c_send_timeout_no_peer, R_INT, FAIL (EAGAIN)},
    {"router-mandatory-unknown-peer", c_router_mandatory_unknown, R_INT, FAIL (EHOSTUNREACH)},
    /* zmq_poll, zmq_proxy */
    {"poll-null-items", c_poll_null_items, R_INT, FAIL (EFAULT)},
    {"poll-null-items-count-0", c_poll_null_none, R_INT, OK_INT (0)},
    {"poll-negative-count", c_poll_negative_count, R_INT, FAIL (EINVAL)},
    {"poll-fd-minus-1", c_poll_negative_fd, R_INT, OK_INT (0)},
    {"poll-closed-fd", c_poll_closed_fd, R_INT, OK_INT (1)},
    {"proxy-null", c_proxy_null, R_INT, FAIL (EFAULT)},
    {"proxy-null-backend", c_proxy_null_backend, R_INT, FAIL (EFAULT)},
    {"proxy-steerable-null", c_proxy_steerable_null, R_INT, FAIL (EFAULT)},
    {"device-null", c_device_null, R_INT, FAIL (EFAULT)},
    /* utilities */
    {"z85-encode-size-5", c_z85_encode_bad_size, R_PTR, NULLP (EINVAL)},
    {"z85-encode-null-dest", c_z85_encode_null_dest, R_PTR, NULLP (EFAULT)},
    {"z85-encode-null-data", c_z85_encode_null_data, R_PTR, NULLP (EFAULT)},
    {"z85-decode-length-4", c_z85_decode_bad_size, R_PTR, NULLP (EINVAL)},
    {"z85-decode-bad-char", c_z85_decode_bad_char, R_PTR, NULLP (EINVAL)},
    {"z85-decode-overflow", c_z85_decode_overflow, R_PTR, NULLP (EINVAL)},
    {"z85-decode-null-string", c_z85_decode_null_string, R_PTR, NULLP (EFAULT)},
    {"z85-decode-null-dest", c_z85_decode_null_dest, R_PTR, NULLP (EFAULT)},
    {"curve-keypair-null", c_curve_keypair_null, R_INT, FAIL (EFAULT)},
    {"curve-keypair-null-secret", c_curve_keypair_null_secret, R_INT, FAIL (EFAULT)},
    {"curve-public-null-dest", c_curve_public_null_dest, R_INT, FAIL (EFAULT)},
    {"curve-public-null-secret", c_curve_public_null_secret, R_INT, FAIL (EFAULT)},
    {"curve-public-39-chars", c_curve_public_bad_length, R_INT, FAIL (EINVAL)},
    {"curve-public-bad-char", c_curve_public_bad_char, R_INT, FAIL (EINVAL)},
    {"has-null", c_has_null, R_INT, OK_INT (0)},
    {"has-unknown", c_has_unknown, R_INT, OK_INT (0)},
    {"strerror-minus-1", c_strerror_negative, R_PTR, NONNULL},
    {"strerror-1000000", c_strerror_huge, R_PTR, NONNULL},
    {"strerror-hausnumero-99", c_strerror_hausnumero, R_PTR, NONNULL},
    {"version-null-pointers", c_version_null, R_VOID, RETURNS},
    {"init-negative-threads", c_init_negative, R_PTR, NULLP (EINVAL)},
    {"ctx-set-io-threads-negative", c_ctx_set_io_negative, R_INT, FAIL (EINVAL)},
    {"ctx-set-max-sockets-0", c_ctx_set_max_sockets_zero, R_INT, FAIL (EINVAL)},
    {"ctx-set-unknown-option", c_ctx_set_unknown, R_INT, FAIL (EINVAL)},
    {"ctx-get-unknown-option", c_ctx_get_unknown, R_INT, FAIL (EINVAL)},
    {"ctx-get-negative-option", c_ctx_get_negative, R_INT, FAIL (EINVAL)},
    {"stopwatch-stop-null", c_stopwatch_stop_null, R_INT, OK_INT (0)},
    {"stopwatch-intermediate-null", c_stopwatch_intermediate_null, R_INT, OK_INT (0)},
    {"threadclose-null", c_threadclose_null, R_VOID, RETURNS},
    /* timers, atomic counters */
    {"timers-destroy-null", c_timers_destroy_null, R_INT, FAIL (EFAULT)},
    {"timers-destroy-pointer-to-null", c_timers_destroy_null_inner, R_INT, FAIL (EFAULT)},
    {"timers-add-null", c_timers_add_null, R_INT, FAIL (EFAULT)},
    {"timers-add-null-handler", c_timers_add_null_handler, R_INT, FAIL (EFAULT)},
    {"timers-cancel-null", c_timers_cancel_null, R_INT, FAIL (EFAULT)},
    {"timers-cancel-unknown-id", c_timers_cancel_unknown, R_INT, FAIL (EINVAL)},
    {"timers-cancel-twice", c_timers_cancel_twice, R_INT, FAIL (EINVAL)},
    {"timers-set-interval-null", c_timers_set_interval_null, R_INT, FAIL (EFAULT)},
    {"timers-set-interval-unknown-id", c_timers_set_interval_unknown, R_INT, FAIL (EINVAL)},
    {"timers-reset-null", c_timers_reset_null, R_INT, FAIL (EFAULT)},
    {"timers-reset-unknown-id", c_timers_reset_unknown, R_INT, FAIL (EINVAL)},
    {"timers-timeout-null", c_timers_timeout_null, R_INT, FAIL (EFAULT)},
    {"timers-execute-null", c_timers_execute_null, R_INT, FAIL (EFAULT)},
    {"timers-add-after-destroy", c_timers_after_destroy, R_INT, FAIL (EFAULT)},
    {"timers-destroy-twice", c_timers_destroy_twice, R_INT, FAIL (EFAULT)},
    {"atomic-counter-inc-null", c_counter_inc_null, R_INT, FAIL (EFAULT)},
    {"atomic-counter-dec-null", c_counter_dec_null, R_INT, FAIL (EFAULT)},
    {"atomic-counter-value-null", c_counter_value_null, R_INT, FAIL (EFAULT)},
    {"atomic-counter-set-null", c_counter_set_null, R_VOID, RETURNS},
    {"atomic-counter-destroy-null", c_counter_destroy_null, R_VOID, RETURNS},
    {"atomic-counter-destroy-pointer-to-null", c_counter_destroy_null_inner, R_VOID, RETURNS},
    /* termination under other threads */
    {"term-ends-blocked-recv", c_term_unblocks_recv, R_INT, FAIL (ETERM)},
    {"term-ends-blocked-msg-recv", c_term_unblocks_msg_recv, R_INT, FAIL (ETERM)},
    {"term-ends-blocked-send", c_term_unblocks_send, R_INT, FAIL (ETERM)},
    {"term-ends-blocked-poll", c_term_unblocks_poll, R_INT, FAIL (ETERM)},
    {"term-ends-proxy", c_term_unblocks_proxy, R_INT, FAIL (ETERM)},
    {"shutdown-ends-blocked-recv", c_shutdown_unblocks_recv, R_INT, FAIL (ETERM)},
    {"send-after-eterm", c_send_after_eterm, R_INT, FAIL (ETERM)},
    {"setsockopt-after-eterm", c_setsockopt_after_eterm, R_INT, FAIL (ETERM)},
    {"bind-after-eterm", c_bind_after_eterm, R_INT, FAIL (ETERM)},
    {"socket-while-terminating", c_socket_while_terminating, R_PTR, NULLP (ETERM)},
    {"term-waits-for-close-in-other-thread", c_term_waits_for_close, R_INT, OK_INT (0)},
    {"term-waits-for-two-threads", c_term_waits_for_two, R_INT, OK_INT (0)},
    {"term-ends-blocked-threads", c_term_ends_blocked_threads, R_INT, OK_INT (0)},
    {"term-with-queued-tcp-linger-0", c_term_with_queued_tcp, R_INT, OK_INT (0)},
    /* one socket, several threads */
    {"call-while-other-thread-blocks", c_call_while_other_thread_blocks, R_INT, FAIL (EAGAIN)},
    {"reentrant-send-from-free-function", c_reentrant_send_from_free_function, R_INT, FAIL (EAGAIN)},
    {"socket-passed-between-threads", c_socket_passed_between_threads, R_INT, OK_INT (36)},
};

#define NCASES ((int) (sizeof cases / sizeof cases[0]))

/* ---- running the cases ------------------------------------------------------------------- */

static int matches (const case_t *c, const outcome_t *o)
{
    if (o->rc == SETUP_RC || o->note[0] != '\0')
        return 0;
    if (o->rc != c->want_rc)
        return 0;
    return c->want_err == ANY_ERRNO || o->err == c->want_err;
}

static void write_all (int fd, const void *data, size_t len)
{
    const char *p = (const char *) data;
    while (len > 0) {
        ssize_t n = write (fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t) n;
    }
}

/* The child: runs one case and writes its outcome. Never returns. */
static void run_child (const case_t *c, int out_fd, int err_fd)
{
    outcome_t o;
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    alarm (CASE_DEADLINE_MS / 1000 + 3); /* in case the parent is gone */
    dup2 (err_fd, 2);
    close (err_fd);
    memset (&o, 0, sizeof o);
    c->fn (&o);
    o.matched = matches (c, &o);
    write_all (out_fd, &o, sizeof o);
    _exit (0);
}

typedef enum { ST_PENDING, ST_RUNNING, ST_OK, ST_MISMATCH, ST_CRASH, ST_HANG } status_t;

typedef struct {
    status_t status;
    pid_t pid;
    int out_fd, err_fd;
    long long deadline;
    outcome_t o;
    size_t have;
    char errtext[STDERR_KEEP + 1];
    size_t errlen;
    int wstatus;
} run_t;

static run_t runs[NCASES];

static void fmt_expected (const case_t *c, char *buf, size_t len)
{
    if (c->kind == R_VOID)
        snprintf (buf, len, "returns");
    else if (c->kind == R_PTR)
        snprintf (buf, len, "%s%s%s", c->want_rc ? "non-NULL" : "NULL",
                  c->want_err == ANY_ERRNO ? "" : "/",
                  c->want_err == ANY_ERRNO ? "" : errno_name (c->want_err));
    else if (c->want_err == ANY_ERRNO)
        snprintf (buf, len, "%lld", c->want_rc);
    else
        snprintf (buf, len, "%lld/%s", c->want_rc, errno_name (c->want_err));
}

static void fmt_got (const case_t *c, const run_t *r, char *buf, size_t len)
{
    const outcome_t *o = &r->o;
    if (r->status == ST_HANG) {
        snprintf (buf, len, "HANG");
        return;
    }
    if (r->status == ST_CRASH) {
        if (WIFSIGNALED (r->wstatus))
            snprintf (buf, len, "CRASH signal %d", WTERMSIG (r->wstatus));
        else
            snprintf (buf, len, "CRASH exit %d", WEXITSTATUS (r->wstatus));
        return;
    }
    if (o->rc == SETUP_RC) {
        snprintf (buf, len, "%s", o->note);
        return;
    }
    if (c->kind == R_VOID)
        snprintf (buf, len, "returns");
    else if (c->kind == R_PTR && o->rc)
        snprintf (buf, len, "non-NULL");
    else if (c->kind == R_PTR)
        snprintf (buf, len, "NULL/%s", errno_name (o->err));
    else if (c->want_err != ANY_ERRNO || o->rc == -1)
        snprintf (buf, len, "%lld/%s", o->rc, errno_name (o->err));
    else
        snprintf (buf, len, "%lld", o->rc);
    if (o->note[0] != '\0') {
        size_t n = strlen (buf);
        snprintf (buf + n, len - n, " (%s)", o->note);
    }
}

static int start_run (int i)
{
    int out[2], err[2];
    run_t *r = &runs[i];
    if (pipe2 (out, O_CLOEXEC) != 0)
        return -1;
    if (pipe2 (err, O_CLOEXEC) != 0) {
        close (out[0]);
        close (out[1]);
        return -1;
    }
    fflush (stdout);
    fflush (stderr);
    r->pid = fork ();
    if (r->pid < 0) {
        close (out[0]);
        close (out[1]);
        close (err[0]);
        close (err[1]);
        return -1;
    }
    if (r->pid == 0) {
        close (out[0]);
        close (err[0]);
        run_child (&cases[i], out[1], err[1]);
    }
    close (out[1]);
    close (err[1]);
    r->out_fd = out[0];
    r->err_fd = err[0];
    r->deadline = now_ms () + CASE_DEADLINE_MS;
    r->status = ST_RUNNING;
    return 0;
}

/* Reads what is ready on fd; -1 at its end. */
static int drain (int fd, char *dst, size_t *have, size_t cap)
{
    char scratch[512];
    for (;;) {
        ssize_t n;
        if (*have < cap)
            n = read (fd, dst + *have, cap - *have);
        else
            n = read (fd, scratch, sizeof scratch);
        if (n > 0) {
            if (*have < cap)
                *have += (size_t) n;
            continue;
        }
        if (n == 0)
            return -1;
        if (errno == EINTR)
            continue;
        return 0; /* EAGAIN */
    }
}

static void finish_run (int i, int hung)
{
    run_t *r = &runs[i];
    if (hung) {
        kill (r->pid, SIGKILL);
        waitpid (r->pid, &r->wstatus, 0);
        r->status = ST_HANG;
    } else {
        waitpid (r->pid, &r->wstatus, 0);
        if (r->have == sizeof r->o)
            r->status = r->o.matched ? ST_OK : ST_MISMATCH;
        else
            r->status = ST_CRASH;
    }
    if (r->out_fd >= 0)
        close (r->out_fd);
    if (r->err_fd >= 0)
        close (r->err_fd);
    r->out_fd = r->err_fd = -1;
    r->errtext[r->errlen] = '\0';
}

static void run_all (const char *filter, int parallel)
{
    int next = 0, active = 0, i;
    while (next < NCASES || active > 0) {
        struct pollfd pfds[2 * NCASES];
        int n = 0;
        long long now;
        while (active < parallel && next < NCASES) {
            if (filter && strstr (cases[next].name, filter) == NULL) {
                runs[next].status = ST_PENDING;
                next++;
                continue;
            }
            if (start_run (next) != 0) {
                memset (&runs[next].o, 0, sizeof runs[next].o);
                runs[next].status = ST_CRASH;
                runs[next].wstatus = 255 << 8;
                next++;
                continue;
            }
            fcntl (runs[next].out_fd, F_SETFL, O_NONBLOCK);
            fcntl (runs[next].err_fd, F_SETFL, O_NONBLOCK);
            next++;
            active++;
        }
        for (i = 0; i < NCASES; i++) {
            if (runs[i].status != ST_RUNNING)
                continue;
            if (runs[i].out_fd >= 0) {
                pfds[n].fd = runs[i].out_fd;
                pfds[n].events = POLLIN;
                n++;
            }
            if (runs[i].err_fd >= 0) {
                pfds[n].fd = runs[i].err_fd;
                pfds[n].events = POLLIN;
                n++;
            }
        }
        if (n > 0)
            poll (pfds, (nfds_t) n, 20);
        now = now_ms ();
        for (i = 0; i < NCASES; i++) {
            run_t *r = &runs[i];
            if (r->status != ST_RUNNING)
                continue;
            if (r->out_fd >= 0 && drain (r->out_fd, (char *) &r->o, &r->have, sizeof r->o) < 0) {
                close (r->out_fd);
                r->out_fd = -1;
            }
            if (r->err_fd >= 0 && drain (r->err_fd, r->errtext, &r->errlen, STDERR_KEEP) < 0) {
                close (r->err_fd);
                r->err_fd = -1;
            }
            if (r->out_fd < 0 && r->err_fd < 0) {
                finish_run (i, 0);
                active--;
            } else if (now > r->deadline) {
                finish_run (i, 1);
                active--;
            }
        }
    }
}

int main (int argc, char **argv)
{
    const char *filter = NULL;
    int parallel = 8, verbose = 0, i, crashes = 0, mismatches = 0, count = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp (argv[i], "-l") == 0) {
            for (i = 0; i < NCASES; i++)
                printf ("%s\n", cases[i].name);
            return 0;
        } else if (strcmp (argv[i], "-k") == 0 && i + 1 < argc)
            filter = argv[++i];
        else if (strcmp (argv[i], "-j") == 0 && i + 1 < argc) {
            parallel = atoi (argv[++i]);
            if (parallel < 1)
                parallel = 1;
        } else if (strcmp (argv[i], "-v") == 0)
            verbose = 1;
        else {
            fprintf (stderr, "usage: %s [-l] [-k NAME] [-j N] [-v]\n", argv[0]);
            return 2;
        }
    }

    tu_init ();
    signal (SIGPIPE, SIG_IGN);
    run_all (filter, parallel);

    for (i = 0; i < NCASES; i++) {
        const case_t *c = &cases[i];
        run_t *r = &runs[i];
        char want[64], got[320];
        const char *verdict;
        if (r->status == ST_PENDING)
            continue;
        count++;
        fmt_expected (c, want, sizeof want);
        fmt_got (c, r, got, sizeof got);
        switch (r->status) {
            case ST_OK: verdict = "ok"; break;
            case ST_MISMATCH: verdict = "MISMATCH"; mismatches++; break;
            case ST_HANG: verdict = "HANG"; crashes++; break;
            default: verdict = "CRASH"; crashes++; break;
        }
        printf ("%s  expected=%s  got=%s  %s\n", c->name, want, got, verdict);
        if (verbose && r->status == ST_CRASH && r->errlen > 0) {
            char *nl;
            while ((nl = strchr (r->errtext, '\n')) != NULL)
                *nl = ' ';
            printf ("    stderr: %s\n", r->errtext);
        }
    }
    printf ("misuse: %d cases, %d crashes/hangs, %d errno mismatches\n", count, crashes,
            mismatches);
    return crashes == 0 && mismatches == 0 ? 0 : 1;
}
