#include "nsqadmin/aggregate.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>

namespace nsqpp::nsqadmin {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

int64_t num(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->as_double());
    return 0;
}

double dbl(const json::value* v) {
    if (!v) return 0;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    return 0;
}

bool flag(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_bool() && v->as_bool();
}

const json::array* arr(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_array() ? &v->as_array() : nullptr;
}

// Go prints integral floats without a fraction: keep them integers in JSON.
json::value number(double d) {
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
        return static_cast<int64_t>(d);
    }
    return d;
}

// nsqd's {"count","percentiles"} → nsqadmin's per-node aggregate form.
json::object node_e2e(const json::object& src) {
    json::object out;
    int64_t count = num(src, "count");
    out["count"] = count;
    const json::array* ps = arr(src, "percentiles");
    if (!ps) {
        out["percentiles"] = nullptr;
    } else {
        json::array list;
        for (const auto& p : *ps) {
            if (!p.is_object()) continue;
            double value = dbl(p.as_object().if_contains("value"));
            list.push_back(
                json::object{{"average", number(value)},
                             {"count", count},
                             {"max", number(value)},
                             {"min", number(value)},
                             {"quantile", number(dbl(p.as_object().if_contains("quantile")))},
                             {"value", number(value)}});
        }
        out["percentiles"] = std::move(list);
    }
    out["topic"] = "";
    out["channel"] = "";
    out["host"] = "";
    return out;
}

const json::object& e2e_of(const json::object& o) {
    static const json::object empty;
    const json::value* v = o.if_contains("e2e_processing_latency");
    return v && v->is_object() ? v->as_object() : empty;
}

// Merges per-node e2e aggregates (spec §4.6): counts summed, per quantile the largest max,
// smallest min and the count-weighted mean of the averages.
json::object merge_e2e(const std::vector<const json::object*>& parts, const std::string& topic,
                       const std::string& channel) {
    struct acc {
        double max = 0, min = 0, weighted = 0;
        int64_t count = 0;
        bool seen = false;
    };
    std::vector<std::pair<double, acc>> qs;
    int64_t total = 0;
    bool any = false;
    for (const json::object* p : parts) {
        const json::object& e = e2e_of(*p);
        total += num(e, "count");
        const json::array* ps = arr(e, "percentiles");
        if (!ps) continue;
        any = true;
        for (const auto& pv : *ps) {
            if (!pv.is_object()) continue;
            const json::object& po = pv.as_object();
            double q = dbl(po.if_contains("quantile"));
            auto it =
                std::find_if(qs.begin(), qs.end(), [q](const auto& x) { return x.first == q; });
            if (it == qs.end()) it = qs.insert(qs.end(), {q, acc{}});
            acc& a = it->second;
            double mx = dbl(po.if_contains("max")), mn = dbl(po.if_contains("min"));
            int64_t c = num(po, "count");
            a.max = a.seen ? std::max(a.max, mx) : mx;
            a.min = a.seen ? std::min(a.min, mn) : mn;
            a.weighted += dbl(po.if_contains("average")) * static_cast<double>(c);
            a.count += c;
            a.seen = true;
        }
    }
    json::object out;
    out["count"] = total;
    if (!any) {
        out["percentiles"] = nullptr;
    } else {
        json::array list;
        for (const auto& [q, a] : qs) {
            double avg = a.count > 0 ? a.weighted / static_cast<double>(a.count) : 0;
            list.push_back(json::object{{"average", number(avg)},
                                        {"count", a.count},
                                        {"max", number(a.max)},
                                        {"min", number(a.min)},
                                        {"quantile", number(q)}});
        }
        out["percentiles"] = std::move(list);
    }
    out["topic"] = topic;
    out["channel"] = channel;
    out["host"] = "*";
    return out;
}

