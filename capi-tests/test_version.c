/* zmq_version, the version macros and zmq_has. */
#include "testutil.h"

int main (void)
{
    tu_init ();

    tu_begin ("compile-time version macros");
    {
        CHECK_EQ (ZMQ_VERSION_MAJOR, 4);
        CHECK_EQ (ZMQ_VERSION_MINOR, 3);
        CHECK (ZMQ_VERSION_PATCH >= 4);
        CHECK_EQ (ZMQ_VERSION, ZMQ_VERSION_MAJOR * 10000
                                 + ZMQ_VERSION_MINOR * 100
                                 + ZMQ_VERSION_PATCH);
#if ZMQ_VERSION < 40300 || ZMQ_VERSION >= 40400
        CHECK (!"ZMQ_VERSION usable in #if and within 4.3");
#else
        CHECK (1);
#endif
    }

    tu_begin ("ZMQ_MAKE_VERSION");
    {
        CHECK_EQ (ZMQ_MAKE_VERSION (4, 3, 4), 40304);
        CHECK_EQ (ZMQ_MAKE_VERSION (4, 3, 5), 40305);
        CHECK_EQ (ZMQ_MAKE_VERSION (1, 2, 3), 10203);
        CHECK_EQ (ZMQ_MAKE_VERSION (0, 0, 0), 0);
        CHECK_EQ (ZMQ_MAKE_VERSION (1 + 1, 2 + 1, 3 + 1), 20304);
        CHECK_EQ (ZMQ_MAKE_VERSION (ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR,
                                    ZMQ_VERSION_PATCH),
                  ZMQ_VERSION);
        CHECK (ZMQ_VERSION >= ZMQ_MAKE_VERSION (4, 3, 0));
        CHECK (ZMQ_VERSION < ZMQ_MAKE_VERSION (4, 4, 0));
    }

    tu_begin ("zmq_version");
    {
        int major = -1, minor = -1, patch = -1;
        zmq_version (&major, &minor, &patch);
        printf ("runtime version %d.%d.%d\n", major, minor, patch);
        CHECK_EQ (major, 4);
        CHECK_EQ (minor, 3);
        CHECK (patch == 4 || patch == 5);
        CHECK_EQ (major, ZMQ_VERSION_MAJOR);
        CHECK_EQ (minor, ZMQ_VERSION_MINOR);
        /* The header and the library of one build agree. */
        CHECK_EQ (patch, ZMQ_VERSION_PATCH);
        CHECK_EQ (ZMQ_MAKE_VERSION (major, minor, patch), ZMQ_VERSION);
    }

    tu_begin ("zmq_version repeated calls agree");
    {
        int a1 = 0, b1 = 0, c1 = 0, a2 = 1, b2 = 1, c2 = 1;
        zmq_version (&a1, &b1, &c1);
        zmq_version (&a2, &b2, &c2);
        CHECK_EQ (a1, a2);
        CHECK_EQ (b1, b2);
        CHECK_EQ (c1, c2);
    }

    tu_begin ("zmq_has");
    {
        const char *known[] = {"ipc",  "pgm",  "tipc", "norm", "curve",
                               "gssapi", "draft", "vmci", "ws",   "wss"};
        const char *unknown[] = {"", "foo", "IPC", "Curve", "ipc ",
                                 "tcp-is-not-a-capability-name"};
        size_t i;
        CHECK_EQ (ZMQ_HAS_CAPABILITIES, 1);
        /* Both libraries have the ipc transport. */
        CHECK_EQ (zmq_has ("ipc"), 1);
        for (i = 0; i < sizeof known / sizeof known[0]; i++) {
            int r = zmq_has (known[i]);
            printf ("zmq_has(\"%s\") = %d\n", known[i], r);
            CHECK (r == 0 || r == 1);
        }
        for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
            char what[96];
            snprintf (what, sizeof what, "zmq_has(\"%s\") == 0", unknown[i]);
            tu_record (zmq_has (unknown[i]) == 0, __FILE__, __LINE__, what,
                       "");
        }
    }

    return tu_finish ();
}
