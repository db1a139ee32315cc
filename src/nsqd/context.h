#pragma once
// What the protocol handlers and the HTTP API share: options, topics, identity, time.
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/registry.h"
#include "nsqd/options.h"
#include "nsqd/stats.h"

namespace boost::asio::ssl {
class context;
}

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
    std::atomic<uint16_t> https_port{0};

    // TCP/HTTPS server TLS (from --tls-cert/--tls-key/...; null when TLS is not configured).
    std::shared_ptr<boost::asio::ssl::context> tls;
    bool tls_enabled() const { return tls != nullptr; }

    // Hooks the daemon installs (empty in unit tests and fuzzing).
    std::function<nsqd_stats(const stats_filter&)> collect_stats;
    // Rewrites nsqd.dat: after a (non-ephemeral) topic/channel is created or deleted and after
    // a pause/unpause.
    std::function<void()> persist_metadata;
    // PUT /config/nsqlookupd_tcp_addresses: connect to the new set.
    std::function<void(const std::vector<std::string>&)> set_lookupd_addresses;
    // nsqlookupd registration: REGISTER (add) or UNREGISTER a topic (channel "") or channel.
    std::function<void(const std::string& topic, const std::string& channel, bool add)>
        lookupd_register;
    // The channels nsqlookupd knows for a new topic (pre-creation, spec §4.2).
    std::function<std::vector<std::string>(const std::string& topic)> lookupd_channels;

    // "" when healthy, else the last disk write error (cleared by the next successful write).
    std::string health() const {
        std::lock_guard lock(mu_);
        return health_;
    }
    void set_health(std::string error) {
        std::lock_guard lock(mu_);
        health_ = std::move(error);
    }
    // The runtime-writable options (/config/:opt PUT).
    std::vector<std::string> lookupd_tcp_addresses() const {
        std::lock_guard lock(mu_);
        return lookupd_addresses_;
    }
    void store_lookupd_tcp_addresses(std::vector<std::string> addrs) {
        std::lock_guard lock(mu_);
        lookupd_addresses_ = std::move(addrs);
    }
    std::string log_level() const {
        std::lock_guard lock(mu_);
        return log_level_;
    }
    void store_log_level(std::string level) {
        std::lock_guard lock(mu_);
        log_level_ = std::move(level);
    }

    context(options o, int64_t node_id, std::shared_ptr<spdlog::logger> logger,
            broker::backend_factory make_backend = {})
        : opts(std::move(o)),
          topics(broker::registry_config{
              static_cast<size_t>(opts.mem_queue_size), node_id, std::move(make_backend),
              broker::make_quantile_config(opts.e2e_processing_latency_percentiles,
                                           opts.e2e_processing_latency_window_time)}),
          log(std::move(logger)),
          lookupd_addresses_(opts.lookupd_tcp_addresses),
          log_level_(opts.log_level) {}

  private:
    mutable std::mutex mu_;
    std::string health_;
    std::vector<std::string> lookupd_addresses_;
    std::string log_level_;
};

inline int64_t to_ms(std::chrono::nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace nsqpp::nsqd
