#include "gateway/metrics.h"

#include <fmt/format.h>

namespace nsqpp::gateway {

std::string prometheus_label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void gateway_metrics::observe(const std::string& pool, int status, double seconds,
                              uint64_t bytes_out) {
    std::lock_guard lock(mu_);
    ++requests_[{pool, status}];
    auto& h = latency_[pool];
    for (size_t i = 0; i < buckets.size(); ++i) {
        if (seconds <= buckets[i]) ++h.counts[i];
    }
    ++h.count;
    h.sum += seconds;
    bytes_[pool] += bytes_out;
}

void gateway_metrics::write(std::string& out) const {
    std::lock_guard lock(mu_);
    out += "# HELP nsqgw_requests_total Requests answered, by pool and status code.\n";
    out += "# TYPE nsqgw_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out += fmt::format("nsqgw_requests_total{{pool=\"{}\",code=\"{}\"}} {}\n",
                           prometheus_label(key.first), key.second, n);
    }
    out += "# HELP nsqgw_request_duration_seconds Time from request head to response end.\n";
    out += "# TYPE nsqgw_request_duration_seconds histogram\n";
    for (const auto& [pool, h] : latency_) {
        std::string label = prometheus_label(pool);
        for (size_t i = 0; i < buckets.size(); ++i) {
            out +=
                fmt::format("nsqgw_request_duration_seconds_bucket{{pool=\"{}\",le=\"{}\"}} {}\n",
                            label, buckets[i], h.counts[i]);
        }
        out += fmt::format("nsqgw_request_duration_seconds_bucket{{pool=\"{}\",le=\"+Inf\"}} {}\n",
                           label, h.count);
        out += fmt::format("nsqgw_request_duration_seconds_sum{{pool=\"{}\"}} {}\n", label, h.sum);
        out +=
            fmt::format("nsqgw_request_duration_seconds_count{{pool=\"{}\"}} {}\n", label, h.count);
    }
    out += "# HELP nsqgw_response_bytes_total Response body bytes written to clients.\n";
    out += "# TYPE nsqgw_response_bytes_total counter\n";
    for (const auto& [pool, n] : bytes_) {
        out += fmt::format("nsqgw_response_bytes_total{{pool=\"{}\"}} {}\n", prometheus_label(pool),
                           n);
    }
}

}  // namespace nsqpp::gateway
