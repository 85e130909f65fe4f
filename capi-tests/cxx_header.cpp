// zmq.h used from C++11: types, constants and a few calls.
#include "testutil.h"

#include <cstring>
#include <string>
#include <type_traits>

namespace
{
int ffn_calls = 0;

extern "C" void cxx_free (void *data, void *hint)
{
    (void) data;
    (void) hint;
    ffn_calls++;
}

extern "C" void cxx_thread (void *arg)
{
    *static_cast<int *> (arg) += 1;
}

extern "C" void cxx_timer (int timer_id, void *arg)
{
    (void) timer_id;
    (void) arg;
}
}

int main ()
{
    tu_init ();

    tu_begin ("types");
    {
        static_assert (sizeof (zmq_msg_t) == 64, "zmq_msg_t is 64 bytes");
        static_assert (alignof (zmq_msg_t) >= alignof (void *),
                       "zmq_msg_t is pointer aligned");
        static_assert (std::is_standard_layout<zmq_msg_t>::value,
                       "zmq_msg_t is a C struct");
        static_assert (std::is_same<zmq_fd_t, int>::value,
                       "zmq_fd_t is int on POSIX");
        static_assert (sizeof (zmq_pollitem_t) >= sizeof (void *) + sizeof (int),
                       "zmq_pollitem_t holds a socket and an fd");
        zmq_pollitem_t item;
        item.socket = nullptr;
        item.fd = 0;
        item.events = ZMQ_POLLIN | ZMQ_POLLOUT;
        item.revents = 0;
        CHECK_EQ (item.events, 3);
        zmq_free_fn *f = cxx_free;
        zmq_thread_fn *tf = cxx_thread;
        zmq_timer_fn *timer = cxx_timer;
        CHECK (f != nullptr);
        CHECK (tf != nullptr);
        CHECK (timer != nullptr);
        CHECK_EQ (alignof (zmq_msg_t), alignof (void *));
    }

    tu_begin ("constants");
    {
        CHECK_EQ (ZMQ_VERSION_MAJOR, 4);
        CHECK_EQ (ZMQ_VERSION_MINOR, 3);
        CHECK_EQ (ZMQ_PAIR, 0);
        CHECK_EQ (ZMQ_STREAM, 11);
        CHECK_EQ (ZMQ_SNDMORE, 2);
        CHECK_EQ (ETERM, ZMQ_HAUSNUMERO + 53);
        CHECK_EQ (ZMQ_MAKE_VERSION (4, 3, 2), 40302);
    }

    tu_begin ("version");
    {
        int major = 0, minor = 0, patch = 0;
        zmq_version (&major, &minor, &patch);
        CHECK_EQ (major, 4);
        CHECK_EQ (minor, 3);
        CHECK (patch == 4 || patch == 5);
        CHECK_EQ (ZMQ_MAKE_VERSION (major, minor, patch), ZMQ_VERSION);
    }

    tu_begin ("strerror");
    {
        CHECK_STR (zmq_strerror (ETERM), "Context was terminated");
    }

    tu_begin ("message round trip");
    {
        const std::string text = "hello from C++";
        zmq_msg_t a;
        zmq_msg_t b;
        CHECK_OK (zmq_msg_init_size (&a, text.size ()));
        std::memcpy (zmq_msg_data (&a), text.data (), text.size ());
        CHECK_OK (zmq_msg_init (&b));
        CHECK_OK (zmq_msg_copy (&b, &a));
        CHECK_OK (zmq_msg_close (&a));
        std::string back (static_cast<const char *> (zmq_msg_data (&b)),
                          zmq_msg_size (&b));
        CHECK (back == text);
        CHECK_EQ (zmq_msg_more (&b), 0);
        CHECK_OK (zmq_msg_close (&b));

        static char fixed[] = "fixed";
        CHECK_OK (zmq_msg_init_data (&a, fixed, 5, cxx_free, nullptr));
        CHECK (zmq_msg_data (&a) == static_cast<void *> (fixed));
        CHECK_OK (zmq_msg_close (&a));
        CHECK_EQ (ffn_calls, 1);
    }

    tu_begin ("context");
    {
        void *ctx = zmq_ctx_new ();
        CHECK (ctx != nullptr);
        CHECK_EQ (zmq_ctx_get (ctx, ZMQ_IO_THREADS), ZMQ_IO_THREADS_DFLT);
        CHECK_OK (zmq_ctx_term (ctx));
    }

    tu_begin ("thread");
    {
        int runs = 0;
        void *t = zmq_threadstart (cxx_thread, &runs);
        CHECK (t != nullptr);
        zmq_threadclose (t);
        CHECK_EQ (runs, 1);
    }

    tu_begin ("z85");
    {
        const uint8_t raw[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
        char out[11];
        CHECK_STR (zmq_z85_encode (out, raw, sizeof raw), "HelloWorld");
    }

    return tu_finish ();
}
