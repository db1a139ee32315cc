// nsqd's lookupd connection (src/nsqd/lookup_peer) against a scripted fake nsqlookupd: the exact
// bytes nsqd sends (spec nsqd.md §9.1-9.2), PING, reconnect + re-announcement, the 1 s deadlines,
// error replies, and a prompt stop in every state.
#include "nsqd/lookup_peer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "base/log.h"
#include "nsqd/context.h"
#include "wire/endian.h"

namespace nsqpp::cluster_test {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using clock = std::chrono::steady_clock;

const std::string lookupd_identify_reply =
    R"({"broadcast_address":"lk.example","hostname":"lk","http_port":4161,"tcp_port":4160,"version":"1.3.0"})";

// A listening socket that plays nsqlookupd, one connection at a time, step by step.
class fake_lookupd {
  public:
    fake_lookupd() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listen_fd_, 16), 0);
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~fake_lookupd() {
        close_connection();
        if (listen_fd_ >= 0) ::close(listen_fd_);
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    bool accept(milliseconds timeout = 3s) {
        close_connection();
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
        conn_fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        return conn_fd_ >= 0;
    }
    void close_listener() {
        if (listen_fd_ >= 0) ::close(listen_fd_);
        listen_fd_ = -1;
    }
    void close_connection() {
        if (conn_fd_ >= 0) ::close(conn_fd_);
        conn_fd_ = -1;
        buf_.clear();
        eof_ = false;
    }

    std::optional<std::string> read_bytes(size_t n, milliseconds timeout = 3s) {
        auto deadline = clock::now() + timeout;
        while (buf_.size() < n) {
            if (!fill(deadline)) return std::nullopt;
        }
        std::string out = buf_.substr(0, n);
        buf_.erase(0, n);
        return out;
    }
    // One command line without its '\n'.
    std::optional<std::string> read_line(milliseconds timeout = 3s) {
        auto deadline = clock::now() + timeout;
        for (;;) {
            auto nl = buf_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return line;
            }
            if (!fill(deadline)) return std::nullopt;
        }
    }
    // The IDENTIFY body after the magic and the IDENTIFY line.
    std::optional<std::string> read_handshake() {
        auto magic = read_bytes(4);
        if (magic != "  V1") {
            ADD_FAILURE() << "magic: " << (magic ? *magic : "<none>");
            return std::nullopt;
        }
        auto line = read_line();
        if (line != "IDENTIFY") {
            ADD_FAILURE() << "line: " << (line ? *line : "<none>");
            return std::nullopt;
        }
        auto size = read_bytes(4);
        if (!size) return std::nullopt;
        return read_bytes(static_cast<size_t>(wire::get_i32be(size->data())));
    }
    void reply(std::string_view data) { send(be32(data.size()) + std::string(data)); }
    void send(const std::string& bytes) {
        ASSERT_EQ(::send(conn_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }
    // True when the peer closes the current connection within `timeout`.
    bool closed_by_peer(milliseconds timeout) {
        auto deadline = clock::now() + timeout;
        while (!eof_) {
            if (!fill(deadline) && !eof_) return false;
        }
        return true;
    }
    // Lines received within `window` (nothing is answered).
    std::vector<std::string> lines_within(milliseconds window) {
        std::vector<std::string> out;
        auto deadline = clock::now() + window;
        for (;;) {
            auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now());
            if (left <= 0ms) return out;
            auto line = read_line(left);
            if (!line) return out;
            out.push_back(*line);
        }
    }

  private:
    static std::string be32(size_t n) {
        std::string s(4, '\0');
        wire::put_u32be(s.data(), static_cast<uint32_t>(n));
        return s;
    }
    bool fill(clock::time_point deadline) {
        if (conn_fd_ < 0 || eof_) return false;
        auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
        if (left < 0) left = 0;
        pollfd p{conn_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) != 1) return false;
        char chunk[4096];
        ssize_t n = ::recv(conn_fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
    }

    int listen_fd_ = -1;
    int conn_fd_ = -1;
    uint16_t port_ = 0;
    std::string buf_;
    bool eof_ = false;
};

nsqd::options test_options() {
    nsqd::options o;
    o.max_body_size = 1000;
    return o;
}