json::object client_stats(const json::object& c, const std::string& node, int64_t now) {
    json::object o;
    o["node"] = node;
    for (const char* k : {"remote_address", "version", "client_id", "hostname", "user_agent"}) {
        o[k] = str(c, k);
    }
    int64_t connect_ts = num(c, "connect_ts");
    o["connect_ts"] = connect_ts;
    o["connected"] = (now - connect_ts) * 1'000'000'000;
    for (const char* k : {"in_flight_count", "ready_count", "finish_count", "requeue_count",
                          "message_count", "sample_rate"}) {
        o[k] = num(c, k);
    }
    o["deflate"] = flag(c, "deflate");
    o["snappy"] = flag(c, "snappy");
    o["authed"] = flag(c, "authed");
    o["auth_identity"] = str(c, "auth_identity");
    o["auth_identity_url"] = str(c, "auth_identity_url");
    o["tls"] = flag(c, "tls");
    for (const char* k : {"tls_cipher_suite", "tls_version", "tls_negotiated_protocol"}) {
        o[k] = str(c, k);
    }
    o["tls_negotiated_protocol_is_mutual"] = flag(c, "tls_negotiated_protocol_is_mutual");
    return o;
}

json::object channel_stats(const json::object& c, const std::string& topic, const node_info& node,
                           int64_t now) {
    json::object o;
    o["node"] = node.http_address();
    o["hostname"] = node.hostname;
    o["topic_name"] = topic;
    o["channel_name"] = str(c, "channel_name");
    o["depth"] = num(c, "depth");
    o["memory_depth"] = num(c, "depth") - num(c, "backend_depth");
    for (const char* k : {"backend_depth", "in_flight_count", "deferred_count", "requeue_count",
                          "timeout_count", "message_count", "client_count"}) {
        o[k] = num(c, k);
    }
    o["nodes"] = nullptr;
    if (const json::array* cs = arr(c, "clients")) {
        json::array clients;
        for (const auto& cl : *cs) {
            if (cl.is_object())
                clients.push_back(client_stats(cl.as_object(), o["node"].as_string().c_str(), now));
        }
        o["clients"] = std::move(clients);
    } else {
        o["clients"] = nullptr;
    }
    o["paused"] = flag(c, "paused");
    o["e2e_processing_latency"] = node_e2e(e2e_of(c));
    return o;
}

json::object topic_stats(const json::object& t, const node_info& node, int64_t now) {
    std::string topic = str(t, "topic_name");
    json::object o;
    o["node"] = node.http_address();
    o["hostname"] = node.hostname;
    o["topic_name"] = topic;
    o["depth"] = num(t, "depth");
    o["memory_depth"] = num(t, "depth") - num(t, "backend_depth");
    o["backend_depth"] = num(t, "backend_depth");
    o["message_count"] = num(t, "message_count");
    o["nodes"] = nullptr;
    json::array channels;
    if (const json::array* cs = arr(t, "channels")) {
        for (const auto& c : *cs) {
            if (c.is_object()) channels.push_back(channel_stats(c.as_object(), topic, node, now));
        }
    }
    o["channels"] = std::move(channels);
    o["paused"] = flag(t, "paused");
    o["e2e_processing_latency"] = node_e2e(e2e_of(t));
    return o;
}

bool by_hostname(const json::value& a, const json::value& b) {
    return str(a.as_object(), "hostname") < str(b.as_object(), "hostname");
}

json::object merge_channels(const std::string& topic, const std::string& channel,
                            const std::vector<const json::object*>& parts) {
    json::object o;
    o["node"] = "*";
    o["hostname"] = "";
    o["topic_name"] = topic;
    o["channel_name"] = channel;
    const char* sums[] = {"depth",           "memory_depth",   "backend_depth",
                          "in_flight_count", "deferred_count", "requeue_count",
                          "timeout_count",   "message_count",  "client_count"};
    for (const char* k : sums) {
        int64_t total = 0;
        for (const json::object* p : parts) total += num(*p, k);
        o[k] = total;
    }
    json::array nodes, clients;
    bool paused = false;
    for (const json::object* p : parts) {
        nodes.push_back(*p);
        paused = paused || flag(*p, "paused");
        if (const json::array* cs = arr(*p, "clients")) {
            for (const auto& c : *cs) clients.push_back(c);
        }
    }
    std::stable_sort(nodes.begin(), nodes.end(), by_hostname);
    std::stable_sort(clients.begin(), clients.end(), by_hostname);
    o["nodes"] = std::move(nodes);
    o["clients"] = std::move(clients);
    o["paused"] = paused;
    o["e2e_processing_latency"] = merge_e2e(parts, topic, channel);
    return o;
}

}  // namespace

