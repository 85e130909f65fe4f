// Shared by the cppzmq client programs: proof of which libzmq is loaded, check
// counting and small helpers. Header-only; every program includes it first.
#ifndef CPPZMQ_CLIENT_CHECK_HPP
#define CPPZMQ_CLIENT_CHECK_HPP

#include <zmq.hpp>

#include <dlfcn.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>

#if defined(ZMQ_BUILD_DRAFT_API)
#error "the cppzmq client programs must be built without ZMQ_BUILD_DRAFT_API"
#endif

namespace cz
{
inline int passed = 0;
inline int failed = 0;
inline const char *program = "?";

// Records one check; prints "ok" or "FAIL" with the source line.
inline bool check(bool ok, const std::string &what, int line,
                  const std::string &detail = std::string())
{
    if (ok) {
        ++passed;
        std::printf("ok   %s\n", what.c_str());
    } else {
        ++failed;
        std::printf("FAIL %s (line %d)%s%s\n", what.c_str(), line,
                    detail.empty() ? "" : ": ", detail.c_str());
    }
    return ok;
}

inline std::string quoted(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c >= 32 && c < 127 && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out + "\"";
}

inline std::string errname(int e)
{
    return std::to_string(e) + " (" + zmq_strerror(e) + ")";
}

// Runs fn expecting a zmq::error_t whose num() is want.
inline bool expect_error(const std::function<void()> &fn, int want,
                         const std::string &what, int line)
{
    try {
        fn();
    } catch (const zmq::error_t &e) {
        return check(e.num() == want, what, line,
                     "error " + errname(e.num()) + ", expected "
                       + errname(want));
    } catch (const std::exception &e) {
        return check(false, what, line,
                     std::string("unexpected exception: ") + e.what());
    }
    return check(false, what, line,
                 "no exception, expected error " + errname(want));
}

// Runs one group of checks; an exception escaping it is one failure.
inline void section(const char *name, const std::function<void()> &fn)
{
    std::printf("-- %s\n", name);
    try {
        fn();
    } catch (const zmq::error_t &e) {
        check(false, std::string(name) + " finished without an exception",
              __LINE__,
              std::string("zmq::error_t ") + errname(e.num()));
    } catch (const std::exception &e) {
        check(false, std::string(name) + " finished without an exception",
              __LINE__, e.what());
    }
}

[[noreturn]] inline void identity_failure(const std::string &why)
{
    std::printf("FAIL library identity: %s\n", why.c_str());
    std::printf("%s: library identity not proven\n", program);
    std::exit(1);
}

// Proves through dladdr(zmq_ctx_new) that the libzmq in use is the file
// named by ZMQ_EXPECT_LIB (both resolved with realpath); exits 1 otherwise.
inline void require_library(const char *name)
{
    program = name;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const char *want = std::getenv("ZMQ_EXPECT_LIB");
    if (want == nullptr || *want == '\0')
        identity_failure("environment variable ZMQ_EXPECT_LIB is not set");

    void *(*fn)() = zmq_ctx_new;
    void *addr = nullptr;
    std::memcpy(&addr, &fn, sizeof addr);
    Dl_info info;
    std::memset(&info, 0, sizeof info);
    if (dladdr(addr, &info) == 0 || info.dli_fname == nullptr)
        identity_failure("dladdr(zmq_ctx_new) found no shared object");

    char loaded[PATH_MAX];
    char expected[PATH_MAX];
    if (realpath(info.dli_fname, loaded) == nullptr)
        identity_failure(std::string("cannot resolve ") + info.dli_fname);
    if (realpath(want, expected) == nullptr)
        identity_failure(std::string("cannot resolve ZMQ_EXPECT_LIB=") + want);
    std::printf("%s: zmq_ctx_new from %s\n", name, loaded);
    if (std::strcmp(loaded, expected) != 0)
        identity_failure(std::string("loaded ") + loaded + ", expected "
                         + expected);
    std::printf("%s: built with zmq.h %d.%d.%d, cppzmq %d.%d.%d\n", name,
                ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH,
                CPPZMQ_VERSION_MAJOR, CPPZMQ_VERSION_MINOR,
                CPPZMQ_VERSION_PATCH);
}

inline int finish()
{
    std::printf("%s: %d passed, %d failed\n", program, passed, failed);
    return failed == 0 ? 0 : 1;
}

// Receives one part as a string, waiting at most timeout; "<none>" if
// nothing came.
inline std::string recv_str(zmq::socket_ref s,
                            std::chrono::milliseconds timeout =
                              std::chrono::milliseconds(5000))
{
    zmq::pollitem_t item = {s.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0)
        return "<none>";
    zmq::message_t msg;
    if (!s.recv(msg, zmq::recv_flags::dontwait))
        return "<none>";
    return msg.to_string();
}

inline void sleep_ms(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

} // namespace cz

#define CHECK(cond, what) cz::check((cond), (what), __LINE__)
#define CHECK_EQ(got, want, what) cz::check_eq((got), (want), (what), __LINE__)
#define CHECK_ERR(stmt, err, what)                                             \
    cz::expect_error([&]() { stmt; }, (err), (what), __LINE__)

namespace cz
{
inline std::string show(const std::string &s)
{
    return quoted(s);
}
inline std::string show(std::string_view s)
{
    return quoted(std::string(s));
}
inline std::string show(const char *s)
{
    return s == nullptr ? std::string("NULL") : quoted(s);
}
inline std::string show(bool b)
{
    return b ? "true" : "false";
}
template<class T> std::string show(const T &v)
{
    if constexpr (std::is_enum<T>::value)
        return std::to_string(static_cast<long long>(v));
    else
        return std::to_string(v);
}
// Compares once-evaluated values and shows both on failure.
template<class G, class W>
bool check_eq(const G &got, const W &want, const std::string &what, int line)
{
    const bool ok = got == want;
    return check(ok, what, line,
                 ok ? std::string() : "got " + show(got) + ", expected " + show(want));
}
} // namespace cz

#endif
