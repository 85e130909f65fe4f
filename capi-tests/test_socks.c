/* ZMQ_SOCKS_PROXY: a tcp connect through a SOCKS5 proxy (capi-tests/socks5_proxy.py, run as a
   child process), with and without user name and password. Failed handshakes are tried only
   on this library (tests/network.rs): libzmq 4.3.4 aborts the process on them. */
/* The user name and password options are in the draft API. */
#define ZMQ_BUILD_DRAFT_API
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t proxy_pid = -1;

/* Starts the proxy with extra arguments; returns its port, 0 when it cannot run. */
static int start_proxy (const char *const *extra)
{
    char dir[512], script[600], portfile[64];
    const char *argv[12];
    const char *slash;
    int i, n = 0, port = 0;
    FILE *f;

    snprintf (dir, sizeof dir, "%s", __FILE__);
    slash = strrchr (dir, '/');
    if (slash)
        dir[slash - dir] = '\0';
    else
        snprintf (dir, sizeof dir, ".");
    snprintf (script, sizeof script, "%s/socks5_proxy.py", dir);
    snprintf (portfile, sizeof portfile, "/tmp/zmq-socks-port-%d", (int) getpid ());
    unlink (portfile);
    argv[n++] = "python3";
    argv[n++] = script;
    argv[n++] = portfile;
    for (i = 0; extra && extra[i] && n < 11; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    proxy_pid = fork ();
    if (proxy_pid == 0) {
        execvp ("python3", (char *const *) argv);
        _exit (127);
    }
    for (i = 0; i < 200 && port == 0; i++) {
        f = fopen (portfile, "r");
        if (f) {
            if (fscanf (f, "%d", &port) != 1)
                port = 0;
            fclose (f);
        }
        if (port == 0)
            zmq_sleep (0), usleep (10000);
    }
    unlink (portfile);
    return port;
}

static void stop_proxy (void)
{
    if (proxy_pid > 0) {
        kill (proxy_pid, SIGTERM);
        waitpid (proxy_pid, NULL, 0);
        proxy_pid = -1;
    }
}

/* Sends one message from a PUSH that goes through the proxy to a PULL; returns what arrived. */
static int relay (void *ctx, int proxy_port, const char *user, const char *password,
                  int timeout_ms)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL), *push = zmq_socket (ctx, ZMQ_PUSH);
    char ep[64], proxy[64], buf[16];
    size_t len = sizeof ep;
    int rc, zero = 0;
    zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_setsockopt (push, ZMQ_LINGER, &zero, sizeof zero);
    zmq_bind (pull, "tcp://127.0.0.1:*");
    zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len);
    snprintf (proxy, sizeof proxy, "127.0.0.1:%d", proxy_port);
    CHECK_OK (zmq_setsockopt (push, ZMQ_SOCKS_PROXY, proxy, strlen (proxy)));
    if (user) {
        CHECK_OK (zmq_setsockopt (push, ZMQ_SOCKS_USERNAME, user, strlen (user)));
        CHECK_OK (zmq_setsockopt (push, ZMQ_SOCKS_PASSWORD, password, strlen (password)));
    }
    /* Named by host name: the proxy resolves it. */
    memcpy (ep + 6, "localhost", 9);
    memmove (ep + 15, strrchr (ep, ':'), strlen (strrchr (ep, ':')) + 1);
    CHECK_OK (zmq_connect (push, ep));
    zmq_send (push, "via proxy", 9, 0);
    rc = zmq_recv (pull, buf, sizeof buf, 0);
    zmq_close (push);
    zmq_close (pull);
    return rc;
}

int main (void)
{
    void *ctx;
    int port;
    static const char *const with_auth[] = {"--user", "alice", "--password", "secret", NULL};

    tu_init ();
    ctx = zmq_ctx_new ();

    tu_begin ("through a SOCKS5 proxy without authentication");
    port = start_proxy (NULL);
    if (port == 0) {
        printf ("SKIP: python3 cannot run capi-tests/socks5_proxy.py here\n");
        stop_proxy ();
        zmq_ctx_term (ctx);
        return tu_finish ();
    }
    CHECK_EQ (relay (ctx, port, NULL, NULL, 3000), 9);
    stop_proxy ();

    tu_begin ("through a SOCKS5 proxy with user name and password");
    port = start_proxy (with_auth);
    CHECK (port > 0);
    CHECK_EQ (relay (ctx, port, "alice", "secret", 3000), 9);
    stop_proxy ();

    CHECK_OK (zmq_ctx_term (ctx));
    return tu_finish ();
}
