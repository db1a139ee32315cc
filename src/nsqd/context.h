#pragma once
// What the protocol handlers and the HTTP API share: options, topics, identity, time.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "broker/registry.h"
#include "nsqd/options.h"

namespace nsqpp::nsqd {

inline constexpr const char* nsq_version = "1.3.0";

struct context {
    options opts;
    broker::registry topics;
    std::shared_ptr<spdlog::logger> log;
    std::string hostname;
    std::string broadcast_address;
    int64_t start_time = 0;  // unix seconds
    std::atomic<uint16_t> tcp_port{0};
    std::atomic<uint16_t> http_port{0};

    context(options o, int64_t node_id, std::shared_ptr<spdlog::logger> logger)
        : opts(std::move(o)),
          topics(broker::registry_config{static_cast<size_t>(opts.mem_queue_size), node_id}),
          log(std::move(logger)) {}
};

inline int64_t to_ms(std::chrono::nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace nsqpp::nsqd