// A context (memory-only topics) and one lookup_peer running on its own io_context thread.
class peer_test : public ::testing::Test {
  protected:
    peer_test() : ctx_(test_options(), 1, base::get_logger("nsqd")) {
        ctx_.hostname = "test-host";
        ctx_.broadcast_address = "bcast.example";
        ctx_.tcp_port = 4150;
        ctx_.http_port = 4151;
        timing_.io_timeout = 1000ms;
        timing_.ping_interval = 15000ms;
        timing_.backoff_min = 50ms;
        timing_.backoff_max = 200ms;
    }
    ~peer_test() override {
        if (thread_.joinable()) stop();
    }
    void start(const std::string& address) {
        peer_ = std::make_shared<nsqd::lookup_peer>(ctx_, io_.get_executor(), address, timing_);
        peer_->start();
        thread_ = std::thread([this] { io_.run(); });
    }
    // stop() + the coroutine's end (the io_context runs out of work); returns how long it took.
    milliseconds stop() {
        auto t0 = clock::now();
        peer_->stop();
        thread_.join();
        return std::chrono::duration_cast<milliseconds>(clock::now() - t0);
    }
    // Accept, check IDENTIFY, answer it, and return the REGISTER lines of the announcement
    // (answered OK) that arrive within `window`.
    std::vector<std::string> handshake(milliseconds window = 300ms) {
        EXPECT_TRUE(lookupd_.accept()) << "nsqd did not connect";
        auto body = lookupd_.read_handshake();
        EXPECT_TRUE(body);
        lookupd_.reply(lookupd_identify_reply);
        auto lines = lookupd_.lines_within(window);
        for (size_t i = 0; i < lines.size(); ++i) lookupd_.reply("OK");
        return lines;
    }

    boost::asio::io_context io_;
    nsqd::context ctx_;
    nsqd::lookup_peer_timing timing_;
    fake_lookupd lookupd_;
    std::shared_ptr<nsqd::lookup_peer> peer_;
    std::thread thread_;
};

TEST_F(peer_test, sends_magic_identify_with_sorted_keys_then_registers_everything) {
    ctx_.topics.get_topic("bare");
    auto t = ctx_.topics.get_topic("full");
    t->get_channel("c1");
    t->get_channel("c2#ephemeral");
    ctx_.topics.get_topic("eph#ephemeral")->get_channel("x");
    start(lookupd_.address());

    ASSERT_TRUE(lookupd_.accept());
    auto body = lookupd_.read_handshake();
    ASSERT_TRUE(body);
    EXPECT_EQ(*body,
              R"({"broadcast_address":"bcast.example","hostname":"test-host","http_port":4151,)"
              R"("tcp_port":4150,"version":"1.3.0"})");
    EXPECT_FALSE(peer_->http_address()) << "known only once IDENTIFY is answered";
    lookupd_.reply(lookupd_identify_reply);
    auto lines = lookupd_.lines_within(300ms);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{"REGISTER bare", "REGISTER eph#ephemeral x",
                                               "REGISTER full c1", "REGISTER full c2#ephemeral"}));
    for (size_t i = 0; i < lines.size(); ++i) lookupd_.reply("OK");

    auto http = peer_->http_address();
    ASSERT_TRUE(http);
    EXPECT_EQ(http->host, "lk.example");
    EXPECT_EQ(http->port, 4161);

    // later events, in order, one reply each
    peer_->send("REGISTER new\n");
    peer_->send("UNREGISTER full c1\n");
    EXPECT_EQ(lookupd_.read_line(), "REGISTER new");
    EXPECT_EQ(lookupd_.read_line(), "UNREGISTER full c1");
    lookupd_.reply("OK");
    lookupd_.reply("OK");
    EXPECT_LT(stop(), 500ms);
}

TEST_F(peer_test, broadcast_ports_replace_the_bound_ports_in_identify) {
    ctx_.opts.broadcast_tcp_port = 5150;
    ctx_.opts.broadcast_http_port = 5151;
    start(lookupd_.address());
    ASSERT_TRUE(lookupd_.accept());
    auto body = lookupd_.read_handshake();
    ASSERT_TRUE(body);
    EXPECT_NE(body->find(R"("http_port":5151,"tcp_port":5150,)"), std::string::npos) << *body;
}

TEST_F(peer_test, pings_every_interval) {
    timing_.ping_interval = 150ms;
    start(lookupd_.address());
    EXPECT_TRUE(handshake(50ms).empty());
    for (int i = 0; i < 3; ++i) {
        auto t0 = clock::now();
        EXPECT_EQ(lookupd_.read_line(1s), "PING");
        EXPECT_GE(clock::now() - t0, 50ms);
        lookupd_.reply("OK");
    }
}

