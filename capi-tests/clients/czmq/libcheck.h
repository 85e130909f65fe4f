/*
 * Which libzmq is this process running on?
 *
 * czmq_check_library () proves, before a czmq client counts anything, that
 * the libzmq.so.5 actually loaded is the file named by the environment
 * variable ZMQ_EXPECT_LIB:
 *   - dladdr (zmq_ctx_new) names the object that defines zmq_ctx_new as seen
 *     by this program (built -fPIE, so the address is the library's own, not
 *     a PLT stub in the executable);
 *   - dlsym on the libczmq.so.4 handle finds the zmq_ctx_new czmq itself
 *     binds to: it must be the same function;
 *   - exactly one libzmq.so* is mapped into the process.
 * Both paths (loaded, expected) are compared after realpath (). Any
 * difference prints a "library mismatch" line and exits 1, before a single
 * test has run. On success it prints "library: REALPATH".
 */
#ifndef CZMQ_CLIENT_LIBCHECK_H
#define CZMQ_CLIENT_LIBCHECK_H

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <zmq.h>

static void libcheck_refuse (const char *why, const char *a, const char *b)
{
    printf ("library mismatch: %s", why);
    if (a != NULL)
        printf (": %s", a);
    if (b != NULL)
        printf (" (expected %s)", b);
    printf ("\nrefusing to count any test on this library\n");
    fflush (stdout);
    exit (1);
}

static int libcheck_count_one (struct dl_phdr_info *info, size_t size,
                               void *data)
{
    const char *name = info->dlpi_name;
    const char *base;
    (void) size;
    if (name == NULL || *name == '\0')
        return 0;
    base = strrchr (name, '/');
    base = base != NULL ? base + 1 : name;
    if (strncmp (base, "libzmq.so", 9) == 0)
        ++*(int *) data;
    return 0;
}

static void czmq_check_library (const char *program)
{
    void *(*ctx_new) (void) = zmq_ctx_new;
    void *addr;
    void *czmq;
    void *czmq_addr;
    Dl_info info;
    char loaded[PATH_MAX];
    char expected[PATH_MAX];
    const char *want = getenv ("ZMQ_EXPECT_LIB");
    int mapped = 0;
    int major, minor, patch;

    setvbuf (stdout, NULL, _IOLBF, 0);
    if (want == NULL || *want == '\0')
        libcheck_refuse ("environment variable ZMQ_EXPECT_LIB is not set",
                         NULL, NULL);

    /* A function pointer to an object pointer, without a pedantic cast. */
    memcpy (&addr, &ctx_new, sizeof addr);
    memset (&info, 0, sizeof info);
    if (dladdr (addr, &info) == 0 || info.dli_fname == NULL)
        libcheck_refuse ("dladdr (zmq_ctx_new) found no shared object", NULL,
                         NULL);
    printf ("%s: zmq_ctx_new comes from %s\n", program, info.dli_fname);
    if (realpath (info.dli_fname, loaded) == NULL)
        libcheck_refuse ("cannot resolve the loaded library", info.dli_fname,
                         strerror (errno));
    if (realpath (want, expected) == NULL)
        libcheck_refuse ("cannot resolve ZMQ_EXPECT_LIB", want,
                         strerror (errno));
    if (strcmp (loaded, expected) != 0)
        libcheck_refuse ("zmq_ctx_new is from another library", loaded,
                         expected);

    czmq = dlopen ("libczmq.so.4", RTLD_LAZY | RTLD_NOLOAD);
    if (czmq == NULL)
        libcheck_refuse ("libczmq.so.4 is not loaded", NULL, NULL);
    czmq_addr = dlsym (czmq, "zmq_ctx_new");
    dlclose (czmq);
    if (czmq_addr != addr)
        libcheck_refuse ("libczmq.so.4 binds zmq_ctx_new elsewhere", NULL,
                         NULL);

    dl_iterate_phdr (libcheck_count_one, &mapped);
    if (mapped != 1) {
        char count[32];
        snprintf (count, sizeof count, "%d", mapped);
        libcheck_refuse ("number of libzmq.so* objects mapped is not 1",
                         count, "1");
    }

    zmq_version (&major, &minor, &patch);
    printf ("%s: zmq_version %d.%d.%d, czmq %d.%d.%d\n", program, major,
            minor, patch, CZMQ_VERSION_MAJOR, CZMQ_VERSION_MINOR,
            CZMQ_VERSION_PATCH);
    printf ("library: %s\n", loaded);
}

#endif
