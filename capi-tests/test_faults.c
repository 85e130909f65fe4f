/* Faults on a link. (a) A PULL peer in another process is killed with SIGKILL in the middle
   of a stream from a PUSH with SNDHWM 100 (over tcp, then ipc) and a new peer is started on
   the same endpoint: the PUSH reconnects by itself, what it queued while no peer existed
   reaches the new peer, and the new peer sees nothing twice and nothing out of order. Every
   message the PUSH accepted is counted as received by the first peer (as far as it reported
   before dying), received by the second, or lost with the killed process. (b) Up to 1000
   cycles of a bound REP closed and bound again on the same port, which a DEALER with a
   2 ms reconnect interval finds again each time: a round trip succeeds after each cycle. (c) ZMTP heartbeats
   (100 ms interval, 300 ms timeout) find a peer that stopped answering (SIGSTOP: its kernel
   still acknowledges tcp) and a socket without heartbeats does not notice it.

   With "--link-cut EP REPORTS CUT RESTORE" the program checks instead that heartbeats find
   a link that drops everything (capi-tests/netns/run.sh runs it across two network
   namespaces, with a peer whose reports go to the file REPORTS).

   A peer is this program run again with "--pull-peer SPEC FD": it binds a PULL on SPEC,
   writes the endpoint it bound (EP_LEN bytes) to FD and then the 4-byte number of every
   message it receives, until the end marker. The counts are printed so that the runs on
   the two libraries can be compared. A watchdog ends a part that blocks. */
#include "procutil.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_REPORTS 8192
#define END_MARK 0xFFFFFFFFu
#define HWM 100
#define WINDOW 20          /* unreported messages while streaming; also the burst before the kill */
#define KILL_AFTER 300     /* the first peer is killed after reporting this many */
#define SENT_WHILE_DYING 10 /* sent between the kill and the disconnect being seen */
#define AFTER_RESTART 300  /* sent once the second peer runs */
#define CYCLES 1000
#define CYCLES_BUDGET_MS 15000
#define HB_IVL 100
#define HB_TIMEOUT 300
#define HB_LIMIT_MS 3000

static int mon_serial;
/* This program, as read from /proc/self/exe at the start: under valgrind that link names
   valgrind's tool, and the program's own path is what valgrind's readlink answers. */
static char self_exe[PATH_MAX];

/* ---- the peer process ------------------------------------------------------------------ */

static void write_all (int fd, const void *data, size_t len)
{
    const char *p = (const char *) data;
    while (len > 0) {
        ssize_t n = write (fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit (4);
        p += n;
        len -= (size_t) n;
    }
}

static int pull_peer (const char *spec, int fd)
{
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_PULL);
    char ep[EP_LEN];
    size_t len = sizeof ep;
    int zero = 0, wait = 10000;
    memset (ep, 0, sizeof ep);
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &wait, sizeof wait);
    if (zmq_bind (s, spec) != 0)
        snprintf (ep, sizeof ep, "!bind %s failed: %s", spec, zmq_strerror (errno));
    else if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len) != 0)
        snprintf (ep, sizeof ep, "!no ZMQ_LAST_ENDPOINT");
    write_all (fd, ep, sizeof ep);
    if (ep[0] == '!')
        return 2;
    for (;;) {
        uint32_t seq;
        int n = zmq_recv (s, &seq, sizeof seq, 0);
        if (n < 0)
            return 3; /* nothing for 10 s: the parent is gone */
        if (n != (int) sizeof seq)
            continue;
        if (seq == END_MARK)
            break;
        write_all (fd, &seq, sizeof seq);
    }
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}

/* ---- the parent's view of a peer -------------------------------------------------------- */

typedef struct {
    pid_t pid;
    int fd;  /* read end of its report pipe */
    int eof; /* the pipe has been read to its end */
    int n;   /* reports so far */
    uint32_t got[MAX_REPORTS];
    unsigned char part[4];
    int npart;
} peer_t;

/* Starts a peer bound on spec; its endpoint goes to ep. 0 on success, -1 (recorded as a
   failure) when it could not start or bind. */
