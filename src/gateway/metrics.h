#pragma once
// Request counters and latency histograms for Prometheus' text exposition format (0.0.4),
// written here (no client library): nsqgw_requests_total, nsqgw_request_duration_seconds,
// nsqgw_response_bytes_total. Thread-safe.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "gateway/exchange.h"

namespace nsqpp::gateway {

class gateway_metrics {
  public:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    // Counts one finished exchange under its pool ("" for local answers) and status code.
    void observe(const std::string& pool, int status, double seconds, uint64_t bytes_out);
    // Appends the request metrics in exposition format.
    void write(std::string& out) const;

  private:
    struct histogram {
        std::array<uint64_t, buckets.size()> counts{};
        uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;  // (pool, code) → count
    std::map<std::string, histogram> latency_;                  // pool → histogram
    std::map<std::string, uint64_t> bytes_;                     // pool → response bytes
};

// Escapes a label value (backslash, double quote, newline).
std::string prometheus_label(std::string_view v);

}  // namespace nsqpp::gateway
