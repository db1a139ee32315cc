// Read API (spec/nsqadmin.md §5) and GET /api/history.
#include <boost/json.hpp>
#include <chrono>

#include "nsqadmin/aggregate.h"
#include "nsqadmin/api_handlers.h"
#include "nsqadmin/notify.h"

namespace nsqpp::nsqadmin {
namespace json = boost::json;
using http::request;
using http::response;

namespace {

response upstream_failure(const upstream_error& e) {
    return response::error(502, std::string("UPSTREAM_ERROR: ") + e.what());
}

std::string param(const request& req, std::string_view name) {
    return req.param(name).value_or("");
}

}  // namespace

response json_with_message(json::object o, const std::string& message) {
    o["message"] = message;
    return response::json(200, json::serialize(o));
}

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

response get_topics(context& ctx, const request& req) {
    if (!req.query_valid) return response::error(400, "invalid query string");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        json::object o;
        if (req.query_value("inactive") == "true") {
            json::object map;
            for (const auto& [topic, channels] : ci.inactive_topics(w)) {
                json::array cs;
                for (const auto& c : channels) cs.emplace_back(c);
                map[topic] = std::move(cs);
            }
            o["topics"] = std::move(map);
        } else {
            auto topics = ci.topics(w);
            if (topics.empty()) {
                o["topics"] = nullptr;
            } else {
                json::array ts;
                for (const auto& t : topics) ts.emplace_back(t);
                o["topics"] = std::move(ts);
            }
        }
        return json_with_message(std::move(o), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_topic(context& ctx, const request& req) {
    std::string topic = param(req, "topic");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto producers = ci.producers(topic, w);
        auto stats = ci.stats(producers, topic, "", false, w);
        return json_with_message(aggregate_topic(topic, stats, unix_now()), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_channel(context& ctx, const request& req) {
    std::string topic = param(req, "topic");
    std::string channel = param(req, "channel");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto producers = ci.producers(topic, w);
        auto stats = ci.stats(producers, topic, channel, true, w);
        return json_with_message(aggregate_channel(topic, channel, stats, unix_now()), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_nodes(context& ctx, const request&) {
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto nodes = ci.nodes(w);
        json::object o;
        if (nodes.empty()) {
            o["nodes"] = nullptr;
        } else {
            json::array list;
            for (const auto& n : nodes) list.push_back(n.to_json());
            o["nodes"] = std::move(list);
        }
        return json_with_message(std::move(o), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_node(context& ctx, const request& req) {
    std::string node = param(req, "node");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto nodes = ci.nodes(w);
        const node_info* found = nullptr;
        for (const auto& n : nodes) {
            if (n.http_address() == node) found = &n;
        }
        if (!found) return response::error(404, "NODE_NOT_FOUND");
        std::vector<node_info> one{*found};
        warnings stats_w;
        auto stats = ci.stats(one, "", "", true, stats_w);
        return json_with_message(node_detail(stats.front(), unix_now()), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_counter(context& ctx, const request&) {
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto nodes = ci.nodes(w);
        auto stats = ci.stats(nodes, "", "", false, w);
        json::object o;
        o["stats"] = counter_stats(stats);
        return json_with_message(std::move(o), w.message());
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response get_graphite(context& ctx, const request& req) {
    if (req.query_value("metric") != "rate") return response::error(400, "INVALID_ARG_METRIC");
    auto target = req.query_value("target");
    if (!target) return response::error(400, "INVALID_ARG_TARGET");
    auto url = parse_endpoint_url(ctx.opts.graphite_url);
    if (!url) return response::error(500, "INTERNAL_ERROR");
    int64_t interval =
        std::chrono::duration_cast<std::chrono::seconds>(ctx.opts.statsd_interval).count();
    if (interval <= 0) interval = 1;
    std::string path = url->target == "/" ? "" : url->target;
    std::string address =
        (url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host) + ":" +
        std::to_string(url->port);
    upstream_result r = ctx.up.fetch({"GET",
                                      address,
                                      path + "/render?from=-" + std::to_string(2 * interval) +
                                          "sec&until=-" + std::to_string(interval) +
                                          "sec&format=json&target=" + query_escape(*target),
                                      "",
                                      {}});
    boost::system::error_code ec;
    json::value v = r.ok ? json::parse(r.body, ec) : json::value();
    if (!r.ok || ec || !v.is_array() || v.as_array().empty()) {
        return response::error(500, "INTERNAL_ERROR");
    }
    try {
        const json::value& point =
            v.as_array()[0].at("datapoints").as_array().at(0).as_array().at(0);
        double value =
            point.is_double() ? point.as_double() : static_cast<double>(point.to_number<int64_t>());
        json::object o;
        if (value < 0) {
            o["rate"] = "N/A";
        } else {
            char buf[64];
            std::snprintf(buf, sizeof(buf), "%.2f", value / static_cast<double>(interval));
            o["rate"] = buf;
        }
        return response::json(200, json::serialize(o));
    } catch (const std::exception&) {
        return response::error(500, "INTERNAL_ERROR");
    }
}

namespace {
std::string base64(std::string_view in) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
    while (out.size() % 4) out += '=';
    return out;
}

std::string address_of(const endpoint_url& u) {
    bool v6 = u.host.find(':') != std::string::npos;
    return (v6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port);
}
}  // namespace

response proxy_graphite(context& ctx, const request& req) {
    auto url = parse_endpoint_url(ctx.opts.graphite_url);
    if (!url) return response::error(502, "UPSTREAM_ERROR: invalid --graphite-url");
    std::string path = url->target == "/" ? "" : url->target.substr(0, url->target.find('?'));
    upstream_request up{"GET", address_of(*url), path + "/render", "", {}};
    if (!req.raw_query.empty()) up.target += "?" + req.raw_query;
    if (!url->userinfo.empty())
        up.headers.emplace_back("Authorization", "Basic " + base64(url->userinfo));
    upstream_result r = ctx.up.fetch(up);
    if (r.status == 0) return response::error(502, "UPSTREAM_ERROR: " + r.error);
    response out;
    out.status = r.status;
    out.body = std::move(r.body);
    out.headers.emplace_back("Content-Type", "application/json");
    return out;
}

response get_history(context& ctx, const request& req) {
    std::string key = "cluster";
    auto topic = req.query_value("topic");
    auto channel = req.query_value("channel");
    auto node = req.query_value("node");
    if (topic && channel) {
        key = "channel:" + *topic + "/" + *channel;
    } else if (topic) {
        key = "topic:" + *topic;
    } else if (node) {
        key = "node:" + *node;
    }
    json::array points;
    for (const auto& p : ctx.hist.series(key)) {
        json::object o;
        o["ts"] = p.ts_ms;
        o["depth"] = p.depth;
        o["in_flight"] = p.in_flight;
        o["message_count"] = p.message_count;
        o["rate"] = static_cast<double>(static_cast<int64_t>(p.rate * 100.0)) / 100.0;
        points.push_back(std::move(o));
    }
    json::object o;
    o["series"] = key;
    o["interval_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx.opts.history_interval).count();
    o["capacity"] = static_cast<int64_t>(ctx.hist.capacity());
    o["points"] = std::move(points);
    return json_with_message(std::move(o), "");
}

}  // namespace nsqpp::nsqadmin
