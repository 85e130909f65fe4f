/*
 * A small czmq program: what an application built on czmq does with
 * libzmq underneath, each result checked.
 *
 *   actor   a zactor runs a REP echo server bound on inproc and tcp, serving
 *           both from a zpoller that also watches its pipe; REQ clients send
 *           multipart zmsgs and strings over each transport, the actor counts
 *           what it echoed and answers a COUNT command on its pipe
 *   zloop   a repeating timer sends five messages through PUSH/PULL, a
 *           reader receives them and ends the loop; a one-shot timer guards
 *           against a hang and is cancelled
 *   zpoller two PULL sockets (inproc and tcp): expiry with nothing to read,
 *           the one that is ready, both ready, a removed socket ignored
 *   zmsg    DEALER/ROUTER over tcp: a multipart message with empty, text,
 *           binary and 1 MiB frames, the routing id set on the DEALER, the
 *           reply in reverse order; zmsg_encode/zmsg_decode; a picture
 *           message (zsock_send/zsock_recv) over PAIR
 *
 * Usage: app   (with ZMQ_EXPECT_LIB naming the libzmq.so.5 expected, see
 * libcheck.h). Prints "ok   ..." or "FAIL ..." per check and a final
 * "app: N checks passed, N failed"; exits 0 only if every check passed.
 */
#define _GNU_SOURCE
#include "libcheck.h"

#include <czmq.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int checks_passed;
static int checks_failed;

static bool check (bool ok, const char *format, ...)
{
    va_list args;
    printf ("%s ", ok ? "ok  " : "FAIL");
    va_start (args, format);
    vprintf (format, args);
    va_end (args);
    printf ("\n");
    if (ok)
        checks_passed++;
    else
        checks_failed++;
    return ok;
}

/* Receive time-out for every socket the checks read from. */
#define RECV_TIMEOUT_MS 3000

/* ---------------------------------------------------------------- actor */

static void echo_actor (zsock_t *pipe, void *args)
{
    zsock_t *rep = zsock_new (ZMQ_REP);
    int port;
    uint64_t echoed = 0;
    zpoller_t *poller;
    bool running = true;
    (void) args;

    port = rep != NULL ? zsock_bind (rep, "tcp://127.0.0.1:*") : -1;
    if (rep != NULL && zsock_bind (rep, "inproc://app-echo") != 0)
        port = -1;
    zsock_signal (pipe, 0);
    zsock_send (pipe, "i", port);
    if (port < 0) {
        zsock_destroy (&rep);
        return;
    }

    poller = zpoller_new (pipe, rep, NULL);
    while (running) {
        void *which = zpoller_wait (poller, -1);
        if (which == pipe) {
            zmsg_t *command = zmsg_recv (pipe);
            char *name = command != NULL ? zmsg_popstr (command) : NULL;
            if (name == NULL || streq (name, "$TERM"))
                running = false;
            else if (streq (name, "COUNT"))
                zsock_send (pipe, "8", echoed);
            zstr_free (&name);
            zmsg_destroy (&command);
        } else if (which == rep) {
            zmsg_t *msg = zmsg_recv (rep);
            if (msg != NULL && zmsg_send (&msg, rep) == 0)
                echoed++;
            zmsg_destroy (&msg);
        } else
            running = false; /* interrupted */
    }
    zpoller_destroy (&poller);
    zsock_destroy (&rep);
}

/* A message of `parts` frames: empty, text, binary with every byte value,
 * then more text. */
static zmsg_t *sample_message (int parts, const char *tag)
{
    zmsg_t *msg = zmsg_new ();
    byte binary[256];
    int i;
    for (i = 0; i < 256; i++)
        binary[i] = (byte) i;
    for (i = 0; i < parts; i++) {
        if (i == 0)
            zmsg_addmem (msg, NULL, 0);
        else if (i == 1)
            zmsg_addmem (msg, binary, sizeof binary);
        else
            zmsg_addstrf (msg, "%s part %d", tag, i);
    }
    return msg;
}

static bool same_frames (zmsg_t *a, zmsg_t *b)
{
    zframe_t *fa;
    zframe_t *fb;
    if (zmsg_size (a) != zmsg_size (b))
        return false;
    for (fa = zmsg_first (a), fb = zmsg_first (b); fa != NULL && fb != NULL;
         fa = zmsg_next (a), fb = zmsg_next (b))
        if (!zframe_eq (fa, fb))
            return false;
    return true;
}

