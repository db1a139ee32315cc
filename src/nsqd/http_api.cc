#include "nsqd/http_api.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "broker/message.h"
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
    auto t = ctx.topics.get_topic(topic_name);
    auto err = t ? t->publish(msgs, defer) : broker::publish_error::exiting;
    if (err != broker::publish_error::none) return response::error(503, "EXITING");
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

// Binary /mpub body: <count>(<len><bytes>)* with TCP MPUB's validation (§6.6).
std::optional<response> parse_binary(const context& ctx, std::string_view body,
                                     std::vector<broker::message_ptr>& out) {
    if (body.size() < 4) return response::error(413, "BAD_BODY");
    int32_t count = wire::get_i32be(body.data());
    if (count <= 0 || count > (ctx.opts.max_body_size - 4) / 5) {
        return response::error(413, "BAD_BODY");
    }
    size_t pos = 4;
    for (int32_t i = 0; i < count; ++i) {
        if (body.size() < pos + 4) return response::error(413, "BAD_MESSAGE");
        int32_t size = wire::get_i32be(body.data() + pos);
        if (size <= 0 || size > ctx.opts.max_msg_size) return response::error(413, "BAD_MESSAGE");
        pos += 4;
        if (body.size() < pos + static_cast<size_t>(size)) return response::error(413, "BAD_MESSAGE");
        out.push_back(broker::message::create(body.substr(pos, size)));
        pos += size;
    }
    return std::nullopt;
}

std::optional<response> parse_text(const context& ctx, std::string_view body,
                                   std::vector<broker::message_ptr>& out) {
    size_t start = 0;
    while (start < body.size()) {
        size_t nl = body.find('\n', start);
        size_t end = nl == std::string_view::npos ? body.size() : nl;
        std::string_view seg = body.substr(start, end - start);
        if (static_cast<int64_t>(seg.size()) > ctx.opts.max_msg_size) {
            return response::error(413, "MSG_TOO_BIG");
        }
        if (!seg.empty()) out.push_back(broker::message::create(seg));
        start = end + 1;
    }
    return std::nullopt;
}

response handle_mpub(context& ctx, request& req) {
    if (static_cast<int64_t>(req.body.size()) > ctx.opts.max_body_size) {
        return response::error(413, "BODY_TOO_BIG");
    }
    std::string topic_name;
    if (auto err = topic_param(req, topic_name)) return *err;
    if (!ctx.topics.get_topic(topic_name)) return response::error(503, "EXITING");
    std::vector<broker::message_ptr> msgs;
    auto err = binary_mode(req) ? parse_binary(ctx, req.body, msgs) : parse_text(ctx, req.body, msgs);
    if (err) return *err;
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
                         http::json_quote(ctx.hostname), ctx.http_port.load(),
                         ctx.tcp_port.load(), ctx.start_time, o.max_heartbeat_interval.count(),
                         o.max_output_buffer_size, o.max_output_buffer_timeout.count(),
                         o.max_deflate_level));
}

}  // namespace

void register_http_api(http::router& r, context& ctx) {
    const auto& o = ctx.opts;
    r.add("GET", "/ping", [](request&) { return response::plain(200, "OK"); });
    r.add("GET", "/info", [&ctx](request&) { return handle_info(ctx); });
    r.add("POST", "/pub", [&ctx](request& req) { return handle_pub(ctx, req); },
          {static_cast<size_t>(o.max_msg_size), "MSG_TOO_BIG"});
    r.add("POST", "/mpub", [&ctx](request& req) { return handle_mpub(ctx, req); },
          {static_cast<size_t>(o.max_body_size), "BODY_TOO_BIG"});
}

}  // namespace nsqpp::nsqd
