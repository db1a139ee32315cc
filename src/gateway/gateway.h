#pragma once
// nsqgw: the gateway daemon. Owns the worker threads, the proxy listener, the admin listener
// (src/http server), the pools and their background tasks.
#include <cstdint>
#include <memory>

#include "gateway/config.h"
#include "gateway/middleware.h"

namespace nsqpp::gateway {

class pool;
struct gateway_impl;

class gateway {
  public:
    // Builds pools, routes and middleware; throws std::invalid_argument on a bad config.
    explicit gateway(gateway_config cfg);
    ~gateway();  // stop()s
    gateway(const gateway&) = delete;
    gateway& operator=(const gateway&) = delete;

    // Extension points; call before start().
    void add_request_rewriter(request_rewriter rw);
    void add_response_modifier(response_modifier mod);

    // Fetches lookupd members once, binds the listeners, starts the threads. Throws
    // std::runtime_error ("listen (<addr>) failed - <err>").
    void start();
    void wait();  // until stop()
    // Stops accepting, closes client connections, stops background tasks, joins threads.
    // Idempotent; safe from any thread.
    void stop();

    uint16_t http_port() const;
    uint16_t admin_port() const;  // 0 when off
    pool* find_pool(const std::string& name) const;
    size_t connection_count() const;

  private:
    std::unique_ptr<gateway_impl> impl_;
};

}  // namespace nsqpp::gateway