static void check_echo_over (const char *transport, const char *endpoint,
                             uint64_t *sent)
{
    zsock_t *req = zsock_new_req (endpoint);
    int parts;
    if (!check (req != NULL, "actor: REQ connects to %s", endpoint))
        return;
    zsock_set_rcvtimeo (req, RECV_TIMEOUT_MS);
    for (parts = 1; parts <= 5; parts += 2) {
        zmsg_t *msg = sample_message (parts, transport);
        zmsg_t *copy = zmsg_dup (msg);
        zmsg_t *reply;
        int rc = zmsg_send (&msg, req);
        reply = rc == 0 ? zmsg_recv (req) : NULL;
        if (rc == 0)
            ++*sent;
        check (reply != NULL && same_frames (reply, copy),
               "actor: %d-part zmsg echoed over %s (%zu frames back)", parts,
               transport, reply != NULL ? zmsg_size (reply) : (size_t) 0);
        zmsg_destroy (&msg);
        zmsg_destroy (&copy);
        zmsg_destroy (&reply);
    }
    {
        char *text = NULL;
        if (zstr_send (req, "plain string") == 0) {
            ++*sent;
            text = zstr_recv (req);
        }
        check (text != NULL && streq (text, "plain string"),
               "actor: zstr echoed over %s", transport);
        zstr_free (&text);
    }
    zsock_destroy (&req);
}

static void test_actor (void)
{
    zactor_t *actor = zactor_new (echo_actor, NULL);
    int port = -1;
    uint64_t sent = 0;
    uint64_t echoed = 0;
    char endpoint[64];
    int rc;

    if (!check (actor != NULL, "actor: zactor_new started the echo actor"))
        return;
    zsock_set_rcvtimeo (zactor_sock (actor), RECV_TIMEOUT_MS);
    /* Receive first: the check's arguments print what was received. */
    rc = zsock_recv (actor, "i", &port);
    if (!check (rc == 0 && port > 0,
                "actor: bound tcp://127.0.0.1:%d and inproc://app-echo",
                port)) {
        zactor_destroy (&actor);
        return;
    }
    check_echo_over ("inproc", "inproc://app-echo", &sent);
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    check_echo_over ("tcp", endpoint, &sent);

    zstr_send (actor, "COUNT");
    rc = zsock_recv (actor, "8", &echoed);
    check (rc == 0 && echoed == sent,
           "actor: COUNT says %llu echoed, %llu sent",
           (unsigned long long) echoed, (unsigned long long) sent);
    zactor_destroy (&actor);
    check (actor == NULL, "actor: zactor_destroy ended the actor");
}

/* ---------------------------------------------------------------- zloop */

typedef struct
{
    zsock_t *push;
    int ticks;
    int received;
    bool guard_fired;
    bool in_order;
} loop_state_t;

static int on_tick (zloop_t *loop, int timer_id, void *arg)
{
    loop_state_t *state = (loop_state_t *) arg;
    (void) loop;
    (void) timer_id;
    state->ticks++;
    return zstr_sendf (state->push, "tick %d", state->ticks);
}

static int on_guard (zloop_t *loop, int timer_id, void *arg)
{
    loop_state_t *state = (loop_state_t *) arg;
    (void) loop;
    (void) timer_id;
    state->guard_fired = true;
    return -1;
}

static int on_readable (zloop_t *loop, zsock_t *reader, void *arg)
{
    loop_state_t *state = (loop_state_t *) arg;
    char *text = zstr_recv (reader);
    char expected[32];
    (void) loop;
    if (text == NULL)
        return -1;
    state->received++;
    snprintf (expected, sizeof expected, "tick %d", state->received);
    if (!streq (text, expected))
        state->in_order = false;
    zstr_free (&text);
    return state->received == 5 ? -1 : 0;
}

static void test_zloop (void)
{
    zsock_t *pull = zsock_new_pull ("@inproc://app-loop");
    zsock_t *push = zsock_new_push (">inproc://app-loop");
    zloop_t *loop = zloop_new ();
    loop_state_t state = {push, 0, 0, false, true};
    int tick_id, guard_id, rc;
    int64_t started, elapsed;

    if (!check (pull != NULL && push != NULL && loop != NULL,
                "zloop: PUSH/PULL over inproc and a zloop")) {
        zsock_destroy (&push);
        zsock_destroy (&pull);
        zloop_destroy (&loop);
        return;
    }
    tick_id = zloop_timer (loop, 10, 5, on_tick, &state);
    guard_id = zloop_timer (loop, 5000, 1, on_guard, &state);
    rc = zloop_reader (loop, pull, on_readable, &state);
    check (tick_id >= 0 && guard_id >= 0 && rc == 0,
           "zloop: a 10 ms timer (5 times), a 5 s guard timer, a reader");

    started = zclock_mono ();
    rc = zloop_start (loop);
    elapsed = zclock_mono () - started;
    check (rc == -1, "zloop: zloop_start returned -1 when a handler ended it");
    check (!state.guard_fired, "zloop: ended before the guard timer");
    check (state.ticks == 5 && state.received == 5 && state.in_order,
           "zloop: %d ticks sent, %d received in order", state.ticks,
           state.received);
    check (elapsed >= 40 && elapsed < 5000,
           "zloop: five 10 ms ticks took %lld ms", (long long) elapsed);
    check (zloop_timer_end (loop, guard_id) == 0,
           "zloop: the guard timer cancelled");
    zloop_reader_end (loop, pull);
    zloop_destroy (&loop);
    zsock_destroy (&push);
    zsock_destroy (&pull);
}