static int start_peer (peer_t *p, const char *spec, char *ep)
{
    int fds[2];
    size_t have = 0;
    long long deadline;
    memset (p, 0, sizeof *p);
    p->pid = -1;
    p->fd = -1;
    ep[0] = '\0';
    p->pid = fork_with_pipe (fds);
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        char fdtext[16];
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        fcntl (fds[1], F_SETFD, 0);
        snprintf (fdtext, sizeof fdtext, "%d", fds[1]);
        execl (self_exe, "test_faults", "--pull-peer", spec, fdtext, (char *) NULL);
        _exit (127);
    }
    close (fds[1]);
    p->fd = fds[0];
    watch_pid (p->pid);
    deadline = now_ms () + 5000;
    while (have < EP_LEN && now_ms () < deadline) {
        struct pollfd pfd;
        ssize_t n;
        pfd.fd = p->fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll (&pfd, 1, 50) <= 0)
            continue;
        n = read (p->fd, ep + have, EP_LEN - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t) n;
    }
    if (have < EP_LEN || ep[0] == '!' || ep[0] == '\0') {
        char detail[EP_LEN + 40];
        snprintf (detail, sizeof detail, "%s", have < EP_LEN ? "no endpoint within 5 s" : ep);
        ep[0] = '\0';
        tu_record (0, __FILE__, __LINE__, "the peer process binds", detail);
        return -1;
    }
    ep[EP_LEN - 1] = '\0';
    return 0;
}

/* Reads what the peer reported, waiting at most ms for the first bytes. 1 if anything came. */
static int pump (peer_t *p, int ms)
{
    int any = 0;
    while (!p->eof) {
        struct pollfd pfd;
        unsigned char buf[4096];
        ssize_t n, i;
        pfd.fd = p->fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll (&pfd, 1, any ? 0 : ms) <= 0)
            break;
        n = read (p->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            p->eof = 1;
            break;
        }
        any = 1;
        for (i = 0; i < n; i++) {
            p->part[p->npart++] = buf[i];
            if (p->npart == 4) {
                uint32_t v;
                memcpy (&v, p->part, 4);
                if (p->n < MAX_REPORTS)
                    p->got[p->n++] = v;
                p->npart = 0;
            }
        }
    }
    return any;
}

/* Reads the peer's pipe to its end (the process has exited), within ms. */
static void pump_to_eof (peer_t *p, int ms)
{
    long long deadline = now_ms () + ms;
    while (!p->eof && now_ms () < deadline)
        pump (p, 20);
}

/* Waits up to ms for the peer to exit, kills it after that; returns its wait status. */
static int reap (peer_t *p, int ms)
{
    int status = 0, exited;
    if (p->pid <= 0)
        return -1;
    exited = reap_within (p->pid, ms, 2, &status);
    p->pid = -1;
    return exited ? status : -1;
}

static void close_peer (peer_t *p)
{
    if (p->pid > 0) {
        kill (p->pid, SIGKILL);
        kill (p->pid, SIGCONT);
        reap (p, 1000);
    }
    if (p->fd >= 0)
        close (p->fd);
    p->fd = -1;
}

/* ---- sockets ----------------------------------------------------------------------------- */

/* A PAIR that receives the events of s (only those in mask). */
static void *monitor_of (void *ctx, void *s, int mask)
{
    char addr[64];
    void *m;
    snprintf (addr, sizeof addr, "inproc://faults-monitor-%d", ++mon_serial);
    if (zmq_socket_monitor (s, addr, mask) != 0) {
        tu_record (0, __FILE__, __LINE__, "zmq_socket_monitor", zmq_strerror (errno));
        return NULL;
    }
    m = zmq_socket (ctx, ZMQ_PAIR);
    set_int (m, ZMQ_LINGER, 0);
    if (zmq_connect (m, addr) != 0)
        tu_record (0, __FILE__, __LINE__, "connect to the monitor", zmq_strerror (errno));
    return m;
}

/* Stops the events of s and closes their reader: before s or its peers are closed. libzmq's
   I/O thread sends an event with a blocking send, so an event due after its reader is gone
   (the disconnect a close causes) would stop that thread for good, and with it every socket
   of the context. */
static void end_monitor (void *s, void *mon)
{
    zmq_socket_monitor (s, NULL, 0);
    zmq_close (mon);
}

