#include "nsqadmin/history.h"

#include <boost/json.hpp>

namespace nsqpp::nsqadmin {
namespace json = boost::json;

namespace {
int64_t num(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    return 0;
}
std::string str(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}
}  // namespace

history::history(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void history::add(const std::string& key, int64_t ts_ms, int64_t depth, int64_t in_flight,
                  int64_t message_count) {
    auto& ring = series_[key];
    history_point p{ts_ms, depth, in_flight, message_count, 0};
    if (!ring.empty() && ts_ms > ring.back().ts_ms) {
        int64_t diff = message_count - ring.back().message_count;
        p.rate = diff > 0 ? static_cast<double>(diff) * 1000.0 /
                                static_cast<double>(ts_ms - ring.back().ts_ms)
                          : 0;
    }
    ring.push_back(p);
    while (ring.size() > capacity_) ring.pop_front();
}

void history::record(int64_t ts_ms, const std::vector<node_stats>& stats) {
    struct totals {
        int64_t depth = 0, in_flight = 0, messages = 0;
    };
    std::map<std::string, totals> sums;
    totals cluster;
    for (const auto& s : stats) {
        totals node;
        const json::value* tv = s.stats.if_contains("topics");
        if (!tv || !tv->is_array()) continue;
        for (const auto& t : tv->as_array()) {
            if (!t.is_object()) continue;
            const json::object& to = t.as_object();
            std::string topic = str(to, "topic_name");
            totals& ts = sums["topic:" + topic];
            int64_t depth = num(to, "depth");
            int64_t in_flight = 0;
            ts.depth += depth;
            ts.messages += num(to, "message_count");
            node.depth += depth;
            node.messages += num(to, "message_count");
            const json::value* cv = to.if_contains("channels");
            if (cv && cv->is_array()) {
                for (const auto& c : cv->as_array()) {
                    if (!c.is_object()) continue;
                    const json::object& co = c.as_object();
                    totals& cs = sums["channel:" + topic + "/" + str(co, "channel_name")];
                    cs.depth += num(co, "depth");
                    cs.in_flight += num(co, "in_flight_count");
                    cs.messages += num(co, "message_count");
                    in_flight += num(co, "in_flight_count");
                    ts.depth += num(co, "depth");
                    node.depth += num(co, "depth");
                }
            }
            ts.in_flight += in_flight;
            node.in_flight += in_flight;
        }
        sums["node:" + s.node.http_address()] = node;
        cluster.depth += node.depth;
        cluster.in_flight += node.in_flight;
        cluster.messages += node.messages;
    }
    std::lock_guard lock(mu_);
    add("cluster", ts_ms, cluster.depth, cluster.in_flight, cluster.messages);
    for (const auto& [key, t] : sums) add(key, ts_ms, t.depth, t.in_flight, t.messages);
    // Drop series that vanished (e.g. deleted topics) once their last sample is older than
    // anything the cluster series still keeps.
    int64_t horizon = series_["cluster"].front().ts_ms;
    for (auto it = series_.begin(); it != series_.end();) {
        it = it->second.back().ts_ms < horizon ? series_.erase(it) : std::next(it);
    }
}

std::vector<history_point> history::series(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = series_.find(key);
    if (it == series_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

}  // namespace nsqpp::nsqadmin