/* -------------------------------------------------------------- zpoller */

static bool recv_is (zsock_t *sock, const char *want)
{
    char *text = zstr_recv (sock);
    bool same = text != NULL && streq (text, want);
    zstr_free (&text);
    return same;
}

static void test_zpoller (void)
{
    zsock_t *a_in = zsock_new_pull ("@inproc://app-poll-a");
    zsock_t *a_out = zsock_new_push (">inproc://app-poll-a");
    zsock_t *b_in = zsock_new (ZMQ_PULL);
    zsock_t *b_out = NULL;
    zpoller_t *poller = NULL;
    int port = b_in != NULL ? zsock_bind (b_in, "tcp://127.0.0.1:*") : -1;
    void *first, *second, *which;
    bool read_ok;

    if (port > 0)
        b_out = zsock_new_push (NULL);
    if (b_out != NULL
        && zsock_connect (b_out, "tcp://127.0.0.1:%d", port) != 0)
        zsock_destroy (&b_out);
    if (!check (a_in != NULL && a_out != NULL && b_out != NULL,
                "zpoller: PULL a on inproc, PULL b on tcp port %d", port))
        goto done;
    zsock_set_rcvtimeo (a_in, RECV_TIMEOUT_MS);
    zsock_set_rcvtimeo (b_in, RECV_TIMEOUT_MS);

    poller = zpoller_new (a_in, b_in, NULL);
    which = zpoller_wait (poller, 50);
    check (which == NULL && zpoller_expired (poller)
             && !zpoller_terminated (poller),
           "zpoller: nothing to read: NULL, expired after 50 ms");

    zstr_send (b_out, "to b");
    which = zpoller_wait (poller, RECV_TIMEOUT_MS);
    check (which == b_in && recv_is (b_in, "to b"),
           "zpoller: b ready (tcp), read \"to b\"");
    zstr_send (a_out, "to a");
    which = zpoller_wait (poller, RECV_TIMEOUT_MS);
    check (which == a_in && recv_is (a_in, "to a"),
           "zpoller: a ready (inproc), read \"to a\"");

    zstr_send (a_out, "both a");
    zstr_send (b_out, "both b");
    /* b goes over tcp: give it time to arrive before polling for both. */
    zclock_sleep (100);
    first = zpoller_wait (poller, RECV_TIMEOUT_MS);
    read_ok = first != NULL
              && recv_is ((zsock_t *) first,
                          first == a_in ? "both a" : "both b");
    second = zpoller_wait (poller, RECV_TIMEOUT_MS);
    read_ok = read_ok && second != NULL
              && recv_is ((zsock_t *) second,
                          second == a_in ? "both a" : "both b");
    check (read_ok && first != second,
           "zpoller: both ready, each returned once with its message");

    check (zpoller_remove (poller, b_in) == 0,
           "zpoller: b removed from the poller");
    zstr_send (b_out, "unwatched");
    zclock_sleep (100);
    which = zpoller_wait (poller, 100);
    check (which == NULL && zpoller_expired (poller),
           "zpoller: a message on removed b does not wake it");
    check (recv_is (b_in, "unwatched"), "zpoller: b still got its message");

done:
    zpoller_destroy (&poller);
    zsock_destroy (&a_out);
    zsock_destroy (&a_in);
    zsock_destroy (&b_out);
    zsock_destroy (&b_in);
}

/* ----------------------------------------------------------------- zmsg */

