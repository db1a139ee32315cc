#pragma once
// A blocking V2 protocol client for tests: POSIX sockets, poll() timeouts, no hidden behaviour.
// It sends exactly the bytes it is given and decodes exactly the frames it receives.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/frame.h"

namespace nsqpp::test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

inline constexpr milliseconds default_timeout = 3s;

// One frame as received (data copied out of the receive buffer).
struct frame {
    wire::frame_type type;
    std::string data;
};

// A decoded message frame.
struct received_message {
    int64_t timestamp = 0;
    uint16_t attempts = 0;
    std::string id;  // 16 bytes
    std::string body;
};

// ---- encoders (client → nsqd) ----

// 4-byte big-endian int32.
std::string be32(int32_t v);
// `line` + "\n".
std::string cmd(std::string_view line);
// `line` + "\n" + be32(len(body)) + body.
std::string cmd_with_body(std::string_view line, std::string_view body);
// An MPUB body without its leading length: be32(count) then be32(len) + bytes per message.
// (Also the body of HTTP /mpub?binary=true.)
std::string mpub_body(const std::vector<std::string>& messages);

// Renders a frame as NSQ would send it (for exact byte comparisons and failure messages).
std::string describe(const frame& f);

class raw_client {
  public:
    raw_client();
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;
    raw_client(raw_client&& o) noexcept;
    raw_client& operator=(raw_client&& o) noexcept;

    // Connects to 127.0.0.1:port. Returns false (and records a gtest failure) on error.
    bool connect(uint16_t port);
    void close();
    bool is_open() const { return fd_ >= 0; }
    // Half-closes the write side (the server sees EOF on its next read).
    void shutdown_write();

    void send_magic();  // "  V2"
    // Writes every byte (records a gtest failure when the write fails).
    bool send(std::string_view bytes);
    // Like send, but a failure (the peer closed) is only returned, not a test failure.
    bool try_send(std::string_view bytes);

    // Next frame within `timeout`, skipping `_heartbeat_` responses unless `heartbeats`.
    // nullopt on timeout, EOF or error.
    std::optional<frame> read_frame(milliseconds timeout = default_timeout,
                                    bool heartbeats = false);
    // Exactly `n` raw bytes (frame headers included) within `timeout`; nullopt otherwise.
    std::optional<std::string> read_bytes(size_t n, milliseconds timeout = default_timeout);
    // Next message frame, failing the test when another frame arrives instead.
    std::optional<received_message> read_message(milliseconds timeout = default_timeout);
    // True when the peer closes the connection (EOF or reset) within `timeout`. Frames received
    // meanwhile are discarded; their rendering is appended to `discarded` when given.
    bool closed_by_peer(milliseconds timeout = default_timeout, std::string* discarded = nullptr);
    // True when no frame other than heartbeats arrives within `window`; an unexpected frame is
    // kept and described in the returned assertion.
    ::testing::AssertionResult quiet_for(milliseconds window);

    // The next non-heartbeat frame is a response with exactly `text`.
    ::testing::AssertionResult expect_response(std::string_view text,
                                               milliseconds timeout = default_timeout);
    // The next non-heartbeat frame is an error with exactly `text`.
    ::testing::AssertionResult expect_error(std::string_view text,
                                            milliseconds timeout = default_timeout);
    // expect_error, then the connection is closed by nsqd (a fatal error).
    ::testing::AssertionResult expect_fatal(std::string_view text,
                                            milliseconds timeout = default_timeout);

    // ---- negotiated layers (after an IDENTIFY reply with tls_v1/snappy/deflate true) ----
    // TLS client handshake on the connection (blocking, `timeout`); `ca_file` verifies the
    // server (empty: no verification); `cert_file`/`key_file` present a client certificate.
    // Returns "" on success, else the error.
    std::string start_tls(const std::string& ca_file = "", const std::string& cert_file = "",
                          const std::string& key_file = "", milliseconds timeout = default_timeout);
    // Switches both directions to the snappy framing format / raw deflate at `level` (bytes
    // already received after the IDENTIFY reply are decoded as compressed input).
    void use_snappy();
    void use_deflate(int level);
    // Sends `bytes` as they are on the (possibly TLS) stream, bypassing compression.
    bool send_uncompressed(std::string_view bytes);
    // Compressed bytes sent/received so far (0 without compression).
    uint64_t wire_bytes_sent() const { return wire_sent_; }
    uint64_t wire_bytes_received() const { return wire_received_; }

    // Bytes received but not yet consumed as frames.
    const std::string& pending() const { return buf_; }
    bool peer_closed() const { return eof_; }

  private:
    // Reads more bytes into buf_ before `deadline`; false on timeout, EOF or error.
    bool fill(std::chrono::steady_clock::time_point deadline);

    // Writes `bytes` through TLS/compression; false (errno-style message in `error`) on failure.
    bool write_all(std::string_view bytes, bool nonblocking, std::string& error,
                   bool compress = true);
    // One read from the socket (through TLS) into `out`: >0 bytes, 0 EOF, -1 error, -2 retry.
    ssize_t read_some(char* out, size_t cap);
    void append_received(const char* data, size_t n);

    struct layers;  // TLS session and codecs (raw_client.cc)
    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;
    std::unique_ptr<layers> layers_;
    uint64_t wire_sent_ = 0;
    uint64_t wire_received_ = 0;
};

// ---- conveniences built on raw_client ----

// connect + magic.
raw_client connect_v2(uint16_t port);
// connect + magic + SUB topic channel (expects OK) + RDY rdy (when rdy >= 0).
// `identify_json`, when not empty, is sent first (expects OK).
raw_client subscribe(uint16_t port, std::string_view topic, std::string_view channel, int rdy = -1,
                     std::string_view identify_json = {});
// Publishes over a fresh connection and expects OK.
::testing::AssertionResult publish(uint16_t port, std::string_view topic, std::string_view body);
::testing::AssertionResult publish_many(uint16_t port, std::string_view topic,
                                        const std::vector<std::string>& bodies);

}  // namespace nsqpp::test
