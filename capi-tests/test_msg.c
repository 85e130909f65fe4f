/* zmq_msg_* : the message API without sockets. */
#include "testutil.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct align_probe
{
    char c;
    zmq_msg_t m;
};

/* Records every call of the free function. */
static struct
{
    int calls;
    void *data;
    void *hint;
    pthread_t thread;
} freed;

static void reset_freed (void)
{
    memset (&freed, 0, sizeof freed);
}

static void record_free (void *data, void *hint)
{
    freed.calls++;
    freed.data = data;
    freed.hint = hint;
    freed.thread = pthread_self ();
}

static void free_heap (void *data, void *hint)
{
    int *counter = (int *) hint;
    free (data);
    (*counter)++;
}

static void fill (zmq_msg_t *m, unsigned seed)
{
    unsigned char *p = (unsigned char *) zmq_msg_data (m);
    size_t n = zmq_msg_size (m);
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char) (i * 31u + seed);
}

static int holds_pattern (zmq_msg_t *m, unsigned seed)
{
    const unsigned char *p = (const unsigned char *) zmq_msg_data (m);
    size_t n = zmq_msg_size (m);
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != (unsigned char) (i * 31u + seed))
            return 0;
    return 1;
}

static void *close_in_thread (void *arg)
{
    zmq_msg_t *m = (zmq_msg_t *) arg;
    static int rc;
    rc = zmq_msg_close (m);
    return &rc;
}

static void check_fresh_properties (zmq_msg_t *m)
{
    CHECK_EQ (zmq_msg_more (m), 0);
    CHECK_EQ (zmq_msg_get (m, ZMQ_MORE), 0);
    CHECK_EQ (zmq_msg_get (m, ZMQ_SHARED), 0);
}

