#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <utility>

namespace nsqpp::test {

using clock = std::chrono::steady_clock;

std::string be32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    std::string out(4, '\0');
    out[0] = static_cast<char>(u >> 24);
    out[1] = static_cast<char>(u >> 16);
    out[2] = static_cast<char>(u >> 8);
    out[3] = static_cast<char>(u);
    return out;
}

std::string cmd(std::string_view line) {
    std::string out(line);
    out += '\n';
    return out;
}

std::string cmd_with_body(std::string_view line, std::string_view body) {
    std::string out = cmd(line);
    out += be32(static_cast<int32_t>(body.size()));
    out += body;
    return out;
}

std::string mpub_body(const std::vector<std::string>& messages) {
    std::string out = be32(static_cast<int32_t>(messages.size()));
    for (const auto& m : messages) {
        out += be32(static_cast<int32_t>(m.size()));
        out += m;
    }
    return out;
}

std::string describe(const frame& f) {
    switch (f.type) {
        case wire::frame_type::response:
            return "response \"" + f.data + "\"";
        case wire::frame_type::error:
            return "error \"" + f.data + "\"";
        case wire::frame_type::message: {
            auto m = wire::decode_message(f.data);
            if (!m) return "short message frame (" + std::to_string(f.data.size()) + " bytes)";
            return "message id=" + std::string(m->id) + " attempts=" + std::to_string(m->attempts) +
                   " body=\"" + std::string(m->body) + "\"";
        }
    }
    return "frame type " + std::to_string(static_cast<int32_t>(f.type)) + " \"" + f.data + "\"";
}

raw_client::~raw_client() { close(); }

raw_client::raw_client(raw_client&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), buf_(std::move(o.buf_)), eof_(o.eof_) {}

raw_client& raw_client::operator=(raw_client&& o) noexcept {
    if (this != &o) {
        close();
        fd_ = std::exchange(o.fd_, -1);
        buf_ = std::move(o.buf_);
        eof_ = o.eof_;
    }
    return *this;
}

bool raw_client::connect(uint16_t port) {
    close();
    buf_.clear();
    eof_ = false;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        ADD_FAILURE() << "socket: " << std::strerror(errno);
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ADD_FAILURE() << "connect 127.0.0.1:" << port << ": " << std::strerror(errno);
        close();
        return false;
    }
    return true;
}

void raw_client::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void raw_client::shutdown_write() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void raw_client::send_magic() { send("  V2"); }

bool raw_client::try_send(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
}

bool raw_client::send(std::string_view bytes) {
    if (fd_ < 0) {
        ADD_FAILURE() << "send on a closed raw_client";
        return false;
    }
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            ADD_FAILURE() << "send: " << std::strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool raw_client::fill(clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    for (;;) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
        if (left < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (r == 0) return false;
        char tmp[65536];
        ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            eof_ = true;  // reset counts as closed by the peer
            return false;
        }
        if (n == 0) {
            eof_ = true;
            return false;
        }
        buf_.append(tmp, static_cast<size_t>(n));
        return true;
    }
}

