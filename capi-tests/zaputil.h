/* Helpers of the security tests: a ZAP handler (RFC 27) on its own thread, bound at
   inproc://zeromq.zap.01, that records each request and answers as the test tells it; a
   monitor reader that waits for one event; a monitored server and client (struct zap_link)
   and the checks the NULL, PLAIN and CURVE tests share on them. */
#ifndef CAPI_ZAPUTIL_H
#define CAPI_ZAPUTIL_H

#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft API */
#endif

#define ZAP_MAX_FRAMES 16
#define ZAP_FRAME_CAP 256

/* How the handler spoils its reply, to test the checks on it. */
enum zap_fault {
    ZAP_FAULT_NONE,
    ZAP_FAULT_VERSION,    /* "2.0" */
    ZAP_FAULT_REQUEST_ID, /* an id the request did not have */
    ZAP_FAULT_STATUS,     /* "201" */
    ZAP_FAULT_METADATA,   /* a property cut short */
    ZAP_FAULT_SHORT       /* six frames */
};

struct zap_handler {
    void *ctx;
    pthread_t thread;
    volatile int stop;
    /* What to answer. */
    const char *status;
    const char *user_id;
    enum zap_fault fault;
    /* The handler answers 200 only when the request's first credential frame equals this
       (when set); otherwise `status`. Frames are counted after the delimiter, which the REP
       socket takes off: version, id, domain, address, routing id, mechanism, credentials. */
    const char *accept_credential;
    size_t accept_credential_len;
    /* With accept_credential: 200 also requires the second credential frame (PLAIN's
       password) to equal this, when set. */
    const char *accept_password;
    size_t accept_password_len;
    /* Set by the handler thread once its REP socket is bound (zap_ready waits for it). */
    volatile int ready;
    /* The last request. */
    int requests;
    int frames;
    size_t size[ZAP_MAX_FRAMES];
    unsigned char data[ZAP_MAX_FRAMES][ZAP_FRAME_CAP];
    pthread_mutex_t lock;
};

static inline void zap_send_str (void *s, const char *text, size_t len, int more)
{
    zmq_send (s, text, len, more ? ZMQ_SNDMORE : 0);
}

static inline void *zap_run (void *arg)
{
    struct zap_handler *h = (struct zap_handler *) arg;
    void *rep = zmq_socket (h->ctx, ZMQ_REP);
    int timeout = 20;
    zmq_setsockopt (rep, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_bind (rep, "inproc://zeromq.zap.01");
    pthread_mutex_lock (&h->lock);
    h->ready = 1;
    pthread_mutex_unlock (&h->lock);
    while (!__atomic_load_n (&h->stop, __ATOMIC_ACQUIRE)) {
        zmq_msg_t frame;
        int n = 0, more = 1;
        const char *status, *version = "1.0", *request_id = "1";
        static const char metadata[] = "\x05Hello\x00\x00\x00\x05World";
        size_t metadata_len = sizeof metadata - 1;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, rep, 0) < 0) {
            zmq_msg_close (&frame);
            continue;
        }
        pthread_mutex_lock (&h->lock);
        for (;;) {
            if (n < ZAP_MAX_FRAMES) {
                size_t len = zmq_msg_size (&frame);
                if (len > ZAP_FRAME_CAP)
                    len = ZAP_FRAME_CAP;
                h->size[n] = zmq_msg_size (&frame);
                memcpy (h->data[n], zmq_msg_data (&frame), len);
            }
            n++;
            more = zmq_msg_more (&frame);
            if (!more)
                break;
            zmq_msg_recv (&frame, rep, 0);
        }
        zmq_msg_close (&frame);
        h->frames = n;
        h->requests++;
        status = h->status;
        if (h->accept_credential != NULL)
            status = (n > 6 && h->size[6] == h->accept_credential_len
                      && memcmp (h->data[6], h->accept_credential, h->accept_credential_len) == 0
                      && (h->accept_password == NULL
                          || (n > 7 && h->size[7] == h->accept_password_len
                              && memcmp (h->data[7], h->accept_password, h->accept_password_len)
                                   == 0)))
                       ? "200"
                       : h->status;
        switch (h->fault) {
            case ZAP_FAULT_VERSION: version = "2.0"; break;
            case ZAP_FAULT_REQUEST_ID: request_id = "7"; break;
            case ZAP_FAULT_STATUS: status = "201"; break;
            case ZAP_FAULT_METADATA: metadata_len = 8; break;
            default: break;
        }
        zap_send_str (rep, version, 3, 1);
        zap_send_str (rep, request_id, 1, 1);
        zap_send_str (rep, status, 3, 1);
        zap_send_str (rep, "OK", 2, 1);
        if (h->fault == ZAP_FAULT_SHORT)
            zap_send_str (rep, h->user_id, strlen (h->user_id), 0);
        else {
            zap_send_str (rep, h->user_id, strlen (h->user_id), 1);
            zap_send_str (rep, metadata, metadata_len, 0);
        }
        pthread_mutex_unlock (&h->lock);
    }
    zmq_close (rep);
    return NULL;
}

