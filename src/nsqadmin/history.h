#pragma once
// nsqadmin's own polling history (nsqpp extension, no graphite needed): every interval the
// cluster's /stats are sampled and kept in bounded rings per series — the whole cluster, each
// topic, each channel and each node — served by GET /api/history for the UI's live charts.
#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "nsqadmin/cluster_info.h"

namespace nsqpp::nsqadmin {

struct history_point {
    int64_t ts_ms = 0;  // Unix milliseconds of the sample
    int64_t depth = 0;  // messages waiting (a topic's or node's includes its channels')
    int64_t in_flight = 0;
    int64_t message_count = 0;
    double rate = 0;  // messages per second since the previous sample of this series
};

class history {
  public:
    explicit history(size_t capacity);

    // Adds one sample of every series found in `stats` (taken at `ts_ms`).
    void record(int64_t ts_ms, const std::vector<node_stats>& stats);

    // Series keys: "cluster", "topic:<t>", "channel:<t>/<c>", "node:<http address>".
    std::vector<history_point> series(const std::string& key) const;
    size_t capacity() const { return capacity_; }

  private:
    void add(const std::string& key, int64_t ts_ms, int64_t depth, int64_t in_flight,
             int64_t message_count);

    size_t capacity_;
    mutable std::mutex mu_;
    std::map<std::string, std::deque<history_point>> series_;
};

}  // namespace nsqpp::nsqadmin
