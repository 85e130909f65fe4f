/* zmq_ctx_set_ext and zmq_ctx_get_ext: every option through an int's size, and
   ZMQ_THREAD_NAME_PREFIX as 1 to 16 bytes, which then name the I/O threads
   ("prefix/ZMQbg/IO/0"). Runs on ours only: Debian's libzmq 4.3.4 is built without the
   draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

#include <dirent.h>
#include <time.h>

/* Whether a thread of this process is named `name` (/proc/self/task/N/comm) now. */
static int thread_named_now (const char *name)
{
    DIR *d = opendir ("/proc/self/task");
    struct dirent *e;
    int found = 0;
    if (d == NULL)
        return 0;
    while (!found && (e = readdir (d)) != NULL) {
        char path[300], comm[64];
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf (path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        f = fopen (path, "r");
        if (f == NULL)
            continue;
        if (fgets (comm, sizeof comm, f) != NULL) {
            comm[strcspn (comm, "\n")] = '\0';
            found = strcmp (comm, name) == 0;
        }
        fclose (f);
    }
    closedir (d);
    return found;
}

/* Whether a thread gets named `name` within 2 s (a new thread names itself once it runs). */
static int has_thread_named (const char *name)
{
    int i;
    for (i = 0; i < 200; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        if (thread_named_now (name))
            return 1;
        nanosleep (&ts, NULL);
    }
    return 0;
}

int main (void)
{
    void *ctx, *s;
    int value;
    size_t len;
    char buf[32];
    const char prefix16[] = "MyPrefix9012345"; /* 15 characters and the NUL: 16 bytes */

    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("int options through an int's size");
    value = 3;
    CHECK_OK (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &value, sizeof value));
    CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 3);
    value = 0;
    len = sizeof value;
    CHECK_OK (zmq_ctx_get_ext (ctx, ZMQ_IO_THREADS, &value, &len));
    CHECK_EQ (value, 3);
    len = sizeof value;
    CHECK_OK (zmq_ctx_get_ext (ctx, ZMQ_MAX_SOCKETS, &value, &len));
    CHECK_EQ (value, 1023);
    value = -1;
    CHECK_FAILS (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &value, sizeof value), EINVAL);
    /* Not an int's size, and not a prefix. */
    CHECK_FAILS (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, buf, 2), EINVAL);
    len = 2;
    CHECK_FAILS (zmq_ctx_get_ext (ctx, ZMQ_IO_THREADS, buf, &len), EINVAL);
    CHECK_FAILS (zmq_ctx_set_ext (NULL, ZMQ_IO_THREADS, &value, sizeof value), EFAULT);
    CHECK_FAILS (zmq_ctx_get_ext (ctx, ZMQ_IO_THREADS, &value, NULL), EFAULT);
    CHECK_FAILS (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, NULL, sizeof value), EFAULT);

    tu_begin ("ZMQ_THREAD_NAME_PREFIX as bytes");
    CHECK_OK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, prefix16, sizeof prefix16));
    memset (buf, 'x', sizeof buf);
    len = 16;
    CHECK_OK (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &len));
    CHECK_STR (buf, prefix16);
    /* Too small a buffer for it. */
    len = 8;
    CHECK_FAILS (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &len), EINVAL);
    /* 17 bytes, or none: refused. */
    CHECK_FAILS (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "12345678901234567", 17), EINVAL);
    CHECK_FAILS (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "", 0), EINVAL);
    /* Read as an int: the number it starts with. */
    CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 0);
    CHECK_OK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "77abc", 5));
    CHECK_EQ (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 77);
    /* Set as an int: read back as its digits. */
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, 42));
    memset (buf, 0, sizeof buf);
    len = sizeof buf;
    CHECK_OK (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &len));
    CHECK_STR (buf, "42");
    CHECK_OK (zmq_ctx_term (ctx));

    tu_begin ("the prefix names the I/O threads");
    ctx = zmq_ctx_new ();
    CHECK_OK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "app", 3));
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (has_thread_named ("app/ZMQbg/IO/0"));
    zmq_close (s);
    CHECK_OK (zmq_ctx_term (ctx));
    ctx = zmq_ctx_new ();
    s = zmq_socket (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (s, "tcp://127.0.0.1:*"));
    CHECK (has_thread_named ("ZMQbg/IO/0"));
    zmq_close (s);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
