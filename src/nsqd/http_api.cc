#include "nsqd/http_api.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "broker/message.h"
#include "nsqd/http_admin.h"
#include "nsqd/http_config.h"
#include "nsqd/http_metrics.h"
#include "nsqd/http_stats.h"
#include "nsqd/mpub_body.h"
#include "nsqd/topics.h"
#include "wire/endian.h"
#include "wire/names.h"
#include "wire/numbers.h"

namespace nsqpp::nsqd {
namespace {

using http::request;
using http::response;

// Topic parameter checks shared by the publish and topic endpoints (§6.5 step 4).
std::optional<response> topic_param(const request& req, std::string& name) {
    if (!req.query_valid) return response::error(400, "INVALID_REQUEST");
    auto t = req.query_value("topic");
    if (!t) return response::error(400, "MISSING_ARG_TOPIC");
    if (!wire::is_valid_topic_name(*t)) return response::error(400, "INVALID_TOPIC");
    name = *t;
    return std::nullopt;
}

response publish(context& ctx, const std::string& topic_name,
                 std::vector<broker::message_ptr>& msgs, std::chrono::nanoseconds defer) {
    auto t = ensure_topic(ctx, topic_name);
    uint64_t ticket = 0;
    auto err = t ? t->publish(msgs, defer, &ticket) : broker::publish_error::exiting;
    if (err != broker::publish_error::none) return response::error(503, "EXITING");
    // Durable mode: answered once on disk (blocks this worker for one group commit).
    const auto& journal = ctx.topics.get_journal();
    if (ticket != 0 && journal && !journal->wait_committed(ticket)) {
        return response::error(503, "E_WRITE_FAILED");
    }
    return response::text(200, "OK");
}

response handle_pub(context& ctx, request& req) {
    if (static_cast<int64_t>(req.body.size()) > ctx.opts.max_msg_size) {
        return response::error(413, "MSG_TOO_BIG");
    }
    if (req.body.empty()) return response::error(400, "MSG_EMPTY");
    std::string topic_name;
    if (auto err = topic_param(req, topic_name)) return *err;
    std::chrono::nanoseconds defer{0};
    if (auto d = req.query_value("defer")) {
        auto ms = wire::parse_go_int64(*d);
        if (!ms || *ms < 0 || *ms > to_ms(ctx.opts.max_req_timeout)) {
            return response::error(400, "INVALID_DEFER");
        }
        defer = std::chrono::milliseconds(*ms);
    }
    std::vector<broker::message_ptr> msgs{broker::message::create(req.body)};
    return publish(ctx, topic_name, msgs, defer);
}

bool binary_mode(const request& req) {
    auto b = req.query_value("binary");
    if (!b) return false;
    return !(*b == "false" || *b == "0");
}

response handle_mpub(context& ctx, request& req) {
    if (static_cast<int64_t>(req.body.size()) > ctx.opts.max_body_size) {
        return response::error(413, "BODY_TOO_BIG");
    }
    std::string topic_name;
    if (auto err = topic_param(req, topic_name)) return *err;
    if (!ensure_topic(ctx, topic_name)) return response::error(503, "EXITING");
    std::vector<broker::message_ptr> msgs;
    auto err = parse_mpub_body(req.body, binary_mode(req), ctx.opts.max_body_size,
                               ctx.opts.max_msg_size, msgs);
    if (!err.empty()) return response::error(413, err);
    if (msgs.empty()) return response::text(200, "OK");
    return publish(ctx, topic_name, msgs, std::chrono::nanoseconds{0});
}

response handle_info(context& ctx) {
    const auto& o = ctx.opts;
    return response::json(
        200, fmt::format("{{\"version\":\"{}\",\"broadcast_address\":{},\"hostname\":{},"
                         "\"http_port\":{},\"tcp_port\":{},\"start_time\":{},"
                         "\"max_heartbeat_interval\":{},\"max_output_buffer_size\":{},"
                         "\"max_output_buffer_timeout\":{},\"max_deflate_level\":{}}}",
                         nsq_version, http::json_quote(ctx.broadcast_address),
                         http::json_quote(ctx.hostname), ctx.http_port.load(), ctx.tcp_port.load(),
                         ctx.start_time, o.max_heartbeat_interval.count(), o.max_output_buffer_size,
                         o.max_output_buffer_timeout.count(), o.max_deflate_level));
}

// NSQ's http_api.Log decorator: "<status> <method> <uri> (<remote>) <elapsed>" at debug level.
http::middleware request_log(context& ctx) {
    return [&ctx](request& req, const http::handler& next) {
        if (!ctx.log->should_log(spdlog::level::debug)) return next(req);
        auto start = std::chrono::steady_clock::now();
        response res = next(req);
        auto elapsed = std::chrono::steady_clock::now() - start;
        ctx.log->debug("{} {} {}{}{} ({}) {}", res.status, req.method, req.path,
                       req.raw_query.empty() ? "" : "?", req.raw_query, req.remote_address,
                       go_duration(elapsed));
        return res;
    };
}

// A handler taking the context, bound into a route handler.
template <typename F>
http::handler with(context& ctx, F f) {
    return [&ctx, f](request& req) { return f(ctx, req); };
}

}  // namespace

void register_http_api(http::router& r, context& ctx) {
    const auto& o = ctx.opts;
    r.use(request_log(ctx));
    r.add("GET", "/ping", [](request&) { return response::plain(200, "OK"); });
    r.add("GET", "/info", [&ctx](request&) { return handle_info(ctx); });
    r.add("POST", "/pub", with(ctx, handle_pub),
          {static_cast<size_t>(o.max_msg_size), "MSG_TOO_BIG"});
    r.add("POST", "/mpub", with(ctx, handle_mpub),
          {static_cast<size_t>(o.max_body_size), "BODY_TOO_BIG"});
    r.add("GET", "/stats", with(ctx, handle_stats));
    r.add("GET", "/metrics", with(ctx, handle_metrics));

    r.add("POST", "/topic/create", with(ctx, topic_create));
    r.add("POST", "/topic/delete", with(ctx, topic_delete));
    r.add("POST", "/topic/empty", with(ctx, topic_empty));
    r.add("POST", "/topic/pause", with(ctx, topic_pause));
    r.add("POST", "/topic/unpause", with(ctx, topic_unpause));
    r.add("POST", "/channel/create", with(ctx, channel_create));
    r.add("POST", "/channel/delete", with(ctx, channel_delete));
    r.add("POST", "/channel/empty", with(ctx, channel_empty));
    r.add("POST", "/channel/pause", with(ctx, channel_pause));
    r.add("POST", "/channel/unpause", with(ctx, channel_unpause));

    r.add("GET", "/config/:opt", with(ctx, handle_config_get));
    // Go reads at most --max-msg-size + 1 bytes and answers 413 INVALID_VALUE beyond the max.
    r.add("PUT", "/config/:opt", with(ctx, handle_config_put),
          {static_cast<size_t>(o.max_msg_size), "INVALID_VALUE"});
}

}  // namespace nsqpp::nsqd