int main (void)
{
    static unsigned char buf[256];
    zmq_msg_t m, m2, m3;

    tu_init ();

    tu_begin ("zmq_msg_t layout");
    {
        CHECK_EQ_U (sizeof (zmq_msg_t), 64);
        CHECK_EQ_U (offsetof (struct align_probe, m), sizeof (void *));
        CHECK_EQ_U (((uintptr_t) &m) % sizeof (void *), 0);
    }

    tu_begin ("zmq_msg_init");
    {
        CHECK_OK (zmq_msg_init (&m));
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_NOT_NULL (zmq_msg_data (&m));
        check_fresh_properties (&m);
        CHECK_OK (zmq_msg_close (&m));
    }

    tu_begin ("zmq_msg_init_size 0");
    {
        CHECK_OK (zmq_msg_init_size (&m, 0));
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_NOT_NULL (zmq_msg_data (&m));
        check_fresh_properties (&m);
        CHECK_OK (zmq_msg_close (&m));
    }

    tu_begin ("zmq_msg_init_size: data is writable and keeps its bytes");
    {
        size_t sizes[] = {1, 5, 32, 33, 34, 100, 4096, 65536, 1u << 20,
                          16u << 20};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            CHECK_OK (zmq_msg_init_size (&m, sizes[i]));
            CHECK_EQ_U (zmq_msg_size (&m), sizes[i]);
            CHECK_NOT_NULL (zmq_msg_data (&m));
            fill (&m, (unsigned) i);
            CHECK (holds_pattern (&m, (unsigned) i));
            check_fresh_properties (&m);
            CHECK_OK (zmq_msg_close (&m));
        }
    }

    tu_begin ("zmq_msg_init_size impossible size gives ENOMEM");
    {
        CHECK_FAILS (zmq_msg_init_size (&m, (size_t) -1), ENOMEM);
        CHECK_FAILS (zmq_msg_init_size (&m, ((size_t) 1) << 62), ENOMEM);
        CHECK_FAILS (zmq_msg_init_size (&m, ((size_t) -1) - 64), ENOMEM);
    }

    tu_begin ("zmq_msg_init_data with a free function");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 10, record_free, &freed));
        CHECK (zmq_msg_data (&m) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m), 10);
        check_fresh_properties (&m);
        CHECK_EQ (freed.calls, 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 1);
        CHECK (freed.data == (void *) buf);
        CHECK (freed.hint == (void *) &freed);
        CHECK (pthread_equal (freed.thread, pthread_self ()));
    }

    tu_begin ("zmq_msg_init_data: free function once, at the last close");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 100, record_free, (void *) 7));
        CHECK_OK (zmq_msg_init (&m2));
        CHECK_OK (zmq_msg_init (&m3));
        CHECK_OK (zmq_msg_copy (&m2, &m));
        CHECK_OK (zmq_msg_copy (&m3, &m2));
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK (zmq_msg_data (&m3) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m3), 100);
        CHECK_OK (zmq_msg_close (&m2));
        CHECK_EQ (freed.calls, 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 0);
        CHECK_OK (zmq_msg_close (&m3));
        CHECK_EQ (freed.calls, 1);
        CHECK (freed.data == (void *) buf);
        CHECK (freed.hint == (void *) 7);
    }

    tu_begin ("zmq_msg_init_data: free function after move");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 20, record_free, NULL));
        CHECK_OK (zmq_msg_init (&m2));
        CHECK_OK (zmq_msg_move (&m2, &m));
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m2), 20);
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 0);
        CHECK_OK (zmq_msg_close (&m2));
        CHECK_EQ (freed.calls, 1);
        CHECK (freed.data == (void *) buf);
        CHECK (freed.hint == NULL);
    }

    tu_begin ("zmq_msg_init_data: heap buffer released by its free function");
    {
        int released = 0;
        char *heap = (char *) malloc (1000);
        CHECK_NOT_NULL (heap);
        if (heap) {
            memset (heap, 'x', 1000);
            CHECK_OK (zmq_msg_init_data (&m, heap, 1000, free_heap, &released));
            CHECK_OK (zmq_msg_init (&m2));
            CHECK_OK (zmq_msg_copy (&m2, &m));
            CHECK_OK (zmq_msg_close (&m));
            CHECK_EQ (released, 0);
            CHECK_EQ (((char *) zmq_msg_data (&m2))[999], 'x');
            CHECK_OK (zmq_msg_close (&m2));
            CHECK_EQ (released, 1);
        }
    }

    tu_begin ("zmq_msg_init_data: empty buffer still calls the free function");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, NULL, 0, record_free, (void *) 3));
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 1);
        CHECK (freed.data == NULL);
        CHECK (freed.hint == (void *) 3);

        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 0, record_free, NULL));
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 1);
        CHECK (freed.data == (void *) buf);
    }

    tu_begin ("zmq_msg_init_data without a free function");
    {
        memcpy (buf, "constant", 8);
        CHECK_OK (zmq_msg_init_data (&m, buf, 8, NULL, NULL));
        CHECK (zmq_msg_data (&m) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m), 8);
        CHECK_EQ (zmq_msg_more (&m), 0);
        /* libzmq reports constant data as shared from the start. */
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 1);
        CHECK_OK (zmq_msg_init (&m2));
        CHECK_OK (zmq_msg_copy (&m2, &m));
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 1);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_MEM (zmq_msg_data (&m2), "constant", 8);
        CHECK_OK (zmq_msg_close (&m2));
        /* hint is ignored without a free function */
        CHECK_OK (zmq_msg_init_data (&m, buf, 8, NULL, (void *) 1));
        CHECK_OK (zmq_msg_close (&m));
    }

    tu_begin ("free function runs on the thread that closes the last copy");
    {
        pthread_t worker;
        void *ret = NULL;
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 64, record_free, (void *) 9));
        CHECK_OK (zmq_msg_init (&m2));
        CHECK_OK (zmq_msg_copy (&m2, &m));
        CHECK_OK (zmq_msg_close (&m));
        CHECK_EQ (freed.calls, 0);
        if (CHECK_EQ (pthread_create (&worker, NULL, close_in_thread, &m2),
                      0)) {
            CHECK_EQ (pthread_join (worker, &ret), 0);
            CHECK (ret != NULL && *(int *) ret == 0);
            CHECK_EQ (freed.calls, 1);
            CHECK (freed.data == (void *) buf);
            CHECK (freed.hint == (void *) 9);
            CHECK (pthread_equal (freed.thread, worker));
            CHECK (!pthread_equal (freed.thread, pthread_self ()));
        }
    }

    tu_begin ("zmq_msg_copy of small messages");
    {
        size_t sizes[] = {0, 1, 5, 33};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            CHECK_OK (zmq_msg_init_size (&m, sizes[i]));
            fill (&m, 7);
            CHECK_OK (zmq_msg_init (&m2));
            CHECK_OK (zmq_msg_copy (&m2, &m));
            CHECK_EQ_U (zmq_msg_size (&m2), sizes[i]);
            CHECK_EQ_U (zmq_msg_size (&m), sizes[i]);
            CHECK (holds_pattern (&m2, 7));
            /* Small messages are copied, not shared. */
            CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 0);
            CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 0);
            CHECK_EQ (zmq_msg_more (&m2), 0);
            CHECK_OK (zmq_msg_close (&m));
            CHECK (holds_pattern (&m2, 7));
            CHECK_OK (zmq_msg_close (&m2));
        }
    }

    tu_begin ("zmq_msg_copy of large messages shares the buffer");
    {
        size_t sizes[] = {34, 1000, 16u << 20};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            CHECK_OK (zmq_msg_init_size (&m, sizes[i]));
            fill (&m, 11);
            CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 0);
            CHECK_OK (zmq_msg_init (&m2));
            CHECK_OK (zmq_msg_copy (&m2, &m));
            CHECK_EQ_U (zmq_msg_size (&m2), sizes[i]);
            CHECK (zmq_msg_data (&m2) == zmq_msg_data (&m));
            CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 1);
            CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 1);
            CHECK_OK (zmq_msg_close (&m));
            CHECK (holds_pattern (&m2, 11));
            /* The shared flag stays set on the survivor. */
            CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 1);
            CHECK_OK (zmq_msg_close (&m2));
        }
    }

    tu_begin ("zmq_msg_copy of a user-data message marks both shared");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m, buf, 5, record_free, NULL));
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 0);
        CHECK_OK (zmq_msg_init (&m2));
        CHECK_OK (zmq_msg_copy (&m2, &m));
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 1);
        CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 1);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_OK (zmq_msg_close (&m2));
        CHECK_EQ (freed.calls, 1);
    }

    tu_begin ("zmq_msg_copy/move release what the destination held");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m2, buf, 5, record_free, NULL));
        CHECK_OK (zmq_msg_init_size (&m, 3));
        memcpy (zmq_msg_data (&m), "abc", 3);
        CHECK_OK (zmq_msg_copy (&m2, &m));
        CHECK_EQ (freed.calls, 1);
        CHECK_EQ_U (zmq_msg_size (&m2), 3);
        CHECK_MEM (zmq_msg_data (&m2), "abc", 3);
        CHECK_OK (zmq_msg_close (&m2));

        CHECK_OK (zmq_msg_init_data (&m2, buf, 5, record_free, NULL));
        CHECK_OK (zmq_msg_move (&m2, &m));
        CHECK_EQ (freed.calls, 2);
        CHECK_EQ_U (zmq_msg_size (&m2), 3);
        CHECK_MEM (zmq_msg_data (&m2), "abc", 3);
        CHECK_EQ_U (zmq_msg_size (&m), 0);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_OK (zmq_msg_close (&m2));
        CHECK_EQ (freed.calls, 2);
    }

    tu_begin ("zmq_msg_move leaves the source empty and usable");
    {
        size_t sizes[] = {5, 1000};
        size_t i;
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            CHECK_OK (zmq_msg_init_size (&m, sizes[i]));
            fill (&m, 3);
            CHECK_OK (zmq_msg_init (&m2));
            CHECK_OK (zmq_msg_move (&m2, &m));
            CHECK_EQ_U (zmq_msg_size (&m2), sizes[i]);
            CHECK (holds_pattern (&m2, 3));
            CHECK_EQ_U (zmq_msg_size (&m), 0);
            check_fresh_properties (&m);
            CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 0);
            /* the source can be moved into again, then closed */
            CHECK_OK (zmq_msg_move (&m, &m2));
            CHECK_EQ_U (zmq_msg_size (&m), sizes[i]);
            CHECK (holds_pattern (&m, 3));
            CHECK_EQ_U (zmq_msg_size (&m2), 0);
            CHECK_OK (zmq_msg_close (&m2));
            CHECK_OK (zmq_msg_close (&m));
        }
    }

    tu_begin ("zmq_msg_get and zmq_msg_more");
    {
        CHECK_OK (zmq_msg_init_size (&m, 10));
        CHECK_EQ (zmq_msg_more (&m), 0);
        CHECK_EQ (zmq_msg_get (&m, ZMQ_MORE), 0);
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 0);
        /* no source socket: ZMQ_SRCFD fails */
        CHECK_FAILS (zmq_msg_get (&m, ZMQ_SRCFD), EINVAL);
        CHECK_FAILS (zmq_msg_get (&m, 0), EINVAL);
        CHECK_FAILS (zmq_msg_get (&m, 4), EINVAL);
        CHECK_FAILS (zmq_msg_get (&m, -1), EINVAL);
        CHECK_FAILS (zmq_msg_get (&m, 100), EINVAL);
        CHECK_FAILS (zmq_msg_get (&m, INT_MAX), EINVAL);
        CHECK_OK (zmq_msg_close (&m));
    }

    tu_begin ("zmq_msg_set: nothing is settable");
    {
        CHECK_OK (zmq_msg_init_size (&m, 10));
        CHECK_FAILS (zmq_msg_set (&m, ZMQ_MORE, 1), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, ZMQ_MORE, 0), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, ZMQ_SHARED, 1), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, ZMQ_SRCFD, 1), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, 0, 0), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, 100, 0), EINVAL);
        CHECK_FAILS (zmq_msg_set (&m, -1, 0), EINVAL);
        CHECK_EQ (zmq_msg_more (&m), 0);
        CHECK_EQ (zmq_msg_get (&m, ZMQ_MORE), 0);
        CHECK_EQ (zmq_msg_get (&m, ZMQ_SHARED), 0);
        CHECK_OK (zmq_msg_close (&m));
        /* libzmq rejects the property before looking at the message */
        CHECK_FAILS (zmq_msg_set (NULL, ZMQ_MORE, 1), EINVAL);
    }

    tu_begin ("zmq_msg_gets without metadata");
    {
        CHECK_OK (zmq_msg_init_size (&m, 10));
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "foo"), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, ""), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "Socket-Type"), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "Routing-Id"), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "User-Id"), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "Peer-Address"), EINVAL);
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, NULL), EINVAL);
        CHECK_OK (zmq_msg_close (&m));
        CHECK_OK (zmq_msg_init (&m));
        CHECK_NULL_ERRNO (zmq_msg_gets (&m, "Socket-Type"), EINVAL);
        CHECK_OK (zmq_msg_close (&m));
    }

    tu_begin ("use after close gives EFAULT");
    {
        CHECK_OK (zmq_msg_init_size (&m3, 50));
        CHECK_OK (zmq_msg_close (&m3));
        CHECK_FAILS (zmq_msg_close (&m3), EFAULT);
    }

    tu_begin ("copy/move from a closed source fail, destination untouched");
    {
        reset_freed ();
        CHECK_OK (zmq_msg_init_data (&m2, buf, 5, record_free, NULL));
        CHECK_FAILS (zmq_msg_copy (&m2, &m3), EFAULT);
        CHECK_FAILS (zmq_msg_move (&m2, &m3), EFAULT);
        CHECK_EQ (freed.calls, 0);
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m2), 5);
    }

    tu_begin ("copy into a closed destination fails, source untouched");
    {
        CHECK_FAILS (zmq_msg_copy (&m3, &m2), EFAULT);
        CHECK_EQ (freed.calls, 0);
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m2), 5);
        CHECK_EQ (zmq_msg_get (&m2, ZMQ_SHARED), 0);
    }

    tu_begin ("move into a closed destination fails, source untouched");
    {
        CHECK_FAILS (zmq_msg_move (&m3, &m2), EFAULT);
        CHECK_EQ (freed.calls, 0);
        CHECK (zmq_msg_data (&m2) == (void *) buf);
        CHECK_EQ_U (zmq_msg_size (&m2), 5);
    }

    tu_begin ("closing twice: EFAULT, free function still once");
    {
        CHECK_OK (zmq_msg_close (&m2));
        CHECK_EQ (freed.calls, 1);
        CHECK_FAILS (zmq_msg_close (&m2), EFAULT);
        CHECK_EQ (freed.calls, 1);
    }

    tu_begin ("never-initialised (zeroed / 0xff) messages give EFAULT");
    {
        int fills[] = {0x00, 0xff};
        size_t i;
        for (i = 0; i < 2; i++) {
            printf ("fill 0x%02x\n", (unsigned) fills[i]);
            memset (&m3, fills[i], sizeof m3);
            CHECK_OK (zmq_msg_init_size (&m2, 4));
            memcpy (zmq_msg_data (&m2), "abcd", 4);
            CHECK_FAILS (zmq_msg_close (&m3), EFAULT);
            /* bad source: the destination keeps its content */
            CHECK_FAILS (zmq_msg_copy (&m2, &m3), EFAULT);
            CHECK_FAILS (zmq_msg_move (&m2, &m3), EFAULT);
            CHECK_EQ_U (zmq_msg_size (&m2), 4);
            /* bad destination: the source keeps its content */
            CHECK_FAILS (zmq_msg_copy (&m3, &m2), EFAULT);
            CHECK_EQ_U (zmq_msg_size (&m2), 4);
            CHECK_FAILS (zmq_msg_move (&m3, &m2), EFAULT);
            CHECK_EQ_U (zmq_msg_size (&m2), 4);
            CHECK_MEM (zmq_msg_data (&m2), "abcd", 4);
            CHECK_OK (zmq_msg_close (&m2));
        }
    }

    tu_begin ("zmq_msg_recv that finds nothing empties the message (XPUB keeps it)");
    {
        /* libzmq's receive drops the old content before it looks for a frame, and an
           XPUB's looks first: EAGAIN leaves an empty message, or the XPUB's untouched. */
        int types[] = {ZMQ_PULL, ZMQ_SUB, ZMQ_ROUTER, ZMQ_DEALER, ZMQ_PAIR, ZMQ_REP, ZMQ_XPUB};
        const char *names[] = {"PULL", "SUB", "ROUTER", "DEALER", "PAIR", "REP", "XPUB"};
        int timeout = 10;
        size_t i;
        void *ctx = zmq_ctx_new ();
        CHECK (ctx != NULL);
        for (i = 0; i < sizeof types / sizeof types[0]; i++) {
            size_t left = types[i] == ZMQ_XPUB ? 5 : 0;
            void *s = zmq_socket (ctx, types[i]);
            printf ("%s\n", names[i]);
            CHECK (s != NULL);
            CHECK_OK (zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
            CHECK_OK (zmq_msg_init_size (&m2, 5));
            memcpy (zmq_msg_data (&m2), "hello", 5);
            CHECK_FAILS (zmq_msg_recv (&m2, s, ZMQ_DONTWAIT), EAGAIN);
            CHECK_EQ_U (zmq_msg_size (&m2), left);
            CHECK_OK (zmq_msg_close (&m2));
            /* The same after a wait that timed out. */
            CHECK_OK (zmq_msg_init_size (&m2, 5));
            memcpy (zmq_msg_data (&m2), "hello", 5);
            CHECK_FAILS (zmq_msg_recv (&m2, s, 0), EAGAIN);
            CHECK_EQ_U (zmq_msg_size (&m2), left);
            CHECK_OK (zmq_msg_close (&m2));
            CHECK_OK (zmq_close (s));
        }
        CHECK_OK (zmq_ctx_term (ctx));
    }

    return tu_finish ();
}