static void test_zmsg (void)
{
    zsock_t *router = zsock_new (ZMQ_ROUTER);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    int port = router != NULL ? zsock_bind (router, "tcp://127.0.0.1:*") : -1;
    size_t big_size = 1024 * 1024;
    byte *big = (byte *) malloc (big_size);
    zmsg_t *msg, *copy, *got, *reply, *back;
    zframe_t *id, *encoded;
    size_t i;

    if (!check (port > 0 && dealer != NULL && big != NULL,
                "zmsg: ROUTER bound to tcp port %d", port))
        goto done;
    zsock_set_identity (dealer, "dealer-1");
    zsock_set_rcvtimeo (dealer, RECV_TIMEOUT_MS);
    zsock_set_rcvtimeo (router, RECV_TIMEOUT_MS);
    check (zsock_connect (dealer, "tcp://127.0.0.1:%d", port) == 0,
           "zmsg: DEALER (routing id dealer-1) connected");

    for (i = 0; i < big_size; i++)
        big[i] = (byte) (i * 7 + i / 251);
    msg = sample_message (4, "zmsg");
    zmsg_addmem (msg, big, big_size);
    zmsg_pushstr (msg, "head");
    copy = zmsg_dup (msg);
    check (zmsg_size (msg) == 6 && zmsg_content_size (msg) > big_size,
           "zmsg: built 6 frames, %zu bytes", zmsg_content_size (msg));

    check (zmsg_send (&msg, dealer) == 0 && msg == NULL,
           "zmsg: DEALER sent it (zmsg_send took the message)");
    got = zmsg_recv (router);
    if (!check (got != NULL && zmsg_size (got) == 7,
                "zmsg: ROUTER got %zu frames (routing id + 6)",
                got != NULL ? zmsg_size (got) : (size_t) 0)) {
        zmsg_destroy (&got);
        zmsg_destroy (&copy);
        goto done;
    }
    id = zmsg_pop (got);
    check (id != NULL && zframe_streq (id, "dealer-1"),
           "zmsg: routing id frame is \"dealer-1\"");
    check (same_frames (got, copy), "zmsg: every frame arrived intact");
    check (zframe_size (zmsg_last (got)) == big_size
             && memcmp (zframe_data (zmsg_last (got)), big, big_size) == 0,
           "zmsg: the 1 MiB frame is byte for byte the same");

    /* Reply with the frames in reverse order, behind the routing id. */
    reply = zmsg_new ();
    while (zmsg_size (got) > 0) {
        zframe_t *frame = zmsg_pop (got);
        zmsg_prepend (reply, &frame);
    }
    zmsg_prepend (reply, &id);
    check (zmsg_send (&reply, router) == 0, "zmsg: ROUTER replied");
    back = zmsg_recv (dealer);
    {
        /* Frames of the original, in order, to walk backwards. */
        zframe_t *frames[8];
        size_t n = 0;
        bool reversed = back != NULL && zmsg_size (back) == zmsg_size (copy)
                        && zmsg_size (copy) <= 8;
        zframe_t *frame;
        for (frame = zmsg_first (copy); reversed && frame != NULL;
             frame = zmsg_next (copy))
            frames[n++] = frame;
        for (frame = reversed ? zmsg_first (back) : NULL; frame != NULL;
             frame = zmsg_next (back))
            if (n == 0 || !zframe_eq (frame, frames[--n]))
                reversed = false;
        check (reversed, "zmsg: DEALER got the %zu frames back reversed",
               back != NULL ? zmsg_size (back) : (size_t) 0);
    }

    encoded = zmsg_encode (copy);
    {
        zmsg_t *decoded = encoded != NULL ? zmsg_decode (encoded) : NULL;
        check (decoded != NULL && same_frames (decoded, copy),
               "zmsg: zmsg_encode then zmsg_decode gives the same frames");
        zmsg_destroy (&decoded);
    }
    zframe_destroy (&encoded);
    zmsg_destroy (&back);
    zmsg_destroy (&got);
    zmsg_destroy (&copy);

    /* A picture message over PAIR on inproc. */
    {
        zsock_t *left = zsock_new_pair ("@inproc://app-picture");
        zsock_t *right = zsock_new_pair (">inproc://app-picture");
        int number = 0;
        uint32_t u32 = 0;
        uint64_t u64 = 0;
        char *text = NULL;
        byte *blob = NULL;
        size_t blob_size = 0;
        int rc;
        zsock_set_rcvtimeo (right, RECV_TIMEOUT_MS);
        rc = zsock_send (left, "is48bz", -42, "picture", (uint32_t) 4000000000u,
                         (uint64_t) 1 << 40, (const byte *) "\0\1\2", (size_t) 3);
        rc |= zsock_recv (right, "is48bz", &number, &text, &u32, &u64, &blob,
                          &blob_size);
        check (rc == 0 && number == -42 && text != NULL
                 && streq (text, "picture") && u32 == 4000000000u
                 && u64 == (uint64_t) 1 << 40 && blob_size == 3
                 && memcmp (blob, "\0\1\2", 3) == 0,
               "zmsg: picture \"is48bz\" round trip over PAIR");
        zstr_free (&text);
        free (blob);
        zsock_destroy (&right);
        zsock_destroy (&left);
    }

done:
    free (big);
    zsock_destroy (&dealer);
    zsock_destroy (&router);
}

int main (void)
{
    czmq_check_library ("app");
    test_actor ();
    test_zloop ();
    test_zpoller ();
    test_zmsg ();
    printf ("app: %d checks passed, %d failed\n", checks_passed,
            checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? 0 : 1;
}