TEST_F(peer_test, reconnects_after_the_lookupd_closes_and_announces_the_current_state) {
    ctx_.topics.get_topic("before");
    start(lookupd_.address());
    EXPECT_EQ(handshake(), std::vector<std::string>{"REGISTER before"});
    // changed behind the peer's back (no events): only a re-announcement can tell the lookupd
    ctx_.topics.delete_topic("before");
    ctx_.topics.get_topic("after")->get_channel("c");
    lookupd_.close_connection();     // the idle peer notices at once (no PING needed)
    peer_->send("REGISTER lost\n");  // while disconnected: dropped, the snapshot covers it
    auto t0 = clock::now();
    EXPECT_EQ(handshake(), std::vector<std::string>{"REGISTER after c"});
    EXPECT_LT(clock::now() - t0, 2s);
}

TEST_F(peer_test, unanswered_identify_times_out_and_the_peer_retries) {
    timing_.io_timeout = 300ms;
    start(lookupd_.address());
    ASSERT_TRUE(lookupd_.accept());
    ASSERT_TRUE(lookupd_.read_handshake());
    auto t0 = clock::now();
    EXPECT_TRUE(lookupd_.closed_by_peer(2s)) << "no reply within the read deadline: close";
    EXPECT_GE(clock::now() - t0, 200ms);
    EXPECT_TRUE(handshake().empty()) << "then a new connection";
    EXPECT_TRUE(peer_->http_address());
}

TEST_F(peer_test, unanswered_command_times_out_and_the_peer_reconnects) {
    timing_.io_timeout = 300ms;
    start(lookupd_.address());
    handshake(50ms);
    peer_->send("REGISTER t\n");
    EXPECT_EQ(lookupd_.read_line(), "REGISTER t");
    EXPECT_TRUE(lookupd_.closed_by_peer(2s));
    ASSERT_TRUE(lookupd_.accept());
    EXPECT_TRUE(lookupd_.read_handshake());
}

TEST_F(peer_test, error_reply_to_identify_closes_the_connection) {
    start(lookupd_.address());
    ASSERT_TRUE(lookupd_.accept());
    ASSERT_TRUE(lookupd_.read_handshake());
    lookupd_.reply("E_BAD_BODY IDENTIFY missing fields");
    EXPECT_TRUE(lookupd_.closed_by_peer(2s));
    EXPECT_FALSE(peer_->http_address());
    ASSERT_TRUE(lookupd_.accept()) << "retried after a backoff";
}

TEST_F(peer_test, oversized_reply_closes_the_connection) {
    start(lookupd_.address());
    ASSERT_TRUE(lookupd_.accept());
    ASSERT_TRUE(lookupd_.read_handshake());
    lookupd_.reply(std::string(1001, 'x'));  // > --max-body-size (1000 here)
    EXPECT_TRUE(lookupd_.closed_by_peer(2s));
}

TEST_F(peer_test, unsolicited_bytes_from_the_lookupd_close_the_connection) {
    start(lookupd_.address());
    handshake(50ms);
    lookupd_.send("garbage");
    EXPECT_TRUE(lookupd_.closed_by_peer(2s));
}

TEST_F(peer_test, stop_is_prompt_while_connected) {
    start(lookupd_.address());
    handshake(50ms);
    EXPECT_LT(stop(), 500ms);
    EXPECT_TRUE(lookupd_.closed_by_peer(1s)) << "connections just close";
}

TEST_F(peer_test, stop_is_prompt_while_waiting_for_a_reply) {
    timing_.io_timeout = 5000ms;
    start(lookupd_.address());
    ASSERT_TRUE(lookupd_.accept());
    ASSERT_TRUE(lookupd_.read_handshake());
    EXPECT_LT(stop(), 500ms);
}

TEST_F(peer_test, stop_is_prompt_while_backing_off) {
    timing_.backoff_min = 5000ms;
    timing_.backoff_max = 5000ms;
    std::string address = lookupd_.address();
    lookupd_.close_listener();  // nothing listens: connection refused
    start(address);
    std::this_thread::sleep_for(100ms);
    EXPECT_LT(stop(), 500ms);
}

TEST_F(peer_test, stop_before_the_io_context_runs) {
    peer_ = std::make_shared<nsqd::lookup_peer>(ctx_, io_.get_executor(), lookupd_.address());
    peer_->start();
    peer_->stop();
    thread_ = std::thread([this] { io_.run(); });
    thread_.join();
}

TEST_F(peer_test, invalid_address_is_retried_without_crashing) {
    start("no-port-here");
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(peer_->http_address());
    EXPECT_LT(stop(), 500ms);
}

}  // namespace
}  // namespace nsqpp::cluster_test
