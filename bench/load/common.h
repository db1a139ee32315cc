#pragma once
// Shared pieces of the load tools: Go-style flags, durations, and a blocking V2 connection
// (plain POSIX socket) with a frame reader. Modelled on NSQ's bench/bench_writer and
// bench/bench_reader, but speaking the raw protocol so the tool is not the bottleneck.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/frame.h"

namespace nsqpp::bench {

using clock = std::chrono::steady_clock;

// ---- flags ---------------------------------------------------------------------------------

// Flags as Go's flag package reads them: -name=value, --name=value, -name value.
class flags {
  public:
    // Declares a flag with its default value and help text.
    flags& add(const std::string& name, const std::string& def, const std::string& help);
    // Parses argv; prints usage and exits on -h/--help or an unknown flag.
    void parse(int argc, char** argv, const char* what);

    std::string str(const std::string& name) const;
    int64_t i64(const std::string& name) const;
    double f64(const std::string& name) const;
    std::chrono::nanoseconds duration(const std::string& name) const;
    bool set(const std::string& name) const;  // given on the command line

  private:
    struct entry {
        std::string value;
        std::string help;
        bool given = false;
    };
    std::map<std::string, entry> entries_;
    std::vector<std::string> order_;
};

// "10s", "500ms", "1m30s", "2h", "1.5s", "250us", "0" → nanoseconds; nullopt when invalid.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s);

double seconds(clock::duration d);

// ---- protocol ------------------------------------------------------------------------------

// Appends "PUB <topic>\n<len><body>".
void append_pub(std::string& out, std::string_view topic, std::string_view body);
// Appends "MPUB <topic>\n<body_len><count>(<len><body>)*".
void append_mpub(std::string& out, std::string_view topic, const std::vector<std::string>& bodies);
// Appends "IDENTIFY\n<len><json>".
void append_identify(std::string& out, std::string_view json);

// Transport features a load tool may negotiate (IDENTIFY feature_negotiation).
struct transport_options {
    bool tls = false;  // tls_v1 (the server certificate is not verified)
    bool snappy = false;
    bool deflate = false;
    int deflate_level = 6;
    bool any() const { return tls || snappy || deflate; }
};
// Declares --tls, --snappy, --deflate, --deflate-level on `fl`, and reads them back.
void add_transport_flags(class flags& fl);
transport_options transport_from_flags(const class flags& fl);

// A blocking V2 connection. Not thread-safe except that one thread may write while another
// reads (the socket is full-duplex).
class connection {
  public:
    // Connects to "host:port", sets TCP_NODELAY and sends the "  V2" magic. Exits on failure.
    explicit connection(const std::string& address);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Writes everything; returns false when the connection failed.
    bool write_all(std::string_view data);

    // Returns the next frame, reading from the socket as needed. nullopt on EOF/error or
    // when `deadline` passes (timed_out() tells which). The view stays valid until the next call.
    std::optional<wire::frame> next_frame(clock::time_point deadline = clock::time_point::max());
    bool timed_out() const { return timed_out_; }
    // True when a whole frame is already buffered (no read needed).
    bool frame_buffered() const;

    // Sends a command and waits for its response frame (skipping heartbeats, answering them
    // with NOP). Returns the response data; exits with a message on an error frame or EOF.
    std::string request(std::string_view command, const char* what);

    // Sends IDENTIFY `json` (an object; "feature_negotiation" and the transport fields are
    // added) and performs the negotiated TLS/compression upgrades. Exits on failure. With TLS,
    // only one thread may use the connection.
    void negotiate(const transport_options& t, std::string_view json = "{}");

    // Shuts the sending side down (the peer sees EOF after the queued data).
    void shutdown_write();
    int fd() const { return fd_; }

  private:
    bool fill(clock::time_point deadline);
    bool write_raw(std::string_view data);
    ssize_t read_raw(char* out, size_t cap);

    struct layers;  // TLS session and codecs (common.cc)
    std::unique_ptr<layers> layers_;
    int fd_ = -1;
    std::vector<char> buf_;
    size_t head_ = 0;
    size_t tail_ = 0;
    bool timed_out_ = false;
};

// True for the "_heartbeat_" response frame.
bool is_heartbeat(const wire::frame& f);

// A message body of `size` bytes of `fill`.
std::string make_body(size_t size, char fill = 'a');
// Steady-clock nanoseconds (comparable between processes on one machine: CLOCK_MONOTONIC).
int64_t now_ns();

}  // namespace nsqpp::bench
