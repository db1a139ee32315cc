#pragma once
// What the V1 protocol handlers and the HTTP API share: options, the registration DB, identity,
// the clock.
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "nsqlookupd/options.h"
#include "nsqlookupd/registration_db.h"

namespace nsqpp::nsqlookupd {

inline constexpr std::string_view nsq_version = "1.3.0";

// Wall-clock Unix nanoseconds (what NSQ stores as lastUpdate).
inline unix_nanos system_unix_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct context {
    options opts;
    registration_db db;
    std::shared_ptr<spdlog::logger> log;
    std::string hostname;           // OS hostname (IDENTIFY reply)
    std::string broadcast_address;  // --broadcast-address, or the hostname
    std::atomic<uint16_t> tcp_port{0};
    std::atomic<uint16_t> http_port{0};
    std::function<unix_nanos()> clock = system_unix_nanos;  // tests may inject another

    context(options o, std::shared_ptr<spdlog::logger> logger)
        : opts(std::move(o)), log(std::move(logger)) {}

    unix_nanos now() const { return clock(); }
    int64_t inactive_timeout_ns() const { return opts.inactive_producer_timeout.count(); }
    int64_t tombstone_lifetime_ns() const { return opts.tombstone_lifetime.count(); }
};

}  // namespace nsqpp::nsqlookupd
