#include "nsqd/http_admin.h"

#include <memory>
#include <optional>
#include <string>

#include "nsqd/topics.h"
#include "wire/names.h"

namespace nsqpp::nsqd {
namespace {

using http::request;
using http::response;

void persist(context& ctx) {
    if (ctx.persist_metadata) ctx.persist_metadata();
}

// The topic endpoints' checks: query, `topic` present, and (when `validate`) a valid name.
std::optional<response> topic_arg(const request& req, bool validate, std::string& name) {
    if (!req.query_valid) return response::error(400, "INVALID_REQUEST");
    auto t = req.query_value("topic");
    if (!t) return response::error(400, "MISSING_ARG_TOPIC");
    if (validate && !wire::is_valid_topic_name(*t)) return response::error(400, "INVALID_TOPIC");
    name = std::move(*t);
    return std::nullopt;
}

// topic_arg + the topic must exist.
std::optional<response> existing_topic(context& ctx, const request& req, bool validate,
                                       std::shared_ptr<broker::topic>& out) {
    std::string name;
    if (auto err = topic_arg(req, validate, name)) return err;
    out = ctx.topics.find_topic(name);
    if (!out) return response::error(404, "TOPIC_NOT_FOUND");
    return std::nullopt;
}

// The channel endpoints' checks (Go's GetTopicChannelArgs, then an existing topic).
std::optional<response> channel_args(context& ctx, const request& req,
                                     std::shared_ptr<broker::topic>& topic, std::string& channel) {
    if (!req.query_valid) return response::error(400, "INVALID_REQUEST");
    auto t = req.query_value("topic");
    if (!t) return response::error(400, "MISSING_ARG_TOPIC");
    if (!wire::is_valid_topic_name(*t)) return response::error(400, "INVALID_ARG_TOPIC");
    auto c = req.query_value("channel");
    if (!c) return response::error(400, "MISSING_ARG_CHANNEL");
    if (!wire::is_valid_channel_name(*c)) return response::error(400, "INVALID_ARG_CHANNEL");
    topic = ctx.topics.find_topic(*t);
    if (!topic) return response::error(404, "TOPIC_NOT_FOUND");
    channel = std::move(*c);
    return std::nullopt;
}

// channel_args + the channel must exist.
std::optional<response> existing_channel(context& ctx, const request& req,
                                         std::shared_ptr<broker::topic>& topic,
                                         std::shared_ptr<broker::channel>& out) {
    std::string name;
    if (auto err = channel_args(ctx, req, topic, name)) return err;
    out = topic->find_channel(name);
    if (!out) return response::error(404, "CHANNEL_NOT_FOUND");
    return std::nullopt;
}

response set_topic_paused(context& ctx, const request& req, bool pause) {
    std::shared_ptr<broker::topic> t;
    if (auto err = existing_topic(ctx, req, false, t)) return *err;
    pause ? t->pause() : t->unpause();
    if (t->exiting()) return response::error(500, "INTERNAL_ERROR");  // Go: "exiting"
    persist(ctx);
    return response::empty();
}

response set_channel_paused(context& ctx, const request& req, bool pause) {
    std::shared_ptr<broker::topic> t;
    std::shared_ptr<broker::channel> ch;
    if (auto err = existing_channel(ctx, req, t, ch)) return *err;
    pause ? ch->pause() : ch->unpause();
    persist(ctx);
    return response::empty();
}

}  // namespace

response topic_create(context& ctx, const request& req) {
    std::string name;
    if (auto err = topic_arg(req, true, name)) return *err;
    if (!ensure_topic(ctx, name)) return response::error(503, "EXITING");  // shutting down
    return response::empty();
}

response topic_delete(context& ctx, const request& req) {
    std::string name;
    if (auto err = topic_arg(req, false, name)) return *err;
    if (!remove_topic(ctx, name)) return response::error(404, "TOPIC_NOT_FOUND");
    return response::empty();
}

response topic_empty(context& ctx, const request& req) {
    std::shared_ptr<broker::topic> t;
    if (auto err = existing_topic(ctx, req, true, t)) return *err;
    if (t->exiting()) return response::error(500, "INTERNAL_ERROR");
    t->empty();
    return response::empty();
}

response topic_pause(context& ctx, const request& req) { return set_topic_paused(ctx, req, true); }

response topic_unpause(context& ctx, const request& req) {
    return set_topic_paused(ctx, req, false);
}

response channel_create(context& ctx, const request& req) {
    std::shared_ptr<broker::topic> t;
    std::string name;
    if (auto err = channel_args(ctx, req, t, name)) return *err;
    ensure_channel(ctx, *t, name);
    return response::empty();
}

response channel_delete(context& ctx, const request& req) {
    std::shared_ptr<broker::topic> t;
    std::string name;
    if (auto err = channel_args(ctx, req, t, name)) return *err;
    if (!remove_channel(ctx, t, name)) return response::error(404, "CHANNEL_NOT_FOUND");
    return response::empty();
}

response channel_empty(context& ctx, const request& req) {
    std::shared_ptr<broker::topic> t;
    std::shared_ptr<broker::channel> ch;
    if (auto err = existing_channel(ctx, req, t, ch)) return *err;
    if (ch->exiting()) return response::error(500, "INTERNAL_ERROR");
    ch->empty();
    return response::empty();
}

response channel_pause(context& ctx, const request& req) {
    return set_channel_paused(ctx, req, true);
}

response channel_unpause(context& ctx, const request& req) {
    return set_channel_paused(ctx, req, false);
}

}  // namespace nsqpp::nsqd
