// cppzmq messaging patterns over inproc, tcp and ipc: REQ/REP, PUB/SUB with
// prefix filters, XPUB/XSUB (subscription messages, welcome message), PUSH/PULL
// (and conflate), PAIR, DEALER/ROUTER; send/recv with send_flags, recv_flags,
// buffers and message_t; last_endpoint of wildcard binds; message properties
// (gets/get); zmq::poll over sockets and a plain descriptor.
#include "check.hpp"

#include <zmq_addon.hpp>

#include <array>
#include <map>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace
{
std::string ipc_dir;

std::string msg_str(zmq::socket_ref s, zmq::recv_flags f = zmq::recv_flags::none)
{
    zmq::message_t m;
    if (!s.recv(m, f))
        return "<none>";
    return m.to_string();
}

// Publishes prefix+"sync"+N (N unique in the program) until sub gets one,
// then drains through the last N sent, so later messages meet an established
// subscription and nothing of the handshake is left queued.
int sync_serial = 0;
bool sync_sub(zmq::socket_ref pub, zmq::socket_ref sub, const std::string &prefix)
{
    std::string last;
    std::string got = "<none>";
    for (int tries = 0; tries < 250 && got == "<none>"; ++tries) {
        last = prefix + "sync" + std::to_string(sync_serial++);
        pub.send(zmq::buffer(last), zmq::send_flags::none);
        got = cz::recv_str(sub, std::chrono::milliseconds(20));
    }
    while (got != last) {
        if (got == "<none>")
            return false;
        got = cz::recv_str(sub, std::chrono::milliseconds(2000));
    }
    return true;
}

bool tcp_endpoint_ok(const std::string &ep)
{
    const std::string head = "tcp://127.0.0.1:";
    if (ep.compare(0, head.size(), head) != 0 || ep.size() == head.size())
        return false;
    for (size_t i = head.size(); i < ep.size(); ++i)
        if (ep[i] < '0' || ep[i] > '9')
            return false;
    const long port = std::stol(ep.substr(head.size()));
    return port > 0 && port < 65536;
}

void reqrep_inproc()
{
    zmq::context_t ctx;
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    zmq::socket_t req(ctx, zmq::socket_type::req);
    rep.bind("inproc://cz-reqrep");
    req.connect("inproc://cz-reqrep");
    bool rounds = true;
    for (int i = 0; i < 5; ++i) {
        const std::string q = "ping-" + std::to_string(i);
        zmq::message_t out(q);
        auto sr = req.send(out, zmq::send_flags::none);
        rounds = rounds && sr && *sr == q.size();
        zmq::message_t in;
        auto rr = rep.recv(in, zmq::recv_flags::none);
        rounds = rounds && rr && *rr == q.size() && in.to_string() == q;
        rounds = rounds && !in.more();
        rep.send(zmq::buffer("pong-" + std::to_string(i)), zmq::send_flags::none);
        rounds = rounds && msg_str(req) == "pong-" + std::to_string(i);
    }
    CHECK(rounds, "REQ/REP inproc: 5 round trips with message_t and buffers");

    req.send(zmq::str_buffer("long?"), zmq::send_flags::none);
    (void) msg_str(rep);
    rep.send(zmq::str_buffer("truncate-me-please"), zmq::send_flags::none);
    std::array<char, 8> small{};
    zmq::recv_buffer_result_t rb = req.recv(zmq::buffer(small));
    CHECK(rb.has_value() && rb->size == 8 && rb->untruncated_size == 18
            && rb->truncated(),
          "recv into an 8-byte buffer reports truncation (8 of 18)");
    CHECK_EQ(std::string(small.data(), 8), std::string("truncate"),
             "truncated buffer holds the first bytes");
}

void reqrep_tcp()
{
    zmq::context_t ctx;
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    rep.bind("tcp://127.0.0.1:*");
    const std::string ep = rep.get(zmq::sockopt::last_endpoint);
    std::printf("REP bound to %s\n", ep.c_str());
    CHECK(tcp_endpoint_ok(ep), "last_endpoint of tcp://127.0.0.1:* names the port");
    zmq::socket_t req(ctx, zmq::socket_type::req);
    req.connect(ep);
    CHECK_EQ(req.get(zmq::sockopt::last_endpoint), ep, "last_endpoint after connect");

    req.send(zmq::str_buffer("over-tcp"), zmq::send_flags::none);
    zmq::message_t in;
    rep.set(zmq::sockopt::rcvtimeo, 5000);
    CHECK(rep.recv(in).has_value(), "REP received over tcp");
    CHECK_EQ(in.to_string(), std::string("over-tcp"), "tcp request content");
    CHECK_EQ(std::string(in.gets("Socket-Type")), std::string("REQ"),
             "gets(\"Socket-Type\") names the peer type");
    CHECK_EQ(std::string(in.gets("Peer-Address")), std::string("127.0.0.1"),
             "gets(\"Peer-Address\")");
    CHECK_ERR((void) in.gets("X-Nothing"), EINVAL, "gets(unknown property): EINVAL");
    CHECK(in.get(ZMQ_SRCFD) >= 0, "get(ZMQ_SRCFD) is a descriptor");
    CHECK_EQ(in.get(ZMQ_MORE), 0, "get(ZMQ_MORE) on a single part");

    const std::string big(200000, 'z');
    rep.send(zmq::buffer(big), zmq::send_flags::none);
    req.set(zmq::sockopt::rcvtimeo, 5000);
    zmq::message_t reply;
    CHECK(req.recv(reply).has_value() && reply.to_string() == big,
          "200 kB reply over tcp");

    rep.unbind(ep);
    CHECK(true, "unbind the wildcard-resolved endpoint");
    req.disconnect(ep);
    CHECK(true, "disconnect the endpoint");
}

void pubsub_tcp()
{
    zmq::context_t ctx;
    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    pub.bind("tcp://127.0.0.1:*");
    const std::string ep = pub.get(zmq::sockopt::last_endpoint);
    CHECK(tcp_endpoint_ok(ep), "PUB last_endpoint over tcp");
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, "weather.");
    sub.connect(ep);
    CHECK(sync_sub(pub, sub, "weather."), "subscription reached the publisher");

    for (const char *t : {"sports.1", "weather.1", "weathe", "Weather.2",
                          "weather.2", "news.weather.3", "weather."})
        pub.send(zmq::buffer(std::string_view(t)), zmq::send_flags::none);
    pub.send(zmq::str_buffer("weather.end"), zmq::send_flags::none);
    std::vector<std::string> got;
    for (;;) {
        const std::string s = cz::recv_str(sub);
        got.push_back(s);
        if (s == "weather.end" || s == "<none>")
            break;
    }
    const std::vector<std::string> want = {"weather.1", "weather.2", "weather.",
                                           "weather.end"};
    CHECK(got == want, "prefix filter passes exactly the weather.* messages");

    // Multipart: the filter applies to the first part, the rest follow.
    pub.send(zmq::str_buffer("weather.mp"), zmq::send_flags::sndmore);
    pub.send(zmq::str_buffer("body"), zmq::send_flags::sndmore);
    pub.send(zmq::str_buffer(""), zmq::send_flags::none);
    std::vector<zmq::message_t> parts;
    sub.set(zmq::sockopt::rcvtimeo, 5000);
    auto n = zmq::recv_multipart(sub, std::back_inserter(parts));
    CHECK(n && *n == 3 && parts[0].to_string() == "weather.mp"
            && parts[1].to_string() == "body" && parts[2].empty(),
          "multipart publication arrives whole");

    // A second subscription, then unsubscribing the first: ordered on the pipe.
    sub.set(zmq::sockopt::subscribe, "ctl.");
    sub.set(zmq::sockopt::unsubscribe, "weather.");
    CHECK(sync_sub(pub, sub, "ctl."), "second subscription active");
    pub.send(zmq::str_buffer("weather.late"), zmq::send_flags::none);
    pub.send(zmq::str_buffer("ctl.end"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(sub), std::string("ctl.end"),
             "unsubscribed prefix no longer delivered");
}

void pubsub_inproc()
{
    zmq::context_t ctx;
    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    pub.bind("inproc://cz-pubsub");
    zmq::socket_t all(ctx, zmq::socket_type::sub);
    all.set(zmq::sockopt::subscribe, "");
    all.connect("inproc://cz-pubsub");
    zmq::socket_t only_b(ctx, zmq::socket_type::sub);
    only_b.set(zmq::sockopt::subscribe, "b");
    only_b.connect("inproc://cz-pubsub");
    zmq::socket_t none(ctx, zmq::socket_type::sub);
    none.connect("inproc://cz-pubsub");
    CHECK(sync_sub(pub, all, "b") && sync_sub(pub, only_b, "b"),
          "inproc subscribers attached");
    // all got only_b's sync messages too: drain through a marker.
    pub.send(zmq::str_buffer("b-marker"), zmq::send_flags::none);
    std::string drained;
    do
        drained = cz::recv_str(all);
    while (drained != "b-marker" && drained != "<none>");
    CHECK_EQ(cz::recv_str(only_b), std::string("b-marker"), "marker reached both");
    for (const char *t : {"a1", "b1", "c1", "b2"})
        pub.send(zmq::buffer(std::string_view(t)), zmq::send_flags::none);
    std::string seen_all;
    std::string seen_b;
    for (int i = 0; i < 4; ++i)
        seen_all += cz::recv_str(all) + " ";
    for (int i = 0; i < 2; ++i)
        seen_b += cz::recv_str(only_b) + " ";
    CHECK_EQ(seen_all, std::string("a1 b1 c1 b2 "), "empty subscription gets everything");
    CHECK_EQ(seen_b, std::string("b1 b2 "), "prefix b gets b1 and b2");
    zmq::message_t m;
    CHECK(!none.recv(m, zmq::recv_flags::dontwait).has_value(),
          "SUB without subscription receives nothing");
    CHECK(!only_b.recv(m, zmq::recv_flags::dontwait).has_value(),
          "prefix subscriber has nothing more");
}

void xpub_xsub()
{
    zmq::context_t ctx;
    zmq::socket_t xpub(ctx, zmq::socket_type::xpub);
    xpub.set(zmq::sockopt::xpub_verbose, true);
    xpub.set(zmq::sockopt::xpub_welcome_msg, "W-hello");
    xpub.set(zmq::sockopt::rcvtimeo, 5000);
    xpub.bind("tcp://127.0.0.1:*");
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::rcvtimeo, 5000);
    sub.set(zmq::sockopt::subscribe, "W-");
    sub.connect(xpub.get(zmq::sockopt::last_endpoint));
    // XPUB attaches the new peer (and sends the welcome) when it next runs.
    CHECK_EQ(msg_str(xpub), std::string("\x01W-"), "XPUB receives the subscription");
    CHECK_EQ(msg_str(sub), std::string("W-hello"), "SUB gets the XPUB welcome message");
    sub.set(zmq::sockopt::subscribe, "topic");
    CHECK_EQ(msg_str(xpub), std::string("\x01topic"), "second subscription message");
    sub.set(zmq::sockopt::subscribe, "topic");
    CHECK_EQ(msg_str(xpub), std::string("\x01topic"),
             "xpub_verbose passes a duplicate subscription");
    xpub.send(zmq::str_buffer("topic:data"), zmq::send_flags::none);
    CHECK_EQ(msg_str(sub), std::string("topic:data"), "XPUB publishes to the subscriber");
    sub.set(zmq::sockopt::unsubscribe, "topic");
    sub.set(zmq::sockopt::unsubscribe, "topic");
    CHECK_EQ(msg_str(xpub), std::string("\0topic", 6),
             "unsubscribe message after the last reference goes");

    zmq::socket_t xsub(ctx, zmq::socket_type::xsub);
    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    pub.bind("inproc://cz-xsub");
    xsub.connect("inproc://cz-xsub");
    xsub.send(zmq::str_buffer("\x01news"), zmq::send_flags::none);
    CHECK(sync_sub(pub, xsub, "news"), "XSUB subscribes by sending \\x01news");
    pub.send(zmq::str_buffer("other"), zmq::send_flags::none);
    pub.send(zmq::str_buffer("news!"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(xsub), std::string("news!"), "XSUB filters like SUB");
}

void conflate_inproc()
{
    zmq::context_t ctx;
    zmq::socket_t pull(ctx, zmq::socket_type::pull);
    pull.set(zmq::sockopt::conflate, true);
    pull.bind("inproc://cz-conflate");
    zmq::socket_t push(ctx, zmq::socket_type::push);
    push.connect("inproc://cz-conflate");
    for (int i = 0; i < 5; ++i)
        push.send(zmq::buffer("state-" + std::to_string(i)), zmq::send_flags::none);
    std::string last;
    for (int i = 0; i < 100 && last != "state-4"; ++i)
        last = cz::recv_str(pull, std::chrono::milliseconds(50));
    CHECK_EQ(last, std::string("state-4"), "conflate keeps the latest message");
    zmq::message_t m;
    CHECK(!pull.recv(m, zmq::recv_flags::dontwait).has_value(),
          "and nothing else is queued");
}

void pushpull_ipc()
{
    zmq::context_t ctx;
    const std::string ep = "ipc://" + ipc_dir + "/pushpull.sock";
    zmq::socket_t pull(ctx, zmq::socket_type::pull);
    pull.bind(ep);
    CHECK_EQ(pull.get(zmq::sockopt::last_endpoint), ep, "ipc last_endpoint");
    zmq::socket_t p1(ctx, zmq::socket_type::push);
    zmq::socket_t p2(ctx, zmq::socket_type::push);
    p1.connect(ep);
    p2.connect(ep);
    const std::string big(1 << 20, 'M');
    for (int i = 0; i < 10; ++i) {
        p1.send(zmq::buffer("one-" + std::to_string(i)), zmq::send_flags::none);
        p2.send(zmq::buffer("two-" + std::to_string(i)), zmq::send_flags::none);
    }
    p1.send(zmq::buffer(big), zmq::send_flags::none);
    p2.send(zmq::str_buffer("head"), zmq::send_flags::sndmore);
    p2.send(zmq::str_buffer("middle"), zmq::send_flags::sndmore);
    p2.send(zmq::str_buffer("tail"), zmq::send_flags::none);

    pull.set(zmq::sockopt::rcvtimeo, 5000);
    std::map<std::string, int> next = {{"one-", 0}, {"two-", 0}};
    bool ordered = true;
    bool big_ok = false;
    bool multipart_ok = false;
    int count = 0;
    for (int i = 0; i < 22; ++i) {
        zmq::message_t m;
        if (!pull.recv(m))
            break;
        ++count;
        const std::string s = m.to_string();
        if (s == "head") {
            const bool more1 = pull.get(zmq::sockopt::rcvmore) == 1 && m.more();
            const std::string mid = msg_str(pull);
            const bool more2 = pull.get(zmq::sockopt::rcvmore) == 1;
            const std::string tail = msg_str(pull);
            const bool more3 = pull.get(zmq::sockopt::rcvmore) == 0;
            multipart_ok = more1 && more2 && more3 && mid == "middle" && tail == "tail";
        } else if (s.size() == big.size()) {
            big_ok = s == big;
        } else {
            const std::string who = s.substr(0, 4);
            ordered = ordered && next.count(who)
                      && s == who + std::to_string(next[who]++);
        }
    }
    CHECK_EQ(count, 22, "fan-in over ipc: all 22 messages arrive");
    CHECK(ordered && next["one-"] == 10 && next["two-"] == 10,
          "each sender's messages arrive in order");
    CHECK(big_ok, "1 MiB message over ipc");
    CHECK(multipart_ok, "three-part message with rcvmore over ipc");
    unlink((ipc_dir + "/pushpull.sock").c_str());
}

void pair_inproc()
{
    zmq::context_t ctx;
    zmq::socket_t a(ctx, zmq::socket_type::pair);
    zmq::socket_t b(ctx, zmq::socket_type::pair);
    a.connect("inproc://cz-pair");
    b.bind("inproc://cz-pair");
    CHECK(a.send(zmq::str_buffer("a->b"), zmq::send_flags::dontwait).has_value(),
          "PAIR connected before bind can send");
    CHECK_EQ(msg_str(b), std::string("a->b"), "PAIR a to b");
    b.send(zmq::message_t(std::string("b->a")), zmq::send_flags::none);
    CHECK_EQ(msg_str(a), std::string("b->a"), "PAIR b to a");

    zmq::message_t p1(std::string("part1"));
    zmq::message_t p2(std::string("part2"));
    a.send(p1, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    a.send(p2, zmq::send_flags::none);
    CHECK(p1.empty() && p2.empty(), "sent message_t objects are emptied");
    zmq::message_t r1;
    zmq::message_t r2;
    (void) b.recv(r1);
    CHECK(r1.more() && r1.get(ZMQ_MORE) == 1, "first part has more");
    (void) b.recv(r2);
    CHECK(r2.to_string() == "part2" && !r2.more(), "second part is the last");

}

void pair_tcp_hwm()
{
    zmq::context_t ctx;
    zmq::socket_t a(ctx, zmq::socket_type::pair);
    zmq::socket_t b(ctx, zmq::socket_type::pair);
    a.set(zmq::sockopt::sndhwm, 5);
    b.set(zmq::sockopt::rcvhwm, 5);
    a.set(zmq::sockopt::linger, 0);
    b.bind("tcp://127.0.0.1:*");
    a.connect(b.get(zmq::sockopt::last_endpoint));
    a.send(zmq::str_buffer("hello"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(b), std::string("hello"), "PAIR over tcp");
    // 64 kB messages: the kernel buffers hold only a few of them.
    const std::string chunk(65536, 'f');
    int sent = 0;
    a.set(zmq::sockopt::sndtimeo, 0);
    for (; sent < 10000; ++sent)
        if (!a.send(zmq::buffer(chunk), zmq::send_flags::none))
            break;
    std::printf("PAIR tcp accepted %d messages before EAGAIN\n", sent);
    CHECK(sent >= 1 && sent < 10000, "sndhwm makes send return empty (EAGAIN)");
    CHECK_EQ(zmq_errno(), EAGAIN, "errno EAGAIN at the HWM");
    int drained = 0;
    while (cz::recv_str(b, std::chrono::milliseconds(1000)) == chunk)
        ++drained;
    CHECK_EQ(drained, sent, "every accepted message delivered");
}

void dealer_router()
{
    zmq::context_t ctx;
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.set(zmq::sockopt::router_mandatory, true);
    router.bind("inproc://cz-router");
    zmq::socket_t d1(ctx, zmq::socket_type::dealer);
    zmq::socket_t d2(ctx, zmq::socket_type::dealer);
    d1.set(zmq::sockopt::routing_id, "alpha");
    d2.set(zmq::sockopt::routing_id, zmq::buffer(std::string("beta")));
    d1.connect("inproc://cz-router");
    d2.connect("inproc://cz-router");
    d1.send(zmq::str_buffer("from alpha"), zmq::send_flags::none);
    d2.send(zmq::str_buffer("from beta"), zmq::send_flags::none);

    std::map<std::string, std::string> by_id;
    router.set(zmq::sockopt::rcvtimeo, 5000);
    for (int i = 0; i < 2; ++i) {
        std::vector<zmq::message_t> parts;
        auto n = zmq::recv_multipart(router, std::back_inserter(parts));
        if (n && *n == 2)
            by_id[parts[0].to_string()] = parts[1].to_string();
    }
    CHECK(by_id.size() == 2 && by_id["alpha"] == "from alpha"
            && by_id["beta"] == "from beta",
          "ROUTER sees [routing id, payload] from each DEALER");

    for (const char *id : {"beta", "alpha"}) {
        std::array<zmq::const_buffer, 2> reply = {
          zmq::buffer(std::string_view(id)), zmq::str_buffer("reply")};
        auto n = zmq::send_multipart(router, reply);
        CHECK(n && *n == 2, std::string("send_multipart to ") + id);
    }
    CHECK_EQ(msg_str(d1), std::string("reply"), "alpha got its reply");
    CHECK_EQ(msg_str(d2), std::string("reply"), "beta got its reply");

    CHECK_ERR(router.send(zmq::str_buffer("nobody"), zmq::send_flags::sndmore),
              EHOSTUNREACH, "router_mandatory: unknown peer is EHOSTUNREACH");

    // DEALER to REP needs the empty delimiter; REP strips and restores it.
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    rep.bind("inproc://cz-rep");
    zmq::socket_t d3(ctx, zmq::socket_type::dealer);
    d3.connect("inproc://cz-rep");
    d3.send(zmq::str_buffer(""), zmq::send_flags::sndmore);
    d3.send(zmq::str_buffer("question"), zmq::send_flags::none);
    CHECK_EQ(msg_str(rep), std::string("question"), "REP sees the body only");
    rep.send(zmq::str_buffer("answer"), zmq::send_flags::none);
    std::vector<zmq::message_t> back;
    d3.set(zmq::sockopt::rcvtimeo, 5000);
    auto n = zmq::recv_multipart(d3, std::back_inserter(back));
    CHECK(n && *n == 2 && back[0].empty() && back[1].to_string() == "answer",
          "DEALER gets [empty, answer] from REP");
}

void dealer_router_tcp()
{
    zmq::context_t ctx;
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.bind("tcp://127.0.0.1:*");
    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::routing_id, "tcp-dealer");
    dealer.connect(router.get(zmq::sockopt::last_endpoint));
    dealer.send(zmq::str_buffer("hi"), zmq::send_flags::none);
    router.set(zmq::sockopt::rcvtimeo, 5000);
    zmq::message_t id;
    zmq::message_t body;
    CHECK(router.recv(id).has_value() && router.recv(body).has_value(),
          "ROUTER over tcp received");
    CHECK_EQ(id.to_string(), std::string("tcp-dealer"),
             "routing id carried over tcp");
    CHECK_EQ(std::string(body.gets("Socket-Type")), std::string("DEALER"),
             "Socket-Type of a DEALER peer");
    CHECK_EQ(std::string(body.gets("Identity")), std::string("tcp-dealer"),
             "Identity property carries the routing id");
    router.send(id, zmq::send_flags::sndmore);
    router.send(zmq::str_buffer("back"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(dealer), std::string("back"), "ROUTER replied over tcp");
}

void poll_checks()
{
    zmq::context_t ctx;
    zmq::socket_t pull(ctx, zmq::socket_type::pull);
    zmq::socket_t push(ctx, zmq::socket_type::push);
    pull.bind("inproc://cz-poll");
    push.connect("inproc://cz-poll");
    int fds[2];
    CHECK_EQ(pipe(fds), 0, "pipe for a descriptor poll item");

    std::vector<zmq::pollitem_t> items = {
      {pull.handle(), 0, ZMQ_POLLIN, 0},
      {nullptr, fds[0], ZMQ_POLLIN, 0},
      {push.handle(), 0, ZMQ_POLLOUT, 0},
    };
    int n = zmq::poll(items, std::chrono::milliseconds(0));
    CHECK(n == 1 && items[2].revents == ZMQ_POLLOUT && items[0].revents == 0
            && items[1].revents == 0,
          "only PUSH is ready (POLLOUT)");
    items.pop_back();
    const auto t0 = std::chrono::steady_clock::now();
    n = zmq::poll(items, std::chrono::milliseconds(80));
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK_EQ(n, 0, "poll times out with nothing readable");
    CHECK(waited >= std::chrono::milliseconds(70), "poll waited about 80 ms");

    push.send(zmq::str_buffer("wake"), zmq::send_flags::none);
    n = zmq::poll(items, std::chrono::milliseconds(2000));
    CHECK(n == 1 && items[0].revents == ZMQ_POLLIN && items[1].revents == 0,
          "PULL readable after a send");
    CHECK_EQ(msg_str(pull, zmq::recv_flags::dontwait), std::string("wake"),
             "the message is there");

    CHECK_EQ(write(fds[1], "x", 1), static_cast<ssize_t>(1), "write to the pipe");
    std::array<zmq::pollitem_t, 2> arr = {items[0], items[1]};
    n = zmq::poll(arr, std::chrono::milliseconds(2000));
    CHECK(n == 1 && arr[1].revents == ZMQ_POLLIN && arr[0].revents == 0,
          "descriptor item readable (std::array overload)");
    close(fds[0]);
    close(fds[1]);

    n = zmq::poll(items.data(), 0, std::chrono::milliseconds(10));
    CHECK_EQ(n, 0, "poll of no items sleeps and returns 0");

    const int ev = pull.get(zmq::sockopt::events);
    CHECK_EQ(ev & ZMQ_POLLIN, 0, "sockopt::events without input");
    push.send(zmq::str_buffer("again"), zmq::send_flags::none);
    bool in = false;
    for (int i = 0; i < 100 && !in; ++i) {
        in = (pull.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0;
        if (!in)
            cz::sleep_ms(10);
    }
    CHECK(in, "sockopt::events shows POLLIN once a message is queued");
}
} // namespace

int main()
{
    cz::require_library("patterns");
    const char *tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp")
                       + "/cppzmq-ipc-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
        std::printf("FAIL cannot create a directory for ipc under %s\n", tmpl.c_str());
        return 1;
    }
    ipc_dir = tmpl;
    cz::section("REQ/REP inproc", reqrep_inproc);
    cz::section("REQ/REP tcp", reqrep_tcp);
    cz::section("PUB/SUB tcp", pubsub_tcp);
    cz::section("PUB/SUB inproc", pubsub_inproc);
    cz::section("XPUB/XSUB", xpub_xsub);
    cz::section("conflate", conflate_inproc);
    if (zmq_has("ipc"))
        cz::section("PUSH/PULL ipc", pushpull_ipc);
    else
        cz::check(false, "this libzmq supports ipc", __LINE__);
    cz::section("PAIR inproc", pair_inproc);
    cz::section("PAIR tcp HWM", pair_tcp_hwm);
    cz::section("DEALER/ROUTER inproc", dealer_router);
    cz::section("DEALER/ROUTER tcp", dealer_router_tcp);
    cz::section("zmq::poll", poll_checks);
    rmdir(ipc_dir.c_str());
    return cz::finish();
}
