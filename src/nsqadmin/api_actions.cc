// Write API: admin actions (spec/nsqadmin.md §6), ACL (§7), notifications (§8).
#include <boost/json.hpp>

#include "base/log.h"
#include "nsqadmin/api_handlers.h"
#include "wire/names.h"

namespace nsqpp::nsqadmin {
namespace json = boost::json;
using http::request;
using http::response;

namespace {

response upstream_failure(const upstream_error& e) {
    return response::error(502, std::string("UPSTREAM_ERROR: ") + e.what());
}

// The request body as a JSON object, or the decoder's error text (Go's "EOF" for no body).
std::optional<json::object> body_object(const request& req, std::string& error) {
    if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        error = "EOF";
        return std::nullopt;
    }
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec) {
        error = ec.message();
        return std::nullopt;
    }
    if (!v.is_object()) {
        error = "json: cannot unmarshal " + std::string(v.is_array() ? "array" : "value") +
                " into Go value of type struct";
        return std::nullopt;
    }
    return std::move(v.as_object());
}

std::string member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

response ok(const warnings& w) { return json_with_message({}, w.message()); }

std::string param(const request& req, std::string_view name) {
    return req.param(name).value_or("");
}

// pause / unpause / empty on every producer of `topic` (channel "" = the topic itself).
response run_action(context& ctx, const request& req, const std::string& topic,
                    const std::string& channel) {
    std::string error;
    auto body = body_object(req, error);
    if (!body) return response::error(400, error);
    std::string action = member(*body, "action");
    if (action != "pause" && action != "unpause" && action != "empty") {
        return response::error(400, "INVALID_ACTION");
    }
    std::string kind = channel.empty() ? "topic" : "channel";
    ctx.notify_action(action + "_" + kind, topic, channel, "", req);
    std::string target = "/" + kind + "/" + action + "?topic=" + query_escape(topic);
    if (!channel.empty()) target += "&channel=" + query_escape(channel);
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto producers = ci.producers(topic, w);
        ci.post_nodes(producers, target, w);
        ctx.log->info("{} {} {}{}", action, kind, topic, channel.empty() ? "" : "/" + channel);
        return ok(w);
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

}  // namespace

response create_topic_channel(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    std::string error;
    auto body = body_object(req, error);
    if (!body) return response::error(400, error);
    std::string topic = member(*body, "topic");
    std::string channel = member(*body, "channel");
    if (!wire::is_valid_topic_name(topic)) return response::error(400, "INVALID_TOPIC");
    if (!channel.empty() && !wire::is_valid_channel_name(channel)) {
        return response::error(400, "INVALID_CHANNEL");
    }
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        ci.post_lookupds("/topic/create?topic=" + query_escape(topic), w);
        ctx.notify_action("create_topic", topic, "", "", req);
        if (!channel.empty()) {
            std::string q = "?topic=" + query_escape(topic) + "&channel=" + query_escape(channel);
            ci.post_lookupds("/channel/create" + q, w);
            auto producers = ci.producers(topic, w);
            ci.post_nodes(producers, "/channel/create" + q, w);
            ctx.notify_action("create_channel", topic, channel, "", req);
        }
        return ok(w);
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response topic_action(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    return run_action(ctx, req, param(req, "topic"), "");
}

response channel_action(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    return run_action(ctx, req, param(req, "topic"), param(req, "channel"));
}

response delete_topic(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    std::string topic = param(req, "topic");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto producers = ci.producers(topic, w);
        std::string q = "?topic=" + query_escape(topic);
        ci.post_lookupds("/topic/delete" + q, w);
        ci.post_nodes(producers, "/topic/delete" + q, w);
        ctx.notify_action("delete_topic", topic, "", "", req);
        ctx.log->info("delete topic {}", topic);
        return ok(w);
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response delete_channel(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    std::string topic = param(req, "topic");
    std::string channel = param(req, "channel");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        auto producers = ci.producers(topic, w);
        std::string q = "?topic=" + query_escape(topic) + "&channel=" + query_escape(channel);
        ci.post_lookupds("/channel/delete" + q, w);
        ci.post_nodes(producers, "/channel/delete" + q, w);
        ctx.notify_action("delete_channel", topic, channel, "", req);
        ctx.log->info("delete channel {}/{}", topic, channel);
        return ok(w);
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

response tombstone_topic_producer(context& ctx, const request& req) {
    if (!ctx.is_admin(req)) return response::error(403, "FORBIDDEN");
    std::string node = param(req, "node");
    std::string error;
    auto body = body_object(req, error);
    if (!body) return response::error(400, "INVALID_BODY");
    std::string topic = member(*body, "topic");
    if (!wire::is_valid_topic_name(topic)) return response::error(400, "INVALID_TOPIC");
    warnings w;
    cluster_info ci = ctx.cluster();
    try {
        std::string q = "?topic=" + query_escape(topic);
        ci.post_lookupds("/topic/tombstone" + q + "&node=" + query_escape(node), w);
        node_info info = ci.nsqd_info(node);
        ci.post_nodes({info}, "/topic/delete" + q, w);
        ctx.notify_action("tombstone_topic_producer", topic, "", node, req);
        ctx.log->info("tombstone topic {} on {}", topic, node);
        return ok(w);
    } catch (const upstream_error& e) {
        return upstream_failure(e);
    }
}

}  // namespace nsqpp::nsqadmin
