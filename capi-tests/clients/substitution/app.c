/* A program as users already have them: compiled against the system zmq.h, linked -lzmq
 * against the system libzmq, never rebuilt. It reports the libzmq it runs on (dladdr of
 * zmq_ctx_new, and zmq_version), then does REQ/REP over inproc and PUSH/PULL and PUB/SUB over
 * tcp, and exits 0 when every exchange gave what it should. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        failures++;
}

static int recv_is(void *s, const char *expected)
{
    char buf[64];
    int n = zmq_recv(s, buf, sizeof buf - 1, 0);
    if (n < 0)
        return 0;
    buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = '\0';
    return strcmp(buf, expected) == 0;
}

static void *socket_with_timeout(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int ms = 5000, linger = 0;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    return s;
}

int main(void)
{
    Dl_info info;
    int major, minor, patch;
    if (!dladdr((void *) zmq_ctx_new, &info) || !info.dli_fname) {
        printf("FAILED: dladdr found no library for zmq_ctx_new\n");
        return 1;
    }
    zmq_version(&major, &minor, &patch);
    printf("library: %s\nversion: %d.%d.%d\n", info.dli_fname, major, minor, patch);

    void *ctx = zmq_ctx_new();
    void *rep = socket_with_timeout(ctx, ZMQ_REP), *req = socket_with_timeout(ctx, ZMQ_REQ);
    check(zmq_bind(rep, "inproc://substitution") == 0, "bind inproc");
    check(zmq_connect(req, "inproc://substitution") == 0, "connect inproc");
    check(zmq_send(req, "hello", 5, 0) == 5 && recv_is(rep, "hello"), "REQ to REP");
    check(zmq_send(rep, "world", 5, 0) == 5 && recv_is(req, "world"), "REP to REQ");

    char endpoint[256];
    size_t len = sizeof endpoint;
    void *pull = socket_with_timeout(ctx, ZMQ_PULL), *push = socket_with_timeout(ctx, ZMQ_PUSH);
    check(zmq_bind(pull, "tcp://127.0.0.1:*") == 0
              && zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len) == 0,
          "bind tcp");
    check(zmq_connect(push, endpoint) == 0, "connect tcp");
    check(zmq_send(push, "task", 4, 0) == 4 && recv_is(pull, "task"), "PUSH to PULL over tcp");

    void *pub = socket_with_timeout(ctx, ZMQ_PUB), *sub = socket_with_timeout(ctx, ZMQ_SUB);
    len = sizeof endpoint;
    check(zmq_bind(pub, "tcp://127.0.0.1:*") == 0
              && zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &len) == 0,
          "bind PUB");
    check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "news", 4) == 0 && zmq_connect(sub, endpoint) == 0,
          "subscribe and connect SUB");
    /* The subscription travels to the publisher; send until the first update arrives. */
    int got = 0;
    for (int i = 0; i < 100 && !got; i++) {
        zmq_send(pub, "sport x", 7, 0);
        zmq_send(pub, "news x", 6, 0);
        zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 50) == 1)
            got = recv_is(sub, "news x");
    }
    check(got, "PUB/SUB with a prefix filter over tcp");

    void *sockets[] = {rep, req, pull, push, pub, sub};
    for (size_t i = 0; i < sizeof sockets / sizeof *sockets; i++)
        zmq_close(sockets[i]);
    check(zmq_ctx_term(ctx) == 0, "context terminated");
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
