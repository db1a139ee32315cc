#pragma once
// The gateway's shared, read-mostly state used by every client session: routes, pools, the
// middleware chain, the extension points, metrics and timeouts. Built once by `gateway`;
// pools and metrics synchronize internally.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/metrics.h"
#include "gateway/middleware.h"
#include "gateway/pool.h"
#include "gateway/route.h"
#include "gateway/sweeper.h"

namespace nsqpp::gateway {

struct core {
    route_table routes;
    std::map<std::string, std::unique_ptr<pool>> pools;
    std::vector<middleware_ptr> chain;
    std::vector<request_rewriter> rewriters;
    std::vector<response_modifier> modifiers;
    gateway_metrics metrics;
    // One per worker: the deadlines of the fast read path (fast_read.h).
    std::vector<std::shared_ptr<sweeper>> sweepers;

    std::chrono::milliseconds client_idle_timeout{60000};
    std::chrono::milliseconds client_write_timeout{60000};
    size_t header_limit = 64 * 1024;
    // Request bodies with a Content-Length up to this are read before connecting (so a
    // failed attempt can be replayed); larger and chunked bodies are streamed.
    size_t buffer_body_limit = 64 * 1024;
};

}  // namespace nsqpp::gateway
