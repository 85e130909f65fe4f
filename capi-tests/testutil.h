/*
 * Minimal test harness for the C API spec tests.
 *
 * Every test program includes this header first, calls tu_init() at the
 * start of main (which proves which libzmq the program is running on) and
 * returns tu_finish() at the end, which prints the closing line
 * "N passed, N failed" and yields a non-zero exit status on any failure.
 *
 * The header is valid C99 and C++11.
 */
#ifndef CAPI_TESTUTIL_H
#define CAPI_TESTUTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

static int tu_passed;
static int tu_failed;
static const char *tu_section = "";

/* Starts a named group of checks; failures mention the group. */
static inline void tu_begin (const char *name)
{
    tu_section = name;
    printf ("-- %s\n", name);
    fflush (stdout);
}

static inline int tu_verbose (void)
{
    const char *v = getenv ("CAPI_TESTS_VERBOSE");
    return v != NULL && *v != '\0' && strcmp (v, "0") != 0;
}

/* Records one check. Returns ok so callers can chain on it. */
static inline int tu_record (int ok, const char *file, int line,
                             const char *what, const char *detail)
{
    if (ok) {
        tu_passed++;
        if (tu_verbose ())
            printf ("ok   %s:%d [%s] %s\n", file, line, tu_section, what);
    } else {
        tu_failed++;
        printf ("FAIL %s:%d [%s] %s%s%s\n", file, line, tu_section, what,
                detail && *detail ? " -- " : "", detail ? detail : "");
    }
    fflush (stdout);
    return ok;
}

static inline int tu_check_ll (long long got, long long want, const char *file,
                               int line, const char *what)
{
    char detail[160];
    snprintf (detail, sizeof detail, "got %lld, expected %lld", got, want);
    return tu_record (got == want, file, line, what, detail);
}

static inline int tu_check_ull (unsigned long long got,
                                unsigned long long want, const char *file,
                                int line, const char *what)
{
    char detail[160];
    snprintf (detail, sizeof detail, "got %llu, expected %llu", got, want);
    return tu_record (got == want, file, line, what, detail);
}

static inline int tu_check_str (const char *got, const char *want,
                                const char *file, int line, const char *what)
{
    char detail[600];
    int ok;
    if (got == NULL || want == NULL)
        ok = got == want;
    else
        ok = strcmp (got, want) == 0;
    snprintf (detail, sizeof detail, "got \"%.250s\", expected \"%.250s\"",
              got ? got : "(null)", want ? want : "(null)");
    return tu_record (ok, file, line, what, detail);
}

static inline int tu_check_mem (const void *got, const void *want, size_t len,
                                const char *file, int line, const char *what)
{
    int ok = got != NULL && want != NULL && memcmp (got, want, len) == 0;
    return tu_record (ok, file, line, what,
                      ok ? "" : "memory contents differ");
}

static inline int tu_check_ret_errno (long long got, int got_errno,
                                      long long want, int want_errno,
                                      const char *file, int line,
                                      const char *what)
{
    char detail[200];
    snprintf (detail, sizeof detail,
              "got %lld with errno %d, expected %lld with errno %d", got,
              got_errno, want, want_errno);
    return tu_record (got == want && got_errno == want_errno, file, line,
                      what, detail);
}

static inline int tu_check_null_errno (const void *got, int got_errno,
                                       int want_errno, const char *file,
                                       int line, const char *what)
{
    char detail[200];
    snprintf (detail, sizeof detail,
              "got %p with errno %d, expected NULL with errno %d", got,
              got_errno, want_errno);
    return tu_record (got == NULL && got_errno == want_errno, file, line,
                      what, detail);
}

