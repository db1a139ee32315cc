#pragma once
// Request counters and latency histograms for Prometheus' text exposition format (0.0.4),
// written here (no client library): nsqgw_requests_total, nsqgw_request_duration_seconds,
// nsqgw_response_bytes_total. Thread-safe; observe() takes no lock for the pools named by
// set_pools() (atomic counters), other names are added under a mutex.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/exchange.h"

namespace nsqpp::gateway {

class gateway_metrics {
  public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    // Creates the counters of these pools up front (call once, before any observe()); after
    // that, observing them is lock-free. "" (local answers) is always included.
    void set_pools(const std::vector<std::string>& names);
    // Counts one finished exchange under its pool ("" for local answers) and status code.
    void observe(const std::string& pool, int status, double seconds, uint64_t bytes_out);
    // Appends the request metrics in exposition format (pools and codes seen so far).
    void write(std::string& out) const;

  private:
    struct counters {
        std::array<std::atomic<uint64_t>, 1000> by_status{};  // HTTP status codes are 3 digits
        std::array<std::atomic<uint64_t>, buckets.size()> in_bucket{};  // not cumulative
        std::atomic<uint64_t> count{0};
        std::atomic<uint64_t> sum_ns{0};
        std::atomic<uint64_t> bytes{0};
    };
    counters& of(const std::string& pool);
    std::vector<std::pair<std::string, const counters*>> sorted() const;

    std::map<std::string, std::unique_ptr<counters>> fixed_;  // read-only after set_pools()
    mutable std::mutex mu_;
    std::map<std::string, std::unique_ptr<counters>> extra_;  // names not given to set_pools()
};

// Escapes a label value (backslash, double quote, newline).
std::string prometheus_label(std::string_view v);

}  // namespace nsqpp::gateway
