#include "gateway/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

void gateway_metrics::set_pools(const std::vector<std::string>& names) {
    fixed_.try_emplace("", std::make_unique<counters>());
    for (const auto& n : names) fixed_.try_emplace(n, std::make_unique<counters>());
}

gateway_metrics::counters& gateway_metrics::of(const std::string& pool) {
    if (auto it = fixed_.find(pool); it != fixed_.end()) return *it->second;
    std::lock_guard lock(mu_);
    auto& c = extra_[pool];
    if (!c) c = std::make_unique<counters>();
    return *c;
}

void gateway_metrics::observe(const std::string& pool, int status, double seconds,
                              uint64_t bytes_out) {
    counters& c = of(pool);
    c.by_status[static_cast<size_t>(status) < c.by_status.size() ? status : 0].fetch_add(1);
    // count before the bucket: a scrape reads the buckets first, so its cumulative bucket
    // counts never exceed its +Inf count.
    c.count.fetch_add(1);
    for (size_t i = 0; i < buckets.size(); ++i) {
        if (seconds <= buckets[i]) {
            c.in_bucket[i].fetch_add(1);
            break;
        }
    }
    c.sum_ns.fetch_add(seconds > 0 ? static_cast<uint64_t>(std::llround(seconds * 1e9)) : 0);
    c.bytes.fetch_add(bytes_out);
}

std::vector<std::pair<std::string, const gateway_metrics::counters*>> gateway_metrics::sorted()
    const {
    std::vector<std::pair<std::string, const counters*>> all;
    for (const auto& [name, c] : fixed_) all.emplace_back(name, c.get());
    {
        std::lock_guard lock(mu_);
        for (const auto& [name, c] : extra_) all.emplace_back(name, c.get());
    }
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return all;
}

void gateway_metrics::write(std::string& out) const {
    struct snapshot {
        std::string label;
        std::array<uint64_t, buckets.size()> cumulative{};
        uint64_t count = 0;
        double sum = 0;
        uint64_t bytes = 0;
    };
    std::vector<snapshot> seen;
    out += "# HELP nsqgw_requests_total Requests answered, by pool and status code.\n";
    out += "# TYPE nsqgw_requests_total counter\n";
    for (const auto& [name, c] : sorted()) {
        snapshot s;
        uint64_t running = 0;
        for (size_t i = 0; i < buckets.size(); ++i) {
            running += c->in_bucket[i].load();
            s.cumulative[i] = running;
        }
        s.count = c->count.load();
        if (s.count == 0) continue;  // a pool appears once it answered something
        s.label = prometheus_label(name);
        s.sum = static_cast<double>(c->sum_ns.load()) / 1e9;
        s.bytes = c->bytes.load();
        for (size_t code = 0; code < c->by_status.size(); ++code) {
            if (uint64_t n = c->by_status[code].load()) {
                out += fmt::format("nsqgw_requests_total{{pool=\"{}\",code=\"{}\"}} {}\n", s.label,
                                   code, n);
            }
        }
        seen.push_back(std::move(s));
    }
    out += "# HELP nsqgw_request_duration_seconds Time from request head to response end.\n";
    out += "# TYPE nsqgw_request_duration_seconds histogram\n";
    for (const auto& s : seen) {
        for (size_t i = 0; i < buckets.size(); ++i) {
            out +=
                fmt::format("nsqgw_request_duration_seconds_bucket{{pool=\"{}\",le=\"{}\"}} {}\n",
                            s.label, buckets[i], s.cumulative[i]);
        }
        out += fmt::format("nsqgw_request_duration_seconds_bucket{{pool=\"{}\",le=\"+Inf\"}} {}\n",
                           s.label, s.count);
        out +=
            fmt::format("nsqgw_request_duration_seconds_sum{{pool=\"{}\"}} {}\n", s.label, s.sum);
        out += fmt::format("nsqgw_request_duration_seconds_count{{pool=\"{}\"}} {}\n", s.label,
                           s.count);
    }
    out += "# HELP nsqgw_response_bytes_total Response body bytes written to clients.\n";
    out += "# TYPE nsqgw_response_bytes_total counter\n";
    for (const auto& s : seen) {
        out += fmt::format("nsqgw_response_bytes_total{{pool=\"{}\"}} {}\n", s.label, s.bytes);
    }
}

}  // namespace nsqpp::gateway