/* Boolean check. */
#define CHECK(cond)                                                            \
    tu_record ((cond) ? 1 : 0, __FILE__, __LINE__, #cond, "")

/* Integer equality, both sides printed on failure. */
#define CHECK_EQ(got, want)                                                    \
    tu_check_ll ((long long) (got), (long long) (want), __FILE__, __LINE__,    \
                 #got " == " #want)

/* Unsigned equality (size_t, unsigned long). */
#define CHECK_EQ_U(got, want)                                                  \
    tu_check_ull ((unsigned long long) (got), (unsigned long long) (want),     \
                  __FILE__, __LINE__, #got " == " #want)

#define CHECK_STR(got, want)                                                   \
    tu_check_str ((got), (want), __FILE__, __LINE__, #got " == " #want)

#define CHECK_MEM(got, want, len)                                              \
    tu_check_mem ((got), (want), (len), __FILE__, __LINE__,                    \
                  "memcmp(" #got ", " #want ", " #len ")")

#define CHECK_NULL(p)                                                          \
    tu_record ((p) == NULL, __FILE__, __LINE__, #p " == NULL", "")
#define CHECK_NOT_NULL(p)                                                      \
    tu_record ((p) != NULL, __FILE__, __LINE__, #p " != NULL", "")

/* Evaluates an int-returning call with errno cleared first and checks both
   the return value and errno. The _TXT forms take the text to print, so
   that the outer macros can show the call as written (unexpanded). */
#define CHECK_RC_ERRNO_TXT(call, want_rc, want_errno, text)                    \
    do {                                                                       \
        long long tu_rc_;                                                      \
        int tu_e_;                                                             \
        errno = 0;                                                             \
        tu_rc_ = (long long) (call);                                           \
        tu_e_ = errno;                                                         \
        tu_check_ret_errno (tu_rc_, tu_e_, (long long) (want_rc),              \
                            (want_errno), __FILE__, __LINE__, text);           \
    } while (0)

#define CHECK_RC_ERRNO(call, want_rc, want_errno)                              \
    CHECK_RC_ERRNO_TXT (call, want_rc, want_errno, #call)

/* Checks that a call returns -1 and sets errno to want_errno. */
#define CHECK_FAILS(call, want_errno)                                          \
    CHECK_RC_ERRNO_TXT (call, -1, want_errno, #call " fails with " #want_errno)

/* Checks that a call returns 0 (errno is only reported, since a successful
   call may leave any value in it). */
#define CHECK_OK(call)                                                         \
    do {                                                                       \
        long long tu_rc_;                                                      \
        char tu_d_[120];                                                       \
        errno = 0;                                                             \
        tu_rc_ = (long long) (call);                                           \
        snprintf (tu_d_, sizeof tu_d_, "got %lld (errno %d), expected 0",      \
                  tu_rc_, errno);                                              \
        tu_record (tu_rc_ == 0, __FILE__, __LINE__, #call, tu_d_);             \
    } while (0)

/* Checks that a pointer-returning call returns NULL with errno set. */
#define CHECK_NULL_ERRNO(call, want_errno)                                     \
    do {                                                                       \
        const void *tu_p_;                                                     \
        int tu_e_;                                                             \
        errno = 0;                                                             \
        tu_p_ = (const void *) (call);                                         \
        tu_e_ = errno;                                                         \
        tu_check_null_errno (tu_p_, tu_e_, (want_errno), __FILE__, __LINE__,   \
                             #call " fails with " #want_errno);                \
    } while (0)

/* Prints the closing line and returns the process exit status. */
static inline int tu_finish (void)
{
    printf ("%d passed, %d failed\n", tu_passed, tu_failed);
    fflush (stdout);
    return tu_failed == 0 ? 0 : 1;
}

static inline void tu_abort_identity (const char *why, const char *a,
                                      const char *b)
{
    printf ("library identity check failed: %s", why);
    if (a)
        printf (" [%s]", a);
    if (b)
        printf (" [%s]", b);
    printf ("\n0 passed, 1 failed\n");
    fflush (stdout);
    exit (1);
}

/*
 * Proves which shared object provides zmq_version in this process: the
 * file dladdr() reports must be, after realpath(), the file named by the
 * environment variable ZMQ_EXPECT_LIB. Exits with a failure otherwise.
 */
static inline void tu_init (void)
{
    typedef void (*version_fn) (int *, int *, int *);
    version_fn fn = zmq_version;
    void *addr;
    Dl_info info;
    char loaded[PATH_MAX];
    char expected[PATH_MAX];
    const char *want = getenv ("ZMQ_EXPECT_LIB");

    setvbuf (stdout, NULL, _IOLBF, 0);
    if (want == NULL || *want == '\0')
        tu_abort_identity ("environment variable ZMQ_EXPECT_LIB is not set",
                           NULL, NULL);

    /* Function pointer to object pointer without a pedantic cast. */
    memcpy (&addr, &fn, sizeof addr);
    memset (&info, 0, sizeof info);
    if (dladdr (addr, &info) == 0 || info.dli_fname == NULL)
        tu_abort_identity ("dladdr(zmq_version) found no shared object", NULL,
                           NULL);
    if (realpath (info.dli_fname, loaded) == NULL)
        tu_abort_identity ("cannot resolve the loaded library path",
                           info.dli_fname, strerror (errno));
    if (realpath (want, expected) == NULL)
        tu_abort_identity ("cannot resolve ZMQ_EXPECT_LIB", want,
                           strerror (errno));
    if (strcmp (loaded, expected) != 0)
        tu_abort_identity ("zmq_version comes from another library (loaded, "
                           "expected)",
                           loaded, expected);
    printf ("running on %s\n", loaded);
    fflush (stdout);
}

#endif
