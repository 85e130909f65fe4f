/*
 * Runs the class selftests that libczmq.so.4 exports (zsock_test,
 * zactor_test, ...) on whatever libzmq.so.5 the dynamic linker loads.
 *
 * Usage: selftests [-v] [-k] [-t SECONDS] [--list] [NAME...]
 *   NAME      a test ("zsock_test" or "zsock"); all of them by default
 *   --list    print the test names, one a line, and exit
 *   -t        time-out per test in seconds (default 30)
 *   -v        run the selftests verbose
 *   -k        keep each test's working directory and log
 *
 * First proves which libzmq is loaded (libcheck.h: the file named by
 * ZMQ_EXPECT_LIB, else exit 1 without running anything). Sets
 * ZSYS_INTERFACE=lo, so that zbeacon broadcasts on the loopback interface
 * only. Then every test runs in a forked child, in its own process group,
 * in a fresh temporary working directory (the selftests write .test_zcert,
 * .test_zdir and the like into it), with stdout and stderr going to a log
 * file. A test passes when its child exits 0 (after czmq's own atexit
 * shutdown); it fails when it exits non-zero, dies of a signal (a failed
 * assert aborts) or outlives the time-out (the process group is killed).
 * It is skipped when it returned but said it skipped itself ("skipping
 * test": zbeacon_test does, since lo cannot broadcast).
 *
 * Prints a line per test, "PASS zsock_test (1.52 s)", "FAIL ... : why"
 * followed by the tail of the log, "SKIP ...: why", then
 * "selftests: N passed, N failed, N skipped". Exits 0 if none failed.
 */
#define _GNU_SOURCE
#include "libcheck.h"

#include <czmq.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exported by libczmq.so.4 but not declared by its public headers. */
CZMQ_EXPORT void zsock_option_test (bool verbose);

typedef void (selftest_fn) (bool verbose);

typedef struct
{
    const char *name;
    selftest_fn *fn;
} selftest_t;

/* Every *_test function libczmq.so.4 (4.2.1, stable API) exports. */
static const selftest_t selftests[] = {
  {"zactor_test", zactor_test},
  {"zarmour_test", zarmour_test},
  {"zauth_test", zauth_test},
  {"zbeacon_test", zbeacon_test},
  {"zcert_test", zcert_test},
  {"zcertstore_test", zcertstore_test},
  {"zchunk_test", zchunk_test},
  {"zclock_test", zclock_test},
  {"zconfig_test", zconfig_test},
  {"zdigest_test", zdigest_test},
  {"zdir_test", zdir_test},
  {"zdir_patch_test", zdir_patch_test},
  {"zfile_test", zfile_test},
  {"zframe_test", zframe_test},
  {"zgossip_test", zgossip_test},
  {"zhash_test", zhash_test},
  {"zhashx_test", zhashx_test},
  {"ziflist_test", ziflist_test},
  {"zlist_test", zlist_test},
  {"zlistx_test", zlistx_test},
  {"zloop_test", zloop_test},
  {"zmonitor_test", zmonitor_test},
  {"zmsg_test", zmsg_test},
  {"zpoller_test", zpoller_test},
  {"zproxy_test", zproxy_test},
  {"zrex_test", zrex_test},
  {"zsock_test", zsock_test},
  {"zsock_option_test", zsock_option_test},
  {"zstr_test", zstr_test},
  {"zsys_test", zsys_test},
  {"zuuid_test", zuuid_test},
};
#define SELFTEST_COUNT (sizeof selftests / sizeof selftests[0])