std::vector<json::object> node_topic_stats(const node_stats& stats, const std::string& topic,
                                           int64_t now) {
    std::vector<json::object> out;
    const json::array* ts = arr(stats.stats, "topics");
    for (size_t i = 0; ts && i < ts->size(); ++i) {
        if (!(*ts)[i].is_object()) continue;
        const json::object& t = (*ts)[i].as_object();
        if (!topic.empty() && str(t, "topic_name") != topic) continue;
        out.push_back(topic_stats(t, stats.node, now));
    }
    return out;
}

json::object aggregate_topic(const std::string& topic, const std::vector<node_stats>& stats,
                             int64_t now) {
    std::vector<json::object> per_node;
    for (const auto& s : stats) {
        for (auto& t : node_topic_stats(s, topic, now)) per_node.push_back(std::move(t));
    }
    json::object o;
    o["node"] = "*";
    o["hostname"] = "";
    o["topic_name"] = topic;
    for (const char* k : {"depth", "memory_depth", "backend_depth", "message_count"}) {
        int64_t total = 0;
        for (const auto& t : per_node) total += num(t, k);
        o[k] = total;
    }
    std::map<std::string, std::vector<const json::object*>> by_channel;
    std::vector<const json::object*> parts;
    json::array nodes;
    bool paused = false;
    for (const auto& t : per_node) {
        parts.push_back(&t);
        nodes.push_back(t);
        paused = paused || flag(t, "paused");
        for (const auto& c : *arr(t, "channels")) {
            by_channel[str(c.as_object(), "channel_name")].push_back(&c.as_object());
        }
    }
    std::stable_sort(nodes.begin(), nodes.end(), by_hostname);
    o["nodes"] = std::move(nodes);
    json::array channels;
    for (const auto& [name, cparts] : by_channel) {
        channels.push_back(merge_channels(topic, name, cparts));
    }
    o["channels"] = std::move(channels);
    o["paused"] = paused;
    o["e2e_processing_latency"] = merge_e2e(parts, topic, "");
    return o;
}

json::object aggregate_channel(const std::string& topic, const std::string& channel,
                               const std::vector<node_stats>& stats, int64_t now) {
    std::vector<json::object> per_node;
    for (const auto& s : stats) {
        for (auto& t : node_topic_stats(s, topic, now)) per_node.push_back(std::move(t));
    }
    std::vector<const json::object*> parts;
    for (const auto& t : per_node) {
        for (const auto& c : *arr(t, "channels")) {
            if (str(c.as_object(), "channel_name") == channel) parts.push_back(&c.as_object());
        }
    }
    if (parts.empty()) return {};
    return merge_channels(topic, channel, parts);
}

json::object node_detail(const node_stats& stats, int64_t now) {
    json::object o;
    o["node"] = stats.node.http_address();
    json::array topics;
    int64_t messages = 0, clients = 0;
    for (auto& t : node_topic_stats(stats, "", now)) {
        messages += num(t, "message_count");
        for (const auto& c : *arr(t, "channels")) {
            if (const json::array* cs = arr(c.as_object(), "clients")) {
                clients += static_cast<int64_t>(cs->size());
            }
        }
        topics.push_back(std::move(t));
    }
    o["topics"] = std::move(topics);
    o["total_messages"] = messages;
    o["total_clients"] = clients;
    return o;
}

json::object counter_stats(const std::vector<node_stats>& stats) {
    json::object out;
    for (const auto& s : stats) {
        std::string node = s.node.http_address();
        const json::array* ts = arr(s.stats, "topics");
        for (size_t i = 0; ts && i < ts->size(); ++i) {
            if (!(*ts)[i].is_object()) continue;
            const json::object& t = (*ts)[i].as_object();
            std::string topic = str(t, "topic_name");
            const json::array* cs = arr(t, "channels");
            for (size_t j = 0; cs && j < cs->size(); ++j) {
                if (!(*cs)[j].is_object()) continue;
                const json::object& c = (*cs)[j].as_object();
                std::string channel = str(c, "channel_name");
                out[topic + ":" + channel + ":" + node] =
                    json::object{{"node", node},
                                 {"topic_name", topic},
                                 {"channel_name", channel},
                                 {"message_count", num(c, "message_count")}};
            }
        }
    }
    return out;
}

}  // namespace nsqpp::nsqadmin
