/* Helpers of the network tests: the port a socket bound to, and plain TCP clients. */
#ifndef CAPI_NETUTIL_H
#define CAPI_NETUTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

/* The port of a socket's ZMQ_LAST_ENDPOINT ("tcp://host:port"), 0 when there is none. */
static inline int port_of (void *s)
{
    char ep[256];
    size_t len = sizeof ep;
    const char *colon;
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len) != 0)
        return 0;
    colon = strrchr (ep, ':');
    return colon ? atoi (colon + 1) : 0;
}

/* A plain TCP connection to 127.0.0.1:port; -1 when it fails. */
static inline int plain_connect (int port)
{
    struct sockaddr_in a;
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    memset (&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons ((unsigned short) port);
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

#endif
