// cppzmq without a network: zmq::version, context_t and ctxopt, message_t,
// buffers, socket_t and socket_ref, zmq::sockopt round trips, error_t and the
// errno values behind it (EINVAL, EPROTONOSUPPORT, EADDRINUSE, ENOENT, EFSM,
// EAGAIN as an empty result, ETERM after shutdown).
#include "check.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace
{
void count_free(void *data, void *hint)
{
    (void) data;
    ++*static_cast<int *>(hint);
}

void version_checks()
{
    const auto v = zmq::version();
    std::printf("zmq::version() = %d.%d.%d\n", std::get<0>(v), std::get<1>(v),
                std::get<2>(v));
    CHECK_EQ(std::get<0>(v), ZMQ_VERSION_MAJOR, "version major matches zmq.h");
    CHECK_EQ(std::get<1>(v), ZMQ_VERSION_MINOR, "version minor matches zmq.h");
    CHECK_EQ(std::get<2>(v), ZMQ_VERSION_PATCH, "version patch matches zmq.h");
    CHECK(ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 0), "ZMQ_VERSION is 4.3 or later");
    CHECK(ZMQ_VERSION < ZMQ_MAKE_VERSION(4, 4, 0), "ZMQ_VERSION is before 4.4");
}

void context_checks()
{
    zmq::context_t ctx;
    CHECK(ctx.handle() != nullptr, "context_t() has a handle");
    CHECK_EQ(ctx.get(zmq::ctxopt::io_threads), 1, "io_threads default");
    CHECK_EQ(ctx.get(zmq::ctxopt::max_sockets), ZMQ_MAX_SOCKETS_DFLT,
             "max_sockets default");
    CHECK(ctx.get(zmq::ctxopt::socket_limit) >= ZMQ_MAX_SOCKETS_DFLT,
          "socket_limit at least the max_sockets default");
    CHECK_EQ(ctx.get(zmq::ctxopt::ipv6), 0, "ipv6 default");
    CHECK_EQ(ctx.get(zmq::ctxopt::blocky), 1, "blocky default");
    CHECK_EQ(ctx.get(zmq::ctxopt::max_msgsz), INT_MAX, "max_msgsz default");
    CHECK_EQ(ctx.get(zmq::ctxopt::msg_t_size), static_cast<int>(sizeof(zmq_msg_t)),
             "msg_t_size is sizeof(zmq_msg_t)");
    CHECK_EQ(sizeof(zmq_msg_t), static_cast<size_t>(64), "sizeof(zmq_msg_t)");

    ctx.set(zmq::ctxopt::io_threads, 2);
    CHECK_EQ(ctx.get(zmq::ctxopt::io_threads), 2, "io_threads set to 2");
    ctx.set(zmq::ctxopt::max_sockets, 77);
    CHECK_EQ(ctx.get(zmq::ctxopt::max_sockets), 77, "max_sockets set to 77");
    ctx.set(zmq::ctxopt::ipv6, 1);
    CHECK_EQ(ctx.get(zmq::ctxopt::ipv6), 1, "ipv6 set");
    ctx.set(zmq::ctxopt::blocky, 0);
    CHECK_EQ(ctx.get(zmq::ctxopt::blocky), 0, "blocky cleared");
    ctx.set(zmq::ctxopt::max_msgsz, 4096);
    CHECK_EQ(ctx.get(zmq::ctxopt::max_msgsz), 4096, "max_msgsz set");
    ctx.set(zmq::ctxopt::thread_name_prefix, 7);
    CHECK(true, "thread_name_prefix accepted");
    CHECK_ERR(ctx.set(zmq::ctxopt::io_threads, -1), EINVAL,
              "io_threads -1 rejected with EINVAL");
    CHECK_ERR(ctx.set(static_cast<zmq::ctxopt>(9999), 1), EINVAL,
              "unknown context option set: EINVAL");
    CHECK_ERR((void) ctx.get(static_cast<zmq::ctxopt>(9999)), EINVAL,
              "unknown context option get: EINVAL");

    zmq::context_t sized(1, 16);
    CHECK_EQ(sized.get(zmq::ctxopt::max_sockets), 16,
             "context_t(1, 16) has max_sockets 16");
    {
        std::vector<zmq::socket_t> socks;
        for (int i = 0; i < 16; ++i)
            socks.emplace_back(sized, zmq::socket_type::pair);
        CHECK_EQ(socks.size(), static_cast<size_t>(16), "16 sockets created");
        CHECK_ERR(zmq::socket_t extra(sized, zmq::socket_type::pair), EMFILE,
                  "17th socket: EMFILE");
    }

    void *raw = ctx.handle();
    zmq::context_t moved(std::move(ctx));
    CHECK(moved.handle() == raw && ctx.handle() == nullptr,
          "context_t move constructor transfers the handle");
    zmq::context_t other;
    void *raw_other = other.handle();
    other.swap(moved);
    CHECK(other.handle() == raw && moved.handle() == raw_other,
          "context_t swap");
    other.close();
    CHECK(other.handle() == nullptr, "context_t close clears the handle");
    other.close();
    CHECK(true, "context_t close twice is harmless");
}