static double now_seconds (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const selftest_t *find_test (const char *name)
{
    size_t i;
    size_t len = strlen (name);
    for (i = 0; i < SELFTEST_COUNT; i++) {
        const char *candidate = selftests[i].name;
        if (strcmp (candidate, name) == 0)
            return &selftests[i];
        /* "zsock" names zsock_test. */
        if (strncmp (candidate, name, len) == 0
            && strcmp (candidate + len, "_test") == 0)
            return &selftests[i];
    }
    return NULL;
}

/* The line of the log where the selftest says it skipped itself (czmq's
 * selftests print "skipping test" when the host lacks what they need, and
 * return as if they passed), copied into `line`; false if there is none. */
static bool skipped_itself (const char *logpath, char *line, size_t size)
{
    FILE *f = fopen (logpath, "r");
    char buf[512];
    bool found = false;
    if (f == NULL)
        return false;
    while (!found && fgets (buf, sizeof buf, f) != NULL)
        if (strcasestr (buf, "skipping test") != NULL) {
            char *start = buf + strspn (buf, " *");
            start[strcspn (start, "\n")] = '\0';
            snprintf (line, size, "%s", start);
            found = true;
        }
    fclose (f);
    return found;
}

static int remove_entry (const char *path, const struct stat *st, int flag,
                         struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    remove (path);
    return 0;
}

static void remove_tree (const char *path)
{
    nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Prints the last `lines` lines of the file, indented. */
static void print_tail (const char *path, int lines)
{
    FILE *f = fopen (path, "r");
    char *buf;
    long size;
    long start;
    int seen = 0;
    if (f == NULL)
        return;
    fseek (f, 0, SEEK_END);
    size = ftell (f);
    if (size <= 0) {
        fclose (f);
        printf ("    (no output)\n");
        return;
    }
    buf = malloc ((size_t) size + 1);
    if (buf == NULL) {
        fclose (f);
        return;
    }
    fseek (f, 0, SEEK_SET);
    size = (long) fread (buf, 1, (size_t) size, f);
    fclose (f);
    buf[size] = '\0';
    start = size;
    if (start > 0 && buf[start - 1] == '\n')
        start--;
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    {
        char *line = buf + start;
        while (*line != '\0') {
            char *end = strchr (line, '\n');
            if (end != NULL)
                *end = '\0';
            printf ("    | %s\n", line);
            if (end == NULL)
                break;
            line = end + 1;
        }
    }
    free (buf);
}

typedef enum
{
    OUTCOME_PASS,
    OUTCOME_FAIL,
    OUTCOME_SKIP
} outcome_t;

static outcome_t run_one (const selftest_t *test, const char *base,
                          double timeout, bool verbose, bool keep)
{
    char workdir[PATH_MAX];
    char logpath[PATH_MAX];
    double started;
    double elapsed;
    pid_t pid;
    int status = 0;
    bool timed_out = false;
    outcome_t outcome;

    snprintf (workdir, sizeof workdir, "%s/%s", base, test->name);
    snprintf (logpath, sizeof logpath, "%s/%s.log", base, test->name);
    if (mkdir (workdir, 0700) != 0) {
        printf ("FAIL %s: cannot create %s: %s\n", test->name, workdir,
                strerror (errno));
        return OUTCOME_FAIL;
    }

    fflush (stdout);
    fflush (stderr);
    started = now_seconds ();
    pid = fork ();
    if (pid < 0) {
        printf ("FAIL %s: fork: %s\n", test->name, strerror (errno));
        return OUTCOME_FAIL;
    }
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        int log = open (logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open ("/dev/null", O_RDONLY);
        setpgid (0, 0);
        setrlimit (RLIMIT_CORE, &no_core);
        if (log < 0 || null < 0 || chdir (workdir) != 0)
            _exit (125);
        dup2 (null, 0);
        dup2 (log, 1);
        dup2 (log, 2);
        close (null);
        close (log);
        setvbuf (stdout, NULL, _IOLBF, 0);
        printf ("running %s in %s\n", test->name, workdir);
        test->fn (verbose);
        printf ("%s returned\n", test->name);
        /* exit, not _exit: czmq's atexit shutdown is part of the test. */
        exit (0);
    }
    /* Set from both sides: whoever runs first, kill (-pid) works. */
    setpgid (pid, pid);

    for (;;) {
        pid_t done = waitpid (pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            status = -1;
            break;
        }
        if (now_seconds () - started > timeout) {
            timed_out = true;
            kill (-pid, SIGKILL);
            kill (pid, SIGKILL);
            waitpid (pid, &status, 0);
            break;
        }
        usleep (10000);
    }
    elapsed = now_seconds () - started;
    /* Whatever the test left behind in its process group goes too. */
    kill (-pid, SIGKILL);

    if (!timed_out && status != -1 && WIFEXITED (status)
        && WEXITSTATUS (status) == 0) {
        char line[512];
        if (skipped_itself (logpath, line, sizeof line)) {
            printf ("SKIP %s (%.2f s): returned, but skipped itself: %s\n",
                    test->name, elapsed, line);
            outcome = OUTCOME_SKIP;
        } else {
            printf ("PASS %s (%.2f s)\n", test->name, elapsed);
            outcome = OUTCOME_PASS;
        }
    } else {
        if (timed_out)
            printf ("FAIL %s (%.2f s): timed out after %.0f s\n", test->name,
                    elapsed, timeout);
        else if (status == -1)
            printf ("FAIL %s (%.2f s): waitpid failed\n", test->name,
                    elapsed);
        else if (WIFSIGNALED (status))
            printf ("FAIL %s (%.2f s): killed by signal %d (%s)\n",
                    test->name, elapsed, WTERMSIG (status),
                    strsignal (WTERMSIG (status)));
        else
            printf ("FAIL %s (%.2f s): exit status %d\n", test->name,
                    elapsed, WEXITSTATUS (status));
        print_tail (logpath, 25);
        outcome = OUTCOME_FAIL;
    }
    if (!keep) {
        remove_tree (workdir);
        remove (logpath);
    }
    return outcome;
}

static void usage (const char *program)
{
    fprintf (stderr,
             "usage: %s [-v] [-k] [-t SECONDS] [--list] [NAME...]\n",
             program);
    exit (2);
}

int main (int argc, char *argv[])
{
    bool verbose = false;
    bool keep = false;
    double timeout = 30;
    const selftest_t *chosen[SELFTEST_COUNT];
    size_t count = 0;
    size_t i;
    int argi;
    int passed = 0, failed = 0, skipped = 0;
    char base[PATH_MAX];
    const char *tmp = getenv ("TMPDIR");

    for (argi = 1; argi < argc; argi++) {
        const char *arg = argv[argi];
        if (strcmp (arg, "--list") == 0) {
            for (i = 0; i < SELFTEST_COUNT; i++)
                printf ("%s\n", selftests[i].name);
            return 0;
        } else if (strcmp (arg, "-v") == 0)
            verbose = true;
        else if (strcmp (arg, "-k") == 0)
            keep = true;
        else if (strcmp (arg, "-t") == 0 && argi + 1 < argc) {
            char *end;
            timeout = strtod (argv[++argi], &end);
            if (*end != '\0' || timeout <= 0)
                usage (argv[0]);
        } else if (arg[0] == '-')
            usage (argv[0]);
        else {
            const selftest_t *test = find_test (arg);
            if (test == NULL) {
                fprintf (stderr, "%s: no selftest %s (see --list)\n",
                         argv[0], arg);
                return 2;
            }
            if (count < SELFTEST_COUNT)
                chosen[count++] = test;
        }
    }
    if (count == 0)
        for (i = 0; i < SELFTEST_COUNT; i++)
            chosen[count++] = &selftests[i];

    czmq_check_library ("selftests");

    /* Before any czmq call: zsys reads it when it initialises. */
    setenv ("ZSYS_INTERFACE", "lo", 1);

    snprintf (base, sizeof base, "%s/czmq-selftests.XXXXXX",
              tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    if (mkdtemp (base) == NULL) {
        printf ("cannot create a temporary directory in %s: %s\n",
                tmp != NULL ? tmp : "/tmp", strerror (errno));
        return 1;
    }

    for (i = 0; i < count; i++) {
        switch (run_one (chosen[i], base, timeout, verbose, keep)) {
            case OUTCOME_PASS:
                passed++;
                break;
            case OUTCOME_FAIL:
                failed++;
                break;
            case OUTCOME_SKIP:
                skipped++;
                break;
        }
    }
    if (keep)
        printf ("kept working directories and logs in %s\n", base);
    else
        remove_tree (base);
    printf ("selftests: %d passed, %d failed, %d skipped\n", passed, failed,
            skipped);
    return failed == 0 ? 0 : 1;
}
