#pragma once
// Helpers for the http tests: a server on 127.0.0.1:0 with N worker threads, and a raw
// blocking TCP client with timeouts (POSIX sockets) for protocol-level checks.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http/router.h"
#include "http/server.h"

namespace nsqpp::http::test {

class test_server {
  public:
    // `configure` runs before listen/start (e.g. set_tls, set_idle_timeout).
    explicit test_server(const router& r, size_t workers = 1, size_t body_limit = 1 << 20,
                         std::function<void(server&)> configure = {});
    ~test_server();
    uint16_t port() const { return port_; }
    server& get() { return *server_; }
    // stop()s the server, lets the workers run out of work and joins them. Returns false if
    // they were still busy after `limit` (a hang; they are then forced to stop).
    bool shutdown(std::chrono::milliseconds limit = std::chrono::seconds(10));

  private:
    struct workers;
    std::unique_ptr<workers> workers_;
    std::unique_ptr<server> server_;
    uint16_t port_ = 0;
};

struct raw_response {
    int status = 0;
    std::string status_line;
    std::multimap<std::string, std::string> headers;  // names lower-cased
    std::string head;                                 // raw header block
    std::string body;
    std::optional<std::string> header(const std::string& lower_name) const;
};

class raw_client {
  public:
    explicit raw_client(uint16_t port);  // connects to 127.0.0.1:port; throws on failure
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    void send(const std::string& data);
    // Reads one response framed by Content-Length (or none). Throws std::runtime_error on
    // timeout or a connection closed before the response is complete.
    raw_response read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Reads exactly the bytes "HTTP/1.1 100 Continue\r\n\r\n" or throws.
    std::string read_exact(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // True if the peer closed (EOF or reset) within `timeout` with no further data.
    bool closed_within(std::chrono::milliseconds timeout);

  private:
    // Appends what arrives within `timeout` to buffer_; 0 on EOF; throws on timeout.
    size_t fill(std::chrono::milliseconds timeout);
    int fd_ = -1;
    std::string buffer_;
};

// A TLS server context with a fresh self-signed certificate for localhost/127.0.0.1 made by
// the openssl CLI in a temp dir; nullptr if that is impossible (the test then skips).
std::shared_ptr<boost::asio::ssl::context> make_test_tls_context();

}  // namespace nsqpp::http::test