/* Starts a handler answering `status` with user id "alice" and the property Hello=World. */
static inline void zap_start (struct zap_handler *h, void *ctx, const char *status)
{
    memset (h, 0, sizeof *h);
    h->ctx = ctx;
    h->status = status;
    h->user_id = "alice";
    pthread_mutex_init (&h->lock, NULL);
    pthread_create (&h->thread, NULL, zap_run, h);
    /* Until it is bound. */
    zmq_sleep (0);
    {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep (&ts, NULL);
    }
}

static inline void zap_stop (struct zap_handler *h)
{
    __atomic_store_n (&h->stop, 1, __ATOMIC_RELEASE);
    pthread_join (h->thread, NULL);
    pthread_mutex_destroy (&h->lock);
}

/* Sets what the handler answers next. */
static inline void zap_answer (struct zap_handler *h, const char *status, enum zap_fault fault)
{
    pthread_mutex_lock (&h->lock);
    h->status = status;
    h->fault = fault;
    pthread_mutex_unlock (&h->lock);
}

static inline int zap_requests (struct zap_handler *h)
{
    int n;
    pthread_mutex_lock (&h->lock);
    n = h->requests;
    pthread_mutex_unlock (&h->lock);
    return n;
}

/* Whether frame i of the last request is `text`. */
static inline int zap_frame_is (struct zap_handler *h, int i, const void *text, size_t len)
{
    int ok;
    pthread_mutex_lock (&h->lock);
    ok = i < h->frames && h->size[i] == len && memcmp (h->data[i], text, len) == 0;
    pthread_mutex_unlock (&h->lock);
    return ok;
}

static inline long long zap_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to `ms` for event `want` on a monitor PAIR socket; its value, or -1 when it did
   not come. Other events are skipped. */
static inline long long wait_event (void *mon, int want, int ms)
{
    long long end = zap_now_ms () + ms;
    int wait = 20;
    zmq_setsockopt (mon, ZMQ_RCVTIMEO, &wait, sizeof wait);
    while (zap_now_ms () < end) {
        zmq_msg_t frame;
        uint16_t code;
        uint32_t value;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, mon, 0) != 6) {
            zmq_msg_close (&frame);
            continue;
        }
        memcpy (&code, zmq_msg_data (&frame), 2);
        memcpy (&value, (char *) zmq_msg_data (&frame) + 2, 4);
        zmq_msg_recv (&frame, mon, 0);
        zmq_msg_close (&frame);
        if (code == want)
            return value;
    }
    return -1;
}

/* A monitor on `s` for every event, read from the returned PAIR socket. */
static inline void *monitor_of (void *ctx, void *s, const char *name)
{
    void *mon = zmq_socket (ctx, ZMQ_PAIR);
    zmq_socket_monitor (s, name, ZMQ_EVENT_ALL);
    zmq_connect (mon, name);
    return mon;
}

