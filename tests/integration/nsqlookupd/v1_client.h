#pragma once
// A blocking client of nsqlookupd's TCP protocol V1 for tests: POSIX sockets, poll() timeouts.
// It sends exactly the bytes it is given and decodes V1 response frames (size + data, no type).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::lookupd_test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

inline constexpr milliseconds default_timeout = 3s;

// 4-byte big-endian int32.
std::string be32(int32_t v);
// "IDENTIFY\n" + size + json.
std::string identify_command(std::string_view json);
// The JSON body a standard nsqd sends (keys sorted).
std::string nsqd_identify_json(std::string_view broadcast_address, int tcp_port, int http_port,
                               std::string_view hostname = "nsqd-host");

class v1_client {
  public:
    v1_client() = default;
    ~v1_client();
    v1_client(const v1_client&) = delete;
    v1_client& operator=(const v1_client&) = delete;
    v1_client(v1_client&& o) noexcept;
    v1_client& operator=(v1_client&& o) noexcept;

    // Connects to 127.0.0.1:port (records a gtest failure on error).
    bool connect(uint16_t port);
    void close();
    bool is_open() const { return fd_ >= 0; }
    void shutdown_write();
    // "127.0.0.1:<port>": the producer id nsqlookupd gives this connection.
    std::string local_address() const;

    bool send(std::string_view bytes);
    // The next response frame within `timeout`; nullopt on timeout, EOF or error.
    std::optional<std::string> read_response(milliseconds timeout = default_timeout);
    // The next response is exactly `text`.
    ::testing::AssertionResult expect_response(std::string_view text,
                                               milliseconds timeout = default_timeout);
    // expect_response(text), then the server closes the connection.
    ::testing::AssertionResult expect_fatal(std::string_view text,
                                            milliseconds timeout = default_timeout);
    // True when the peer closes within `timeout` (bytes received meanwhile are discarded).
    bool closed_by_peer(milliseconds timeout = default_timeout);
    // True when nothing at all arrives within `window` (and the connection stays open).
    bool quiet_for(milliseconds window);

  private:
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;
};

}  // namespace nsqpp::lookupd_test
