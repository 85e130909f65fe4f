/* Resource exhaustion without aborting.
   - Descriptors run out while a ROUTER accepts (tcp, then ipc): in a child with RLIMIT_NOFILE
     lowered, plain clients of the parent connect until the child has no descriptor left; once
     they are gone the listener still accepts, and a DEALER's request and the reply get through.
   - Descriptors run out at zmq_socket, zmq_bind (tcp, ipc), zmq_connect (tcp and ipc) and a
     context's first zmq_socket, with none and then a few left (each case in a child of its
     own): the call works or fails with EMFILE (a connect may also be retried later); once
     descriptors are free again the same calls work and a message queued meanwhile arrives.
   - Large messages: with ZMQ_MAXMSGSIZE 1 MiB a message of exactly 1 MiB arrives, one of
     1 MiB + 1 does not (the receiver drops that connection) and the pair carries on; 64 MiB
     arrive intact without a limit, over tcp and ipc.
   - A subscriber that does not read: a PUB (SNDHWM 1000) sends 200000 messages of 1 KiB with
     ZMQ_DONTWAIT to a SUB (RCVHWM 1000) over tcp; no send fails, the publisher drops instead,
     and the process's resident memory grows by less than RSS_BOUND_KB.
   The descriptor parts run in forked children. Where the system libzmq 4.3.4 itself aborts
   the child (it asserts on EMFILE in places), the run prints "libzmq aborts here: ..." and
   does not count it as a failure; on any other library an abort fails. Waits share a time
   budget per section, so that a broken library still finishes quickly. */
#include "procutil.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define TIMEOUT_MS 3000
#define SECTION_BUDGET_MS 8000
#define RUN_BUDGET_MS 48000
#define MAX_FD 4096
#define SPARE_FDS 48      /* free descriptors the accepting child starts with */
#define PLAIN_CLIENTS 150 /* plain connections made to it, more than it can take */
#define MAX_FILLERS 256
#define MIB (1024 * 1024)
#define HUGE_SIZE (64 * MIB)
#define FLOOD_MESSAGES 200000
#define FLOOD_SIZE 1024
#define RSS_BOUND_KB (32 * 1024)

static char run_dir[64];

static void begin (const char *name)
{
    section_budget (SECTION_BUDGET_MS);
    tu_begin (name);
}

/* ---- children ------------------------------------------------------------------------ */

/* In a child: the ends of its pipes to the parent (up) and from it (down). */
static int child_up = -1, child_down = -1;

typedef struct {
    pid_t pid;
    int report; /* counts the child reports at its end */
    int up;     /* what the child tells the parent */
    int down;   /* what the parent tells the child */
} child_t;

static int put_int (int fd, int value)
{
    return write (fd, &value, sizeof value) == (ssize_t) sizeof value ? 0 : -1;
}

/* The next int on fd within ms (cut to the budget); -1 when none came. */
static int get_int (int fd, int ms)
{
    struct pollfd p;
    int value;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    if (poll (&p, 1, budget (ms)) != 1)
        return -1;
    if (read (fd, &value, sizeof value) != (ssize_t) sizeof value)
        return -1;
    return value;
}

/* How a child starts: its pipes and what it runs. */
typedef struct {
    int up[2], down[2];
    void (*body) (void *);
    void *arg;
} child_start_t;

static void child_main (void *arg)
{
    child_start_t *start = (child_start_t *) arg;
    close (start->up[0]);
    close (start->down[1]);
    child_up = start->up[1];
    child_down = start->down[0];
    start->body (start->arg);
}

/* Forks a child that runs body(arg) with pipes to and from the parent, and reports its check
   counts (see fork_reporting). */
static int start_child (child_t *c, void (*body) (void *), void *arg)
{
    child_start_t start;
    c->pid = -1;
    if (pipe2 (start.up, O_CLOEXEC) != 0 || pipe2 (start.down, O_CLOEXEC) != 0) {
        tu_record (0, __FILE__, __LINE__, "pipe2", strerror (errno));
        return -1;
    }
    start.body = body;
    start.arg = arg;
    c->pid = fork_reporting (child_main, &start, &c->report);
    close (start.up[1]);
    close (start.down[0]);
    if (c->pid < 0) {
        close (start.up[0]);
        close (start.down[1]);
        return -1;
    }
    c->up = start.up[0];
    c->down = start.down[1];
    return 0;
}