/* Waits up to `ms` for the handler thread to have bound its socket; whether it has. */
static inline int zap_ready (struct zap_handler *h, int ms)
{
    long long end = zap_now_ms () + ms;
    struct timespec ts = {0, 2 * 1000 * 1000};
    for (;;) {
        int ready;
        pthread_mutex_lock (&h->lock);
        ready = h->ready;
        pthread_mutex_unlock (&h->lock);
        if (ready || zap_now_ms () >= end)
            return ready;
        nanosleep (&ts, NULL);
    }
}

/* From now on the handler answers 200 only to the credential `cred` (`len` bytes: PLAIN's
   username, CURVE's 32-byte public key) and, when `password` is not NULL, PLAIN's password
   `password`; anything else gets the status set by zap_answer. cred NULL: every request gets
   that status. The strings must outlive the handler's use of them. */
static inline void zap_accept_only (struct zap_handler *h, const void *cred, size_t len,
                                    const char *password)
{
    pthread_mutex_lock (&h->lock);
    h->accept_credential = (const char *) cred;
    h->accept_credential_len = len;
    h->accept_password = password;
    h->accept_password_len = password ? strlen (password) : 0;
    pthread_mutex_unlock (&h->lock);
}

/* Stops the monitor of `s` before closing it, then closes the monitor's reader `mon`: libzmq
   sends each event with a blocking send, so an event raised while `s` winds down, after the
   reader is gone, would stall the I/O thread for good. */
static inline void close_monitored (void *s, void *mon)
{
    zmq_socket_monitor (s, NULL, 0);
    zmq_close (s);
    zmq_close (mon);
}

/* One connection under test: a server and a client, each with the reader of its monitor, and
   the endpoint the server bound. */
struct zap_link {
    void *srv, *cli;
    void *smon, *cmon;
    char ep[256];
};

/* A socket of `type` with linger 0 and receive and send time-outs of `ms` (a test that goes
   wrong fails instead of hanging), monitored for every event through *mon. */
static inline void *zap_socket (void *ctx, int type, int ms, void **mon)
{
    static int monitors;
    void *s = zmq_socket (ctx, type);
    char name[64];
    int zero = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    zmq_setsockopt (s, ZMQ_SNDTIMEO, &ms, sizeof ms);
    snprintf (name, sizeof name, "inproc://zap-monitor-%d", monitors++);
    *mon = monitor_of (ctx, s, name);
    return s;
}

/* Gives l->srv the ZAP domain (NULL: none) and ZMQ_ZAP_ENFORCE_DOMAIN when `enforce`, then
   binds it on a fresh endpoint of `transport` ("tcp" or "ipc"), into l->ep. */
static inline void zap_bind (struct zap_link *l, const char *domain, int enforce,
                             const char *transport)
{
    size_t len = sizeof l->ep;
    if (domain)
        zmq_setsockopt (l->srv, ZMQ_ZAP_DOMAIN, domain, strlen (domain));
    if (enforce)
        CHECK_OK (zmq_setsockopt (l->srv, ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce));
    if (strcmp (transport, "tcp") == 0)
        zmq_bind (l->srv, "tcp://127.0.0.1:*");
    else
        zmq_bind (l->srv, "ipc://*");
    zmq_getsockopt (l->srv, ZMQ_LAST_ENDPOINT, l->ep, &len);
}

static inline void zap_close (struct zap_link *l)
{
    close_monitored (l->cli, l->cmon);
    close_monitored (l->srv, l->smon);
}

/* From now on the handler answers `status`, but 200 to the credential `cred` (see
   zap_accept_only; NULL: to nothing); the number of requests so far. */
static inline int zap_expect (struct zap_handler *h, const char *status, const void *cred,
                              size_t len, const char *password)
{
    zap_answer (h, status, ZAP_FAULT_NONE);
    zap_accept_only (h, cred, len, password);
    return zap_requests (h);
}

/* An int option, -2 when it cannot be read as one. */
static inline int get_int (void *s, int option)
{
    int value = -1;
    size_t len = sizeof value;
    if (zmq_getsockopt (s, option, &value, &len) != 0 || len != sizeof value)
        return -2;
    return value;
}

