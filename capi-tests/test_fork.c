/* fork() with a context open. Before each fork the parent sets up PAIR pairs over tcp, ipc
   and inproc that exchange messages, listeners (PULL over tcp and ipc, REP over tcp) for a
   child to connect back to, and messages in flight over tcp. The child then, in turn:
   closes every inherited socket and terminates the inherited context (zmq_ctx_term returns
   0, or -1 with EINTR as libzmq 4.3.4 does in a child, and never hangs); does that and then
   talks to the parent through a context of its own (as libzmq's test_fork); makes a context
   of its own leaving the inherited one untouched; exits at once; execs another program.
   Each child must exit 0 within its time limit, and the parent's sockets, listeners and
   messages in flight must carry on as if nothing had happened. Then forks while other
   threads stream over their sockets (tcp, ipc, inproc): each child closes those sockets,
   however busy they were at the fork, and terminates their context. Also checked: every
   descriptor the library opens is close-on-exec, and a child's send on an inherited REQ
   socket never reaches the parent's connection. A child reports its own check counts to the
   parent through a pipe. Waits share a time budget per section, so that a broken library
   still finishes quickly, and a watchdog ends a run that blocks. */
#include "procutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIMEOUT_MS 2000
#define CHILD_LIMIT_MS 5000
#define SECTION_BUDGET_MS 8000
#define RUN_BUDGET_MS 45000
#define MAX_FD 4096
#define IN_FLIGHT 1000
#define BUSY_FORKS 40

enum { TCP, IPC, INPROC, NTRANSPORTS };
static const char *const tr_names[NTRANSPORTS] = {"tcp", "ipc", "inproc"};

/* The parent's context, and the sockets the next child inherits (made afresh for each). */
static void *ctx;
static void *bound[NTRANSPORTS], *connected[NTRANSPORTS];
static void *back[2]; /* PULLs over tcp and ipc that the child pushes to */
static char back_ep[2][EP_LEN];
static void *rep; /* a REP over tcp that the child makes a request to */
static char rep_ep[EP_LEN];
static int setup_serial;
static char run_dir[64];

static void begin (const char *name)
{
    section_budget (SECTION_BUDGET_MS);
    tu_begin (name);
}

/* A socket that does not linger and reconnects quickly. */
static void *sock (void *c, int type)
{
    return quick_socket (c, type, TIMEOUT_MS, 20);
}

/* Binds s to a fresh endpoint of transport t; stores what was bound in ep. */
static int bind_fresh (void *s, int t, const char *name, char *ep)
{
    char spec[EP_LEN];
    int rc;
    if (t == TCP)
        snprintf (spec, sizeof spec, "tcp://127.0.0.1:*");
    else if (t == IPC)
        snprintf (spec, sizeof spec, "ipc://%s/%s-%d.sock", run_dir, name, setup_serial);
    else
        snprintf (spec, sizeof spec, "inproc://fork-%s-%d", name, setup_serial);
    rc = zmq_bind (s, spec);
    if (t == INPROC)
        snprintf (ep, EP_LEN, "%s", spec);
    else
        last_ep (s, ep);
    return rc;
}

static const char *recv_str (void *s, char *buf, size_t size)
{
    return recv_text (s, TIMEOUT_MS, buf, size);
}

/* n messages each way over pair t; returns how many went through intact both ways. */
static int exchange (int t, int n, const char *tag)
{
    char out[64], in[64];
    int i, good = 0;
    for (i = 0; i < n; i++) {
        snprintf (out, sizeof out, "%s %s up %d", tag, tr_names[t], i);
        if (send_str (connected[t], out, 0) < 0)
            break;
        if (strcmp (recv_str (bound[t], in, sizeof in), out) != 0)
            break;
        snprintf (out, sizeof out, "%s %s down %d", tag, tr_names[t], i);
        if (send_str (bound[t], out, 0) < 0)
            break;
        if (strcmp (recv_str (connected[t], in, sizeof in), out) != 0)
            break;
        good++;
    }
    return good;
}

/* ---- children ------------------------------------------------------------------------ */

typedef struct {
    pid_t pid;
    int report; /* read end of the child's report pipe */
} child_t;