void message_checks()
{
    zmq::message_t empty;
    CHECK(empty.empty() && empty.size() == 0, "message_t() is empty");
    CHECK(!empty.more(), "message_t() has no more flag");
    CHECK_EQ(empty.get(ZMQ_MORE), 0, "get(ZMQ_MORE) on a new message");

    zmq::message_t sized(10);
    CHECK_EQ(sized.size(), static_cast<size_t>(10), "message_t(10) size");
    std::memset(sized.data(), 'x', sized.size());
    CHECK_EQ(sized.to_string(), std::string(10, 'x'), "message_t(10) writable");

    const char raw[] = {'a', '\0', 'b'};
    zmq::message_t from_ptr(raw, sizeof raw);
    CHECK_EQ(from_ptr.to_string(), std::string(raw, 3),
             "message_t(ptr, size) keeps embedded NUL");
    zmq::message_t from_null(nullptr, 0);
    CHECK(from_null.empty(), "message_t(nullptr, 0) is empty");

    const std::string hello = "hello";
    zmq::message_t from_str(hello);
    CHECK_EQ(from_str.to_string(), hello, "message_t(std::string)");
    zmq::message_t from_view(std::string_view("view-text"));
    CHECK_EQ(from_view.to_string_view(), std::string_view("view-text"),
             "message_t(std::string_view) and to_string_view");
    CHECK_EQ(*from_view.data<char>(), 'v', "data<char>()");

    const std::vector<int> ints = {1, 2, 3, 4};
    zmq::message_t from_range(ints);
    CHECK_EQ(from_range.size(), 4 * sizeof(int), "message_t(vector<int>) size");
    CHECK_EQ(from_range.data<int>()[3], 4, "message_t(vector<int>) content");
    zmq::message_t from_iters(hello.begin() + 1, hello.end());
    CHECK_EQ(from_iters.to_string(), std::string("ello"),
             "message_t(first, last)");

    // Small messages live inside zmq_msg_t; cppzmq moves them bitwise.
    zmq::message_t small(std::string("tiny"));
    zmq::message_t small_moved(std::move(small));
    CHECK(small.empty() && small_moved.to_string() == "tiny",
          "move constructor of a small message");
    zmq::message_t big(std::string(300, 'B'));
    zmq::message_t assigned;
    assigned = std::move(big);
    CHECK_EQ(assigned.to_string(), std::string(300, 'B'),
             "move assignment of a large message");
    zmq::message_t a(std::string("left"));
    zmq::message_t b(std::string(100, 'R'));
    a.swap(b);
    CHECK(a.to_string() == std::string(100, 'R') && b.to_string() == "left",
          "message_t swap (small and large)");
    std::vector<zmq::message_t> many;
    for (int i = 0; i < 50; ++i)
        many.emplace_back(std::to_string(i) + (i % 2 ? std::string(80, '.') : ""));
    bool intact = true;
    for (int i = 0; i < 50; ++i)
        intact = intact
                 && many[i].to_string()
                      == std::to_string(i) + (i % 2 ? std::string(80, '.') : "");
    CHECK(intact, "messages relocated by a growing vector stay intact");

    zmq::message_t src(std::string(64, 's'));
    zmq::message_t dst;
    dst.move(src);
    CHECK(src.empty() && dst.to_string() == std::string(64, 's'),
          "move(message_t&) empties the source");
    zmq::message_t copy;
    copy.copy(dst);
    CHECK(copy == dst && dst.size() == 64, "copy(message_t&) keeps both");
    CHECK_EQ(dst.get(ZMQ_SHARED), 1, "large copied message reports ZMQ_SHARED");
    zmq::message_t small_src(std::string("xy"));
    zmq::message_t small_copy;
    small_copy.copy(small_src);
    CHECK_EQ(small_copy.to_string(), std::string("xy"), "copy of a small message");
    CHECK_EQ(small_src.get(ZMQ_SHARED), 0,
             "small copied message does not report ZMQ_SHARED");
    CHECK(zmq::message_t(std::string("q")) != zmq::message_t(std::string("r")),
          "operator!= on different content");

    int freed = 0;
    {
        char *block = new char[32];
        std::memcpy(block, "zero-copy", 9);
        zmq::message_t zc(block, 9, [](void *d, void *h) {
            delete[] static_cast<char *>(d);
            count_free(d, h);
        }, &freed);
        CHECK_EQ(zc.to_string(), std::string("zero-copy"),
                 "message_t(data, size, ffn, hint)");
        CHECK_EQ(freed, 0, "free function not called while the message lives");
    }
    CHECK_EQ(freed, 1, "free function called once when the message closes");

    zmq::message_t rb(std::string("old"));
    rb.rebuild();
    CHECK(rb.empty(), "rebuild()");
    rb.rebuild(static_cast<size_t>(5));
    CHECK_EQ(rb.size(), static_cast<size_t>(5), "rebuild(size)");
    rb.rebuild("abc", 3);
    CHECK_EQ(rb.to_string(), std::string("abc"), "rebuild(ptr, size)");
    static char fixed[] = "static-data";
    int freed2 = 0;
    rb.rebuild(fixed, 6, count_free, &freed2);
    CHECK_EQ(rb.to_string(), std::string("static"), "rebuild(data, size, ffn, hint)");
    rb.rebuild();
    CHECK_EQ(freed2, 1, "rebuild releases zero-copy data");

    const std::string dump = zmq::message_t(std::string("ab\x01")).str();
    CHECK(dump.find("[size 003]") != std::string::npos
            && dump.find("ab 01") != std::string::npos,
          "message_t::str() dump");

    CHECK_ERR((void) from_str.gets("Socket-Type"), EINVAL,
              "gets on a message that was never received: EINVAL");
    CHECK_ERR((void) from_str.get(12345), EINVAL, "get(unknown property): EINVAL");
}

