/* Demo: which library is loaded, its version, a message round trip and a Z85 key. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

static void release (void *data, void *hint)
{
    (void) data;
    printf ("  free function called for '%s'\n", (const char *) hint);
}

int main (void)
{
    Dl_info info;
    int major, minor, patch;
    zmq_msg_t a, b;
    static char text[] = "a zero-copy buffer owned by the application";
    const unsigned char key[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char encoded[11];
    void *ctx;

    union {
        void (*fn) (int *, int *, int *);
        void *address;
    } version_fn;
    version_fn.fn = zmq_version;
    if (dladdr (version_fn.address, &info) && info.dli_fname)
        printf ("library: %s\n", info.dli_fname);
    zmq_version (&major, &minor, &patch);
    printf ("version: %d.%d.%d (header says %d)\n", major, minor, patch, ZMQ_VERSION);

    ctx = zmq_ctx_new ();
    printf ("context: io_threads=%d max_sockets=%d\n", zmq_ctx_get (ctx, ZMQ_IO_THREADS),
            zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS));

    zmq_msg_init_data (&a, text, strlen (text), release, "the buffer");
    zmq_msg_init (&b);
    zmq_msg_copy (&b, &a);
    printf ("message: %zu bytes, shared=%d: %.*s\n", zmq_msg_size (&b), zmq_msg_get (&b, ZMQ_SHARED),
            (int) zmq_msg_size (&b), (const char *) zmq_msg_data (&b));
    zmq_msg_close (&a);
    printf ("  first copy closed\n");
    zmq_msg_close (&b);

    zmq_z85_encode (encoded, key, sizeof key);
    printf ("z85: %s\n", encoded);
    printf ("strerror(ETERM): %s\n", zmq_strerror (ETERM));
    return zmq_ctx_term (ctx);
}