/* The code of the next event within ms (0: only one already there), -1 when none came. */
static int next_event (void *mon, int ms)
{
    zmq_msg_t frame;
    uint16_t code = 0;
    int more = 0, got;
    size_t len = sizeof more;
    if (mon == NULL)
        return -1;
    set_int (mon, ZMQ_RCVTIMEO, ms);
    zmq_msg_init (&frame);
    got = zmq_msg_recv (&frame, mon, 0);
    if (got < 0) {
        zmq_msg_close (&frame);
        return -1;
    }
    if (zmq_msg_size (&frame) >= 2)
        memcpy (&code, zmq_msg_data (&frame), 2);
    zmq_getsockopt (mon, ZMQ_RCVMORE, &more, &len);
    if (more) {
        set_int (mon, ZMQ_RCVTIMEO, 1000);
        zmq_msg_recv (&frame, mon, 0);
    }
    zmq_msg_close (&frame);
    return code;
}

/* Waits up to ms for event `want`; the time it took, or -1. */
static long long wait_event (void *mon, int want, int ms)
{
    long long start = now_ms (), deadline = start + ms;
    for (;;) {
        long long left = deadline - now_ms ();
        int code;
        if (left < 0)
            return -1;
        code = next_event (mon, (int) left);
        if (code == want)
            return now_ms () - start;
        if (code < 0)
            return -1;
    }
}

/* ---- (a) a peer killed mid-stream and restarted ---------------------------------------- */