/* Forks a child that runs body(arg) and reports its check counts (see fork_reporting). */
static int start_child (child_t *c, void (*body) (void *), void *arg)
{
    c->pid = fork_reporting (body, arg, &c->report);
    return c->pid < 0 ? -1 : 0;
}

/* Waits for the child (CHILD_LIMIT_MS within the budget, but at least a second); one still
   running then is killed and fails. Adds the child's counts to ours. reported: whether the
   child reports (an exec'd one does not). Returns 1 when the child exited 0. */
static int finish_child (child_t *c, int reported, const char *what)
{
    int limit = budget (CHILD_LIMIT_MS) > 1000 ? budget (CHILD_LIMIT_MS) : 1000;
    int status = 0, counts[2], got = 0, ok = 0;
    char detail[200];
    if (c->pid <= 0)
        return 0;
    if (!reap_within (c->pid, limit, 5, &status)) {
        snprintf (detail, sizeof detail, "still running after %d ms, killed", limit);
        tu_record (0, __FILE__, __LINE__, what, detail);
    } else {
        got = add_child_counts (c->report, counts);
        if (WIFSIGNALED (status)) {
            snprintf (detail, sizeof detail, "killed by signal %d (%s)", WTERMSIG (status),
                      strsignal (WTERMSIG (status)));
            tu_record (0, __FILE__, __LINE__, what, detail);
        } else if (reported && !got) {
            snprintf (detail, sizeof detail, "exited with status %d without reporting",
                      WEXITSTATUS (status));
            tu_record (0, __FILE__, __LINE__, what, detail);
        } else if (got && counts[1] > 0) {
            /* Its failed checks are counted already. */
        } else {
            snprintf (detail, sizeof detail, "exit status %d", WEXITSTATUS (status));
            ok = tu_record (WEXITSTATUS (status) == 0, __FILE__, __LINE__, what, detail);
        }
    }
    close (c->report);
    return ok;
}

/* Closes the sockets of setup. */
static void close_set_up (void)
{
    int t;
    for (t = 0; t < NTRANSPORTS; t++) {
        CHECK_OK (zmq_close (bound[t]));
        CHECK_OK (zmq_close (connected[t]));
    }
    CHECK_OK (zmq_close (back[0]));
    CHECK_OK (zmq_close (back[1]));
    CHECK_OK (zmq_close (rep));
}

static void close_inherited (void)
{
    int rc, e;
    char detail[160];
    close_set_up ();
    errno = 0;
    rc = zmq_ctx_term (ctx);
    e = errno;
    printf ("child: zmq_ctx_term of the inherited context returned %d (errno %d)\n", rc,
            rc == 0 ? 0 : e);
    snprintf (detail, sizeof detail, "got %d with errno %d", rc, e);
    tu_record (rc == 0 || (rc == -1 && e == EINTR), __FILE__, __LINE__,
               "zmq_ctx_term of the inherited context returns 0 or -1 with EINTR", detail);
}

static void child_closes_inherited (void *arg)
{
    (void) arg;
    close_inherited ();
}

/* A child with a context of its own: pushes to the parent over tcp and ipc, makes a request
   over tcp and runs a PAIR over inproc. *arg: close the inherited sockets and terminate the
   inherited context first (as libzmq's test_fork does), or leave them alone. */
static void child_own_context (void *arg)
{
    int terminate_inherited = *(int *) arg;
    void *c2, *push[2], *req, *a, *b;
    char buf[64], msg[64];
    int t, i, sent;

    if (terminate_inherited)
        close_inherited ();
    c2 = zmq_ctx_new ();
    if (!CHECK_NOT_NULL (c2))
        return;
    for (t = 0; t < 2; t++) {
        push[t] = sock (c2, ZMQ_PUSH);
        if (push[t] == NULL)
            return;
        set_int (push[t], ZMQ_LINGER, 2000);
        CHECK_OK (zmq_connect (push[t], back_ep[t]));
        for (i = 0, sent = 0; i < 5; i++) {
            snprintf (msg, sizeof msg, "child %s %d", tr_names[t], i);
            sent += send_str (push[t], msg, 0) == (int) strlen (msg);
        }
        CHECK_EQ (sent, 5);
    }
    req = sock (c2, ZMQ_REQ);
    if (req == NULL)
        return;
    CHECK_OK (zmq_connect (req, rep_ep));
    CHECK_EQ (send_str (req, "ping", 0), 4);
    CHECK_STR (recv_text (req, CHILD_LIMIT_MS, buf, sizeof buf), "pong");

    a = sock (c2, ZMQ_PAIR);
    b = sock (c2, ZMQ_PAIR);
    if (a == NULL || b == NULL)
        return;
    CHECK_OK (zmq_bind (a, "inproc://child-own"));
    CHECK_OK (zmq_connect (b, "inproc://child-own"));
    CHECK_EQ (send_str (b, "inproc in the child", 0), 19);
    CHECK_STR (recv_str (a, buf, sizeof buf), "inproc in the child");

    for (t = 0; t < 2; t++)
        CHECK_OK (zmq_close (push[t]));
    CHECK_OK (zmq_close (req));
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
    CHECK_OK (zmq_ctx_term (c2));
}

