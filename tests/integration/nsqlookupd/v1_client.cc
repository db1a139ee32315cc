#include "v1_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <utility>

namespace nsqpp::lookupd_test {

using steady = std::chrono::steady_clock;

std::string be32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    std::string out(4, '\0');
    out[0] = static_cast<char>(u >> 24);
    out[1] = static_cast<char>(u >> 16);
    out[2] = static_cast<char>(u >> 8);
    out[3] = static_cast<char>(u);
    return out;
}

std::string identify_command(std::string_view json) {
    return "IDENTIFY\n" + be32(static_cast<int32_t>(json.size())) + std::string(json);
}

std::string nsqd_identify_json(std::string_view broadcast_address, int tcp_port, int http_port,
                               std::string_view hostname) {
    return "{\"broadcast_address\":\"" + std::string(broadcast_address) + "\",\"hostname\":\"" +
           std::string(hostname) + "\",\"http_port\":" + std::to_string(http_port) +
           ",\"tcp_port\":" + std::to_string(tcp_port) + ",\"version\":\"1.3.0\"}";
}

v1_client::~v1_client() { close(); }

v1_client::v1_client(v1_client&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), buf_(std::move(o.buf_)), eof_(o.eof_) {}

v1_client& v1_client::operator=(v1_client&& o) noexcept {
    if (this != &o) {
        close();
        fd_ = std::exchange(o.fd_, -1);
        buf_ = std::move(o.buf_);
        eof_ = o.eof_;
    }
    return *this;
}

bool v1_client::connect(uint16_t port) {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        ADD_FAILURE() << "socket: " << strerror(errno);
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ADD_FAILURE() << "connect 127.0.0.1:" << port << ": " << strerror(errno);
        close();
        return false;
    }
    return true;
}

void v1_client::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
    eof_ = false;
}

void v1_client::shutdown_write() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

std::string v1_client::local_address() const {
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
    char ip[INET_ADDRSTRLEN] = {0};
    ::inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof(ip));
    return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

bool v1_client::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ADD_FAILURE() << "send: " << strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool v1_client::fill(steady::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    for (;;) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - steady::now()).count();
        if (left < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        char tmp[65536];
        ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buf_.append(tmp, static_cast<size_t>(n));
        return true;
    }
}

std::optional<std::string> v1_client::read_response(milliseconds timeout) {
    auto deadline = steady::now() + timeout;
    for (;;) {
        if (buf_.size() >= 4) {
            auto b = reinterpret_cast<const unsigned char*>(buf_.data());
            size_t size = (size_t{b[0]} << 24) | (size_t{b[1]} << 16) | (size_t{b[2]} << 8) | b[3];
            if (buf_.size() >= 4 + size) {
                std::string data = buf_.substr(4, size);
                buf_.erase(0, 4 + size);
                return data;
            }
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

::testing::AssertionResult v1_client::expect_response(std::string_view text, milliseconds timeout) {
    auto r = read_response(timeout);
    if (!r) {
        return ::testing::AssertionFailure() << "no response (expected \"" << text << "\")"
                                             << (eof_ ? ": connection closed" : ": timeout");
    }
    if (*r != text) {
        return ::testing::AssertionFailure() << "got \"" << *r << "\", expected \"" << text << "\"";
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult v1_client::expect_fatal(std::string_view text, milliseconds timeout) {
    auto r = expect_response(text, timeout);
    if (!r) return r;
    if (!closed_by_peer(timeout)) {
        return ::testing::AssertionFailure() << "\"" << text << "\" but the connection stayed open";
    }
    return ::testing::AssertionSuccess();
}

bool v1_client::closed_by_peer(milliseconds timeout) {
    auto deadline = steady::now() + timeout;
    while (!eof_) {
        buf_.clear();
        if (!fill(deadline) && !eof_) return false;
    }
    return true;
}

bool v1_client::quiet_for(milliseconds window) {
    auto deadline = steady::now() + window;
    size_t before = buf_.size();
    while (steady::now() < deadline) {
        if (fill(deadline) || eof_) return false;
    }
    return buf_.size() == before && !eof_;
}

}  // namespace nsqpp::lookupd_test