static void killed_peer (void *ctx, const char *tr)
{
    static peer_t p1, p2;
    char spec[EP_LEN], ep[EP_LEN], ep2[EP_LEN], title[120];
    void *push, *mon;
    uint32_t seq = 0, first_down, i;
    long eagain_running = 0, eagain_dying = 0, eagain_full = 0, queued_down = 0;
    long long t0 = now_ms (), deadline, disc_ms;
    int k, ordered, status, sent_burst, sent_dying = 0, missing = 0, in_order = 1, dup_of_first = 0;
    long lost;

    snprintf (title, sizeof title, "a PULL peer killed mid-stream and restarted, over %s", tr);
    tu_begin (title);
    watchdog_in (25);
    if (tr[0] == 't')
        snprintf (spec, sizeof spec, "tcp://127.0.0.1:*");
    else
        snprintf (spec, sizeof spec, "ipc:///tmp/zmq-faults-%d.sock", (int) getpid ());
    if (start_peer (&p1, spec, ep) != 0) {
        close_peer (&p1);
        return;
    }
    push = zmq_socket (ctx, ZMQ_PUSH);
    set_int (push, ZMQ_SNDHWM, HWM);
    set_int (push, ZMQ_LINGER, 0);
    set_int (push, ZMQ_RECONNECT_IVL, 10);
    mon = monitor_of (ctx, push, ZMQ_EVENT_DISCONNECTED);
    CHECK_OK (zmq_connect (push, ep));

    /* Stream to the first peer, never more than WINDOW ahead of what it reported. */
    deadline = now_ms () + 8000;
    while (p1.n < KILL_AFTER && !p1.eof && now_ms () < deadline) {
        if ((long) seq - p1.n < WINDOW) {
            if (zmq_send (push, &seq, sizeof seq, ZMQ_DONTWAIT) == (int) sizeof seq)
                seq++;
            else if (errno == EAGAIN) {
                eagain_running++;
                pump (&p1, 1);
            } else {
                tu_record (0, __FILE__, __LINE__, "zmq_send to the first peer", zmq_strerror (errno));
                break;
            }
            pump (&p1, 0);
        } else
            pump (&p1, 5);
    }
    if (!CHECK (p1.n >= KILL_AFTER)) {
        printf ("the first peer reported %d of %u messages within 8 s\n", p1.n, seq);
        end_monitor (push, mon);
        zmq_close (push);
        close_peer (&p1);
        return;
    }

    /* A burst it has no time to report, then the kill; the PUSH keeps sending without
       blocking until it reports the disconnect. */
    for (k = 0, sent_burst = 0; k < 3 * WINDOW && sent_burst < WINDOW; k++) {
        int events;
        size_t elen = sizeof events;
        if (zmq_send (push, &seq, sizeof seq, ZMQ_DONTWAIT) == (int) sizeof seq) {
            seq++;
            sent_burst++;
            continue;
        }
        eagain_running++;
        /* libzmq updates the room it sees in the queue when it processes its commands,
           which ZMQ_EVENTS makes it do. */
        zmq_getsockopt (push, ZMQ_EVENTS, &events, &elen);
    }
    kill (p1.pid, SIGKILL);
    status = reap (&p1, 2000);
    CHECK (status != -1 && WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
    disc_ms = -1;
    deadline = now_ms () + 5000;
    {
        long long start = now_ms ();
        while (now_ms () < deadline) {
            if (sent_dying < SENT_WHILE_DYING) {
                if (zmq_send (push, &seq, sizeof seq, ZMQ_DONTWAIT) == (int) sizeof seq) {
                    seq++;
                    sent_dying++;
                } else
                    eagain_dying++;
            }
            if (next_event (mon, 1) == ZMQ_EVENT_DISCONNECTED) {
                disc_ms = now_ms () - start;
                break;
            }
        }
    }
    tu_record (disc_ms >= 0, __FILE__, __LINE__,
               "ZMQ_EVENT_DISCONNECTED within 5 s of the kill", "");
    pump_to_eof (&p1, 2000);
    CHECK (p1.eof);

    /* No peer now: what the PUSH takes goes to its queue, up to the HWM. */
    first_down = seq;
    for (k = 0; queued_down <= 10 * HWM;) {
        int events;
        size_t elen = sizeof events;
        if (zmq_send (push, &seq, sizeof seq, ZMQ_DONTWAIT) == (int) sizeof seq) {
            seq++;
            queued_down++;
            k = 0;
            continue;
        }
        if (!CHECK_EQ (errno, EAGAIN) || k)
            break;
        /* Full, unless room it was told of is not accounted yet: ZMQ_EVENTS settles it. */
        k = 1;
        zmq_getsockopt (push, ZMQ_EVENTS, &events, &elen);
    }
    for (k = 0; k < 20; k++) {
        sleep_ms (2);
        if (zmq_send (push, &seq, sizeof seq, ZMQ_DONTWAIT) == (int) sizeof seq) {
            seq++;
            queued_down++;
        } else if (errno == EAGAIN)
            eagain_full++;
    }
    tu_record (queued_down > 0, __FILE__, __LINE__,
               "messages are queued while no peer exists", "");
    tu_record (queued_down <= HWM, __FILE__, __LINE__, "at most SNDHWM of them", "");
    CHECK_EQ (eagain_full, 20);

    /* A new peer on the same endpoint: the PUSH reconnects by itself. */
    if (start_peer (&p2, ep, ep2) != 0) {
        end_monitor (push, mon);
        zmq_close (push);
        close_peer (&p2);
        close_peer (&p1);
        return;
    }
    CHECK_STR (ep2, ep);
    set_int (push, ZMQ_SNDTIMEO, 3000);
    for (k = 0; k < AFTER_RESTART; k++) {
        if (zmq_send (push, &seq, sizeof seq, 0) != (int) sizeof seq) {
            tu_record (0, __FILE__, __LINE__, "zmq_send to the second peer", zmq_strerror (errno));
            break;
        }
        seq++;
        pump (&p2, 0);
    }
    {
        uint32_t end = END_MARK;
        CHECK_EQ (zmq_send (push, &end, sizeof end, 0), (int) sizeof end);
    }
    pump_to_eof (&p2, 5000);
    CHECK (p2.eof);
    status = reap (&p2, 2000);
    CHECK (status != -1 && WIFEXITED (status) && WEXITSTATUS (status) == 0);

    /* The accounting. */
    for (k = 0, ordered = 1; k < p1.n; k++)
        if (p1.got[k] != (uint32_t) k)
            ordered = 0;
    tu_record (ordered, __FILE__, __LINE__, "the first peer got 0, 1, 2, ... in order", "");
    for (k = 0; k < p2.n; k++) {
        if (k > 0 && p2.got[k] <= p2.got[k - 1])
            in_order = 0;
        if ((long) p2.got[k] < p1.n)
            dup_of_first++;
    }
    tu_record (in_order, __FILE__, __LINE__,
               "the second peer got every message once, in order", "");
    CHECK_EQ (dup_of_first, 0);
    for (i = first_down, k = 0; i < seq; i++) {
        while (k < p2.n && p2.got[k] < i)
            k++;
        if (k >= p2.n || p2.got[k] != i)
            missing++;
    }
    lost = (long) seq - p1.n - p2.n;
    printf ("%s: sent %u (%u before the kill, %d while dying, %ld queued with no peer, %d after "
            "the restart); first peer reported %d, second peer received %d (%u..%u), lost with "
            "the killed peer %ld\n",
            tr, seq, first_down - (uint32_t) sent_dying, sent_dying, queued_down, AFTER_RESTART,
            p1.n, p2.n, p2.n ? p2.got[0] : 0, p2.n ? p2.got[p2.n - 1] : 0, lost);
    printf ("%s: EAGAIN %ld while streaming, %ld while dying, %ld at the HWM with no peer; "
            "disconnect seen %lld ms after the kill; %lld ms in all\n",
            tr, eagain_running, eagain_dying, eagain_full, disc_ms, now_ms () - t0);
    tu_record (missing == 0, __FILE__, __LINE__,
               "everything queued with no peer and sent after the restart arrived", "");
    if (missing)
        printf ("%s: %d of the %u messages from %u on are missing\n", tr, missing,
                seq - first_down, first_down);
    CHECK (lost >= 0);
    tu_record (lost <= (long) first_down - p1.n, __FILE__, __LINE__,
               "only messages sent before the disconnect was seen are lost", "");

    end_monitor (push, mon);
    zmq_close (push);
    close_peer (&p1);
    close_peer (&p2);
    alarm (0);
}

/* ---- (b) reconnect cycles ----------------------------------------------------------------- */

static void *new_server (void *ctx, const char *ep)
{
    void *s = zmq_socket (ctx, ZMQ_REP);
    long long deadline = now_ms () + 2000;
    set_int (s, ZMQ_LINGER, 0);
    set_int (s, ZMQ_RCVTIMEO, 2000);
    set_int (s, ZMQ_SNDTIMEO, 2000);
    /* The listener of the closed socket goes away asynchronously. */
    while (zmq_bind (s, ep) != 0) {
        if (errno != EADDRINUSE || now_ms () > deadline) {
            tu_record (0, __FILE__, __LINE__, "bind again", zmq_strerror (errno));
            zmq_close (s);
            return NULL;
        }
        sleep_ms (1);
    }
    return s;
}

/* One request from client through server and back; 1 on success. */
static int round_trip (void *client, void *server, int n)
{
    char out[32], in[32];
    int len, got;
    len = snprintf (out, sizeof out, "cycle %d", n);
    if (zmq_send (client, "", 0, ZMQ_SNDMORE) != 0 || zmq_send (client, out, (size_t) len, 0) != len)
        return 0;
    got = zmq_recv (server, in, sizeof in, 0);
    if (got != len || memcmp (in, out, (size_t) len) != 0)
        return 0;
    if (zmq_send (server, in, (size_t) got, 0) != got)
        return 0;
    if (zmq_recv (client, in, sizeof in, 0) != 0)
        return 0;
    got = zmq_recv (client, in, sizeof in, 0);
    return got == len && memcmp (in, out, (size_t) len) == 0;
}

static void reconnect_cycles (void *ctx)
{
    void *client, *server, *mon;
    char ep[EP_LEN];
    size_t len = sizeof ep;
    long long t0, elapsed, slowest = 0;
    int cycle, done = 0;

    tu_begin ("a bound REP closed and bound again while a DEALER reconnects");
    watchdog_in (CYCLES_BUDGET_MS / 1000 + 15);
    client = zmq_socket (ctx, ZMQ_DEALER);
    set_int (client, ZMQ_LINGER, 0);
    set_int (client, ZMQ_RECONNECT_IVL, 2);
    set_int (client, ZMQ_RCVTIMEO, 2000);
    set_int (client, ZMQ_SNDTIMEO, 2000);
    mon = monitor_of (ctx, client, ZMQ_EVENT_DISCONNECTED);
    server = zmq_socket (ctx, ZMQ_REP);
    set_int (server, ZMQ_LINGER, 0);
    set_int (server, ZMQ_RCVTIMEO, 2000);
    set_int (server, ZMQ_SNDTIMEO, 2000);
    CHECK_OK (zmq_bind (server, "tcp://127.0.0.1:*"));
    zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, ep, &len);
    CHECK_OK (zmq_connect (client, ep));
    if (!tu_record (round_trip (client, server, -1), __FILE__, __LINE__, "first round trip", "")) {
        end_monitor (client, mon);
        zmq_close (server);
        zmq_close (client);
        return;
    }
    t0 = now_ms ();
    for (cycle = 0; cycle < CYCLES && now_ms () - t0 < CYCLES_BUDGET_MS; cycle++) {
        long long c0 = now_ms (), took;
        char detail[120];
        /* Any disconnect reported so far is from an earlier connection. */
        while (next_event (mon, 0) >= 0)
            ;
        zmq_close (server);
        server = new_server (ctx, ep);
        if (server == NULL)
            break;
        /* A request made before the client sees the old connection end could go to it. */
        if (wait_event (mon, ZMQ_EVENT_DISCONNECTED, 2000) < 0) {
            snprintf (detail, sizeof detail, "cycle %d: no ZMQ_EVENT_DISCONNECTED within 2 s", cycle);
            tu_record (0, __FILE__, __LINE__, "the client sees the server go", detail);
            break;
        }
        if (!round_trip (client, server, cycle)) {
            snprintf (detail, sizeof detail, "cycle %d: %s", cycle, zmq_strerror (errno));
            tu_record (0, __FILE__, __LINE__, "a round trip after the cycle", detail);
            break;
        }
        took = now_ms () - c0;
        if (took > slowest)
            slowest = took;
        done++;
    }
    elapsed = now_ms () - t0;
    printf ("reconnect cycles: %d in %lld ms (%.2f ms each, slowest %lld ms)\n", done, elapsed,
            done ? (double) elapsed / done : 0.0, slowest);
    if (done < CYCLES && cycle == done)
        printf ("only %d of %d cycles fit in the %d ms budget here\n", done, CYCLES, CYCLES_BUDGET_MS);
    CHECK_EQ (done, cycle);
    CHECK (done >= 100);
    end_monitor (client, mon);
    if (server)
        zmq_close (server);
    zmq_close (client);
    alarm (0);
}