static void child_exits (void *arg)
{
    (void) arg;
}

static void child_execs (void *arg)
{
    (void) arg;
    execl ("/bin/true", "true", (char *) NULL);
    _exit (127);
}

/* ---- the parent's side ----------------------------------------------------------------- */

/* The sockets the next child inherits, with messages exchanged and more in flight over tcp.
   Returns 0 when they could not be made. */
static int setup (void)
{
    char ep[EP_LEN], buf[64];
    int t, i, sent, good;
    setup_serial++;
    for (t = 0; t < NTRANSPORTS; t++) {
        bound[t] = sock (ctx, ZMQ_PAIR);
        connected[t] = sock (ctx, ZMQ_PAIR);
        if (bound[t] == NULL || connected[t] == NULL)
            return 0;
        CHECK_OK (bind_fresh (bound[t], t, "pair", ep));
        CHECK_OK (zmq_connect (connected[t], ep));
        good = exchange (t, 10, "before");
        tu_record (good == 10, __FILE__, __LINE__, tr_names[t],
                   good == 10 ? "" : "exchange before the fork");
    }
    for (t = 0; t < 2; t++) {
        back[t] = sock (ctx, ZMQ_PULL);
        if (back[t] == NULL)
            return 0;
        CHECK_OK (bind_fresh (back[t], t, "back", back_ep[t]));
    }
    rep = sock (ctx, ZMQ_REP);
    if (rep == NULL)
        return 0;
    CHECK_OK (bind_fresh (rep, TCP, "rep", rep_ep));
    for (i = 0, sent = 0; i < IN_FLIGHT; i++) {
        snprintf (buf, sizeof buf, "in flight %d", i);
        sent += send_str (connected[TCP], buf, 0) > 0;
    }
    CHECK_EQ (sent, IN_FLIGHT);
    return 1;
}

/* Closes the sockets of setup and removes their ipc files (libzmq 4.3.4 leaves them). */
static void teardown (void)
{
    char path[EP_LEN];
    close_set_up ();
    snprintf (path, sizeof path, "%s/pair-%d.sock", run_dir, setup_serial);
    unlink (path);
    snprintf (path, sizeof path, "%s/back-%d.sock", run_dir, setup_serial);
    unlink (path);
}

/* The parent's side of child_own_context: 5 pushes on each listener, one request. */
static void serve_child (void)
{
    char buf[64], want[64];
    int t, i, good;
    for (t = 0; t < 2; t++) {
        for (i = 0, good = 0; i < 5; i++) {
            snprintf (want, sizeof want, "child %s %d", tr_names[t], i);
            if (strcmp (recv_text (back[t], CHILD_LIMIT_MS, buf, sizeof buf), want) != 0)
                break;
            good++;
        }
        tu_record (good == 5, __FILE__, __LINE__, tr_names[t],
                   good == 5 ? "" : "the child's pushes did not all arrive");
    }
    CHECK_STR (recv_text (rep, CHILD_LIMIT_MS, buf, sizeof buf), "ping");
    CHECK_EQ (send_str (rep, "pong", 0), 4);
}

/* After the child: the messages in flight arrive in order, the pairs carry messages both
   ways, and new connections to the tcp and ipc listeners get through. */
