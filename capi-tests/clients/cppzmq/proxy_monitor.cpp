// cppzmq in threads: zmq::proxy (a ROUTER/DEALER broker with a capture
// socket, an XSUB/XPUB forwarder over tcp) ended by context shutdown with
// ETERM, zmq::proxy_steerable driven over a PAIR control socket (STATISTICS,
// PAUSE, RESUME, TERMINATE), monitor_t with its on_event_* callbacks over
// tcp, and ETERM delivered to a thread blocked in recv by shutdown() and by
// close().
#include "check.hpp"

#include <zmq_addon.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace
{
void proxy_broker()
{
    zmq::context_t ctx;
    zmq::socket_t front(ctx, zmq::socket_type::router);
    zmq::socket_t back(ctx, zmq::socket_type::dealer);
    zmq::socket_t capture(ctx, zmq::socket_type::push);
    for (zmq::socket_t *s : {&front, &back, &capture})
        s->set(zmq::sockopt::linger, 0);
    front.bind("inproc://cz-front");
    back.bind("inproc://cz-back");
    capture.bind("inproc://cz-capture");

    std::atomic<int> proxy_errno{0};
    std::atomic<bool> proxy_returned{false};
    std::thread t([&] {
        try {
            zmq::proxy(zmq::socket_ref(front), zmq::socket_ref(back),
                       zmq::socket_ref(capture));
            proxy_returned = true;
        } catch (const zmq::error_t &e) {
            proxy_errno = e.num();
        }
    });

    zmq::socket_t tap(ctx, zmq::socket_type::pull);
    zmq::socket_t worker(ctx, zmq::socket_type::rep);
    zmq::socket_t client(ctx, zmq::socket_type::req);
    for (zmq::socket_t *s : {&tap, &worker, &client}) {
        s->set(zmq::sockopt::linger, 0);
        s->set(zmq::sockopt::rcvtimeo, 5000);
    }
    tap.connect("inproc://cz-capture");
    worker.connect("inproc://cz-back");
    client.connect("inproc://cz-front");

    bool relayed = true;
    for (int i = 0; i < 5; ++i) {
        const std::string q = "req-" + std::to_string(i);
        client.send(zmq::buffer(q), zmq::send_flags::none);
        zmq::message_t m;
        relayed = relayed && worker.recv(m) && m.to_string() == q;
        worker.send(zmq::buffer("rep-" + std::to_string(i)), zmq::send_flags::none);
        relayed = relayed && client.recv(m) && m.to_string() == "rep-" + std::to_string(i);
    }
    CHECK(relayed, "zmq::proxy relays 5 REQ/REP round trips ROUTER->DEALER");

    std::vector<std::string> captured;
    for (int i = 0; i < 10; ++i) {
        std::vector<zmq::message_t> parts;
        auto n = zmq::recv_multipart(tap, std::back_inserter(parts));
        if (!n)
            break;
        captured.push_back(std::to_string(*n) + ":" + parts.back().to_string());
    }
    const std::vector<std::string> want_capture = {
      "3:req-0", "3:rep-0", "3:req-1", "3:rep-1", "3:req-2",
      "3:rep-2", "3:req-3", "3:rep-3", "3:req-4", "3:rep-4"};
    CHECK(captured == want_capture,
          "capture socket got every relayed message, envelope included");

    ctx.shutdown();
    t.join();
    CHECK(!proxy_returned, "zmq::proxy does not return normally on shutdown");
    CHECK_EQ(proxy_errno.load(), ETERM, "zmq::proxy throws error_t ETERM on shutdown");
}

void proxy_forwarder()
{
    zmq::context_t ctx;
    zmq::socket_t xsub(ctx, zmq::socket_type::xsub);
    zmq::socket_t xpub(ctx, zmq::socket_type::xpub);
    xsub.set(zmq::sockopt::linger, 0);
    xpub.set(zmq::sockopt::linger, 0);
    xsub.bind("tcp://127.0.0.1:*");
    xpub.bind("tcp://127.0.0.1:*");
    const std::string in_ep = xsub.get(zmq::sockopt::last_endpoint);
    const std::string out_ep = xpub.get(zmq::sockopt::last_endpoint);

    std::atomic<int> proxy_errno{0};
    std::thread t([&] {
        try {
            zmq::proxy(zmq::socket_ref(xsub), zmq::socket_ref(xpub));
        } catch (const zmq::error_t &e) {
            proxy_errno = e.num();
        }
    });

    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    pub.set(zmq::sockopt::linger, 0);
    sub.set(zmq::sockopt::linger, 0);
    pub.connect(in_ep);
    sub.set(zmq::sockopt::subscribe, "fwd.");
    sub.connect(out_ep);

    // The subscription travels SUB -> XPUB -> proxy -> XSUB -> PUB.
    bool through = false;
    for (int i = 0; i < 250 && !through; ++i) {
        pub.send(zmq::str_buffer("fwd.ping"), zmq::send_flags::none);
        through = cz::recv_str(sub, std::chrono::milliseconds(20)) == "fwd.ping";
    }
    CHECK(through, "XSUB/XPUB forwarder: subscription reached the publisher");
    while (cz::recv_str(sub, std::chrono::milliseconds(100)) != "<none>") {
    }
    pub.send(zmq::str_buffer("other.x"), zmq::send_flags::none);
    pub.send(zmq::str_buffer("fwd.data"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(sub), std::string("fwd.data"),
             "forwarded publication passes the filter, the other does not");

    ctx.shutdown();
    t.join();
    CHECK_EQ(proxy_errno.load(), ETERM, "forwarder ends with ETERM on shutdown");
}

std::vector<uint64_t> statistics(zmq::socket_t &control)
{
    control.send(zmq::str_buffer("STATISTICS"), zmq::send_flags::none);
    std::vector<zmq::message_t> parts;
    std::vector<uint64_t> values;
    auto n = zmq::recv_multipart(control, std::back_inserter(parts));
    if (!n)
        return values;
    for (auto &p : parts) {
        uint64_t v = UINT64_MAX;
        if (p.size() == sizeof v)
            std::memcpy(&v, p.data(), sizeof v);
        values.push_back(v);
    }
    return values;
}

void proxy_steered()
{
    zmq::context_t ctx;
    zmq::socket_t front(ctx, zmq::socket_type::pull);
    zmq::socket_t back(ctx, zmq::socket_type::push);
    zmq::socket_t control(ctx, zmq::socket_type::pair);
    front.bind("inproc://cz-sfront");
    back.bind("inproc://cz-sback");
    control.bind("inproc://cz-control");

    std::atomic<int> proxy_errno{0};
    std::atomic<bool> proxy_returned{false};
    std::thread t([&] {
        try {
            zmq::proxy_steerable(zmq::socket_ref(front), zmq::socket_ref(back),
                                 zmq::socket_ref(), zmq::socket_ref(control));
            proxy_returned = true;
        } catch (const zmq::error_t &e) {
            proxy_errno = e.num();
        }
    });

    zmq::socket_t producer(ctx, zmq::socket_type::push);
    zmq::socket_t consumer(ctx, zmq::socket_type::pull);
    zmq::socket_t steer(ctx, zmq::socket_type::pair);
    for (zmq::socket_t *s : {&producer, &consumer, &steer}) {
        s->set(zmq::sockopt::linger, 0);
        s->set(zmq::sockopt::rcvtimeo, 5000);
    }
    producer.connect("inproc://cz-sfront");
    consumer.connect("inproc://cz-sback");
    steer.connect("inproc://cz-control");

    for (const char *s : {"one", "two", "three"})
        producer.send(zmq::buffer(std::string_view(s)), zmq::send_flags::none);
    std::string got;
    for (int i = 0; i < 3; ++i)
        got += cz::recv_str(consumer) + " ";
    CHECK_EQ(got, std::string("one two three "), "proxy_steerable forwards PULL->PUSH");

    const std::vector<uint64_t> st = statistics(steer);
    CHECK_EQ(st.size(), static_cast<size_t>(8), "STATISTICS answers 8 frames");
    if (st.size() == 8) {
        CHECK(st[0] == 3 && st[1] == 11 && st[2] == 0 && st[3] == 0,
              "frontend counters: 3 messages, 11 bytes in, nothing out");
        CHECK(st[4] == 0 && st[5] == 0 && st[6] == 3 && st[7] == 11,
              "backend counters: nothing in, 3 messages, 11 bytes out");
    }

    steer.send(zmq::str_buffer("PAUSE"), zmq::send_flags::none);
    (void) statistics(steer); // answered after PAUSE took effect
    producer.send(zmq::str_buffer("held"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(consumer, std::chrono::milliseconds(300)),
             std::string("<none>"), "nothing forwarded while paused");
    steer.send(zmq::str_buffer("RESUME"), zmq::send_flags::none);
    CHECK_EQ(cz::recv_str(consumer), std::string("held"),
             "the held message is forwarded after RESUME");

    steer.send(zmq::str_buffer("TERMINATE"), zmq::send_flags::none);
    t.join();
    CHECK(proxy_returned && proxy_errno == 0,
          "TERMINATE makes proxy_steerable return without an error");
    for (zmq::socket_t *s : {&front, &back, &control})
        s->set(zmq::sockopt::linger, 0);
}

struct event_log : zmq::monitor_t
{
    struct entry
    {
        int event;
        int value;
        std::string addr;
    };
    std::vector<entry> seen;
    bool started = false;

    void note(const zmq_event_t &e, const char *addr)
    {
        seen.push_back({e.event, e.value, addr});
    }
    const entry *find(int event) const
    {
        for (const auto &e : seen)
            if (e.event == event)
                return &e;
        return nullptr;
    }
    // Pumps events until one of the given type arrives or time runs out.
    const entry *wait_for(int event, int ms = 5000)
    {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (find(event) == nullptr && std::chrono::steady_clock::now() < end)
            check_event(50);
        return find(event);
    }

    void on_monitor_started() override { started = true; }
    void on_event_connected(const zmq_event_t &e, const char *a) override { note(e, a); }
    void on_event_connect_delayed(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_connect_retried(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_listening(const zmq_event_t &e, const char *a) override { note(e, a); }
    void on_event_bind_failed(const zmq_event_t &e, const char *a) override { note(e, a); }
    void on_event_accepted(const zmq_event_t &e, const char *a) override { note(e, a); }
    void on_event_accept_failed(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_closed(const zmq_event_t &e, const char *a) override { note(e, a); }
    void on_event_close_failed(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_disconnected(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_handshake_failed_no_detail(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_handshake_failed_protocol(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_handshake_failed_auth(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_handshake_succeeded(const zmq_event_t &e, const char *a) override
    {
        note(e, a);
    }
    void on_event_unknown(const zmq_event_t &e, const char *a) override { note(e, a); }
};

void monitor_session()
{
    zmq::context_t ctx;
    zmq::socket_t server(ctx, zmq::socket_type::rep);
    zmq::socket_t client(ctx, zmq::socket_type::req);
    server.set(zmq::sockopt::linger, 0);
    client.set(zmq::sockopt::linger, 0);
    {
        event_log smon;
        event_log cmon;
        smon.init(server, "inproc://cz-mon-server");
        cmon.init(client, "inproc://cz-mon-client", ZMQ_EVENT_ALL);
        CHECK(smon.started && cmon.started, "on_monitor_started called by init");

        server.bind("tcp://127.0.0.1:*");
        const std::string ep = server.get(zmq::sockopt::last_endpoint);
        const auto *listening = smon.wait_for(ZMQ_EVENT_LISTENING);
        CHECK(listening != nullptr, "on_event_listening");
        if (listening)
            CHECK_EQ(listening->addr, ep, "listening address is the bound endpoint");

        client.connect(ep);
        const auto *connected = cmon.wait_for(ZMQ_EVENT_CONNECTED);
        CHECK(connected != nullptr, "on_event_connected");
        if (connected) {
            CHECK_EQ(connected->addr, ep, "connected address is the endpoint");
            CHECK(connected->value >= 0, "connected value is the descriptor");
        }
        CHECK(smon.wait_for(ZMQ_EVENT_ACCEPTED) != nullptr, "on_event_accepted");
        CHECK(smon.wait_for(ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != nullptr,
              "server on_event_handshake_succeeded");
        CHECK(cmon.wait_for(ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != nullptr,
              "client on_event_handshake_succeeded");

        client.send(zmq::str_buffer("monitored"), zmq::send_flags::none);
        CHECK_EQ(cz::recv_str(server), std::string("monitored"),
                 "traffic flows on the monitored sockets");
        server.send(zmq::str_buffer("ack"), zmq::send_flags::none);
        CHECK_EQ(cz::recv_str(client), std::string("ack"), "reply on monitored sockets");

        zmq::socket_t second(ctx, zmq::socket_type::rep);
        second.set(zmq::sockopt::linger, 0);
        {
            event_log bmon;
            bmon.init(second, "inproc://cz-mon-second");
            CHECK_ERR(second.bind(ep), EADDRINUSE, "bind to a port in use: EADDRINUSE");
            const auto *failed = bmon.wait_for(ZMQ_EVENT_BIND_FAILED);
            CHECK(failed != nullptr, "on_event_bind_failed");
            if (failed)
                CHECK_EQ(failed->value, EADDRINUSE, "bind_failed value is EADDRINUSE");
            bmon.abort();
        }

        // The client goes away: the server sees the peer disconnect.
        cmon.abort();
        const auto t0 = std::chrono::steady_clock::now();
        const bool more = cmon.check_event(2000);
        CHECK(!more && std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1500),
              "after abort() check_event reports the monitor stopped");
        client.close();
        CHECK(smon.wait_for(ZMQ_EVENT_DISCONNECTED) != nullptr,
              "on_event_disconnected when the peer closes");

        server.unbind(ep);
        const auto *closed = smon.wait_for(ZMQ_EVENT_CLOSED);
        CHECK(closed != nullptr, "on_event_closed when the listener is unbound");
        if (closed)
            CHECK_EQ(closed->addr, ep, "closed address is the endpoint");
        smon.abort();
    }
}

void monitor_failures()
{
    zmq::context_t ctx;
    // A port nobody listens on: held by a bound, non-listening TCP socket,
    // so connecting is refused and no one else can take the port meanwhile.
    const int holder = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t addrlen = sizeof addr;
    const bool held = holder >= 0
                      && bind(holder, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
                      && getsockname(holder, reinterpret_cast<sockaddr *>(&addr), &addrlen)
                           == 0;
    CHECK(held, "a port held without listening");
    const std::string ep = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::reconnect_ivl, 50);
    {
        event_log mon;
        mon.init(dealer, "inproc://cz-mon-retry",
                 ZMQ_EVENT_CONNECT_DELAYED | ZMQ_EVENT_CONNECT_RETRIED);
        dealer.connect(ep);
        const auto *retried = mon.wait_for(ZMQ_EVENT_CONNECT_RETRIED);
        CHECK(retried != nullptr, "on_event_connect_retried for a dead port");
        if (retried) {
            std::printf("connect_retried value %d\n", retried->value);
            CHECK(retried->value >= 50, "retried value is the reconnect interval");
        }
        CHECK(mon.find(ZMQ_EVENT_CONNECT_DELAYED) != nullptr,
              "on_event_connect_delayed came first");
        bool only_asked = true;
        for (const auto &e : mon.seen)
            only_asked = only_asked
                         && (e.event == ZMQ_EVENT_CONNECT_DELAYED
                             || e.event == ZMQ_EVENT_CONNECT_RETRIED);
        CHECK(only_asked, "only the events asked for are reported");
        mon.abort();
    }
    if (holder >= 0)
        close(holder);

    // Mechanism mismatch: PLAIN client, NULL server.
    zmq::socket_t server(ctx, zmq::socket_type::rep);
    zmq::socket_t client(ctx, zmq::socket_type::req);
    server.set(zmq::sockopt::linger, 0);
    client.set(zmq::sockopt::linger, 0);
    client.set(zmq::sockopt::plain_username, "user");
    client.set(zmq::sockopt::plain_password, "pass");
    {
        event_log smon;
        event_log cmon;
        smon.init(server, "inproc://cz-mon-mm-server");
        cmon.init(client, "inproc://cz-mon-mm-client");
        server.bind("tcp://127.0.0.1:*");
        client.connect(server.get(zmq::sockopt::last_endpoint));
        const auto *sf = smon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
        const auto *cf = cmon.wait_for(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
        CHECK(sf != nullptr, "server on_event_handshake_failed_protocol");
        CHECK(cf != nullptr, "client on_event_handshake_failed_protocol");
        if (sf)
            CHECK_EQ(sf->value, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH,
                     "server failure value: mechanism mismatch");
        if (cf)
            CHECK_EQ(cf->value, ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH,
                     "client failure value: mechanism mismatch");
        CHECK(smon.find(ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == nullptr
                && cmon.find(ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == nullptr,
              "no handshake succeeded");
        smon.abort();
        cmon.abort();
    }
}

void eterm_in_threads()
{
    for (const bool use_close : {false, true}) {
        const std::string how = use_close ? "close()" : "shutdown()";
        zmq::context_t ctx;
        std::atomic<bool> ready{false};
        std::atomic<int> err{0};
        std::thread t([&] {
            zmq::socket_t s(ctx, zmq::socket_type::pull);
            s.bind("inproc://cz-blocked");
            ready = true;
            try {
                zmq::message_t m;
                (void) s.recv(m);
            } catch (const zmq::error_t &e) {
                err = e.num();
            }
        });
        while (!ready)
            cz::sleep_ms(5);
        cz::sleep_ms(50);
        if (use_close)
            ctx.close();
        else
            ctx.shutdown();
        t.join();
        CHECK_EQ(err.load(), ETERM, "blocked recv gets ETERM from " + how);
    }
}
} // namespace

int main()
{
    cz::require_library("proxy_monitor");
    cz::section("zmq::proxy", proxy_broker);
    cz::section("zmq::proxy forwarder", proxy_forwarder);
    cz::section("zmq::proxy_steerable", proxy_steered);
    cz::section("monitor_t session", monitor_session);
    cz::section("monitor_t failures", monitor_failures);
    cz::section("ETERM in threads", eterm_in_threads);
    return cz::finish();
}
