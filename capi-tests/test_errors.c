/* zmq_errno and zmq_strerror. */
#include "testutil.h"

/* zmq_strerror and strerror may share glibc's buffer for unknown codes, so
   the first result is copied before the second call. */
static void check_same_as_strerror (int code)
{
    char mine[256];
    const char *z = zmq_strerror (code);
    char what[64];
    snprintf (what, sizeof what, "zmq_strerror(%d) == strerror(%d)", code,
              code);
    if (!tu_record (z != NULL, __FILE__, __LINE__, what, "returned NULL"))
        return;
    snprintf (mine, sizeof mine, "%s", z);
    tu_check_str (mine, strerror (code), __FILE__, __LINE__, what);
}

int main (void)
{
    tu_init ();

    tu_begin ("zmq_errno mirrors errno after a failing call");
    {
        int rc;
        int e;
        errno = 0;
        rc = zmq_ctx_get (NULL, ZMQ_IO_THREADS);
        e = errno;
        CHECK_EQ (rc, -1);
        CHECK_EQ (e, EFAULT);
        CHECK_EQ (zmq_errno (), EFAULT);
        CHECK_EQ (zmq_errno (), e);

        errno = 0;
        CHECK (zmq_init (-1) == NULL);
        CHECK_EQ (errno, EINVAL);
        CHECK_EQ (zmq_errno (), EINVAL);

        errno = 0;
        CHECK (zmq_z85_decode (NULL, "abc") == NULL);
        CHECK_EQ (zmq_errno (), EINVAL);
    }

    tu_begin ("zmq_errno reads the calling thread's errno");
    {
        errno = 0;
        CHECK_EQ (zmq_errno (), 0);
        errno = EAGAIN;
        CHECK_EQ (zmq_errno (), EAGAIN);
        errno = ETERM;
        CHECK_EQ (zmq_errno (), ETERM);
        errno = 1234;
        CHECK_EQ (zmq_errno (), 1234);
        errno = 0;
    }

    tu_begin ("error numbers");
    {
        CHECK_EQ (ZMQ_HAUSNUMERO, 156384712);
        CHECK_EQ (EFSM, ZMQ_HAUSNUMERO + 51);
        CHECK_EQ (ENOCOMPATPROTO, ZMQ_HAUSNUMERO + 52);
        CHECK_EQ (ETERM, ZMQ_HAUSNUMERO + 53);
        CHECK_EQ (EMTHREAD, ZMQ_HAUSNUMERO + 54);
    }

    tu_begin ("zmq_strerror for native codes");
    {
        CHECK_STR (zmq_strerror (EFSM),
                   "Operation cannot be accomplished in current state");
        CHECK_STR (zmq_strerror (ENOCOMPATPROTO),
                   "The protocol is not compatible with the socket type");
        CHECK_STR (zmq_strerror (ETERM), "Context was terminated");
        CHECK_STR (zmq_strerror (EMTHREAD), "No thread available");
    }

    tu_begin ("zmq_strerror has its own text for EHOSTUNREACH");
    {
        /* libzmq special-cases this one system code on every platform */
        CHECK_STR (zmq_strerror (EHOSTUNREACH), "Host unreachable");
    }

    tu_begin ("zmq_strerror leaves errno alone");
    {
        errno = EINVAL;
        (void) zmq_strerror (ETERM);
        CHECK_EQ (errno, EINVAL);
        (void) zmq_strerror (EAGAIN);
        CHECK_EQ (errno, EINVAL);
        errno = 0;
    }

    tu_begin ("zmq_strerror for system codes equals strerror");
    {
        int codes[] = {0,          EPERM,        ENOENT,      EINTR,
                       EAGAIN,     ENOMEM,       EFAULT,      EINVAL,
                       EMFILE,     ENOTSUP,      EPROTONOSUPPORT,
                       ENOBUFS,    ENETDOWN,     EADDRINUSE,  EADDRNOTAVAIL,
                       ECONNREFUSED, EINPROGRESS, ENOTSOCK,   EMSGSIZE,
                       EAFNOSUPPORT, ENETUNREACH, ECONNABORTED, ECONNRESET,
                       ENOTCONN,   ETIMEDOUT,    ENETRESET,
                       EHOSTDOWN,  -1,           100000,
                       /* HAUSNUMERO codes that are not native 0MQ errors */
                       ZMQ_HAUSNUMERO, ZMQ_HAUSNUMERO + 1,
                       ZMQ_HAUSNUMERO + 50, ZMQ_HAUSNUMERO + 55};
        size_t i;
        for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
            check_same_as_strerror (codes[i]);
        for (i = 1; i < 134; i++)
            if ((int) i != EHOSTUNREACH)
                check_same_as_strerror ((int) i);
    }

    tu_begin ("zmq_strerror spot values");
    {
        CHECK_STR (zmq_strerror (EINVAL), "Invalid argument");
        CHECK_STR (zmq_strerror (EAGAIN), "Resource temporarily unavailable");
        CHECK_STR (zmq_strerror (EFAULT), "Bad address");
    }

    return tu_finish ();
}
