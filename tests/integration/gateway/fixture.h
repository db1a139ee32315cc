#pragma once
// Gateway integration fixtures: backends on 127.0.0.1:0 (src/http server with an echo router,
// or a scripted raw TCP server), a gateway started in-process, and a blocking keep-alive
// HTTP/1.1 client over POSIX sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config.h"
#include "gateway/gateway.h"
#include "http/router.h"
#include "http/server.h"
#include "net/worker_pool.h"

namespace nsqpp::gateway_test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

bool eventually(const std::function<bool()>& cond, milliseconds timeout = 10s);

// An HTTP backend: GET/POST/... /echo* answers JSON {"backend","method","target","body",
// "headers":{lower-case name: value}}; /status/:code answers that code; /sleep/:ms sleeps;
// /health answers 200 or 500 (`healthy`); /ping "OK". Every request counts in `hits`.
class backend {
  public:
    explicit backend(std::string name, int workers = 2);
    ~backend();
    uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    const std::string& name() const { return name_; }
    size_t connections() const { return server_->connection_count(); }
    std::atomic<bool> healthy{true};
    std::atomic<int> hits{0};

  private:
    std::string name_;
    net::worker_pool pool_;
    std::unique_ptr<http::server> server_;
    uint16_t port_ = 0;
};

// A port with nothing listening (bound then closed).
uint16_t dead_port();

// A gateway on 127.0.0.1:0 (admin too) with `cfg`'s pools/routes/middleware.
std::unique_ptr<gateway::gateway> start_gateway(gateway::gateway_config cfg, int workers = 2);
// A config with one pool "default" of `members` and `balancer`.
gateway::gateway_config one_pool(const std::vector<std::string>& members,
                                 std::string balancer = "round_robin");

struct reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

// A blocking HTTP/1.1 client connection (keep-alive). Chunked and Content-Length bodies.
class client {
  public:
    explicit client(uint16_t port);
    ~client();
    bool open() const { return fd_ >= 0; }
    bool send(const std::string& bytes);
    // Reads one response (HEAD: no body); nullopt on timeout/EOF/garbage.
    std::optional<reply> read(milliseconds timeout = 10s, bool head = false);
    // Reads whatever arrives within `timeout` (raw).
    std::string read_some(milliseconds timeout);
    // True when the server closed the connection (EOF) within `timeout`.
    bool closed_by_peer(milliseconds timeout);
    std::optional<reply> request(
        const std::string& method, const std::string& target, const std::string& body = "",
        const std::vector<std::pair<std::string, std::string>>& headers = {});

  private:
    bool fill(milliseconds timeout);
    int fd_ = -1;
    std::string buf_;
};

// One request on a new connection.
std::optional<reply> call(uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = "",
                          const std::vector<std::pair<std::string, std::string>>& headers = {});

// The JSON echo of a backend as a map: "backend", "method", "target", "body", "h:<name>".
std::map<std::string, std::string> echo(const reply& r);

}  // namespace nsqpp::gateway_test