/* Checks of the parent that depend on the child getting through: kept until the child has
   ended, and dropped when the system libzmq aborted it. */
static struct {
    int ok, line;
    const char *what;
} later_checks[16];
static int later_count;

#define LATER(cond, what) later ((cond) ? 1 : 0, __LINE__, (what))

static int later (int ok, int line, const char *what)
{
    if (later_count < (int) (sizeof later_checks / sizeof later_checks[0])) {
        later_checks[later_count].ok = ok;
        later_checks[later_count].line = line;
        later_checks[later_count].what = what;
        later_count++;
    }
    return ok;
}

/* Waits for the child (within the budget, at least a second); one still running then is
   killed and fails. Adds the child's counts to ours, then records the LATER checks. A child
   of the system libzmq killed by SIGABRT is reported as "libzmq aborts here: <aborts>"
   when aborts is given, without a failure, and the LATER checks are dropped. */
static void finish_child (child_t *c, const char *aborts)
{
    int limit = budget (TIMEOUT_MS) > 1000 ? budget (TIMEOUT_MS) : 1000;
    int status = 0, counts[2], got = 0, i, excused = 0;
    char detail[200];
    if (c->pid <= 0)
        return;
    if (!reap_within (c->pid, limit, 5, &status)) {
        snprintf (detail, sizeof detail, "still running after %d ms, killed", limit);
        tu_record (0, __FILE__, __LINE__, "the child exits in time", detail);
    } else {
        got = add_child_counts (c->report, counts);
        if (WIFSIGNALED (status)) {
            if (WTERMSIG (status) == SIGABRT && aborts != NULL && on_system_lib ()) {
                printf ("libzmq aborts here: %s\n", aborts);
                excused = 1;
            } else {
                snprintf (detail, sizeof detail, "killed by signal %d (%s)",
                          WTERMSIG (status), strsignal (WTERMSIG (status)));
                tu_record (0, __FILE__, __LINE__, "the child exits without a signal", detail);
            }
        } else if (!got) {
            snprintf (detail, sizeof detail, "exit status %d without reporting",
                      WEXITSTATUS (status));
            tu_record (0, __FILE__, __LINE__, "the child reports", detail);
        } else if (counts[1] == 0) {
            snprintf (detail, sizeof detail, "exit status %d", WEXITSTATUS (status));
            tu_record (WEXITSTATUS (status) == 0, __FILE__, __LINE__, "the child exits 0",
                       detail);
        }
    }
    for (i = 0; i < later_count && !excused; i++)
        tu_record (later_checks[i].ok, __FILE__, later_checks[i].line, later_checks[i].what,
                   "");
    later_count = 0;
    close (c->report);
    close (c->up);
    close (c->down);
}

/* Lowers RLIMIT_NOFILE so that exactly spare descriptor numbers are free below it (open
   descriptors above it stay open). */
static int limit_fds (int spare)
{
    struct rlimit lim;
    int fd, free_slots = 0;
    for (fd = 0; fd < MAX_FD && free_slots < spare; fd++)
        if (fcntl (fd, F_GETFD) < 0)
            free_slots++;
    if (getrlimit (RLIMIT_NOFILE, &lim) != 0)
        return -1;
    lim.rlim_cur = (rlim_t) fd;
    return setrlimit (RLIMIT_NOFILE, &lim);
}

/* Opens /dev/null until descriptors run out; returns how many were opened (into fds). */
static int fill_fds (int *fds, int max)
{
    int n = 0;
    while (n < max) {
        int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        fds[n++] = fd;
    }
    return n;
}

static void free_fds (int *fds, int *n, int count)
{
    while (*n > 0 && count-- > 0)
        close (fds[--*n]);
}

/* Whether a new descriptor can be had at the moment. */
static int fds_exhausted (void)
{
    int fd = dup (1);
    if (fd >= 0) {
        close (fd);
        return 0;
    }
    return errno == EMFILE;
}

