// zmq_addon.hpp: multipart_t (building, popping, peeking, cloning, send and
// recv), send_multipart / recv_multipart / recv_multipart_n over message_t
// and buffer ranges, encode/decode. poller_t and active_poller_t need
// ZMQ_BUILD_DRAFT_API and are therefore not part of this build.
#include "check.hpp"

#include <zmq_addon.hpp>

#include <array>
#include <cstdint>
#include <list>
#include <sstream>
#include <stdexcept>
#include <vector>

#if defined(ZMQ_HAVE_POLLER)
#error "zmq.h must declare the poller (ZMQ_HAVE_POLLER) only with ZMQ_BUILD_DRAFT_API"
#endif

namespace
{
struct point
{
    int32_t x;
    int32_t y;
};

void multipart_local()
{
    zmq::multipart_t mp;
    CHECK(mp.empty() && mp.size() == 0, "multipart_t() is empty");
    mp.addstr("second");
    mp.pushstr("first");
    mp.addmem("\x00\x01", 2);
    mp.addtyp(point{3, -4});
    mp.add(zmq::message_t(std::string("last")));
    CHECK_EQ(mp.size(), static_cast<size_t>(5), "five parts added");
    CHECK_EQ(mp.peekstr(0), std::string("first"), "pushstr puts a part in front");
    CHECK_EQ(mp.peek(2)->size(), static_cast<size_t>(2), "peek(2) size");
    const point p = mp.peektyp<point>(3);
    CHECK(p.x == 3 && p.y == -4, "peektyp<point>");
    CHECK_EQ(mp.back().to_string(), std::string("last"), "back()");

    zmq::multipart_t copy = mp.clone();
    CHECK(copy == mp && !(copy != mp), "clone() compares equal");
    CHECK_EQ(mp.popstr(), std::string("first"), "popstr");
    CHECK(copy != mp, "multipart_t differs after a pop");
    CHECK_EQ(mp.pop().to_string(), std::string("second"), "pop");
    CHECK_EQ(mp.remove().to_string(), std::string("last"), "remove from the back");
    try {
        (void) mp.poptyp<int64_t>();
        CHECK(false, "poptyp with the wrong size throws");
    } catch (const std::runtime_error &) {
        CHECK(true, "poptyp with the wrong size throws");
    }
    mp.pop();
    const point q = mp.poptyp<point>();
    CHECK(q.x == 3 && q.y == -4 && mp.empty(), "poptyp<point> empties it");

    zmq::multipart_t from_str(std::string("only"));
    CHECK(from_str.size() == 1 && from_str.peekstr(0) == "only",
          "multipart_t(std::string)");
    zmq::multipart_t moved(std::move(from_str));
    CHECK(moved.size() == 1 && from_str.empty(), "multipart_t move");
    zmq::multipart_t created = zmq::multipart_t::create<uint16_t>(513);
    CHECK_EQ(created.peektyp<uint16_t>(0), static_cast<uint16_t>(513),
             "multipart_t::create<uint16_t>");
    moved.append(created.clone());
    moved.prepend(zmq::multipart_t(std::string("pre")));
    CHECK(moved.size() == 3 && moved.peekstr(0) == "pre" && moved.peekstr(1) == "only",
          "append and prepend");
    std::ostringstream os;
    os << moved;
    CHECK(os.str().find("[003] pre") != std::string::npos,
          "operator<< dumps the parts");

    zmq::multipart_t enc_src;
    enc_src.addstr("");
    enc_src.addstr(std::string(300, 'L'));
    enc_src.addstr("s");
    zmq::message_t encoded = enc_src.encode();
    CHECK_EQ(encoded.size(), static_cast<size_t>(1 + (1 + 4 + 300) + 2),
             "encode: short and long part headers");
    zmq::multipart_t decoded = zmq::multipart_t::decode(encoded);
    CHECK(decoded == enc_src, "decode(encode(x)) == x");
    std::vector<zmq::message_t> parts;
    zmq::decode(encoded, std::back_inserter(parts));
    CHECK(parts.size() == 3 && parts[1].size() == 300, "zmq::decode into a vector");
    zmq::message_t reencoded = zmq::encode(parts);
    CHECK(reencoded == encoded, "zmq::encode of a vector");
}

void multipart_sockets(const char *name, const std::string &bind_ep)
{
    zmq::context_t ctx;
    zmq::socket_t pull(ctx, zmq::socket_type::pull);
    zmq::socket_t push(ctx, zmq::socket_type::push);
    pull.bind(bind_ep);
    push.connect(pull.get(zmq::sockopt::last_endpoint));
    pull.set(zmq::sockopt::rcvtimeo, 5000);
    const std::string tag = std::string(name) + ": ";

    zmq::multipart_t out;
    out.addstr("header");
    out.addtyp<uint32_t>(0xdeadbeef);
    out.addmem(nullptr, 0);
    out.addstr(std::string(100000, 'p'));
    const zmq::multipart_t expect = out.clone();
    CHECK(out.send(push), tag + "multipart_t::send");
    CHECK(out.empty(), tag + "send empties the multipart_t");
    zmq::multipart_t in;
    CHECK(in.recv(pull), tag + "multipart_t::recv");
    CHECK(in == expect, tag + "four parts arrive intact");
    CHECK(!in.recv(pull, ZMQ_DONTWAIT), tag + "recv dontwait with nothing queued is false");

    std::vector<zmq::message_t> msgs;
    msgs.emplace_back(std::string("m1"));
    msgs.emplace_back(std::string("m2"));
    msgs.emplace_back();
    auto sent = zmq::send_multipart(push, msgs);
    CHECK(sent && *sent == 3, tag + "send_multipart(vector<message_t>)");
    std::list<zmq::message_t> got;
    auto n = zmq::recv_multipart(pull, std::back_inserter(got));
    CHECK(n && *n == 3 && got.front().to_string() == "m1" && got.back().empty(),
          tag + "recv_multipart into a list");

    const std::string a = "alpha";
    std::vector<zmq::const_buffer> bufs = {zmq::buffer(a), zmq::str_buffer("beta")};
    CHECK(zmq::send_multipart(push, bufs).value_or(0) == 2,
          tag + "send_multipart(vector<const_buffer>)");
    std::array<zmq::message_t, 2> fixed;
    n = zmq::recv_multipart_n(pull, fixed.data(), fixed.size());
    CHECK(n && *n == 2 && fixed[0].to_string() == "alpha" && fixed[1].to_string() == "beta",
          tag + "recv_multipart_n into an array");

    std::array<zmq::const_buffer, 3> three = {zmq::str_buffer("1"), zmq::str_buffer("2"),
                                              zmq::str_buffer("3")};
    (void) zmq::send_multipart(push, three);
    std::array<zmq::message_t, 2> too_small;
    try {
        (void) zmq::recv_multipart_n(pull, too_small.data(), too_small.size());
        CHECK(false, tag + "recv_multipart_n with too many parts throws");
    } catch (const std::runtime_error &) {
        CHECK(true, tag + "recv_multipart_n with too many parts throws");
    }
    CHECK(pull.get(zmq::sockopt::rcvmore) == 1, tag + "the third part is still pending");
    zmq::message_t rest;
    CHECK(pull.recv(rest).has_value() && rest.to_string() == "3" && !rest.more(),
          tag + "the pending part can be read");

    std::vector<zmq::message_t> none;
    auto r = zmq::recv_multipart(pull, std::back_inserter(none), zmq::recv_flags::dontwait);
    CHECK(!r.has_value() && none.empty() && zmq_errno() == EAGAIN,
          tag + "recv_multipart dontwait is empty (EAGAIN)");

    // Prefix sndmore: send_multipart continues a message begun by the caller.
    push.send(zmq::str_buffer("lead"), zmq::send_flags::sndmore);
    std::array<zmq::const_buffer, 1> one = {zmq::str_buffer("follow")};
    (void) zmq::send_multipart(push, one);
    zmq::multipart_t joined(pull);
    CHECK(joined.size() == 2 && joined.peekstr(0) == "lead"
            && joined.peekstr(1) == "follow",
          tag + "multipart_t(socket_ref) receives a whole message");
}

void router_envelopes()
{
    zmq::context_t ctx;
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.bind("tcp://127.0.0.1:*");
    zmq::socket_t req(ctx, zmq::socket_type::req);
    req.set(zmq::sockopt::routing_id, "client-1");
    req.connect(router.get(zmq::sockopt::last_endpoint));
    router.set(zmq::sockopt::rcvtimeo, 5000);
    req.set(zmq::sockopt::rcvtimeo, 5000);

    zmq::multipart_t request;
    request.addstr("do-work");
    CHECK(request.send(req), "REQ sends a one-part multipart_t");
    zmq::multipart_t env(router);
    CHECK(env.size() == 3 && env.peekstr(0) == "client-1" && env.peek(1)->empty()
            && env.peekstr(2) == "do-work",
          "ROUTER sees [id, empty, body]");
    zmq::message_t body = env.remove();
    env.addstr("done:" + body.to_string());
    CHECK(env.send(router), "ROUTER replies through the same envelope");
    zmq::multipart_t reply(req);
    CHECK(reply.size() == 1 && reply.peekstr(0) == "done:do-work",
          "REQ gets only the body back");
}
} // namespace

int main()
{
    cz::require_library("addon");
#if defined(ZMQ_BUILD_DRAFT_API)
    std::printf("poller_t is available (draft build)\n");
#else
    std::printf("note: poller_t/active_poller_t need ZMQ_BUILD_DRAFT_API; not built\n");
#endif
    cz::section("multipart_t", multipart_local);
    cz::section("multipart inproc",
                [] { multipart_sockets("inproc", "inproc://cz-addon"); });
    cz::section("multipart tcp",
                [] { multipart_sockets("tcp", "tcp://127.0.0.1:*"); });
    cz::section("ROUTER envelopes", router_envelopes);
    return cz::finish();
}