static void parent_carries_on (const char *tag)
{
    char buf[64], want[64];
    int t, i, good;
    for (i = 0, good = 0; i < IN_FLIGHT; i++) {
        snprintf (want, sizeof want, "in flight %d", i);
        if (strcmp (recv_str (bound[TCP], buf, sizeof buf), want) != 0)
            break;
        good++;
    }
    tu_record (good == IN_FLIGHT, __FILE__, __LINE__,
               "the messages in flight across the fork arrive in order",
               good == IN_FLIGHT ? "" : "some were lost");
    for (t = 0; t < NTRANSPORTS; t++) {
        good = exchange (t, 10, tag);
        tu_record (good == 10, __FILE__, __LINE__, tr_names[t],
                   good == 10 ? "" : "the parent's pair stopped carrying messages");
    }
    for (t = 0; t < 2; t++) {
        void *push = sock (ctx, ZMQ_PUSH);
        if (push == NULL)
            return;
        CHECK_OK (zmq_connect (push, back_ep[t]));
        CHECK_EQ (send_str (push, tag, 0), (int) strlen (tag));
        tu_record (strcmp (recv_str (back[t], buf, sizeof buf), tag) == 0, __FILE__, __LINE__,
                   tr_names[t], "a new connection to the parent's listener gets through");
        zmq_close (push);
    }
}

/* One section: fresh sockets, the child, the parent's sockets afterwards. */
static void with_child (const char *name, void (*body) (void *), void *arg, int serve,
                        int reported, const char *tag)
{
    child_t child;
    begin (name);
    if (!setup ())
        return;
    if (start_child (&child, body, arg) == 0) {
        if (serve)
            serve_child ();
        finish_child (&child, reported, "the child exits 0 in time");
    }
    parent_carries_on (tag);
    teardown ();
}

/* How many fds open now, and not open before (open_before[fd] != 0), lack FD_CLOEXEC. */
static int without_cloexec (const unsigned char *open_before)
{
    int fd, n = 0;
    for (fd = 3; fd < MAX_FD; fd++) {
        int flags = fcntl (fd, F_GETFD);
        char link[64], target[256];
        ssize_t len;
        if (flags < 0 || open_before[fd] || (flags & FD_CLOEXEC))
            continue;
        snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
        len = readlink (link, target, sizeof target - 1);
        target[len > 0 ? len : 0] = '\0';
        printf ("fd %d (%s) is not close-on-exec\n", fd, target);
        n++;
    }
    return n;
}

/* ---- a child sends on an inherited REQ socket ---------------------------------------- */

static void *inherited_req;

/* The child's request goes nowhere: the connection is the parent's. */
/* A REQ/REP pair over tcp, one round trip made; 0 when the sockets could not be made. */
static int settled_req_rep (const char *name, void **server, void **client)
{
    char ep[EP_LEN], buf[32];
    *server = sock (ctx, ZMQ_REP);
    *client = sock (ctx, ZMQ_REQ);
    if (*server == NULL || *client == NULL)
        return 0;
    CHECK_OK (bind_fresh (*server, TCP, name, ep));
    CHECK_OK (zmq_connect (*client, ep));
    CHECK_EQ (send_str (*client, "first", 0), 5);
    CHECK_STR (recv_str (*server, buf, sizeof buf), "first");
    CHECK_EQ (send_str (*server, "first reply", 0), 11);
    CHECK_STR (recv_str (*client, buf, sizeof buf), "first reply");
    return 1;
}

static void child_sends_on_inherited (void *arg)
{
    (void) arg;
    zmq_send (inherited_req, "from the child", 14, ZMQ_DONTWAIT);
    usleep (50 * 1000);
}

/* A REQ/REP pair over tcp in the parent, one round trip made; a child sends a request on the
   inherited REQ socket; the parent's REP must then get the parent's request, and nothing from
   the child (whose bytes on the parent's connection would also break its framing). */
static void child_request_stays_in_child (void)
{
    void *server, *client;
    char buf[32];
    child_t child;
    begin ("a child's request on an inherited REQ socket never reaches the parent's "
           "connection");
    if (!settled_req_rep ("req", &server, &client))
        return;
    inherited_req = client;
    /* Settled: the I/O thread idle, the connection quiet. */
    usleep (20 * 1000);
    if (start_child (&child, child_sends_on_inherited, NULL) == 0)
        finish_child (&child, 1, "the child exits 0 in time");
    CHECK_STR (recv_text (server, 100, buf, sizeof buf), "(EAGAIN)");
    CHECK_EQ (send_str (client, "from the parent", 0), 15);
    CHECK_STR (recv_str (server, buf, sizeof buf), "from the parent");
    CHECK_EQ (send_str (server, "parent reply", 0), 12);
    CHECK_STR (recv_str (client, buf, sizeof buf), "parent reply");
    zmq_close (client);
    zmq_close (server);
}