/* ---- descriptors run out while accepting ----------------------------------------------- */

/* The child: a ROUTER listening with few descriptors left. *arg: 0 tcp, 1 ipc. */
static void accepting_child (void *arg)
{
    int ipc = *(int *) arg, exhausted = 0, n;
    long long until;
    void *ctx, *router;
    char spec[EP_LEN], ep[EP_LEN], id[64], buf[64];

    if (!tu_record (limit_fds (SPARE_FDS) == 0, __FILE__, __LINE__, "setrlimit",
                    strerror (errno)))
        return;
    ctx = zmq_ctx_new ();
    router = zmq_socket (ctx, ZMQ_ROUTER);
    if (!CHECK_NOT_NULL (router))
        return;
    set_int (router, ZMQ_LINGER, 1000);
    set_int (router, ZMQ_BACKLOG, 4 * PLAIN_CLIENTS);
    if (ipc)
        snprintf (spec, sizeof spec, "ipc://%s/accept.sock", run_dir);
    else
        snprintf (spec, sizeof spec, "tcp://127.0.0.1:*");
    CHECK_OK (zmq_bind (router, spec));
    last_ep (router, ep);
    {
        const char *colon = strrchr (ep, ':');
        put_int (child_up, ipc ? 1 : (colon ? atoi (colon + 1) : 0));
    }

    /* The parent's plain clients use up the descriptors. */
    until = now_ms () + budget (TIMEOUT_MS);
    while (!exhausted && now_ms () < until) {
        exhausted = fds_exhausted ();
        if (!exhausted)
            sleep_ms (10);
    }
    tu_record (exhausted, __FILE__, __LINE__, "the descriptors ran out while accepting",
               "the process still had descriptors to spare");
    sleep_ms (300);
    put_int (child_up, 2);

    /* The parent closed its clients: the listener goes on accepting. */
    set_int (router, ZMQ_RCVTIMEO, budget (TIMEOUT_MS));
    n = zmq_recv (router, id, sizeof id, 0);
    if (tu_record (n > 0, __FILE__, __LINE__, "a request arrives after the exhaustion",
                   zmq_strerror (errno))) {
        CHECK_STR (recv_text (router, TIMEOUT_MS, buf, sizeof buf), "after exhaustion");
        CHECK_EQ (zmq_send (router, id, (size_t) n, ZMQ_SNDMORE), n);
        CHECK_EQ (send_str (router, "welcome", 0), 7);
    }
    get_int (child_down, TIMEOUT_MS);
    CHECK_OK (zmq_close (router));
    CHECK_OK (zmq_ctx_term (ctx));
}

