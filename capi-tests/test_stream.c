/* The STREAM socket over tcp: raw bytes with routing ids, connection and disconnection
   notifications (ZMQ_STREAM_NOTIFY), both as a listener and as a connecter, talking to plain
   TCP sockets. */
#include "testutil.h"
#include "netutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Receives [routing id, data] into the buffers; returns the data size, -1 on failure. */
static int recv_pair (void *s, char *id, int *id_len, char *data, int cap)
{
    int more = 0;
    size_t len = sizeof more;
    *id_len = zmq_recv (s, id, 255, 0);
    if (*id_len < 0)
        return -1;
    zmq_getsockopt (s, ZMQ_RCVMORE, &more, &len);
    if (!more)
        return -1;
    return zmq_recv (s, data, (size_t) cap, 0);
}

/* Reads from a plain socket with a 1 s limit: the count, 0 at end of stream, -2 on time-out. */
static int read_within (int fd, char *buf, int cap)
{
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    if (poll (&p, 1, 1000) <= 0)
        return -2;
    return (int) read (fd, buf, (size_t) cap);
}

int main (void)
{
    void *ctx, *stream;
    char id[256], id2[256], data[256], buf[256];
    int id_len, id2_len, n, fd, port, timeout = 2000, zero = 0;

    tu_init ();
    ctx = zmq_ctx_new ();
    stream = zmq_socket (ctx, ZMQ_STREAM);
    zmq_setsockopt (stream, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt (stream, ZMQ_LINGER, &zero, sizeof zero);
    CHECK_OK (zmq_bind (stream, "tcp://127.0.0.1:*"));
    port = port_of (stream);

    tu_begin ("a plain client: notification, data both ways");
    fd = plain_connect (port);
    CHECK (fd >= 0);
    CHECK_EQ (recv_pair (stream, id, &id_len, data, sizeof data), 0);
    CHECK_EQ (id_len, 5);
    CHECK_EQ (write (fd, "hello", 5), 5);
    n = recv_pair (stream, id2, &id2_len, data, sizeof data);
    CHECK_EQ (n, 5);
    CHECK_MEM (data, "hello", 5);
    CHECK_EQ (id2_len, id_len);
    CHECK_MEM (id2, id, (size_t) id_len);
    CHECK_EQ (zmq_send (stream, id, (size_t) id_len, ZMQ_SNDMORE), id_len);
    CHECK_EQ (zmq_send (stream, "world", 5, 0), 5);
    n = read_within (fd, buf, sizeof buf);
    CHECK_EQ (n, 5);
    CHECK_MEM (buf, "world", 5);
    /* An unknown routing id cannot be sent to. */
    CHECK_FAILS (zmq_send (stream, "nobody", 6, ZMQ_SNDMORE), EHOSTUNREACH);

    tu_begin ("a plain client that hangs up is announced with an empty message");
    close (fd);
    CHECK_EQ (recv_pair (stream, id2, &id2_len, data, sizeof data), 0);
    CHECK_MEM (id2, id, (size_t) id_len);

    tu_begin ("a STREAM socket connecting to a plain listener");
    {
        struct sockaddr_in a;
        socklen_t alen = sizeof a;
        int lfd = socket (AF_INET, SOCK_STREAM, 0), cfd;
        char ep[64];
        memset (&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        CHECK_EQ (bind (lfd, (struct sockaddr *) &a, sizeof a), 0);
        CHECK_EQ (listen (lfd, 4), 0);
        getsockname (lfd, (struct sockaddr *) &a, &alen);
        snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", ntohs (a.sin_port));
        CHECK_OK (zmq_setsockopt (stream, ZMQ_CONNECT_ROUTING_ID, "out", 3));
        CHECK_OK (zmq_connect (stream, ep));
        cfd = accept (lfd, NULL, NULL);
        CHECK (cfd >= 0);
        CHECK_EQ (recv_pair (stream, id, &id_len, data, sizeof data), 0);
        CHECK_EQ (id_len, 3);
        CHECK_MEM (id, "out", 3);
        CHECK_EQ (write (cfd, "hi", 2), 2);
        CHECK_EQ (recv_pair (stream, id, &id_len, data, sizeof data), 2);
        CHECK_MEM (data, "hi", 2);
        CHECK_EQ (zmq_send (stream, "out", 3, ZMQ_SNDMORE), 3);
        CHECK_EQ (zmq_send (stream, "back", 4, 0), 4);
        n = read_within (cfd, buf, sizeof buf);
        CHECK_EQ (n, 4);
        CHECK_MEM (buf, "back", 4);
        close (cfd);
        close (lfd);
        CHECK_EQ (recv_pair (stream, id, &id_len, data, sizeof data), 0);
        CHECK_MEM (id, "out", 3);
    }

    tu_begin ("ZMQ_STREAM_NOTIFY off: only data");
    {
        void *quiet = zmq_socket (ctx, ZMQ_STREAM);
        int qport;
        zmq_setsockopt (quiet, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        zmq_setsockopt (quiet, ZMQ_LINGER, &zero, sizeof zero);
        CHECK_OK (zmq_setsockopt (quiet, ZMQ_STREAM_NOTIFY, &zero, sizeof zero));
        CHECK_OK (zmq_bind (quiet, "tcp://127.0.0.1:*"));
        qport = port_of (quiet);
        fd = plain_connect (qport);
        CHECK_EQ (write (fd, "data", 4), 4);
        CHECK_EQ (recv_pair (quiet, id, &id_len, data, sizeof data), 4);
        CHECK_MEM (data, "data", 4);
        close (fd);
        zmq_close (quiet);
    }

    zmq_close (stream);
    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