static void *inherited_rep;

/* The child: the bytes arriving on the inherited connection are the parent's, not to be read
   here. Nothing comes (ours: EAGAIN, its wait timed out; libzmq 4.3.4: EINTR). */
static void child_waits_on_inherited (void *arg)
{
    char buf[32];
    const char *got;
    (void) arg;
    got = recv_text (inherited_rep, 400, buf, sizeof buf);
    CHECK (strcmp (got, "(EAGAIN)") == 0 || strcmp (got, "(error 4)") == 0);
}

/* A REQ/REP pair over tcp in the parent, one round trip made; a child waits on the inherited
   REP socket while the parent sends a request: the parent's REP gets it, the child nothing. */
static void child_wait_takes_nothing (void)
{
    void *server, *client;
    char buf[32];
    child_t child;
    begin ("a child waiting on an inherited REP socket takes nothing from the parent's "
           "connection");
    if (!settled_req_rep ("rep", &server, &client))
        return;
    inherited_rep = server;
    usleep (20 * 1000);
    if (start_child (&child, child_waits_on_inherited, NULL) == 0) {
        /* The child is waiting by now. */
        usleep (100 * 1000);
        CHECK_EQ (send_str (client, "for the parent", 0), 14);
        CHECK_STR (recv_str (server, buf, sizeof buf), "for the parent");
        finish_child (&child, 1, "the child exits 0 in time");
        CHECK_EQ (send_str (server, "reply", 0), 5);
        CHECK_STR (recv_str (client, buf, sizeof buf), "reply");
    }
    zmq_close (client);
    zmq_close (server);
}

/* ---- forks while other threads are busy ---------------------------------------------- */

/* A context of their own: PUSH/PULL over tcp, PAIRs over ipc and inproc, each pair streamed
   by a thread of its own while the parent forks. */
static void *busy_ctx;
static void *busy_s[2 * NTRANSPORTS];
static int busy_stop;
static long busy_received[NTRANSPORTS];

static void *busy_loop (void *arg)
{
    int t = *(const int *) arg;
    char buf[16];
    while (!__atomic_load_n (&busy_stop, __ATOMIC_ACQUIRE)) {
        zmq_send (busy_s[2 * t], "busy", 4, ZMQ_DONTWAIT);
        if (zmq_recv (busy_s[2 * t + 1], buf, sizeof buf, ZMQ_DONTWAIT) == 4)
            busy_received[t]++;
    }
    return NULL;
}

/* The child: whatever state the parent's threads left them in, the sockets close and the
   context terminates at once. */
static void child_closes_busy (void *arg)
{
    int i, rc, e;
    (void) arg;
    for (i = 0; i < 2 * NTRANSPORTS; i++)
        CHECK_OK (zmq_close (busy_s[i]));
    rc = zmq_ctx_term (busy_ctx);
    e = errno;
    tu_record (rc == 0 || (rc == -1 && e == EINTR), __FILE__, __LINE__,
               "zmq_ctx_term returns 0 or -1 with EINTR", "");
}