/* ---- (c) heartbeats find a stopped peer -------------------------------------------------- */

/* Two PUSHes to one peer, one with heartbeats (hb) and one without (plain), each with a
   monitor. */
typedef struct {
    void *hb, *plain, *hbmon, *plainmon;
} hb_pair_t;

/* Connects a pair to ep and sends message 1 on hb and 2 on plain. cut_link: for a link that
   is cut and restored, where hb must also reconnect quickly (hbmon then reports
   ZMQ_EVENT_HANDSHAKE_SUCCEEDED too, besides ZMQ_EVENT_DISCONNECTED). */
static void hb_pair_open (hb_pair_t *h, void *ctx, const char *ep, int cut_link)
{
    uint32_t one = 1, two = 2;
    h->hb = zmq_socket (ctx, ZMQ_PUSH);
    h->plain = zmq_socket (ctx, ZMQ_PUSH);
    set_int (h->hb, ZMQ_LINGER, 0);
    set_int (h->plain, ZMQ_LINGER, 0);
    set_int (h->hb, ZMQ_HEARTBEAT_IVL, HB_IVL);
    set_int (h->hb, ZMQ_HEARTBEAT_TIMEOUT, HB_TIMEOUT);
    set_int (h->hb, ZMQ_SNDTIMEO, 2000);
    set_int (h->plain, ZMQ_SNDTIMEO, 2000);
    if (cut_link) {
        set_int (h->hb, ZMQ_RECONNECT_IVL, 100);
        /* While the link is down a connect waits for nothing: give it up and try again. */
        set_int (h->hb, ZMQ_CONNECT_TIMEOUT, 200);
    }
    h->hbmon = monitor_of (ctx, h->hb,
                           ZMQ_EVENT_DISCONNECTED
                             | (cut_link ? ZMQ_EVENT_HANDSHAKE_SUCCEEDED : 0));
    h->plainmon = monitor_of (ctx, h->plain, ZMQ_EVENT_DISCONNECTED);
    CHECK_OK (zmq_connect (h->hb, ep));
    CHECK_OK (zmq_connect (h->plain, ep));
    CHECK_EQ (zmq_send (h->hb, &one, sizeof one, 0), 4);
    CHECK_EQ (zmq_send (h->plain, &two, sizeof two, 0), 4);
}