/* Nothing arrives on s within ms. */
static inline int nothing_arrives (void *s, int ms)
{
    char buf[16];
    int rc, e;
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &ms, sizeof ms);
    rc = zmq_recv (s, buf, sizeof buf, 0);
    e = zmq_errno ();
    return rc == -1 && e == EAGAIN;
}

/* Receives one frame into msg (initialised by the caller) and tells whether it is the len
   bytes at data with the more flag `more`. */
static inline int recv_bytes (void *s, zmq_msg_t *msg, const void *data, size_t len, int more)
{
    if (zmq_msg_recv (msg, s, 0) != (int) len)
        return 0;
    return memcmp (zmq_msg_data (msg), data, len) == 0 && (zmq_msg_more (msg) != 0) == more;
}

static inline int recv_is (void *s, zmq_msg_t *msg, const char *text, int more)
{
    return recv_bytes (s, msg, text, strlen (text), more);
}

/* Sends `first`, an empty frame and `last` as one message from s. */
static inline void zap_send_three (void *s, const char *first, const char *last)
{
    CHECK_EQ (zmq_send (s, first, strlen (first), ZMQ_SNDMORE), strlen (first));
    CHECK_EQ (zmq_send (s, "", 0, ZMQ_SNDMORE), 0);
    CHECK_EQ (zmq_send (s, last, strlen (last), 0), strlen (last));
}

/* Both sides report HANDSHAKE_SUCCEEDED and read back `mechanism`; `server_option`
   (ZMQ_PLAIN_SERVER, ZMQ_CURVE_SERVER) reads 1 on the server only. */
static inline void zap_check_handshake (struct zap_link *l, int mechanism, int server_option,
                                        int ms)
{
    CHECK_EQ (wait_event (l->smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, ms), 0);
    CHECK_EQ (wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, ms), 0);
    CHECK_EQ (get_int (l->srv, ZMQ_MECHANISM), mechanism);
    CHECK_EQ (get_int (l->cli, ZMQ_MECHANISM), mechanism);
    CHECK_EQ (get_int (l->srv, server_option), 1);
    CHECK_EQ (get_int (l->cli, server_option), 0);
}

/* The metadata of a frame the server received from an accepted client: the handler's User-Id
   and property, the client's socket type. */
static inline void zap_check_metadata (zmq_msg_t *msg, const char *socket_type)
{
    CHECK_STR (zmq_msg_gets (msg, "User-Id"), "alice");
    CHECK_STR (zmq_msg_gets (msg, "Hello"), "World");
    CHECK_STR (zmq_msg_gets (msg, "Socket-Type"), socket_type);
}

/* The server answers with two frames (behind `to`, the routing id a ROUTER needs; NULL: none);
   the client receives them, with no User-Id (ZAP is the server's business), and the server's
   socket type and routing id. */
static inline void zap_check_reply (struct zap_link *l, const char *to, const char *socket_type,
                                    const char *routing_id)
{
    zmq_msg_t msg;
    if (to)
        CHECK_EQ (zmq_send (l->srv, to, strlen (to), ZMQ_SNDMORE), strlen (to));
    CHECK_EQ (zmq_send (l->srv, "re", 2, ZMQ_SNDMORE), 2);
    CHECK_EQ (zmq_send (l->srv, "ply", 3, 0), 3);
    zmq_msg_init (&msg);
    CHECK (recv_is (l->cli, &msg, "re", 1));
    CHECK_NULL_ERRNO (zmq_msg_gets (&msg, "User-Id"), EINVAL);
    CHECK_STR (zmq_msg_gets (&msg, "Socket-Type"), socket_type);
    CHECK_STR (zmq_msg_gets (&msg, "Identity"), routing_id);
    CHECK (recv_is (l->cli, &msg, "ply", 0));
    zmq_msg_close (&msg);
}

/* The last request, the only one since `before`: `frames` frames, version "1.0", id "1",
   domain "global", the client's address as the server saw it over `transport` (ipc:
   localhost:uid:gid:pid), the server's routing id and `mechanism` (the REP handler took the
   delimiter off); the credentials are the caller's to check. */