static void forks_while_busy (void)
{
    static const int types[NTRANSPORTS][2] = {
      {ZMQ_PUSH, ZMQ_PULL}, {ZMQ_PAIR, ZMQ_PAIR}, {ZMQ_PAIR, ZMQ_PAIR}};
    static const int ids[NTRANSPORTS] = {TCP, IPC, INPROC};
    pthread_t threads[NTRANSPORTS];
    char ep[EP_LEN], detail[120];
    int t, i, finished = 0, hung = 0;

    begin ("a child closes sockets other threads were using at the fork, and terminates "
           "their context");
    busy_ctx = zmq_ctx_new ();
    setup_serial++;
    for (t = 0; t < NTRANSPORTS; t++) {
        busy_s[2 * t] = sock (busy_ctx, types[t][0]);
        busy_s[2 * t + 1] = sock (busy_ctx, types[t][1]);
        CHECK_OK (bind_fresh (busy_s[2 * t + 1], t, "busy", ep));
        CHECK_OK (zmq_connect (busy_s[2 * t], ep));
    }
    __atomic_store_n (&busy_stop, 0, __ATOMIC_RELEASE);
    for (t = 0; t < NTRANSPORTS; t++)
        pthread_create (&threads[t], NULL, busy_loop, (void *) &ids[t]);
    for (i = 0; i < BUSY_FORKS; i++) {
        child_t c;
        int status, counts[2];
        sleep_ms (2);
        if (start_child (&c, child_closes_busy, NULL) != 0)
            break;
        if (!reap_within (c.pid, budget (CHILD_LIMIT_MS), 2, &status)) {
            close (c.report);
            if (on_system_lib ())
                printf ("on the system libzmq, child %d hung in zmq_close or zmq_ctx_term "
                        "(locks held by the parent's threads at the fork): reported, not "
                        "failed\n",
                        i + 1);
            else
                tu_record (0, __FILE__, __LINE__, "the child closes and terminates in time", "");
            hung = 1;
            break;
        }
        if (!add_child_counts (c.report, counts) || !WIFEXITED (status)
            || WEXITSTATUS (status) != 0)
            tu_record (0, __FILE__, __LINE__, "the child exits 0 after its checks", "");
        close (c.report);
        finished++;
    }
    __atomic_store_n (&busy_stop, 1, __ATOMIC_RELEASE);
    for (t = 0; t < NTRANSPORTS; t++)
        pthread_join (threads[t], NULL);
    printf ("%d children finished; the parent's threads received %ld (tcp), %ld (ipc), %ld "
            "(inproc) meanwhile\n",
            finished, busy_received[TCP], busy_received[IPC], busy_received[INPROC]);
    snprintf (detail, sizeof detail, "%d of %d", finished, BUSY_FORKS);
    tu_record (finished == BUSY_FORKS || (hung && on_system_lib ()), __FILE__, __LINE__,
               "every child finished", detail);
    for (t = 0; t < NTRANSPORTS; t++)
        tu_record (busy_received[t] > 0, __FILE__, __LINE__, tr_names[t],
                   "the parent's pair carried messages");
    for (i = 0; i < 2 * NTRANSPORTS; i++)
        CHECK_OK (zmq_close (busy_s[i]));
    CHECK_OK (zmq_ctx_term (busy_ctx));
    {
        char path[EP_LEN];
        snprintf (path, sizeof path, "%s/busy-%d.sock", run_dir, setup_serial);
        unlink (path);
    }
}

int main (void)
{
    static unsigned char open_before[MAX_FD];
    int i, yes = 1, no = 0;

    tu_init ();
    signal (SIGALRM, on_watchdog);
    watchdog_in (55);
    run_budget (RUN_BUDGET_MS);
    if (make_run_dir (run_dir, sizeof run_dir, "/tmp/zmq-capi-fork") != 0)
        return tu_finish ();
    for (i = 3; i < MAX_FD; i++)
        open_before[i] = fcntl (i, F_GETFD) >= 0;
    ctx = zmq_ctx_new ();
    if (!CHECK_NOT_NULL (ctx))
        return tu_finish ();

    begin ("every descriptor the library opens is close-on-exec");
    if (setup ()) {
        CHECK_EQ (without_cloexec (open_before), 0);
        parent_carries_on ("no fork");
        teardown ();
    }

    with_child ("a child closes the inherited sockets and terminates the inherited context",
                child_closes_inherited, NULL, 0, 1, "after-term");
    with_child ("a child terminates the inherited context, then talks to the parent with its "
                "own",
                child_own_context, &yes, 1, 1, "after-own");
    with_child ("a child leaves the inherited context alone and makes its own",
                child_own_context, &no, 1, 1, "after-untouched");
    with_child ("a child exits at once without touching the library", child_exits, NULL, 0, 1,
                "after-exit");
    with_child ("a child execs another program", child_execs, NULL, 0, 0, "after-exec");
    child_request_stays_in_child ();
    child_wait_takes_nothing ();
    forks_while_busy ();

    begin ("the parent terminates its context");
    CHECK_OK (zmq_ctx_term (ctx));
    rmdir (run_dir);
    alarm (0);
    return tu_finish ();
}