static void hb_pair_close (hb_pair_t *h)
{
    end_monitor (h->hb, h->hbmon);
    end_monitor (h->plain, h->plainmon);
    zmq_close (h->hb);
    zmq_close (h->plain);
}

/* Once the peer stopped answering: hb reports ZMQ_EVENT_DISCONNECTED within HB_LIMIT_MS
   (found_check), plain nothing (unnoticed_check). what starts the line printed. */
static void check_found (hb_pair_t *h, const char *what, const char *found_check,
                         const char *unnoticed_check)
{
    long long found = wait_event (h->hbmon, ZMQ_EVENT_DISCONNECTED, HB_LIMIT_MS + 2000);
    int code = next_event (h->plainmon, 0);
    printf ("%s found after %lld ms (interval %d ms, timeout %d ms); the socket without "
            "heartbeats %s\n",
            what, found, HB_IVL, HB_TIMEOUT,
            code == ZMQ_EVENT_DISCONNECTED ? "saw a disconnect too" : "noticed nothing");
    tu_record (found >= 0 && found < HB_LIMIT_MS, __FILE__, __LINE__, found_check, "");
    tu_record (code != ZMQ_EVENT_DISCONNECTED, __FILE__, __LINE__, unnoticed_check, "");
}

static void heartbeats (void *ctx)
{
    static peer_t p;
    char ep[EP_LEN];
    hb_pair_t h;
    long long deadline, quiet;

    tu_begin ("heartbeats find a peer that stopped answering");
    watchdog_in (20);
    if (start_peer (&p, "tcp://127.0.0.1:*", ep) != 0) {
        close_peer (&p);
        return;
    }
    hb_pair_open (&h, ctx, ep, 0);
    deadline = now_ms () + 3000;
    while (p.n < 2 && !p.eof && now_ms () < deadline)
        pump (&p, 20);
    if (!CHECK_EQ (p.n, 2)) {
        hb_pair_close (&h);
        close_peer (&p);
        return;
    }

    /* While the peer runs it answers the pings: no disconnect over two timeouts. */
    quiet = wait_event (h.hbmon, ZMQ_EVENT_DISCONNECTED, 2 * HB_TIMEOUT);
    tu_record (quiet < 0, __FILE__, __LINE__, "a live peer keeps the heartbeat link up", "");

    kill (p.pid, SIGSTOP);
    check_found (&h, "heartbeats: a stopped peer",
                 "ZMQ_EVENT_DISCONNECTED within 3 s of the stop",
                 "without heartbeats the stopped peer goes unnoticed");

    hb_pair_close (&h);
    close_peer (&p);
    alarm (0);
}

