#pragma once
// Blocking HTTP queries of nsqlookupd and nsqd used by nsq_stat and nsq_to_file (topic
// producers, channel stats, topic lists), with NSQ's connect/request timeouts.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/stat_format.h"

namespace nsqpp::tools {

struct http_timeouts {
    std::chrono::nanoseconds connect = std::chrono::seconds(2);
    std::chrono::nanoseconds request = std::chrono::seconds(5);
};

// Go's url.QueryEscape: unreserved bytes kept, space → '+', others → %XX.
std::string query_escape(std::string_view s);

// GET http://<address><target> where address is "host:port" or "http://host:port[/...]".
// Returns the body of a 200 answer; throws std::runtime_error otherwise (connection error,
// timeout, other status).
std::string http_get(std::string_view address, std::string_view target,
                     const http_timeouts& timeouts);

// HTTP addresses ("host:port") of the nsqd that have `topic`: the union of every lookupd's
// /lookup producers (broadcast_address:http_port). Any failing lookupd throws.
std::vector<std::string> lookupd_topic_producers(const std::vector<std::string>& lookupds,
                                                 std::string_view topic,
                                                 const http_timeouts& timeouts);

// The subset of `nsqds` (HTTP addresses) whose /stats lists `topic`. Any failure throws.
std::vector<std::string> nsqd_topic_producers(const std::vector<std::string>& nsqds,
                                              std::string_view topic,
                                              const http_timeouts& timeouts);

// The sum of `topic`/`channel` over `producers` (nullopt: the channel is on no node).
std::optional<channel_counters> nsqd_channel_stats(const std::vector<std::string>& producers,
                                                   std::string_view topic, std::string_view channel,
                                                   const http_timeouts& timeouts);

// The union of every lookupd's /topics, sorted. Any failing lookupd throws.
std::vector<std::string> lookupd_topics(const std::vector<std::string>& lookupds,
                                        const http_timeouts& timeouts);

}  // namespace nsqpp::tools
