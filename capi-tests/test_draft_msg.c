/* The draft message functions: zmq_msg_init_buffer copies the caller's bytes (any size, a
   NULL buffer only for an empty message), and a message's routing id is set (never 0), read,
   and kept by zmq_msg_copy and zmq_msg_move. Runs on ours only: Debian's libzmq 4.3.4 is
   built without the draft API (run.sh skips it there). */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

int main (void)
{
    static const size_t sizes[] = {0, 1, 33, 34, 1000, 100000};
    static char source[100000];
    zmq_msg_t m, copy;
    size_t i;
    void *ctx, *a, *b;

    tu_init ();

    tu_begin ("zmq_msg_init_buffer copies the bytes");
    for (i = 0; i < sizeof source; i++)
        source[i] = (char) (i * 7);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        CHECK_OK (zmq_msg_init_buffer (&m, source, sizes[i]));
        CHECK_EQ ((long long) zmq_msg_size (&m), (long long) sizes[i]);
        if (sizes[i] > 0) {
            source[0] = (char) ~source[0];
            CHECK ((zmq_msg_data (&m) != (void *) source));
            source[0] = (char) ~source[0];
            CHECK_MEM (zmq_msg_data (&m), source, sizes[i]);
        }
        CHECK_OK (zmq_msg_close (&m));
    }
    CHECK_OK (zmq_msg_init_buffer (&m, NULL, 0));
    CHECK_EQ ((int) zmq_msg_size (&m), 0);
    CHECK_OK (zmq_msg_close (&m));
    CHECK_FAILS (zmq_msg_init_buffer (&m, NULL, 5), EFAULT);
    CHECK_FAILS (zmq_msg_init_buffer (NULL, source, 5), EFAULT);

    tu_begin ("a message made by zmq_msg_init_buffer is sent and received");
    ctx = zmq_ctx_new ();
    a = zmq_socket (ctx, ZMQ_PAIR);
    b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (b, "inproc://draft-msg"));
    CHECK_OK (zmq_connect (a, "inproc://draft-msg"));
    CHECK_OK (zmq_msg_init_buffer (&m, source, 1000));
    CHECK_EQ (zmq_msg_send (&m, a, 0), 1000);
    CHECK_OK (zmq_msg_init (&m));
    CHECK_EQ (zmq_msg_recv (&m, b, 0), 1000);
    CHECK_MEM (zmq_msg_data (&m), source, 1000);
    /* A message from a PAIR has no routing id. */
    CHECK_EQ_U (zmq_msg_routing_id (&m), 0);
    CHECK_OK (zmq_msg_close (&m));
    zmq_close (a);
    zmq_close (b);
    CHECK_OK (zmq_ctx_term (ctx));

    tu_begin ("routing ids");
    CHECK_OK (zmq_msg_init (&m));
    CHECK_EQ_U (zmq_msg_routing_id (&m), 0);
    CHECK_FAILS (zmq_msg_set_routing_id (&m, 0), EINVAL);
    CHECK_OK (zmq_msg_set_routing_id (&m, 42));
    CHECK_EQ_U (zmq_msg_routing_id (&m), 42);
    CHECK_OK (zmq_msg_set_routing_id (&m, 0xFFFFFFFFu));
    CHECK_EQ_U (zmq_msg_routing_id (&m), 0xFFFFFFFFu);
    CHECK_OK (zmq_msg_init (&copy));
    CHECK_OK (zmq_msg_copy (&copy, &m));
    CHECK_EQ_U (zmq_msg_routing_id (&copy), 0xFFFFFFFFu);
    CHECK_OK (zmq_msg_close (&copy));
    CHECK_OK (zmq_msg_init (&copy));
    CHECK_OK (zmq_msg_move (&copy, &m));
    CHECK_EQ_U (zmq_msg_routing_id (&copy), 0xFFFFFFFFu);
    CHECK_OK (zmq_msg_close (&copy));
    CHECK_OK (zmq_msg_close (&m));
    /* A closed message: 0, EFAULT. */
    errno = 0;
    CHECK_EQ_U (zmq_msg_routing_id (&m), 0);
    CHECK_EQ (errno, EFAULT);
    CHECK_FAILS (zmq_msg_set_routing_id (&m, 1), EFAULT);
    CHECK_FAILS (zmq_msg_set_routing_id (NULL, 1), EFAULT);
    return tu_finish ();
}
