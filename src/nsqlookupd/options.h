#pragma once
// nsqlookupd's options: NSQ's flag names and defaults (shared/spec/nsqlookupd.md §1.1).
#include <chrono>
#include <cstdint>
#include <string>

namespace nsqpp::nsqlookupd {

using nanoseconds = std::chrono::nanoseconds;
using namespace std::chrono_literals;

struct options {
    std::string log_level = "info";  // debug, info, warn, error, fatal (lower case)
    std::string log_prefix = "[nsqlookupd] ";

    std::string tcp_address = "0.0.0.0:4160";   // nsqd-facing protocol V1
    std::string http_address = "0.0.0.0:4161";  // HTTP API
    std::string broadcast_address;              // "" = OS hostname (NSQ's default)

    // A producer whose last PING/IDENTIFY is older than this is hidden from /lookup and /nodes.
    nanoseconds inactive_producer_timeout = 300s;
    // How long /topic/tombstone hides a producer of a topic from /lookup.
    nanoseconds tombstone_lifetime = 45s;

    // nsqpp only
    int64_t worker_threads = 0;  // 0 = number of cores
};

}  // namespace nsqpp::nsqlookupd
