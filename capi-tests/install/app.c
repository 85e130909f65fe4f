/* Built against an installed copy (pkg-config or CMake): proves where libzmq comes from and that
   the message API works. Prints "N passed, N failed". */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static int passed, failed;

static void check (int ok, const char *what)
{
    if (ok)
        passed++;
    else {
        failed++;
        printf ("FAIL: %s\n", what);
    }
}

int main (int argc, char **argv)
{
    union {
        void (*fn) (int *, int *, int *);
        void *address;
    } version_fn;
    Dl_info info;
    char here[PATH_MAX], want[PATH_MAX];
    zmq_msg_t msg, copy;
    int major, minor, patch;

    /* argv[1]: the library file this program must run on; "static" when linked statically. */
    if (argc != 2) {
        printf ("usage: app LIBRARY|static\n0 passed, 1 failed\n");
        return 1;
    }
    version_fn.fn = zmq_version;
    if (strcmp (argv[1], "static") == 0) {
        void *shared = dlopen ("libzmq.so.5", RTLD_NOLOAD | RTLD_LAZY);
        check (shared == NULL, "statically linked: no libzmq.so.5 loaded");
    } else {
        check (dladdr (version_fn.address, &info) && info.dli_fname
                 && realpath (info.dli_fname, here) && realpath (argv[1], want)
                 && strcmp (here, want) == 0,
               "runs on the installed library");
    }

    zmq_version (&major, &minor, &patch);
    check (major == 4 && minor == 3 && patch == ZMQ_VERSION_PATCH, "version");
    check (zmq_msg_init_size (&msg, 100) == 0, "zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 'x', 100);
    check (zmq_msg_init (&copy) == 0 && zmq_msg_copy (&copy, &msg) == 0, "zmq_msg_copy");
    check (zmq_msg_size (&copy) == 100 && ((char *) zmq_msg_data (&copy))[99] == 'x', "copy content");
    check (zmq_msg_close (&msg) == 0 && zmq_msg_close (&copy) == 0, "zmq_msg_close");
    printf ("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