void buffer_checks()
{
    std::string text = "buffer-text";
    zmq::mutable_buffer mb = zmq::buffer(text);
    CHECK(mb.data() == text.data() && mb.size() == text.size(),
          "buffer(std::string&)");
    zmq::const_buffer lit = zmq::str_buffer("literal");
    CHECK_EQ(lit.size(), static_cast<size_t>(7), "str_buffer drops the NUL");
    std::array<char, 16> arr{};
    zmq::mutable_buffer ab = zmq::buffer(arr);
    CHECK_EQ(ab.size(), static_cast<size_t>(16), "buffer(std::array)");
    zmq::const_buffer capped = zmq::buffer(text, 6);
    CHECK_EQ(std::string(static_cast<const char *>(capped.data()), capped.size()),
             std::string("buffer"), "buffer(container, max size)");
    zmq::const_buffer tail = zmq::const_buffer(text.data(), text.size()) + 7;
    CHECK_EQ(std::string(static_cast<const char *>(tail.data()), tail.size()),
             std::string("text"), "const_buffer + offset");
    const std::vector<uint16_t> words = {1, 2, 3};
    CHECK_EQ(zmq::buffer(words).size(), 3 * sizeof(uint16_t),
             "buffer(vector<uint16_t>) size in bytes");
    std::string_view sv = "view";
    CHECK_EQ(zmq::buffer(sv).size(), static_cast<size_t>(4), "buffer(string_view)");
}

