/* PUB/SUB fan-out throughput, written against zmq.h only; one process. The publisher binds an
   XPUB socket to BIND-TO ("tcp://127.0.0.1:*" takes a free port); SUBSCRIBERS threads each
   connect a SUB socket to it and subscribe to TOPICS distinct 8-byte topics ("t0000000",
   "t0000001", ...; 0 subscribes to everything). Message i starts with topic i % TOPICS, so every
   message goes to every subscriber, matched against all TOPICS subscriptions. Usage:
   pubsub_thr <bind-to> <message-size> <message-count> <subscribers> <topics>
   (message-size at least 8 when topics is not 0).
   No message is lost and none is sent early: the XPUB is verbose, so the publisher reads every
   subscription (SUBSCRIBERS x TOPICS of them, or SUBSCRIBERS with TOPICS 0) before its clock
   starts, by which time every subscriber's pipe is attached; and it does not drop
   (ZMQ_XPUB_NODROP): at the high-water mark (the default 1000) its send waits for the slowest
   subscriber, so memory stays bounded and each subscriber receives exactly COUNT messages.
   The clock runs from the first send to the last subscriber's last message. Prints "msg/s <n>"
   (messages delivered per second, all subscribers together), "sub_msg/s <n>" (per subscriber:
   msg/s / SUBSCRIBERS) and "peak_rss_kb <n>" (the whole process) for capi-tests/bench/run.sh. */
#define PROGRAM "pubsub_thr"
#include "perf.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define TOPIC_LEN 8

static char endpoint[256];
static long size, count, topics;
static void *ctx;

/* The text of topic t (TOPIC_LEN bytes, no terminator needed) into out. */
static void topic_name (long t, char *out)
{
    char text[32];
    snprintf (text, sizeof text, "t%07ld", t);
    memcpy (out, text, TOPIC_LEN);
}

/* A subscriber thread failing stops the whole program: the publisher would wait for it. */
static void thread_fail (const char *what)
{
    fail (what);
    _exit (1);
}

static void *subscriber (void *arg)
{
    void *s = zmq_socket (ctx, ZMQ_SUB);
    zmq_msg_t msg;
    long i, t;
    (void) arg;
    if (!s)
        thread_fail ("zmq_socket (SUB)");
    if (zmq_connect (s, endpoint) != 0)
        thread_fail ("zmq_connect");
    if (topics == 0 && zmq_setsockopt (s, ZMQ_SUBSCRIBE, "", 0) != 0)
        thread_fail ("zmq_setsockopt (ZMQ_SUBSCRIBE)");
    for (t = 0; t < topics; t++) {
        char topic[TOPIC_LEN];
        topic_name (t, topic);
        if (zmq_setsockopt (s, ZMQ_SUBSCRIBE, topic, TOPIC_LEN) != 0)
            thread_fail ("zmq_setsockopt (ZMQ_SUBSCRIBE)");
    }
    if (zmq_msg_init (&msg) != 0)
        thread_fail ("zmq_msg_init");
    for (i = 0; i < count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            thread_fail ("zmq_msg_recv");
        if (zmq_msg_size (&msg) != (size_t) size) {
            fprintf (stderr, "pubsub_thr: message of incorrect size received\n");
            _exit (1);
        }
    }
    zmq_msg_close (&msg);
    if (zmq_close (s) != 0)
        thread_fail ("zmq_close");
    return NULL;
}

int main (int argc, char **argv)
{
    void *pub, *watch;
    pthread_t *threads;
    char *names = NULL;
    long subscribers, expected, i, n;
    unsigned long elapsed;
    double throughput;
    int one = 1;

    if (argc != 6 || !parse (argv[2], 0, &size) || !parse (argv[3], 1, &count)
        || !parse (argv[4], 1, &subscribers) || !parse (argv[5], 0, &topics)
        || (topics > 0 && size < TOPIC_LEN) || topics > 9999999) {
        printf ("usage: pubsub_thr <bind-to> <message-size> <message-count> <subscribers> "
                "<topics>\n");
        return 1;
    }
    ctx = zmq_ctx_new ();
    if (!ctx)
        return fail ("zmq_ctx_new");
    if (subscribers + 16 > ZMQ_MAX_SOCKETS_DFLT
        && zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, (int) subscribers + 16) != 0)
        return fail ("zmq_ctx_set (ZMQ_MAX_SOCKETS)");
    pub = zmq_socket (ctx, ZMQ_XPUB);
    if (!pub)
        return fail ("zmq_socket (XPUB)");
    if (zmq_setsockopt (pub, ZMQ_XPUB_VERBOSE, &one, sizeof one) != 0)
        return fail ("zmq_setsockopt (ZMQ_XPUB_VERBOSE)");
    if (zmq_setsockopt (pub, ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
        return fail ("zmq_setsockopt (ZMQ_XPUB_NODROP)");
    if (bind_resolved (pub, argv[1], endpoint, sizeof endpoint) != 0)
        return fail ("zmq_bind");
    if (topics > 0) {
        names = malloc ((size_t) topics * TOPIC_LEN);
        if (!names) {
            fprintf (stderr, "pubsub_thr: out of memory\n");
            return 1;
        }
        for (i = 0; i < topics; i++)
            topic_name (i, names + i * TOPIC_LEN);
    }
    threads = calloc ((size_t) subscribers, sizeof *threads);
    if (!threads) {
        fprintf (stderr, "pubsub_thr: out of memory\n");
        return 1;
    }
    for (i = 0; i < subscribers; i++)
        if (pthread_create (&threads[i], NULL, subscriber, NULL) != 0) {
            fprintf (stderr, "pubsub_thr: pthread_create failed\n");
            return 1;
        }

    /* Every subscription, as the verbose XPUB passes each one up: byte 1 then the topic. */
    expected = subscribers * (topics > 0 ? topics : 1);
    for (n = 0; n < expected; n++) {
        unsigned char frame[TOPIC_LEN + 1];
        int got = zmq_recv (pub, frame, sizeof frame, 0);
        if (got < 0)
            return fail ("zmq_recv (subscription)");
        if (got == 0 || frame[0] != 1)
            n--; /* not a subscription: does not count */
    }

    watch = zmq_stopwatch_start ();
    for (i = 0; i < count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            return fail ("zmq_msg_init_size");
        if (topics > 0)
            memcpy (zmq_msg_data (&msg), names + (i % topics) * TOPIC_LEN, TOPIC_LEN);
        if (zmq_msg_send (&msg, pub, 0) < 0)
            return fail ("zmq_msg_send");
    }
    for (i = 0; i < subscribers; i++)
        pthread_join (threads[i], NULL);
    elapsed = zmq_stopwatch_stop (watch);
    if (elapsed == 0)
        elapsed = 1;

    throughput = (double) count * (double) subscribers * 1e6 / (double) elapsed;
    printf ("msg/s %.0f\n", throughput);
    printf ("sub_msg/s %.0f\n", throughput / (double) subscribers);
    print_peak_rss ();
    fflush (stdout);

    free (threads);
    free (names);
    if (zmq_close (pub) != 0)
        return fail ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        return fail ("zmq_ctx_term");
    return 0;
}
