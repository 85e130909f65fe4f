/* Helpers of the security tests: a ZAP handler (RFC 27) on its own thread, bound at
   inproc://zeromq.zap.01, that records each request and answers as the test tells it; and a
   monitor reader that waits for one event. */
#ifndef CAPI_ZAPUTIL_H
#define CAPI_ZAPUTIL_H

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

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
    while (!h->stop) {
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
    h->stop = 1;
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

#endif
