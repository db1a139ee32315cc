#pragma once
// nsqadmin's HTTP client for nsqlookupd and nsqd (spec/nsqadmin.md §4.1): requests run
// concurrently on a private I/O thread, so a handler waiting for a fan-out never blocks the
// HTTP workers' event loops; every request has a deadline; errors carry NSQ's texts.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace nsqpp::nsqadmin {

struct upstream_request {
    std::string method = "GET";
    std::string address;  // "host:port" ("[v6]:port" allowed)
    std::string target;   // "/path?query"
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

struct upstream_result {
    bool ok = false;    // transport succeeded and status 200
    int status = 0;     // 0 on transport failure
    std::string body;   // response body
    std::string error;  // NSQ's text when !ok, e.g. `got response 404 Not Found "{...}"`
};

// Reachability of one upstream address, from every request nsqadmin made to it (/metrics).
struct upstream_health {
    std::string address;
    bool up = false;          // the last request got an HTTP answer (any status)
    double last_seconds = 0;  // duration of the last request
    uint64_t requests = 0;
    uint64_t failures = 0;  // requests without an HTTP answer (refused, timeout, ...)
    int64_t last_unix_ms = 0;
};

class upstream {
  public:
    // `tls_verify`: verify HTTPS upstreams against the system CAs (the 403 → https retry).
    upstream(std::chrono::milliseconds timeout, bool tls_verify);
    ~upstream();  // stops and joins the I/O thread
    upstream(const upstream&) = delete;
    upstream& operator=(const upstream&) = delete;

    // Issues every request concurrently and waits for all of them (each bounded by the
    // timeout). Results are in request order. Thread-safe.
    std::vector<upstream_result> fetch_all(const std::vector<upstream_request>& reqs);
    upstream_result fetch(const upstream_request& req);

    // Health of every address asked so far, sorted by address. Thread-safe.
    std::vector<upstream_health> health() const;

    struct health_table;

  private:
    std::chrono::milliseconds timeout_;
    bool tls_verify_;
    std::shared_ptr<health_table> health_;
    boost::asio::io_context ioc_;
    std::shared_ptr<void> work_;  // keeps ioc_ running
    std::thread thread_;
};

// "got response 404 Not Found \"<Go-quoted body>\"" (status line text as Go prints it).
std::string status_error(int status, const std::string& body);

}  // namespace nsqpp::nsqadmin
