#include "nsqlookupd/http_api.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/go_syntax.h"
#include "http/url.h"
#include "nsqlookupd/http_metrics.h"
#include "wire/names.h"

namespace nsqpp::nsqlookupd {
namespace {

using http::json_quote;
using http::request;
using http::response;

// ---- parameters (NSQ's http_api.ReqParams: query string only, first value wins) ----------

// The query value `key` into `out`, or the error response (400 INVALID_REQUEST when the query
// string is unparsable, 400 `missing` when the key is absent; present-but-empty is a value).
std::optional<response> query_arg(const request& req, std::string_view key,
                                  std::string_view missing, std::string& out) {
    if (!req.query_valid) return response::error(400, "INVALID_REQUEST");
    std::optional<std::string> v = req.query_value(key);
    if (!v) return response::error(400, missing);
    out = std::move(*v);
    return std::nullopt;
}

// http_api.GetTopicChannelArgs: topic then channel, each checked for presence and validity.
std::optional<response> topic_channel_args(const request& req, std::string& topic,
                                           std::string& channel) {
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return err;
    if (!wire::is_valid_topic_name(topic)) return response::error(400, "INVALID_ARG_TOPIC");
    if (auto err = query_arg(req, "channel", "MISSING_ARG_CHANNEL", channel)) return err;
    if (!wire::is_valid_channel_name(channel)) return response::error(400, "INVALID_ARG_CHANNEL");
    return std::nullopt;
}

// ---- JSON ---------------------------------------------------------------------------------

template <typename T, typename F>
std::string json_list(const std::vector<T>& items, F&& render) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        out += render(items[i]);
    }
    out += ']';
    return out;
}

std::string json_strings(const std::vector<std::string>& items) {
    return json_list(items, [](const std::string& s) { return json_quote(s); });
}

// PeerInfo's members in NSQ's order, without the braces.
std::string peer_members(const peer_info& p) {
    return fmt::format(
        "\"remote_address\":{},\"hostname\":{},\"broadcast_address\":{},\"tcp_port\":{},"
        "\"http_port\":{},\"version\":{}",
        json_quote(p.remote_address), json_quote(p.hostname), json_quote(p.broadcast_address),
        p.tcp_port, p.http_port, json_quote(p.version));
}

// /debug's entry: Go's map[string]interface{} marshals its keys sorted.
std::string debug_entry(const producer& p) {
    const peer_info& i = *p.peer;
    return fmt::format(
        "{{\"broadcast_address\":{},\"hostname\":{},\"http_port\":{},\"id\":{},"
        "\"last_update\":{},\"tcp_port\":{},\"tombstoned\":{},\"tombstoned_at\":{},"
        "\"version\":{}}}",
        json_quote(i.broadcast_address), json_quote(i.hostname), i.http_port, json_quote(i.id),
        i.last_update.load(), i.tcp_port, p.tombstoned ? "true" : "false", p.tombstoned_at,
        json_quote(i.version));
}

std::vector<std::string> keys_of(const std::vector<registration>& rs) {
    std::vector<std::string> out;
    out.reserve(rs.size());
    for (const registration& r : rs) out.push_back(r.key);
    return out;
}

std::vector<std::string> subkeys_of(const std::vector<registration>& rs) {
    std::vector<std::string> out;
    out.reserve(rs.size());
    for (const registration& r : rs) out.push_back(r.subkey);
    return out;
}

// ---- handlers ------------------------------------------------------------------------------

response handle_info() {
    return response::json(200, fmt::format("{{\"version\":\"{}\"}}", nsq_version));
}

response handle_debug(context& ctx) {
    std::map<std::string, std::string> members;  // sorted as Go sorts map keys
    for (const auto& [key, producers] : ctx.db.dump()) {
        if (producers.empty()) continue;
        members.emplace(to_string(key), json_list(producers, debug_entry));
    }
    std::string out = "{";
    for (const auto& [name, entries] : members) {
        if (out.size() > 1) out += ',';
        out += json_quote(name) + ":" + entries;
    }
    out += '}';
    return response::json(200, out);
}

response handle_lookup(context& ctx, const request& req) {
    std::string topic;
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return *err;
    if (ctx.db.find_registrations(category_topic, topic, "").empty()) {
        return response::error(404, "TOPIC_NOT_FOUND");
    }
    auto channels = subkeys_of(ctx.db.find_registrations(category_channel, topic, wildcard));
    std::vector<producer> producers;
    unix_nanos now = ctx.now();
    for (producer& p : ctx.db.find_producers(category_topic, topic, "")) {
        if (p.is_active(now, ctx.inactive_timeout_ns(), ctx.tombstone_lifetime_ns())) {
            producers.push_back(std::move(p));
        }
    }
    auto render = [](const producer& p) { return "{" + peer_members(*p.peer) + "}"; };
    return response::json(200, fmt::format("{{\"channels\":{},\"producers\":{}}}",
                                           json_strings(channels), json_list(producers, render)));
}

response handle_topics(context& ctx) {
    auto topics = keys_of(ctx.db.find_registrations(category_topic, wildcard, ""));
    return response::json(200, "{\"topics\":" + json_strings(topics) + "}");
}

response handle_channels(context& ctx, const request& req) {
    std::string topic;
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return *err;
    auto channels = subkeys_of(ctx.db.find_registrations(category_channel, topic, wildcard));
    return response::json(200, "{\"channels\":" + json_strings(channels) + "}");
}