/* A non-blocking plain connection to the child's listener; -1 when it could not start. */
static int plain_client (int ipc, int port)
{
    int fd, rc;
    if (ipc) {
        struct sockaddr_un a;
        fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        memset (&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
        snprintf (a.sun_path, sizeof a.sun_path, "%s/accept.sock", run_dir);
        rc = connect (fd, (struct sockaddr *) &a, sizeof a);
    } else {
        struct sockaddr_in a;
        fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        memset (&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons ((unsigned short) port);
        a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        rc = connect (fd, (struct sockaddr *) &a, sizeof a);
    }
    if (rc != 0 && errno != EINPROGRESS) {
        close (fd);
        return -1;
    }
    return fd;
}

static void accept_exhaustion (int ipc)
{
    child_t child;
    int port, i, n = 0, clients[PLAIN_CLIENTS];
    char ep[EP_LEN], buf[64];
    void *ctx, *dealer;

    begin (ipc ? "descriptors run out while accepting over ipc"
               : "descriptors run out while accepting over tcp");
    if (start_child (&child, accepting_child, &ipc) != 0)
        return;
    port = get_int (child.up, TIMEOUT_MS);
    if (LATER (port > 0, "the child listens")) {
        for (i = 0; i < PLAIN_CLIENTS; i++) {
            int fd = plain_client (ipc, port);
            if (fd < 0)
                break;
            clients[n++] = fd;
        }
        printf ("%d plain clients connect\n", n);
        LATER (get_int (child.up, TIMEOUT_MS) == 2, "the child runs out of descriptors");
        while (n > 0)
            close (clients[--n]);

        ctx = zmq_ctx_new ();
        dealer = zmq_socket (ctx, ZMQ_DEALER);
        set_int (dealer, ZMQ_LINGER, 0);
        set_int (dealer, ZMQ_RECONNECT_IVL, 20);
        if (ipc)
            snprintf (ep, sizeof ep, "ipc://%s/accept.sock", run_dir);
        else
            snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
        CHECK_OK (zmq_connect (dealer, ep));
        CHECK_EQ (send_str (dealer, "after exhaustion", 0), 16);
        LATER (strcmp (recv_text (dealer, TIMEOUT_MS, buf, sizeof buf), "welcome") == 0,
               "the reply to a request made after the exhaustion arrives");
        put_int (child.down, 3);
        zmq_close (dealer);
        zmq_ctx_term (ctx);
    }
    finish_child (&child, ipc ? "an ipc listener's accept failing with EMFILE"
                              : "a tcp listener's accept failing with EMFILE");
    if (ipc) {
        snprintf (ep, sizeof ep, "%s/accept.sock", run_dir);
        unlink (ep);
    }
}

/* ---- descriptors run out around zmq_socket, zmq_bind and zmq_connect ------------------- */

/* Records a call made with spare descriptors left: it must work or fail with EMFILE (or
   ENFILE). */
static int allowed (int ok, int e, const char *what, int spare)
{
    char detail[160];
    snprintf (detail, sizeof detail, "failed with errno %d (%s)", e, zmq_strerror (e));
    printf ("%s with %d descriptor%s left: %s\n", what, spare, spare == 1 ? "" : "s",
            ok ? "works" : detail);
    return tu_record (ok || e == EMFILE || e == ENFILE, __FILE__, __LINE__, what, detail);
}

enum { ON_SOCKET, ON_BIND_TCP, ON_BIND_IPC, ON_CONNECT, ON_FIRST_SOCKET };

static const char *const call_names[] = {
    "zmq_socket", "zmq_bind tcp", "zmq_bind ipc", "zmq_connect tcp and ipc",
    "a context's first zmq_socket"};

/* What a child of exhausted_call does: call, one of ON_*, with spare descriptors left. */
typedef struct {
    int call, spare;
} exhausted_t;

/* The child: one call meets the limit, then works once descriptors are free again. For
   ON_CONNECT the parent's PULL listens on tcp (its port comes down the pipe) and ipc, and
   gets over each the message queued while the descriptors were out. */
static void exhausted_call_child (void *arg)
{
    int call = ((exhausted_t *) arg)->call, spare = ((exhausted_t *) arg)->spare;
    int fillers[MAX_FILLERS], nf, t, rc, e, port = 0, queued[2];
    void *ctx, *s = NULL, *push[2];
    char ep[2][EP_LEN], bound[EP_LEN];

    if (call == ON_CONNECT) {
        port = get_int (child_down, TIMEOUT_MS);
        if (!tu_record (port > 0, __FILE__, __LINE__, "the parent listens", ""))
            return;
    }
    snprintf (ep[0], EP_LEN, "tcp://127.0.0.1:%d", port);
    snprintf (ep[1], EP_LEN, "ipc://%s/connect.sock", run_dir);
    if (!tu_record (limit_fds (32) == 0, __FILE__, __LINE__, "setrlimit", strerror (errno)))
        return;
    ctx = zmq_ctx_new ();
    if (!CHECK_NOT_NULL (ctx))
        return;
    for (t = 0; t < 2 && call != ON_FIRST_SOCKET; t++) {
        push[t] = zmq_socket (ctx, ZMQ_PUSH);
        if (!CHECK_NOT_NULL (push[t]))
            return;
        set_int (push[t], ZMQ_LINGER, 2000);
        set_int (push[t], ZMQ_RECONNECT_IVL, 20);
        set_int (push[t], ZMQ_SNDTIMEO, TIMEOUT_MS);
    }

    nf = fill_fds (fillers, MAX_FILLERS);
    CHECK (fds_exhausted ());
    free_fds (fillers, &nf, spare);
    errno = 0;
    switch (call) {
    case ON_SOCKET:
    case ON_FIRST_SOCKET:
        s = zmq_socket (ctx, ZMQ_PAIR);
        e = errno;
        allowed (s != NULL, e, call_names[call], spare);
        if (s)
            zmq_close (s);
        break;
    case ON_BIND_TCP:
    case ON_BIND_IPC:
        if (call == ON_BIND_TCP)
            snprintf (bound, sizeof bound, "tcp://127.0.0.1:*");
        else
            snprintf (bound, sizeof bound, "ipc://%s/bind.sock", run_dir);
        rc = zmq_bind (push[0], bound);
        e = errno;
        allowed (rc == 0, e, call_names[call], spare);
        if (rc == 0)
            zmq_unbind (push[0], bound);
        break;
    default:
        for (t = 0; t < 2; t++) {
            errno = 0;
            rc = zmq_connect (push[t], ep[t]);
            e = errno;
            allowed (rc == 0, e, t == 0 ? "zmq_connect tcp" : "zmq_connect ipc", spare);
            queued[t] = rc != 0 ? -1
                                : zmq_send (push[t], "queued while exhausted", 22, ZMQ_DONTWAIT)
                                      == 22;
        }
        /* Connection attempts meet the limit for a while. */
        sleep_ms (300);
    }
    free_fds (fillers, &nf, nf);

    /* With descriptors again, the same calls work. */
    switch (call) {
    case ON_SOCKET:
    case ON_FIRST_SOCKET: {
        void *a = zmq_socket (ctx, ZMQ_PAIR), *b = zmq_socket (ctx, ZMQ_PAIR);
        char buf[64];
        if (!CHECK_NOT_NULL (a) || !CHECK_NOT_NULL (b))
            return;
        set_int (a, ZMQ_LINGER, 0);
        set_int (b, ZMQ_LINGER, 0);
        CHECK_OK (zmq_bind (a, "inproc://after-exhaustion"));
        CHECK_OK (zmq_connect (b, "inproc://after-exhaustion"));
        CHECK_EQ (send_str (b, "after exhaustion", 0), 16);
        CHECK_STR (recv_text (a, TIMEOUT_MS, buf, sizeof buf), "after exhaustion");
        CHECK_OK (zmq_close (a));
        CHECK_OK (zmq_close (b));
        break;
    }
    case ON_BIND_TCP:
    case ON_BIND_IPC:
        CHECK_OK (zmq_bind (push[0], bound));
        if (call == ON_BIND_IPC)
            unlink (bound + 6);
        break;
    default:
        for (t = 0; t < 2; t++) {
            if (queued[t] == -1)
                CHECK_OK (zmq_connect (push[t], ep[t]));
            if (queued[t] != 1)
                CHECK_EQ (zmq_send (push[t], "queued while exhausted", 22, 0), 22);
        }
        put_int (child_up, 1);
        get_int (child_down, 2 * TIMEOUT_MS);
    }
    for (t = 0; t < 2 && call != ON_FIRST_SOCKET; t++)
        CHECK_OK (zmq_close (push[t]));
    CHECK_OK (zmq_ctx_term (ctx));
}

static void exhausted_call (int call, int spare)
{
    exhausted_t what;
    child_t child;
    void *ctx = NULL, *pull = NULL;
    char ep[EP_LEN], buf[64], title[160], aborts[160];
    int t;

    snprintf (title, sizeof title, "descriptors run out at %s (%d left)", call_names[call],
              spare);
    snprintf (aborts, sizeof aborts, "%s with %d descriptor%s left", call_names[call], spare,
              spare == 1 ? "" : "s");
    begin (title);
    what.call = call;
    what.spare = spare;
    if (start_child (&child, exhausted_call_child, &what) != 0)
        return;
    if (call == ON_CONNECT) {
        ctx = zmq_ctx_new ();
        pull = zmq_socket (ctx, ZMQ_PULL);
        set_int (pull, ZMQ_LINGER, 0);
        CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
        last_ep (pull, ep);
        t = atoi (strrchr (ep, ':') ? strrchr (ep, ':') + 1 : "0");
        snprintf (ep, sizeof ep, "ipc://%s/connect.sock", run_dir);
        CHECK_OK (zmq_bind (pull, ep));
        put_int (child.down, t);
        if (LATER (get_int (child.up, 2 * TIMEOUT_MS) == 1,
                   "the child gets through the exhaustion"))
            for (t = 0; t < 2; t++)
                LATER (strcmp (recv_text (pull, TIMEOUT_MS, buf, sizeof buf),
                               "queued while exhausted")
                           == 0,
                       "a message queued while the descriptors were out arrives");
        put_int (child.down, 2);
    }
    finish_child (&child, aborts);
    if (pull) {
        zmq_close (pull);
        zmq_ctx_term (ctx);
        unlink (ep + 6);
    }
}

/* ---- large messages -------------------------------------------------------------------- */

static unsigned char pattern (size_t i)
{
    return (unsigned char) (i * 131 + (i >> 13));
}

static int send_sized (void *s, size_t size)
{
    zmq_msg_t m;
    unsigned char *p;
    size_t i;
    int rc;
    if (zmq_msg_init_size (&m, size) != 0)
        return -1;
    p = (unsigned char *) zmq_msg_data (&m);
    for (i = 0; i < size; i++)
        p[i] = pattern (i);
    rc = zmq_msg_send (&m, s, 0);
    if (rc < 0)
        zmq_msg_close (&m);
    return rc;
}

/* Receives one message within ms; returns its size if it is the pattern, -2 if it is not,
   -1 when none came. */
static long long recv_sized (void *s, int ms)
{
    zmq_msg_t m;
    const unsigned char *p;
    size_t i, n;
    long long rc;
    long long start = now_ms ();
    int timeout = budget (ms);
    zmq_msg_init (&m);
    set_int (s, ZMQ_RCVTIMEO, timeout);
    if (zmq_msg_recv (&m, s, 0) < 0) {
        if (ms > 1000)
            printf ("no message after %lld ms (timeout %d ms): %s\n", now_ms () - start,
                    timeout, zmq_strerror (errno));
        zmq_msg_close (&m);
        return -1;
    }
    p = (const unsigned char *) zmq_msg_data (&m);
    n = zmq_msg_size (&m);
    for (i = 0; i < n && p[i] == pattern (i); i++)
        ;
    rc = i == n ? (long long) n : -2;
    zmq_msg_close (&m);
    return rc;
}

/* Waits up to ms for a DISCONNECTED event on a monitor socket. */
static int disconnected_within (void *mon, int ms)
{
    long long until = now_ms () + budget (ms);
    while (now_ms () < until) {
        zmq_msg_t m;
        int seen = 0;
        zmq_msg_init (&m);
        set_int (mon, ZMQ_RCVTIMEO, 50);
        if (zmq_msg_recv (&m, mon, 0) >= 0 && zmq_msg_size (&m) >= 2) {
            unsigned short event;
            memcpy (&event, zmq_msg_data (&m), 2);
            seen = event == ZMQ_EVENT_DISCONNECTED;
        }
        zmq_msg_close (&m);
        while (zmq_msg_init (&m) == 0 && zmq_msg_recv (&m, mon, ZMQ_DONTWAIT) >= 0
               && zmq_msg_more (&m))
            zmq_msg_close (&m);
        zmq_msg_close (&m);
        if (seen)
            return 1;
    }
    return 0;
}

/* Sends text from one socket until it arrives at the other (each try waits ms for it), within
   the budget; 1 if it did. */
static int gets_through (void *from, void *to, const char *text, int ms)
{
    char buf[64];
    long long until = now_ms () + budget (TIMEOUT_MS);
    while (now_ms () < until) {
        send_str (from, text, ZMQ_DONTWAIT);
        if (strcmp (recv_text (to, ms, buf, sizeof buf), text) == 0)
            return 1;
    }
    return 0;
}

/* A field ("VmRSS:", "MemAvailable:") of a /proc file in kB, -1 when it cannot be read. */
static long proc_kb (const char *path, const char *field)
{
    FILE *f = fopen (path, "r");
    char line[256];
    long kb = -1;
    if (f == NULL)
        return -1;
    while (fgets (line, sizeof line, f))
        if (strncmp (line, field, strlen (field)) == 0)
            kb = strtol (line + strlen (field), NULL, 10);
    fclose (f);
    return kb;
}

/* Two sockets of the given types that do not linger. */
static void two_sockets (void *ctx, int atype, void **a, int btype, void **b)
{
    *a = zmq_socket (ctx, atype);
    *b = zmq_socket (ctx, btype);
    set_int (*a, ZMQ_LINGER, 0);
    set_int (*b, ZMQ_LINGER, 0);
}

static void large_messages (void)
{
    void *ctx = zmq_ctx_new (), *pull, *push, *mon;
    char ep[EP_LEN];
    long long start, got;
    int t;

    begin ("ZMQ_MAXMSGSIZE 1 MiB: exactly 1 MiB arrives, 1 MiB + 1 does not");
    two_sockets (ctx, ZMQ_PULL, &pull, ZMQ_PUSH, &push);
    set_int (push, ZMQ_RECONNECT_IVL, 20);
    set_int (push, ZMQ_SNDTIMEO, TIMEOUT_MS);
    {
        int64_t limit = MIB;
        CHECK_OK (zmq_setsockopt (pull, ZMQ_MAXMSGSIZE, &limit, sizeof limit));
    }
    CHECK_OK (zmq_socket_monitor (pull, "inproc://exhaustion-monitor", ZMQ_EVENT_DISCONNECTED));
    mon = zmq_socket (ctx, ZMQ_PAIR);
    set_int (mon, ZMQ_LINGER, 0);
    CHECK_OK (zmq_connect (mon, "inproc://exhaustion-monitor"));
    CHECK_OK (zmq_bind (pull, "tcp://127.0.0.1:*"));
    last_ep (pull, ep);
    CHECK_OK (zmq_connect (push, ep));
    CHECK_EQ (send_sized (push, MIB), MIB);
    CHECK_EQ (recv_sized (pull, TIMEOUT_MS), MIB);
    CHECK_EQ (send_sized (push, MIB + 1), MIB + 1);
    CHECK_EQ (recv_sized (pull, 1000), -1);
    printf ("the receiver %s the connection\n",
            disconnected_within (mon, 1000) ? "dropped (DISCONNECTED)"
                                             : "shows no DISCONNECTED on");
    /* The pair carries on (the PUSH reconnects). */
    tu_record (gets_through (push, pull, "small", 50), __FILE__, __LINE__,
               "a small message gets through afterwards", "");
    /* Events stopped before the closes: libzmq's I/O thread blocks on an event that has
       no reader. */
    zmq_socket_monitor (pull, NULL, 0);
    zmq_close (mon);
    zmq_close (push);
    zmq_close (pull);

    for (t = 0; t < 2; t++) {
        begin (t == 0 ? "a 64 MiB message over tcp" : "a 64 MiB message over ipc");
        two_sockets (ctx, ZMQ_PULL, &pull, ZMQ_PUSH, &push);
        set_int (push, ZMQ_SNDTIMEO, TIMEOUT_MS);
        if (t == 0)
            snprintf (ep, sizeof ep, "tcp://127.0.0.1:*");
        else
            snprintf (ep, sizeof ep, "ipc://%s/huge.sock", run_dir);
        CHECK_OK (zmq_bind (pull, ep));
        last_ep (pull, ep);
        CHECK_OK (zmq_connect (push, ep));
        /* More time than elsewhere: this moves 64 MiB and checks every byte. */
        section_budget (2 * SECTION_BUDGET_MS);
        start = now_ms ();
        CHECK_EQ (send_sized (push, HUGE_SIZE), HUGE_SIZE);
        got = recv_sized (pull, 4 * TIMEOUT_MS);
        if (got == HUGE_SIZE)
            printf ("64 MiB filled, sent and checked in %lld ms\n", now_ms () - start);
        else
            printf ("MemAvailable: %ld kB\n", proc_kb ("/proc/meminfo", "MemAvailable:"));
        CHECK_EQ (got, HUGE_SIZE);
        zmq_close (push);
        zmq_close (pull);
        if (t == 1)
            unlink (ep + 6);
    }
    CHECK_OK (zmq_ctx_term (ctx));
}

/* ---- a subscriber that does not read ---------------------------------------------------- */

static void slow_subscriber (void)
{
    void *ctx = zmq_ctx_new (), *pub, *sub;
    char ep[EP_LEN], buf[FLOOD_SIZE];
    long long start, took;
    long before, after, peak, now;
    int i, sent = 0, other = 0, got = 0;

    begin ("a PUB with SNDHWM 1000 and a SUB with RCVHWM 1000 that does not read");
    two_sockets (ctx, ZMQ_PUB, &pub, ZMQ_SUB, &sub);
    set_int (pub, ZMQ_SNDHWM, 1000);
    set_int (sub, ZMQ_RCVHWM, 1000);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    CHECK_OK (zmq_bind (pub, "tcp://127.0.0.1:*"));
    last_ep (pub, ep);
    CHECK_OK (zmq_connect (sub, ep));
    if (!tu_record (gets_through (pub, sub, "probe", 20), __FILE__, __LINE__,
                    "the subscription is in place", "")) {
        zmq_close (pub);
        zmq_close (sub);
        zmq_ctx_term (ctx);
        return;
    }
    memset (buf, 'x', sizeof buf);
    before = proc_kb ("/proc/self/status", "VmRSS:");
    start = now_ms ();
    peak = before;
    for (i = 0; i < FLOOD_MESSAGES; i++) {
        int rc = zmq_send (pub, buf, FLOOD_SIZE, ZMQ_DONTWAIT);
        if (rc == FLOOD_SIZE)
            sent++;
        else
            other++;
        if (i % 10000 == 9999) {
            now = proc_kb ("/proc/self/status", "VmRSS:");
            peak = now > peak ? now : peak;
        }
    }
    took = now_ms () - start;
    sleep_ms (200);
    after = proc_kb ("/proc/self/status", "VmRSS:");
    peak = after > peak ? after : peak;
    printf ("RSS before %ld kB, peak %ld kB, after %ld kB: growth %ld kB (bound %d kB); %d "
            "sends in %lld ms\n",
            before, peak, after, peak - before, RSS_BOUND_KB, FLOOD_MESSAGES, took);
    CHECK_EQ (sent, FLOOD_MESSAGES);
    CHECK_EQ (other, 0);
    CHECK (before > 0 && after > 0);
    tu_record (peak - before < RSS_BOUND_KB, __FILE__, __LINE__,
               "resident memory grows by less than the bound", "");
    /* What was kept is bounded by the high-water marks (and the kernel's buffers); the
       subscriber still works. */
    set_int (sub, ZMQ_RCVTIMEO, 200);
    while (zmq_recv (sub, buf, sizeof buf, 0) >= 0 && got < FLOOD_MESSAGES)
        got++;
    printf ("the subscriber then reads %d messages\n", got);
    CHECK (got < FLOOD_MESSAGES);
    tu_record (gets_through (pub, sub, "after", 20), __FILE__, __LINE__,
               "the subscriber gets new messages afterwards", "");
    zmq_close (pub);
    zmq_close (sub);
    CHECK_OK (zmq_ctx_term (ctx));
}

int main (void)
{
    /* How many descriptors to leave at each call, from none up: each step makes it fail
       a little later (a context's first socket opens several). */
    static const int max_spare[] = {2, 1, 1, 2, 5};
    int call, spare;
    tu_init ();
    signal (SIGALRM, on_watchdog);
    signal (SIGPIPE, SIG_IGN);
    watchdog_in (57);
    run_budget (RUN_BUDGET_MS);
    if (make_run_dir (run_dir, sizeof run_dir, "/tmp/zmq-capi-exhaust") != 0)
        return tu_finish ();
    if (on_system_lib ())
        printf ("on the system libzmq: its aborts are reported, not failed\n");

    accept_exhaustion (0);
    accept_exhaustion (1);
    for (call = ON_SOCKET; call <= ON_FIRST_SOCKET; call++)
        for (spare = 0; spare <= max_spare[call]; spare++)
            exhausted_call (call, spare);
    slow_subscriber ();
    large_messages ();

    rmdir (run_dir);
    alarm (0);
    return tu_finish ();
}