/* ---- (c') a cut link, run by capi-tests/netns/run.sh in a network namespace ------------ */

/* The numbers in a peer's report file (after its endpoint block, copied to ep); -1 while the
   file has no endpoint block yet. */
static int read_reports (const char *path, uint32_t *out, int cap, char *ep)
{
    FILE *f = fopen (path, "rb");
    char block[EP_LEN];
    int n = 0;
    if (f == NULL)
        return -1;
    if (fread (block, 1, EP_LEN, f) != EP_LEN) {
        fclose (f);
        return -1;
    }
    if (ep) {
        memcpy (ep, block, EP_LEN);
        ep[EP_LEN - 1] = '\0';
    }
    while (n < cap && fread (&out[n], sizeof out[n], 1, f) == 1)
        n++;
    fclose (f);
    return n;
}

/* Whether the peer reported message `want` within ms. */
static int reported (const char *path, uint32_t want, int ms)
{
    static uint32_t got[MAX_REPORTS];
    long long deadline = now_ms () + ms;
    do {
        int i, n = read_reports (path, got, MAX_REPORTS, NULL);
        for (i = 0; i < n; i++)
            if (got[i] == want)
                return 1;
        sleep_ms (10);
    } while (now_ms () < deadline);
    return 0;
}

static int run (const char *cmd)
{
    int status = system (cmd);
    if (status != 0)
        printf ("\"%s\" returned %d\n", cmd, status);
    return status == 0;
}

