/* Helpers of the tests that take a while, fork children and must never hang: a monotonic
   clock in milliseconds; a time budget for the whole run and one for each section, which
   every wait is cut down to, so that a broken library still finishes quickly; a watchdog
   (SIGALRM) that kills the children it was told of and ends the run with a failure; a fork
   with a pipe, children that report their check counts through it, and reaping with a
   deadline; a run directory under /tmp; and the small socket helpers these tests share
   (int options, a socket that does not linger, endpoints, strings). */
#ifndef CAPI_PROCUTIL_H
#define CAPI_PROCUTIL_H

#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

/* Room for an endpoint (ZMQ_LAST_ENDPOINT and the specs built for zmq_bind). */
#define EP_LEN 256

/* ---- time ---------------------------------------------------------------------------- */

static inline long long now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

/* When the run's budget and the current section's end (now_ms () time). */
static long long section_end, run_end;

/* How many times slower than native the run is (CAPI_TESTS_SLOW, 1 if unset): budgets and
   waits stretch by it (sanitize.sh sets it under valgrind). */
static inline int slowness (void)
{
    const char *v = getenv ("CAPI_TESTS_SLOW");
    int n = v ? atoi (v) : 1;
    return n > 1 ? n : 1;
}

/* Arms the SIGALRM watchdog for seconds, stretched by slowness (). */
static inline void watchdog_in (unsigned seconds)
{
    alarm (seconds * (unsigned) slowness ());
}

/* The whole run gets ms from now: no section's budget reaches past it. */
static inline void run_budget (int ms)
{
    run_end = now_ms () + (long long) ms * slowness ();
}

/* The waits from now on share ms (or what is left of the run's budget, if less). */
static inline void section_budget (int ms)
{
    section_end = now_ms () + (long long) ms * slowness ();
    if (section_end > run_end)
        section_end = run_end;
}

/* ms, cut down to what is left of the section's budget (but at least 20). */
static inline int budget (int ms)
{
    long long left = section_end - now_ms ();
    long long want = (long long) ms * slowness ();
    if (left < 20)
        left = 20;
    return (int) (want < left ? want : left);
}

/* ---- the watchdog ---------------------------------------------------------------------- */

#define MAX_WATCHED 4

/* The children the watchdog kills (0: a free slot). */
static volatile pid_t watched[MAX_WATCHED];

static inline void watch_pid (pid_t pid)
{
    int i;
    for (i = 0; i < MAX_WATCHED; i++)
        if (watched[i] == 0) {
            watched[i] = pid;
            return;
        }
}

static inline void unwatch_pid (pid_t pid)
{
    int i;
    for (i = 0; i < MAX_WATCHED; i++)
        if (watched[i] == pid)
            watched[i] = 0;
}

/* The SIGALRM handler: the run blocked for too long. Kills the watched children (a stopped
   one too) and ends with a failure and the closing line. */
static inline void on_watchdog (int sig)
{
    char line[400];
    int i, n;
    ssize_t w;
    (void) sig;
    for (i = 0; i < MAX_WATCHED; i++)
        if (watched[i] > 0) {
            kill (watched[i], SIGKILL);
            kill (watched[i], SIGCONT);
        }
    n = snprintf (line, sizeof line, "FAIL [%s] hung: the watchdog expired\n%d passed, %d failed\n",
                  tu_section, tu_passed, tu_failed + 1);
    w = write (1, line, (size_t) n);
    (void) w;
    _exit (1);
}

/* ---- children -------------------------------------------------------------------------- */

/* Forks with a pipe made first (fds[0] its read end, fds[1] its write end, both
   close-on-exec) and stdout flushed. Returns what fork returns; -1 (recorded as a failure,
   the pipe closed again) when the pipe or the fork failed. */
static inline pid_t fork_with_pipe (int fds[2])
{
    pid_t pid;
    if (pipe2 (fds, O_CLOEXEC) != 0) {
        tu_record (0, __FILE__, __LINE__, "pipe2", strerror (errno));
        return -1;
    }
    fflush (stdout);
    pid = fork ();
    if (pid < 0) {
        tu_record (0, __FILE__, __LINE__, "fork", strerror (errno));
        close (fds[0]);
        close (fds[1]);
    }
    return pid;
}

/* Forks a child that runs body(arg) with check counts of its own, writes them (passed,
   failed) to a pipe and exits 0 (1 after a failed check). Returns the child's pid, now
   watched, with the read end of that pipe in *report; -1 when it could not start. */