std::optional<frame> raw_client::read_frame(milliseconds timeout, bool heartbeats) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        size_t consumed = 0;
        auto f = wire::decode_frame(buf_, consumed);
        if (f) {
            frame out{f->type, std::string(f->data)};
            buf_.erase(0, consumed);
            if (!heartbeats && out.type == wire::frame_type::response &&
                out.data == "_heartbeat_") {
                continue;
            }
            return out;
        }
        if (consumed == wire::frame_malformed) {
            ADD_FAILURE() << "malformed frame header from nsqd";
            return std::nullopt;
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

std::optional<std::string> raw_client::read_bytes(size_t n, milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (buf_.size() < n) {
        if (!fill(deadline)) return std::nullopt;
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
}

std::optional<received_message> raw_client::read_message(milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        ADD_FAILURE() << "no message frame within " << timeout.count() << " ms";
        return std::nullopt;
    }
    if (f->type != wire::frame_type::message) {
        ADD_FAILURE() << "expected a message frame, got " << describe(*f);
        return std::nullopt;
    }
    auto m = wire::decode_message(f->data);
    if (!m) {
        ADD_FAILURE() << "message frame too short: " << f->data.size() << " bytes";
        return std::nullopt;
    }
    return received_message{m->timestamp, m->attempts, std::string(m->id), std::string(m->body)};
}

bool raw_client::closed_by_peer(milliseconds timeout, std::string* discarded) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        size_t consumed = 0;
        while (auto f = wire::decode_frame(buf_, consumed)) {
            if (discarded) *discarded += describe(frame{f->type, std::string(f->data)}) + "; ";
            buf_.erase(0, consumed);
        }
        if (eof_) return true;
        if (!fill(deadline) && !eof_) return false;
    }
}

::testing::AssertionResult raw_client::quiet_for(milliseconds window) {
    auto f = read_frame(window);
    if (!f) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "unexpected " << describe(*f);
}

::testing::AssertionResult raw_client::expect_response(std::string_view text,
                                                       milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        return ::testing::AssertionFailure()
               << "no frame within " << timeout.count() << " ms (expected response \"" << text
               << "\")" << (eof_ ? ", connection closed" : "");
    }
    if (f->type != wire::frame_type::response || f->data != text) {
        return ::testing::AssertionFailure()
               << "expected response \"" << text << "\", got " << describe(*f);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult raw_client::expect_error(std::string_view text, milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        return ::testing::AssertionFailure()
               << "no frame within " << timeout.count() << " ms (expected error \"" << text << "\")"
               << (eof_ ? ", connection closed" : "");
    }
    if (f->type != wire::frame_type::error || f->data != text) {
        return ::testing::AssertionFailure()
               << "expected error \"" << text << "\", got " << describe(*f);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult raw_client::expect_fatal(std::string_view text, milliseconds timeout) {
    auto r = expect_error(text, timeout);
    if (!r) return r;
    std::string extra;
    if (!closed_by_peer(timeout, &extra)) {
        return ::testing::AssertionFailure()
               << "error \"" << text << "\" received but the connection stayed open";
    }
    if (!extra.empty()) {
        return ::testing::AssertionFailure()
               << "frames after the fatal error \"" << text << "\": " << extra;
    }
    return ::testing::AssertionSuccess();
}

raw_client connect_v2(uint16_t port) {
    raw_client c;
    if (c.connect(port)) c.send_magic();
    return c;
}

raw_client subscribe(uint16_t port, std::string_view topic, std::string_view channel, int rdy,
                     std::string_view identify_json) {
    raw_client c = connect_v2(port);
    if (!c.is_open()) return c;
    if (!identify_json.empty()) {
        c.send(cmd_with_body("IDENTIFY", identify_json));
        EXPECT_TRUE(c.expect_response("OK")) << "IDENTIFY " << identify_json;
    }
    c.send(cmd("SUB " + std::string(topic) + " " + std::string(channel)));
    EXPECT_TRUE(c.expect_response("OK")) << "SUB " << topic << " " << channel;
    if (rdy >= 0) c.send(cmd("RDY " + std::to_string(rdy)));
    return c;
}

::testing::AssertionResult publish(uint16_t port, std::string_view topic, std::string_view body) {
    raw_client c = connect_v2(port);
    c.send(cmd_with_body("PUB " + std::string(topic), body));
    return c.expect_response("OK");
}

::testing::AssertionResult publish_many(uint16_t port, std::string_view topic,
                                        const std::vector<std::string>& bodies) {
    raw_client c = connect_v2(port);
    c.send(cmd_with_body("MPUB " + std::string(topic), mpub_body(bodies)));
    return c.expect_response("OK");
}

}  // namespace nsqpp::test