/* A PUSH with heartbeats and one without, connected to a peer across a link that is then
   cut (by the command `cut`) and restored: the first finds the dead link, the second does
   not; after the restore the first reconnects and both deliver again. */
static int link_cut (const char *ep, const char *reports, const char *cut, const char *restore)
{
    void *ctx;
    hb_pair_t h;
    char peer_ep[EP_LEN];
    uint32_t three = 3, four = 4, end = END_MARK;
    long long deadline, quiet, back;
    int n = -1;

    tu_init ();
    signal (SIGALRM, on_watchdog);
    watchdog_in (45);
    tu_begin ("heartbeats find a cut link between network namespaces");
    deadline = now_ms () + 5000;
    while ((n = read_reports (reports, NULL, 0, peer_ep)) < 0 && now_ms () < deadline)
        sleep_ms (10);
    if (!tu_record (n >= 0 && peer_ep[0] != '!', __FILE__, __LINE__, "the peer is bound",
                    n >= 0 ? peer_ep : "no endpoint within 5 s"))
        return tu_finish ();
    printf ("peer bound on %s\n", peer_ep);

    ctx = zmq_ctx_new ();
    hb_pair_open (&h, ctx, ep, 1);
    tu_record (reported (reports, 1, 5000), __FILE__, __LINE__, "message 1 arrives", "");
    tu_record (reported (reports, 2, 5000), __FILE__, __LINE__, "message 2 arrives", "");
    while (next_event (h.hbmon, 0) >= 0)
        ;

    quiet = wait_event (h.hbmon, ZMQ_EVENT_DISCONNECTED, 2 * HB_TIMEOUT);
    tu_record (quiet < 0, __FILE__, __LINE__, "a live link keeps the heartbeat connection up", "");

    CHECK (run (cut));
    check_found (&h, "cut link:", "ZMQ_EVENT_DISCONNECTED within 3 s of the cut",
                 "without heartbeats the cut goes unnoticed");

    CHECK (run (restore));
    back = wait_event (h.hbmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 8000);
    printf ("restored link: the heartbeat socket connected again after %lld ms\n", back);
    tu_record (back >= 0, __FILE__, __LINE__, "the heartbeat socket reconnects", "");
    CHECK_EQ (zmq_send (h.hb, &three, sizeof three, 0), 4);
    CHECK_EQ (zmq_send (h.plain, &four, sizeof four, 0), 4);
    tu_record (reported (reports, 3, 5000), __FILE__, __LINE__,
               "message 3 arrives (reconnected socket)", "");
    tu_record (reported (reports, 4, 5000), __FILE__, __LINE__,
               "message 4 arrives (the connection that lived through the cut)", "");
    zmq_send (h.hb, &end, sizeof end, ZMQ_DONTWAIT);
    sleep_ms (50);

    hb_pair_close (&h);
    CHECK_OK (zmq_ctx_term (ctx));
    alarm (0);
    return tu_finish ();
}

int main (int argc, char **argv)
{
    void *ctx;

    {
        ssize_t n = readlink ("/proc/self/exe", self_exe, sizeof self_exe - 1);
        self_exe[n > 0 ? n : 0] = '\0';
    }
    if (argc == 4 && strcmp (argv[1], "--pull-peer") == 0)
        return pull_peer (argv[2], atoi (argv[3]));
    if (argc == 6 && strcmp (argv[1], "--link-cut") == 0)
        return link_cut (argv[2], argv[3], argv[4], argv[5]);

    tu_init ();
    signal (SIGALRM, on_watchdog);
    signal (SIGPIPE, SIG_IGN);
    ctx = zmq_ctx_new ();

    killed_peer (ctx, "tcp");
    killed_peer (ctx, "ipc");
    reconnect_cycles (ctx);
    heartbeats (ctx);

    watchdog_in (10);
    CHECK_OK (zmq_ctx_term (ctx));
    alarm (0);
    {
        char path[64];
        snprintf (path, sizeof path, "/tmp/zmq-faults-%d.sock", (int) getpid ());
        unlink (path);
    }
    return tu_finish ();
}
