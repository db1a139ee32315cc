#pragma once
// Small HTTP/1.1 client (one request per connection): a coroutine for event-loop code and a
// blocking wrapper (own io_context) for tests and tools. Optional TLS.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsqpp::http {

struct client_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names as received
    std::string body;
    std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

struct fetch_request {
    std::string method = "GET";
    std::string host;  // name or IP literal
    uint16_t port = 80;
    std::string target = "/";  // "/path?query", sent as-is
    std::string body;
    // Extra headers. Host, Content-Length and "Connection: close" are added unless given;
    // "Transfer-Encoding: chunked" makes the body go out chunked.
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // whole exchange
    // Limit for establishing the TCP connection (within `timeout`); 0 = only `timeout`.
    std::chrono::milliseconds connect_timeout{0};
    bool tls = false;         // HTTPS
    bool tls_verify = false;  // verify the peer against the system CAs and `host`
    // Verify the peer against the CAs in this PEM file (and `host`) instead of the system's.
    std::string tls_ca_file;
};

// Performs the request; throws std::system_error on resolve/connect/TLS/I/O failure or
// timeout (std::errc::timed_out).
boost::asio::awaitable<client_response> async_fetch(fetch_request req);

// Blocking form of async_fetch on a private io_context.
client_response fetch(const fetch_request& req);

// Blocking one-shot request; throws std::system_error on connection failure.
client_response fetch(const std::string& method, const std::string& host, uint16_t port,
                      const std::string& target, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace nsqpp::http
