#pragma once
// Turns per-node /stats answers into nsqadmin's JSON shapes (spec/nsqadmin.md §4.6, §5):
// per-node topic/channel/client stats with `node`, `hostname`, `memory_depth`, `connected`,
// and the cross-node aggregates (`node` = "*") with summed counters and merged e2e latency.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "nsqadmin/cluster_info.h"

namespace nsqpp::nsqadmin {

// Per-node topic stats of every topic in `stats` (only `topic` when non-empty), channels and
// clients included. `now` (Unix seconds) computes each client's `connected`.
std::vector<boost::json::object> node_topic_stats(const node_stats& stats, const std::string& topic,
                                                  int64_t now);

// The topic page's aggregate (spec §5.2) of `topic` over the nodes' stats.
boost::json::object aggregate_topic(const std::string& topic, const std::vector<node_stats>& stats,
                                    int64_t now);

// The channel page's aggregate (spec §5.3); an empty object when no node has the channel.
boost::json::object aggregate_channel(const std::string& topic, const std::string& channel,
                                      const std::vector<node_stats>& stats, int64_t now);

// The node page (spec §5.5) without "message".
boost::json::object node_detail(const node_stats& stats, int64_t now);

// The counter page's "stats" member (spec §5.6).
boost::json::object counter_stats(const std::vector<node_stats>& stats);

}  // namespace nsqpp::nsqadmin