void socket_object_checks()
{
    zmq::context_t ctx;
    zmq::socket_t none;
    CHECK(!none, "default socket_t is empty");
    zmq::socket_t s(ctx, zmq::socket_type::pair);
    CHECK(static_cast<bool>(s), "socket_t(ctx, socket_type::pair)");
    CHECK_EQ(s.get(zmq::sockopt::type), ZMQ_PAIR, "sockopt::type");
    CHECK(s.get(zmq::sockopt::socket_type) == zmq::socket_type::pair,
          "sockopt::socket_type");
    zmq::socket_t by_int(ctx, ZMQ_PUSH);
    CHECK_EQ(by_int.get(zmq::sockopt::type), ZMQ_PUSH, "socket_t(ctx, ZMQ_PUSH)");

    void *h = s.handle();
    zmq::socket_t moved(std::move(s));
    CHECK(moved.handle() == h && !s, "socket_t move constructor");
    zmq::socket_ref ref = moved;
    CHECK(ref == moved && ref.handle() == h, "socket_ref from socket_t");
    zmq::socket_ref nothing;
    CHECK(!nothing && nothing == nullptr, "default socket_ref is null");
    CHECK_EQ(ref.get(zmq::sockopt::type), ZMQ_PAIR, "option read through socket_ref");
    moved.swap(by_int);
    CHECK_EQ(moved.get(zmq::sockopt::type), ZMQ_PUSH, "socket_t swap");
    moved.close();
    CHECK(!moved, "socket_t close clears the handle");

    const zmq::socket_type all[] = {
      zmq::socket_type::req,    zmq::socket_type::rep,  zmq::socket_type::dealer,
      zmq::socket_type::router, zmq::socket_type::pub,  zmq::socket_type::sub,
      zmq::socket_type::xpub,   zmq::socket_type::xsub, zmq::socket_type::push,
      zmq::socket_type::pull,   zmq::socket_type::pair, zmq::socket_type::stream};
    bool types_ok = true;
    for (auto t : all) {
        zmq::socket_t x(ctx, t);
        types_ok = types_ok && x.get(zmq::sockopt::socket_type) == t;
    }
    CHECK(types_ok, "every stable socket_type creates that type");
    CHECK_ERR(zmq::socket_t bad(ctx, 99), EINVAL, "socket type 99: EINVAL");
}