static inline pid_t fork_reporting (void (*body) (void *), void *arg, int *report)
{
    int fds[2];
    pid_t pid = fork_with_pipe (fds);
    *report = -1;
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int counts[2];
        ssize_t w;
        close (fds[0]);
        tu_passed = 0;
        tu_failed = 0;
        body (arg);
        counts[0] = tu_passed;
        counts[1] = tu_failed;
        w = write (fds[1], counts, sizeof counts);
        (void) w;
        fflush (stdout);
        exit (tu_failed == 0 ? 0 : 1);
    }
    close (fds[1]);
    *report = fds[0];
    watch_pid (pid);
    return pid;
}

/* Reads the counts a child of fork_reporting wrote (into counts[0..1]) and adds them to
   ours. 1 if it had written them. */
static inline int add_child_counts (int report, int *counts)
{
    if (read (report, counts, 2 * sizeof *counts) != (ssize_t) (2 * sizeof *counts))
        return 0;
    tu_passed += counts[0];
    tu_failed += counts[1];
    return 1;
}

/* Waits up to limit_ms (looking every poll_ms) for the child to exit; one still running
   then is killed (and continued, should it be stopped). Its wait status goes to *status and
   it is no longer watched. Returns 1 when it exited by itself, 0 when it was killed. */
static inline int reap_within (pid_t pid, int limit_ms, int poll_ms, int *status)
{
    long long deadline = now_ms () + limit_ms;
    pid_t r;
    while ((r = waitpid (pid, status, WNOHANG)) == 0 && now_ms () < deadline)
        sleep_ms (poll_ms);
    if (r == 0) {
        kill (pid, SIGKILL);
        kill (pid, SIGCONT);
        waitpid (pid, status, 0);
    }
    unwatch_pid (pid);
    return r != 0;
}

/* Whether this process runs on the system libzmq (ZMQ_EXPECT_LIB is that file): where it
   aborts or hangs, the tests report it instead of failing. */
static inline int on_system_lib (void)
{
    char a[PATH_MAX], b[PATH_MAX];
    const char *want = getenv ("ZMQ_EXPECT_LIB");
    if (want == NULL || realpath (want, a) == NULL
        || realpath ("/usr/lib/x86_64-linux-gnu/libzmq.so.5", b) == NULL)
        return 0;
    return strcmp (a, b) == 0;
}

/* Makes the directory "<prefix>-<pid>" (mode 0700) for the run's ipc files; its name goes
   to dir. 0 on success, -1 (recorded as a failure) otherwise. */
static inline int make_run_dir (char *dir, size_t size, const char *prefix)
{
    snprintf (dir, size, "%s-%d", prefix, (int) getpid ());
    if (mkdir (dir, 0700) != 0) {
        tu_record (0, __FILE__, __LINE__, "mkdir run directory", strerror (errno));
        return -1;
    }
    return 0;
}

/* ---- sockets --------------------------------------------------------------------------- */

/* Sets an int option; only a failure is recorded. */
static inline void set_int (void *s, int option, int value)
{
    if (zmq_setsockopt (s, option, &value, sizeof value) != 0)
        tu_record (0, __FILE__, __LINE__, "zmq_setsockopt", zmq_strerror (errno));
}

/* A socket that does not linger, with the send timeout and reconnect interval given; NULL
   (recorded as a failure) when it cannot be made. */
static inline void *quick_socket (void *ctx, int type, int sndtimeo, int reconnect_ivl)
{
    void *s = zmq_socket (ctx, type);
    if (s == NULL) {
        tu_record (0, __FILE__, __LINE__, "zmq_socket", zmq_strerror (errno));
        return NULL;
    }
    set_int (s, ZMQ_SNDTIMEO, sndtimeo);
    set_int (s, ZMQ_LINGER, 0);
    set_int (s, ZMQ_RECONNECT_IVL, reconnect_ivl);
    return s;
}

/* ZMQ_LAST_ENDPOINT of s into ep (EP_LEN bytes); "(no endpoint)" when there is none. */
static inline void last_ep (void *s, char *ep)
{
    size_t len = EP_LEN;
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len) != 0)
        snprintf (ep, EP_LEN, "(no endpoint)");
}

static inline int send_str (void *s, const char *text, int flags)
{
    return zmq_send (s, text, strlen (text), flags);
}

/* The next frame as a string in buf, waiting at most ms (within the section's budget);
   "(EAGAIN)" or "(error N)" when none came. */
static inline const char *recv_text (void *s, int ms, char *buf, size_t size)
{
    int n;
    set_int (s, ZMQ_RCVTIMEO, budget (ms));
    n = zmq_recv (s, buf, size - 1, 0);
    if (n < 0) {
        snprintf (buf, size, errno == EAGAIN ? "(EAGAIN)" : "(error %d)", errno);
        return buf;
    }
    buf[n < (int) size - 1 ? n : (int) size - 1] = '\0';
    return buf;
}

#endif
