#pragma once
// nsq_stat's pure parts: the channel counters summed over nodes, the /stats JSON extraction
// and NSQ's column output (spec/tools.md §6).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::tools {

struct channel_counters {
    int64_t depth = 0;
    int64_t backend_depth = 0;
    int64_t in_flight_count = 0;
    int64_t deferred_count = 0;
    int64_t message_count = 0;
    int64_t requeue_count = 0;
    int64_t timeout_count = 0;
    int64_t client_count = 0;

    channel_counters& operator+=(const channel_counters& o);
};

// The channel `channel` of topic `topic` in one nsqd's /stats?format=json body, or nullopt
// when that node does not have it. Throws std::runtime_error for a body that is not /stats JSON.
std::optional<channel_counters> find_channel(std::string_view stats_json, std::string_view topic,
                                             std::string_view channel);

// The two header lines (each ending in '\n'), printed before iterations 0, 25, 50, ...
std::string stat_header();

// One data row (ending in '\n') from the previous and current sums, `interval_seconds` apart.
std::string stat_row(const channel_counters& prev, const channel_counters& cur,
                     double interval_seconds);

}  // namespace nsqpp::tools
