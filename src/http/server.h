#pragma once
// HTTP/1.1 server (Beast) serving a router: keep-alive, pipelining-safe, per-route body
// limits checked before the body is read (413), optional TLS (HTTPS), idle timeout.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"

namespace boost::asio::ssl {
class context;
}

namespace nsqpp::http {

class server {
  public:
    // Serves a copy of `r` using `executors` (one single-threaded io_context or strand each,
    // owned by the caller and outliving the server's connections); accepted connections are
    // spread round-robin across them. `default_body_limit` applies to routes with
    // max_body == 0 and to unrouted requests. Handlers run on the connection's executor.
    server(std::vector<boost::asio::any_io_executor> executors, const router& r,
           size_t default_body_limit);
    ~server();  // stop()s
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Serve HTTPS with `tls` (call before start()). Requests then have request::tls = true.
    void set_tls(std::shared_ptr<boost::asio::ssl::context> tls);
    // Closes connections idle (or stalled mid-request) for this long; default 60 s.
    void set_idle_timeout(std::chrono::steady_clock::duration timeout);

    // Binds and listens; returns the bound port (port 0 = ephemeral). Host is an IP literal
    // ("0.0.0.0", "::", "127.0.0.1") or a resolvable name. Throws std::system_error.
    uint16_t listen(const std::string& host, uint16_t port);
    // Begins accepting (a coroutine on the first executor).
    void start();
    // Stops accepting and closes every open connection; thread-safe (posts to the executors),
    // idempotent. Once it returns no new connection is served; closing completes when the
    // executors run the posted work.
    void stop();

    size_t connection_count() const;  // open connections (for stats and tests)

    struct impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace nsqpp::http