void sockopt_checks()
{
    zmq::context_t ctx;
    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);

    CHECK_EQ(dealer.get(zmq::sockopt::linger), -1, "linger default -1");
    dealer.set(zmq::sockopt::linger, 0);
    CHECK_EQ(dealer.get(zmq::sockopt::linger), 0, "linger set 0");
    CHECK_EQ(dealer.get(zmq::sockopt::sndhwm), 1000, "sndhwm default");
    dealer.set(zmq::sockopt::sndhwm, 50);
    CHECK_EQ(dealer.get(zmq::sockopt::sndhwm), 50, "sndhwm set");
    dealer.set(zmq::sockopt::rcvhwm, 60);
    CHECK_EQ(dealer.get(zmq::sockopt::rcvhwm), 60, "rcvhwm set");
    CHECK_ERR(dealer.set(zmq::sockopt::sndhwm, -1), EINVAL, "sndhwm -1: EINVAL");
    CHECK_EQ(dealer.get(zmq::sockopt::rcvtimeo), -1, "rcvtimeo default");
    dealer.set(zmq::sockopt::rcvtimeo, 250);
    CHECK_EQ(dealer.get(zmq::sockopt::rcvtimeo), 250, "rcvtimeo set");
    dealer.set(zmq::sockopt::sndtimeo, 125);
    CHECK_EQ(dealer.get(zmq::sockopt::sndtimeo), 125, "sndtimeo set");

    CHECK_EQ(dealer.get(zmq::sockopt::routing_id), std::string(),
             "routing_id default empty");
    const std::string id("\0id\xff", 4);
    dealer.set(zmq::sockopt::routing_id, zmq::buffer(id));
    CHECK_EQ(dealer.get(zmq::sockopt::routing_id), id,
             "routing_id binary round trip (buffer)");
    dealer.set(zmq::sockopt::routing_id, std::string("peer-7"));
    std::array<char, 255> idbuf{};
    const size_t idlen = dealer.get(zmq::sockopt::routing_id, zmq::buffer(idbuf));
    CHECK_EQ(std::string(idbuf.data(), idlen), std::string("peer-7"),
             "routing_id read into a mutable_buffer");
    CHECK_ERR(dealer.set(zmq::sockopt::routing_id, zmq::buffer(std::string(256, 'x'))),
              EINVAL, "routing_id of 256 bytes: EINVAL");
    CHECK_ERR(dealer.set(zmq::sockopt::routing_id, zmq::const_buffer(nullptr, 0)),
              EINVAL, "empty routing_id: EINVAL");

    CHECK_EQ(dealer.get(zmq::sockopt::last_endpoint), std::string(),
             "last_endpoint before bind");
    dealer.bind("inproc://cppzmq-basics-ep");
    CHECK_EQ(dealer.get(zmq::sockopt::last_endpoint),
             std::string("inproc://cppzmq-basics-ep"), "last_endpoint after bind");

    std::array<char, 4> tiny{};
    CHECK_ERR((void) dealer.get(zmq::sockopt::last_endpoint, zmq::buffer(tiny)), EINVAL,
              "last_endpoint into a 4-byte buffer: EINVAL");

    dealer.set(zmq::sockopt::immediate, true);
    CHECK_EQ(dealer.get(zmq::sockopt::immediate), 1, "immediate set from bool");
    dealer.set(zmq::sockopt::ipv6, true);
    CHECK_EQ(dealer.get(zmq::sockopt::ipv6), 1, "ipv6 set");
    CHECK_EQ(dealer.get(zmq::sockopt::maxmsgsize), static_cast<int64_t>(-1),
             "maxmsgsize default");
    dealer.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(1) << 33);
    CHECK_EQ(dealer.get(zmq::sockopt::maxmsgsize), static_cast<int64_t>(1) << 33,
             "maxmsgsize int64 round trip");
    dealer.set(zmq::sockopt::affinity, static_cast<uint64_t>(0x8000000000000001ULL));
    CHECK_EQ(dealer.get(zmq::sockopt::affinity),
             static_cast<uint64_t>(0x8000000000000001ULL), "affinity uint64 round trip");
    CHECK_EQ(dealer.get(zmq::sockopt::reconnect_ivl), 100, "reconnect_ivl default");
    CHECK_EQ(dealer.get(zmq::sockopt::reconnect_ivl_max), 0,
             "reconnect_ivl_max default");
    CHECK_EQ(dealer.get(zmq::sockopt::backlog), 100, "backlog default");
    CHECK_EQ(dealer.get(zmq::sockopt::handshake_ivl), 30000, "handshake_ivl default");
    CHECK_EQ(dealer.get(zmq::sockopt::tcp_keepalive), -1, "tcp_keepalive default");
    dealer.set(zmq::sockopt::tcp_keepalive, 1);
    CHECK_EQ(dealer.get(zmq::sockopt::tcp_keepalive), 1, "tcp_keepalive set");
    CHECK_ERR(dealer.set(zmq::sockopt::tcp_keepalive, 5), EINVAL,
              "tcp_keepalive 5: EINVAL");
    dealer.set(zmq::sockopt::heartbeat_ivl, 1500);
    CHECK_EQ(dealer.get(zmq::sockopt::heartbeat_ivl), 1500, "heartbeat_ivl set");
    dealer.set(zmq::sockopt::connect_timeout, 900);
    CHECK_EQ(dealer.get(zmq::sockopt::connect_timeout), 900, "connect_timeout set");
    dealer.set(zmq::sockopt::tos, 0x10);
    CHECK_EQ(dealer.get(zmq::sockopt::tos), 0x10, "tos set");
    CHECK_EQ(dealer.get(zmq::sockopt::sndbuf), -1, "sndbuf default");
    dealer.set(zmq::sockopt::rcvbuf, 65536);
    CHECK_EQ(dealer.get(zmq::sockopt::rcvbuf), 65536, "rcvbuf set");
    CHECK_EQ(dealer.get(zmq::sockopt::rate), 100, "rate default");
    CHECK_EQ(dealer.get(zmq::sockopt::recovery_ivl), 10000, "recovery_ivl default");
    CHECK_EQ(dealer.get(zmq::sockopt::multicast_hops), 1, "multicast_hops default");
    CHECK_EQ(dealer.get(zmq::sockopt::use_fd), -1, "use_fd default");
    CHECK_EQ(dealer.get(zmq::sockopt::thread_safe), 0, "thread_safe is false");
    CHECK_EQ(dealer.get(zmq::sockopt::rcvmore), 0, "rcvmore without a message");
    CHECK(dealer.get(zmq::sockopt::fd) >= 0, "fd is a descriptor");
    CHECK_EQ(dealer.get(zmq::sockopt::events), 0, "events with no peer");
    dealer.set(zmq::sockopt::conflate, false);
    CHECK_EQ(dealer.get(zmq::sockopt::conflate), 0, "conflate cleared");
    dealer.set(zmq::sockopt::probe_router, true);
    CHECK(true, "probe_router accepted");

    CHECK_EQ(dealer.get(zmq::sockopt::mechanism), ZMQ_NULL, "mechanism NULL");
    dealer.set(zmq::sockopt::plain_username, "user");
    dealer.set(zmq::sockopt::plain_password, std::string("secret"));
    CHECK_EQ(dealer.get(zmq::sockopt::mechanism), ZMQ_PLAIN,
             "plain_username selects PLAIN");
    CHECK_EQ(dealer.get(zmq::sockopt::plain_username), std::string("user"),
             "plain_username round trip (NUL removed)");
    CHECK_EQ(dealer.get(zmq::sockopt::plain_password), std::string("secret"),
             "plain_password round trip");
    dealer.set(zmq::sockopt::plain_server, true);
    CHECK_EQ(dealer.get(zmq::sockopt::plain_server), 1, "plain_server set");
    dealer.set(zmq::sockopt::zap_domain, std::string_view("global"));
    CHECK_EQ(dealer.get(zmq::sockopt::zap_domain), std::string("global"),
             "zap_domain round trip");
    dealer.set(zmq::sockopt::socks_proxy, "127.0.0.1:1080");
    CHECK_EQ(dealer.get(zmq::sockopt::socks_proxy), std::string("127.0.0.1:1080"),
             "socks_proxy round trip");

    if (zmq_has("curve")) {
        char pub[41];
        char sec[41];
        CHECK_EQ(zmq_curve_keypair(pub, sec), 0, "zmq_curve_keypair");
        zmq::socket_t cs(ctx, zmq::socket_type::rep);
        cs.set(zmq::sockopt::linger, 0);
        cs.set(zmq::sockopt::curve_server, true);
        cs.set(zmq::sockopt::curve_secretkey, sec);
        cs.set(zmq::sockopt::curve_publickey, std::string(pub));
        CHECK_EQ(cs.get(zmq::sockopt::mechanism), ZMQ_CURVE, "curve_server selects CURVE");
        CHECK_EQ(cs.get(zmq::sockopt::curve_publickey), std::string(pub),
                 "curve_publickey read back as Z85");
        std::array<uint8_t, 32> bin{};
        CHECK_EQ(cs.get(zmq::sockopt::curve_secretkey, zmq::buffer(bin)),
                 static_cast<size_t>(32), "curve_secretkey read back binary");
        char z85[41];
        CHECK(zmq_z85_encode(z85, bin.data(), bin.size()) != nullptr
                && std::string(z85) == sec,
              "binary secret key encodes to the Z85 set");
    } else {
        std::printf("note: no CURVE in this libzmq, curve options not checked\n");
    }

    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::subscribe, "topic");
    sub.set(zmq::sockopt::subscribe, std::string());
    sub.set(zmq::sockopt::unsubscribe, "topic");
    sub.set(zmq::sockopt::unsubscribe, "never-subscribed");
    CHECK(true, "subscribe/unsubscribe accepted on SUB");
    sub.set(zmq::sockopt::invert_matching, true);
    CHECK_EQ(sub.get(zmq::sockopt::invert_matching), 1, "invert_matching on SUB");

    zmq::socket_t push(ctx, zmq::socket_type::push);
    CHECK_ERR(push.set(zmq::sockopt::subscribe, "x"), EINVAL,
              "subscribe on PUSH: EINVAL");
    zmq::socket_t req(ctx, zmq::socket_type::req);
    req.set(zmq::sockopt::req_correlate, true);
    req.set(zmq::sockopt::req_relaxed, true);
    CHECK(true, "req_correlate and req_relaxed accepted on REQ");
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.set(zmq::sockopt::router_mandatory, true);
    router.set(zmq::sockopt::router_handover, true);
    router.set(zmq::sockopt::connect_routing_id, "next-peer");
    CHECK(true, "router_mandatory, router_handover, connect_routing_id accepted");
    zmq::socket_t xpub(ctx, zmq::socket_type::xpub);
    xpub.set(zmq::sockopt::xpub_verbose, true);
    xpub.set(zmq::sockopt::xpub_verboser, true);
    xpub.set(zmq::sockopt::xpub_nodrop, true);
    xpub.set(zmq::sockopt::xpub_manual, true);
    xpub.set(zmq::sockopt::xpub_welcome_msg, "welcome");
    CHECK(true, "xpub options accepted on XPUB");
    zmq::socket_t stream(ctx, zmq::socket_type::stream);
    stream.set(zmq::sockopt::stream_notify, false);
    CHECK(true, "stream_notify accepted on STREAM");
    CHECK_ERR(push.set(zmq::sockopt::xpub_verbose, true), EINVAL,
              "xpub_verbose on PUSH: EINVAL");
}