// One /nodes entry: the peer, its topics and, index-aligned, whether it is tombstoned there.
std::string node_json(context& ctx, const producer& p, unix_nanos now) {
    std::vector<std::string> topics;
    for (const registration& r : ctx.db.lookup_registrations(p.peer->id)) {
        if (r.matches(category_topic, wildcard, "")) topics.push_back(r.key);
    }
    std::string tombstones = "[";
    for (size_t i = 0; i < topics.size(); ++i) {
        bool tombstoned = false;
        for (const producer& tp : ctx.db.find_producers(category_topic, topics[i], "")) {
            if (tp.peer == p.peer) tombstoned = tp.is_tombstoned(now, ctx.tombstone_lifetime_ns());
        }
        if (i > 0) tombstones += ',';
        tombstones += tombstoned ? "true" : "false";
    }
    tombstones += ']';
    return fmt::format("{{{},\"tombstones\":{},\"topics\":{}}}", peer_members(*p.peer), tombstones,
                       json_strings(topics));
}

response handle_nodes(context& ctx) {
    unix_nanos now = ctx.now();
    std::vector<producer> nodes;
    for (producer& p : ctx.db.find_producers(category_client, "", "")) {
        // tombstones do not hide nodes: lifetime 0
        if (p.is_active(now, ctx.inactive_timeout_ns(), 0)) nodes.push_back(std::move(p));
    }
    auto render = [&](const producer& p) { return node_json(ctx, p, now); };
    return response::json(200, "{\"producers\":" + json_list(nodes, render) + "}");
}

response handle_topic_create(context& ctx, const request& req) {
    std::string topic;
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return *err;
    if (!wire::is_valid_topic_name(topic)) return response::error(400, "INVALID_ARG_TOPIC");
    ctx.log->info("DB: adding topic({})", topic);
    ctx.db.add_registration({std::string(category_topic), topic, ""});
    return response::empty();
}

response handle_topic_delete(context& ctx, const request& req) {
    std::string topic;
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return *err;
    for (const registration& r : ctx.db.find_registrations(category_channel, topic, wildcard)) {
        ctx.log->info("DB: removing channel({}) from topic({})", r.subkey, topic);
        ctx.db.remove_registration(r);
    }
    for (const registration& r : ctx.db.find_registrations(category_topic, topic, "")) {
        ctx.log->info("DB: removing topic({})", topic);
        ctx.db.remove_registration(r);
    }
    return response::empty();
}

response handle_topic_tombstone(context& ctx, const request& req) {
    std::string topic;
    std::string node;
    if (auto err = query_arg(req, "topic", "MISSING_ARG_TOPIC", topic)) return *err;
    if (auto err = query_arg(req, "node", "MISSING_ARG_NODE", node)) return *err;
    ctx.log->info("DB: setting tombstone for producer@{} of topic({})", node, topic);
    ctx.db.tombstone_topic_producers(topic, node, ctx.now());
    return response::empty();
}

response handle_channel_create(context& ctx, const request& req) {
    std::string topic;
    std::string channel;
    if (auto err = topic_channel_args(req, topic, channel)) return *err;
    ctx.log->info("DB: adding channel({}) in topic({})", channel, topic);
    ctx.db.add_registration({std::string(category_channel), topic, channel});
    ctx.log->info("DB: adding topic({})", topic);
    ctx.db.add_registration({std::string(category_topic), topic, ""});
    return response::empty();
}

response handle_channel_delete(context& ctx, const request& req) {
    std::string topic;
    std::string channel;
    if (auto err = topic_channel_args(req, topic, channel)) return *err;
    auto found = ctx.db.find_registrations(category_channel, topic, channel);
    if (found.empty()) return response::error(404, "CHANNEL_NOT_FOUND");
    ctx.log->info("DB: removing channel({}) from topic({})", channel, topic);
    for (const registration& r : found) ctx.db.remove_registration(r);
    return response::empty();
}

// "<status> <METHOD> <request-uri> (<remote addr>) <elapsed>" at INFO for every request.
http::middleware log_requests(context& ctx) {
    return [&ctx](request& req, const http::handler& next) {
        auto start = std::chrono::steady_clock::now();
        response res = next(req);
        auto elapsed = std::chrono::steady_clock::now() - start;
        std::string uri = http::escape_path(req.path);
        if (!req.raw_query.empty()) uri += "?" + req.raw_query;
        ctx.log->info("{} {} {} ({}) {}", res.status, req.method, uri, req.remote_address,
                      config::format_go_duration(elapsed));
        return res;
    };
}

}  // namespace

void register_http_api(http::router& r, context& ctx) {
    using handler_fn = response (*)(context&, const request&);
    struct route {
        const char* method;
        const char* path;
        handler_fn handle;
    };
    // One table of NSQ 1.3.0's routes (spec §4.2). /debug/pprof is not served (Go only).
    static const route routes[] = {
        {"GET", "/ping", [](context&, const request&) { return response::plain(200, "OK"); }},
        {"GET", "/info", [](context&, const request&) { return handle_info(); }},
        {"GET", "/debug", [](context& c, const request&) { return handle_debug(c); }},
        {"GET", "/lookup", handle_lookup},
        {"GET", "/topics", [](context& c, const request&) { return handle_topics(c); }},
        {"GET", "/channels", handle_channels},
        {"GET", "/nodes", [](context& c, const request&) { return handle_nodes(c); }},
        {"GET", "/metrics", [](context& c, const request&) { return handle_metrics(c); }},
        {"POST", "/topic/create", handle_topic_create},
        {"POST", "/topic/delete", handle_topic_delete},
        {"POST", "/topic/tombstone", handle_topic_tombstone},
        {"POST", "/channel/create", handle_channel_create},
        {"POST", "/channel/delete", handle_channel_delete},
    };
    r.use(log_requests(ctx));
    for (const route& rt : routes) {
        handler_fn handle = rt.handle;
        r.add(rt.method, rt.path, [&ctx, handle](request& req) { return handle(ctx, req); });
    }
}

}  // namespace nsqpp::nsqlookupd