static inline void zap_check_request (struct zap_handler *h, int before, int frames,
                                      const char *transport, const char *routing_id,
                                      const char *mechanism)
{
    CHECK_EQ (zap_requests (h), before + 1);
    CHECK_EQ (h->frames, frames);
    CHECK (zap_frame_is (h, 0, "1.0", 3));
    CHECK (zap_frame_is (h, 1, "1", 1));
    CHECK (zap_frame_is (h, 2, "global", 6));
    if (strcmp (transport, "tcp") == 0)
        CHECK (zap_frame_is (h, 3, "127.0.0.1", 9));
    else {
        char address[64];
        snprintf (address, sizeof address, "localhost:%u:%u:%d", (unsigned) getuid (),
                  (unsigned) getgid (), (int) getpid ());
        CHECK (zap_frame_is (h, 3, address, strlen (address)));
    }
    CHECK (zap_frame_is (h, 4, routing_id, strlen (routing_id)));
    CHECK (zap_frame_is (h, 5, mechanism, strlen (mechanism)));
}

/* The handler was asked since `before`, last about `mechanism` and the credential `cred`. */
static inline void zap_check_asked (struct zap_handler *h, int before, const char *mechanism,
                                    const void *cred, size_t len)
{
    CHECK (zap_requests (h) > before);
    CHECK (zap_frame_is (h, 5, mechanism, strlen (mechanism)));
    CHECK (zap_frame_is (h, 6, cred, len));
}

/* The client sends; nothing reaches the server. */
static inline void zap_check_nothing_passes (struct zap_link *l)
{
    zmq_send (l->cli, "x", 1, ZMQ_DONTWAIT);
    CHECK (nothing_arrives (l->srv, 200));
}

/* Nothing passes, and the handler was not asked since `before`. */
static inline void zap_check_unasked (struct zap_link *l, struct zap_handler *h, int before)
{
    zap_check_nothing_passes (l);
    CHECK_EQ (zap_requests (h), before);
}

/* A refusal: the server reports HANDSHAKE_FAILED_AUTH with the handler's status `code`; so
   does the client, told by an ERROR command, except for 300 (no ERROR); nothing passes. */
static inline void zap_check_refused (struct zap_link *l, int code, int ms)
{
    CHECK_EQ (wait_event (l->smon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, ms), code);
    if (code != 300)
        CHECK_EQ (wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, ms), code);
    zap_check_nothing_passes (l);
}

/* After a 300 the client, not told, neither fails nor succeeds. */
static inline void zap_check_client_untold (struct zap_link *l)
{
    CHECK_EQ (wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 100), -1);
    CHECK_EQ (wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 100), -1);
}

/* Each side speaks another mechanism: both report HANDSHAKE_FAILED_PROTOCOL with
   MECHANISM_MISMATCH. */
static inline void zap_check_mismatch (struct zap_link *l, int ms)
{
    CHECK_EQ (wait_event (l->smon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ms),
              ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    CHECK_EQ (wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ms),
              ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
}

/* The server fails the handshake with `event` and `value` and drops the connection: the
   client reports NO_DETAIL/EPIPE and tries again, and the server fails that one too. Waits for
   each of the four events in turn without recording them (got[i] is each value, -1 when it
   did not come); 1 when all four came as expected. */
static inline int zap_dropped (struct zap_link *l, int event, int value, int ms, long long got[4])
{
    got[0] = wait_event (l->smon, event, ms);
    got[1] = wait_event (l->cmon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, ms);
    got[2] = wait_event (l->cmon, ZMQ_EVENT_CONNECT_RETRIED, ms);
    got[3] = wait_event (l->smon, event, ms);
    return got[0] == value && got[1] == EPIPE && got[2] >= 0 && got[3] == value;
}

/* Records what zap_dropped saw. */
static inline void zap_record_dropped (const long long got[4], int value)
{
    CHECK_EQ (got[0], value);
    CHECK_EQ (got[1], EPIPE);
    CHECK (got[2] >= 0);
    CHECK_EQ (got[3], value);
}

static inline void zap_check_dropped (struct zap_link *l, int event, int value, int ms)
{
    long long got[4];
    zap_dropped (l, event, value, ms, got);
    zap_record_dropped (got, value);
}

#endif