void error_checks()
{
    zmq::context_t ctx;
    zmq::socket_t s(ctx, zmq::socket_type::pair);
    s.set(zmq::sockopt::linger, 0);

    zmq::error_t e(EAGAIN);
    CHECK_EQ(e.num(), EAGAIN, "error_t(EAGAIN).num()");
    CHECK_EQ(std::string(e.what()), std::string(zmq_strerror(EAGAIN)),
             "error_t::what is zmq_strerror");
    CHECK_EQ(std::string(zmq::error_t(EFSM).what()),
             std::string("Operation cannot be accomplished in current state"),
             "EFSM message text");
    CHECK_EQ(std::string(zmq::error_t(ETERM).what()),
             std::string("Context was terminated"), "ETERM message text");

    CHECK_ERR(s.bind("nosuch://x"), EPROTONOSUPPORT,
              "bind unknown transport: EPROTONOSUPPORT");
    CHECK_ERR(s.bind("tcp://127.0.0.1"), EINVAL, "bind tcp without port: EINVAL");
    CHECK_ERR(s.bind("no-separator"), EINVAL, "bind without ://: EINVAL");
    CHECK_ERR(s.connect("tcp://127.0.0.1"), EINVAL,
              "connect tcp without port: EINVAL");
    s.bind("inproc://cppzmq-basics-dup");
    zmq::socket_t s2(ctx, zmq::socket_type::pair);
    CHECK_ERR(s2.bind("inproc://cppzmq-basics-dup"), EADDRINUSE,
              "second bind to one inproc name: EADDRINUSE");
    CHECK_ERR(s.unbind("inproc://cppzmq-basics-never"), ENOENT,
              "unbind an endpoint never bound: ENOENT");
    CHECK_ERR(s.disconnect("tcp://127.0.0.1:5"), ENOENT,
              "disconnect an endpoint never connected: ENOENT");
    s.unbind("inproc://cppzmq-basics-dup");
    s2.bind("inproc://cppzmq-basics-dup");
    CHECK(true, "bind succeeds after unbind");

    zmq::socket_t pull(ctx, zmq::socket_type::pull);
    zmq::message_t m;
    zmq::recv_result_t r = pull.recv(m, zmq::recv_flags::dontwait);
    CHECK(!r.has_value(), "recv dontwait with nothing queued is empty");
    CHECK_EQ(zmq_errno(), EAGAIN, "and leaves errno EAGAIN");
    std::array<char, 8> buf{};
    zmq::recv_buffer_result_t rb = pull.recv(zmq::buffer(buf), zmq::recv_flags::dontwait);
    CHECK(!rb.has_value() && zmq_errno() == EAGAIN,
          "recv(buffer) dontwait with nothing queued is empty (EAGAIN)");
    pull.set(zmq::sockopt::rcvtimeo, 60);
    const auto t0 = std::chrono::steady_clock::now();
    r = pull.recv(m);
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(!r.has_value() && zmq_errno() == EAGAIN, "recv with rcvtimeo times out empty");
    CHECK(waited >= std::chrono::milliseconds(50), "rcvtimeo waited about 60 ms");

    zmq::socket_t push(ctx, zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 0);
    zmq::send_result_t sr = push.send(zmq::str_buffer("x"), zmq::send_flags::dontwait);
    CHECK(!sr.has_value() && zmq_errno() == EAGAIN,
          "send dontwait on PUSH without peers is empty (EAGAIN)");
    CHECK_ERR(pull.send(zmq::str_buffer("x"), zmq::send_flags::none), ENOTSUP,
              "send on PULL: ENOTSUP");

    zmq::socket_t req(ctx, zmq::socket_type::req);
    req.set(zmq::sockopt::linger, 0);
    CHECK_ERR((void) req.recv(m), EFSM, "REQ recv before send: EFSM");
    req.connect("inproc://cppzmq-basics-rep");
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    rep.bind("inproc://cppzmq-basics-rep");
    CHECK(req.send(zmq::str_buffer("q"), zmq::send_flags::none).has_value(),
          "REQ first send");
    CHECK_ERR(req.send(zmq::str_buffer("q"), zmq::send_flags::none), EFSM,
              "REQ second send: EFSM");
    CHECK_ERR(rep.send(zmq::str_buffer("a"), zmq::send_flags::none), EFSM,
              "REP send before recv: EFSM");
    rep.close();
    req.close();

    // ETERM: a socket left open when the context is shut down.
    zmq::context_t ctx2;
    zmq::socket_t left(ctx2, zmq::socket_type::pull);
    ctx2.shutdown();
    CHECK_ERR((void) left.recv(m), ETERM, "recv after context shutdown: ETERM");
    CHECK_ERR(left.send(zmq::str_buffer("x"), zmq::send_flags::none), ETERM,
              "send after shutdown: ETERM before any other error");
    CHECK_ERR(left.connect("inproc://x"), ETERM, "connect after shutdown: ETERM");
    CHECK_ERR(zmq::socket_t late(ctx2, zmq::socket_type::pair), ETERM,
              "new socket after shutdown: ETERM");
    left.close();
    ctx2.close();
    CHECK(true, "context closes once its last socket is closed");
}
} // namespace

int main()
{
    cz::require_library("basics");
    cz::section("version", version_checks);
    cz::section("context_t", context_checks);
    cz::section("message_t", message_checks);
    cz::section("buffers", buffer_checks);
    cz::section("socket_t", socket_object_checks);
    cz::section("sockopt", sockopt_checks);
    cz::section("errors", error_checks);
    return cz::finish();
}
