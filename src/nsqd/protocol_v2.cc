#include "nsqd/protocol_v2.h"

#include <fmt/format.h>

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/message.h"
#include "nsqd/auth.h"
#include "nsqd/topics.h"
#include "wire/endian.h"
#include "wire/frame.h"
#include "wire/identify.h"
#include "wire/message_id.h"
#include "wire/names.h"
#include "wire/numbers.h"
#include "wire/quote.h"

namespace nsqpp::nsqd {
namespace {

using steady_time = std::chrono::steady_clock::time_point;
using params_t = std::vector<std::string_view>;

// What a handler made of the bytes after the command line.
struct outcome {
    // wait: the command runs again once the auth server answered (client.auth_pending)
    enum kind { done, need_more, fatal, wait } k = done;
    size_t bytes = 0;  // done: body bytes consumed; need_more: body bytes needed
    static outcome ok(size_t consumed = 0) { return {done, consumed}; }
    static outcome more(size_t needed) { return {need_more, needed}; }
    static outcome wait_auth() { return {wait, 0}; }
    static outcome failed() { return {fatal, 0}; }
};

struct call {
    context& ctx;
    client_v2& c;
    const params_t& params;  // params[0] is the command name
    std::string_view body;   // everything after the command line's '\n'
    steady_time now;
};

void send_response(client_v2& c, std::string_view data) {
    wire::append_frame(c.out, wire::frame_type::response, data);
}

outcome fatal_error(client_v2& c, std::string_view text) {
    wire::append_frame(c.out, wire::frame_type::error, text);
    c.close_after_flush = true;
    return outcome::failed();
}

outcome soft_error(client_v2& c, std::string_view text) {
    wire::append_frame(c.out, wire::frame_type::error, text);
    return outcome::ok();
}

outcome invalid_state(const call& k) {
    return fatal_error(k.c, fmt::format("E_INVALID cannot {} in current state", k.params[0]));
}

// Reads a 4-byte signed big-endian length at `offset` of the body.
std::optional<int32_t> read_i32(std::string_view body, size_t offset) {
    if (body.size() < offset + 4) return std::nullopt;
    return wire::get_i32be(body.data() + offset);
}

bool valid_message_id(std::string_view id) { return id.size() == wire::message_id_size; }

// Any 16 bytes are a valid ID parameter, but only the lowercase hex nsqd itself sends can
// name a message in flight (NSQ compares the raw bytes).
std::optional<broker::message_id> to_message_id(std::string_view id) {
    for (char ch : id) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return std::nullopt;
    }
    return wire::parse_message_id(id);
}

std::shared_ptr<broker::topic> topic_for_publish(call& k, const std::string& name) {
    if (k.c.pub_topic && k.c.pub_topic->name() == name && !k.c.pub_topic->exiting()) {
        return k.c.pub_topic;
    }
    k.c.pub_topic = ensure_topic(k.ctx, name);
    return k.c.pub_topic;
}

std::string publish_failure(broker::publish_error e) {
    switch (e) {
        case broker::publish_error::exiting:
            return "exiting";
        case broker::publish_error::full:
            return "mem-queue-size reached (no disk queue)";
        default:
            return "disk write failed";
    }
}

// ---- IDENTIFY / AUTH ------------------------------------------------------------------

void apply_identify(client_v2& c, const wire::identify_data& d) {
    using std::chrono::milliseconds;
    c.client_id = d.client_id.value_or("");
    c.hostname = d.hostname.value_or("");
    c.user_agent = d.user_agent.value_or("");
    if (d.output_buffer_size == -1) {
        c.output_buffer_size = 1;
        c.output_buffer_timeout = std::chrono::nanoseconds{0};
    } else {
        if (d.output_buffer_size > 0) c.output_buffer_size = d.output_buffer_size;
        if (d.output_buffer_timeout == -1) {
            c.output_buffer_timeout = std::chrono::nanoseconds{0};
        } else if (d.output_buffer_timeout > 0) {
            c.output_buffer_timeout = milliseconds(d.output_buffer_timeout);
        }
    }
    c.sample_rate = d.sample_rate;
    if (d.msg_timeout > 0) c.msg_timeout = milliseconds(d.msg_timeout);
    if (c.identified) return;  // only the first IDENTIFY reconfigures the connection
    c.identified = true;
    if (d.heartbeat_interval == -1) {
        c.heartbeat_interval = std::chrono::nanoseconds{0};
    } else if (d.heartbeat_interval > 0) {
        c.heartbeat_interval = milliseconds(d.heartbeat_interval);
    }
    c.heartbeat_changed = true;
    c.pump_msg_timeout = c.msg_timeout;
    c.pump_sample_rate = c.sample_rate;
}

// The body is incomplete: wait for `needed` bytes, or, when the peer has closed its side,
// fail with NSQ's read error.
outcome need(call& k, size_t needed, std::string_view eof_error) {
    if (k.c.input_closed) return fatal_error(k.c, eof_error);
    return outcome::more(needed);
}

outcome cmd_identify(call& k) {
    if (k.c.state != client_state::init) return invalid_state(k);
    auto len = read_i32(k.body, 0);
    if (!len) return need(k, 4, "E_BAD_BODY IDENTIFY failed to read body size");
    if (*len > k.ctx.opts.max_body_size) {
        return fatal_error(k.c, fmt::format("E_BAD_BODY IDENTIFY body too big {} > {}", *len,
                                            k.ctx.opts.max_body_size));
    }
    if (*len <= 0) {
        return fatal_error(k.c, fmt::format("E_BAD_BODY IDENTIFY invalid body size {}", *len));
    }
    size_t total = 4 + static_cast<size_t>(*len);
    if (k.body.size() < total) return need(k, total, "E_BAD_BODY IDENTIFY failed to read body");

    const auto& o = k.ctx.opts;
    wire::identify_limits limits{to_ms(o.max_heartbeat_interval), o.max_output_buffer_size,
                                 to_ms(o.min_output_buffer_timeout),
                                 to_ms(o.max_output_buffer_timeout), to_ms(o.max_msg_timeout)};
    auto parsed = wire::parse_identify(k.body.substr(4, *len), limits);
    if (!parsed.data) return fatal_error(k.c, "E_BAD_BODY IDENTIFY " + parsed.error);
    apply_identify(k.c, *parsed.data);
    k.c.publish_info();
    if (!parsed.data->feature_negotiation) {
        send_response(k.c, "OK");
        return outcome::ok(total);
    }
    const auto& d = *parsed.data;
    auto& up = k.c.upgrade;
    up = {};
    if (!k.c.tls) up.tls = d.tls_v1 && k.ctx.tls_enabled();
    if (!k.c.snappy && !k.c.deflate) {
        up.deflate = d.deflate && o.deflate;
        up.snappy = d.snappy && o.snappy;
    }
    up.deflate_level = std::min<int64_t>(up.deflate && d.deflate_level > 0 ? d.deflate_level : 6,
                                         o.max_deflate_level);
    if (up.deflate && up.snappy) {
        up = {};
        return fatal_error(k.c,
                           "E_IDENTIFY_FAILED cannot enable both deflate and snappy compression");
    }
    send_response(k.c, identify_response_json(k.ctx, k.c));
    // The connection performs the upgrades before reading the next command.
    k.c.upgrade_pending = up.tls || up.snappy || up.deflate;
    return outcome::ok(total);
}

outcome cmd_auth(call& k) {
    if (k.c.state != client_state::init) return invalid_state(k);
    if (k.params.size() != 1)
        return fatal_error(k.c, "E_INVALID AUTH invalid number of parameters");
    auto len = read_i32(k.body, 0);
    if (!len) return need(k, 4, "E_BAD_BODY AUTH failed to read body size");
    if (*len > k.ctx.opts.max_body_size) {
        return fatal_error(k.c, fmt::format("E_BAD_BODY AUTH body too big {} > {}", *len,
                                            k.ctx.opts.max_body_size));
    }
    if (*len <= 0)
        return fatal_error(k.c, fmt::format("E_BAD_BODY AUTH invalid body size {}", *len));
    size_t total = 4 + static_cast<size_t>(*len);
    if (k.body.size() < total) return need(k, total, "E_BAD_BODY AUTH failed to read body");
    if (k.c.auth && k.c.auth->has_authorizations()) {
        return fatal_error(k.c, "E_INVALID AUTH already set");
    }
    if (k.ctx.opts.auth_http_addresses.empty()) {
        return fatal_error(k.c, "E_AUTH_DISABLED AUTH disabled");
    }
    // The connection queries the auth server (auth_query.h), then replies.
    k.c.auth_secret.assign(k.body.substr(4, static_cast<size_t>(*len)));
    k.c.auth_pending = true;
    k.c.auth_command = true;
    return outcome::ok(total);
}

// Authorization of PUB/MPUB/DPUB (channel "") and SUB (spec §3.3): nullopt when allowed, else
// a fatal error or a wait for the auth server (expired TTL: the command runs again after it).
std::optional<outcome> check_auth(call& k, std::string_view cmd, std::string_view topic,
                                  std::string_view channel) {
    if (k.ctx.opts.auth_http_addresses.empty()) return std::nullopt;
    if (!k.c.auth || !k.c.auth->has_authorizations()) {
        return fatal_error(k.c, fmt::format("E_AUTH_FIRST AUTH required before {}", cmd));
    }
    if (k.c.auth->expired(k.now)) {
        k.c.auth_pending = true;
        k.c.auth_command = false;
        return outcome::wait_auth();
    }
    if (!k.c.auth->is_allowed(topic, channel)) {
        return fatal_error(k.c, fmt::format("E_UNAUTHORIZED AUTH failed for {} on {} {}", cmd,
                                            wire::go_quote(topic), wire::go_quote(channel)));
    }
    return std::nullopt;
}

// ---- SUB / RDY / FIN / REQ / TOUCH / CLS / NOP ----------------------------------------

outcome cmd_sub(call& k) {
    if (k.c.state != client_state::init) return invalid_state(k);
    if (k.c.heartbeat_interval.count() == 0) {
        return fatal_error(k.c, "E_INVALID cannot SUB with heartbeats disabled");
    }
    if (k.params.size() < 3)
        return fatal_error(k.c, "E_INVALID SUB insufficient number of parameters");
    std::string topic_name(k.params[1]);
    std::string channel_name(k.params[2]);
    if (!wire::is_valid_topic_name(topic_name)) {
        return fatal_error(k.c, fmt::format("E_BAD_TOPIC SUB topic name {} is not valid",
                                            wire::go_quote(topic_name)));
    }
    if (!wire::is_valid_channel_name(channel_name)) {
        return fatal_error(k.c, fmt::format("E_BAD_CHANNEL SUB channel name {} is not valid",
                                            wire::go_quote(channel_name)));
    }
    if (auto a = check_auth(k, "SUB", topic_name, channel_name)) return *a;
    // An ephemeral topic/channel may be deleted between lookup and subscribe: retry once.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto t = ensure_topic(k.ctx, topic_name);
        if (!t) return fatal_error(k.c, "E_SUB_FAILED SUB failed exiting");
        auto ch = ensure_channel(k.ctx, *t, channel_name);
        auto err = ch->add_consumer(k.c.id, k.c.self, k.ctx.opts.max_channel_consumers);
        if (err == broker::subscribe_error::too_many) {
            return fatal_error(
                k.c, fmt::format("E_SUB_FAILED SUB failed consumers for {}:{} "
                                 "exceeds limit of {}",
                                 topic_name, channel_name, k.ctx.opts.max_channel_consumers));
        }
        if (err == broker::subscribe_error::none) {
            k.c.sub_topic = std::move(t);
            k.c.sub_channel = std::move(ch);
            k.c.state = client_state::subscribed;
            k.c.ready_count = 0;
            {
                std::lock_guard lock(k.c.info_mu);
                k.c.info.topic = topic_name;
                k.c.info.channel = channel_name;
            }
            k.c.publish_info();
            send_response(k.c, "OK");
            return outcome::ok();
        }
        if (!wire::is_ephemeral(topic_name) && !wire::is_ephemeral(channel_name)) {
            return fatal_error(k.c, "E_SUB_FAILED SUB failed exiting");
        }
    }
    return fatal_error(k.c, "E_SUB_FAILED SUB failed to deleted topic/channel");
}

outcome cmd_rdy(call& k) {
    if (k.c.state == client_state::closing) return outcome::ok();
    if (k.c.state != client_state::subscribed) return invalid_state(k);
    int64_t count = 1;
    if (k.params.size() > 1) {
        auto v = wire::parse_decimal_digits_wrapping(k.params[1]);
        if (!v) {
            return fatal_error(k.c,
                               fmt::format("E_INVALID RDY could not parse count {}", k.params[1]));
        }
        count = static_cast<int64_t>(*v);
    }
    if (count < 0 || count > k.ctx.opts.max_rdy_count) {
        return fatal_error(k.c, fmt::format("E_INVALID RDY count {} out of range 0-{}", count,
                                            k.ctx.opts.max_rdy_count));
    }
    k.c.ready_count = count;
    k.c.delivery_changed = true;
    k.c.publish_info();
    return outcome::ok();
}

bool can_ack(const client_v2& c) {
    return c.state == client_state::subscribed || c.state == client_state::closing;
}

std::string_view ack_reason(broker::ack_error e) {
    switch (e) {
        case broker::ack_error::not_in_flight:
            return "ID not in flight";
        case broker::ack_error::not_owner:
            return "client does not own message";
        case broker::ack_error::exiting:
            return "exiting";
        case broker::ack_error::none:
            break;
    }
    return "";
}

outcome cmd_fin(call& k) {
    if (!can_ack(k.c)) return invalid_state(k);
    if (k.params.size() < 2) return fatal_error(k.c, "E_INVALID FIN insufficient number of params");
    if (!valid_message_id(k.params[1])) return fatal_error(k.c, "E_INVALID invalid message ID");
    auto mid = to_message_id(k.params[1]);
    auto err = mid ? k.c.sub_channel->finish(k.c.id, *mid) : broker::ack_error::not_in_flight;
    if (err != broker::ack_error::none) {
        return soft_error(
            k.c, fmt::format("E_FIN_FAILED FIN {} failed {}", k.params[1], ack_reason(err)));
    }
    ++k.c.message_count;
    k.c.delivery_changed = true;
    return outcome::ok();
}

outcome cmd_req(call& k) {
    if (!can_ack(k.c)) return invalid_state(k);
    if (k.params.size() < 3) return fatal_error(k.c, "E_INVALID REQ insufficient number of params");
    if (!valid_message_id(k.params[1])) return fatal_error(k.c, "E_INVALID invalid message ID");
    auto ms = wire::parse_decimal_digits_wrapping(k.params[2]);
    if (!ms) {
        return fatal_error(k.c,
                           fmt::format("E_INVALID REQ could not parse timeout {}", k.params[2]));
    }
    // Above --max-req-timeout is clamped, not refused (NSQ logs it).
    const auto max_ms = static_cast<uint64_t>(to_ms(k.ctx.opts.max_req_timeout));
    std::chrono::nanoseconds delay = std::chrono::milliseconds(std::min<uint64_t>(*ms, max_ms));
    auto mid = to_message_id(k.params[1]);
    auto err = mid ? k.c.sub_channel->requeue(k.c.id, *mid, delay, k.now)
                   : broker::ack_error::not_in_flight;
    if (err != broker::ack_error::none) {
        return soft_error(
            k.c, fmt::format("E_REQ_FAILED REQ {} failed {}", k.params[1], ack_reason(err)));
    }
    k.c.delivery_changed = true;
    return outcome::ok();
}

outcome cmd_touch(call& k) {
    if (!can_ack(k.c)) return invalid_state(k);
    if (k.params.size() < 2)
        return fatal_error(k.c, "E_INVALID TOUCH insufficient number of params");
    if (!valid_message_id(k.params[1])) return fatal_error(k.c, "E_INVALID invalid message ID");
    auto mid = to_message_id(k.params[1]);
    auto err = mid ? k.c.sub_channel->touch(k.c.id, *mid, k.now, k.c.msg_timeout,
                                            k.ctx.opts.max_msg_timeout)
                   : broker::ack_error::not_in_flight;
    if (err != broker::ack_error::none) {
        return soft_error(
            k.c, fmt::format("E_TOUCH_FAILED TOUCH {} failed {}", k.params[1], ack_reason(err)));
    }
    return outcome::ok();
}

outcome cmd_cls(call& k) {
    if (k.c.state != client_state::subscribed) return invalid_state(k);
    k.c.ready_count = 0;
    k.c.state = client_state::closing;
    k.c.publish_info();
    send_response(k.c, "CLOSE_WAIT");
    return outcome::ok();
}

outcome cmd_nop(call&) { return outcome::ok(); }

// ---- PUB / MPUB / DPUB ----------------------------------------------------------------

// Reads one length-prefixed message body for PUB/DPUB (checks in NSQ's order).
outcome read_single_body(call& k, std::string_view cmd, std::string_view& body) {
    auto len = read_i32(k.body, 0);
    if (!len)
        return need(k, 4, fmt::format("E_BAD_MESSAGE {} failed to read message body size", cmd));
    if (*len <= 0) {
        return fatal_error(k.c,
                           fmt::format("E_BAD_MESSAGE {} invalid message body size {}", cmd, *len));
    }
    if (*len > k.ctx.opts.max_msg_size) {
        return fatal_error(k.c, fmt::format("E_BAD_MESSAGE {} message too big {} > {}", cmd, *len,
                                            k.ctx.opts.max_msg_size));
    }
    size_t total = 4 + static_cast<size_t>(*len);
    if (k.body.size() < total) {
        return need(k, total, fmt::format("E_BAD_MESSAGE {} failed to read message body", cmd));
    }
    body = k.body.substr(4, *len);
    return outcome::ok(total);
}

outcome publish_one(call& k, std::string_view cmd, const std::string& topic_name,
                    std::string_view body, std::chrono::nanoseconds defer, size_t consumed) {
    auto t = topic_for_publish(k, topic_name);
    broker::message_ptr msgs[1] = {broker::message::create(body)};
    uint64_t ticket = 0;
    auto err = t ? t->publish(msgs, defer, &ticket) : broker::publish_error::exiting;
    if (err != broker::publish_error::none) {
        return fatal_error(k.c,
                           fmt::format("E_{}_FAILED {} failed {}", cmd, cmd, publish_failure(err)));
    }
    k.c.count_published(topic_name, 1);
    if (ticket != 0) k.c.barriers.push_back({k.c.out.size(), ticket});  // durable mode
    send_response(k.c, "OK");
    return outcome::ok(consumed);
}

outcome cmd_pub(call& k) {
    if (k.params.size() < 2)
        return fatal_error(k.c, "E_INVALID PUB insufficient number of parameters");
    std::string topic_name(k.params[1]);
    if (!wire::is_valid_topic_name(topic_name)) {
        return fatal_error(k.c, fmt::format("E_BAD_TOPIC PUB topic name {} is not valid",
                                            wire::go_quote(topic_name)));
    }
    std::string_view body;
    auto r = read_single_body(k, "PUB", body);
    if (r.k != outcome::done) return r;
    if (auto a = check_auth(k, "PUB", topic_name, "")) return *a;
    return publish_one(k, "PUB", topic_name, body, std::chrono::nanoseconds{0}, r.bytes);
}

outcome cmd_dpub(call& k) {
    if (k.params.size() < 3)
        return fatal_error(k.c, "E_INVALID DPUB insufficient number of parameters");
    std::string topic_name(k.params[1]);
    if (!wire::is_valid_topic_name(topic_name)) {
        return fatal_error(k.c, fmt::format("E_BAD_TOPIC DPUB topic name {} is not valid",
                                            wire::go_quote(topic_name)));
    }
    auto ms = wire::parse_decimal_digits_wrapping(k.params[2]);
    if (!ms) {
        return fatal_error(k.c,
                           fmt::format("E_INVALID DPUB could not parse timeout {}", k.params[2]));
    }
    const uint64_t defer_ms = *ms;
    const auto max_ms = static_cast<uint64_t>(to_ms(k.ctx.opts.max_req_timeout));
    if (defer_ms > max_ms) {
        return fatal_error(
            k.c, fmt::format("E_INVALID DPUB timeout {} out of range 0-{}", defer_ms, max_ms));
    }
    std::string_view body;
    auto r = read_single_body(k, "DPUB", body);
    if (r.k != outcome::done) return r;
    if (auto a = check_auth(k, "DPUB", topic_name, "")) return *a;
    return publish_one(k, "DPUB", topic_name, body,
                       std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::milliseconds(static_cast<int64_t>(defer_ms))),
                       r.bytes);
}

outcome cmd_mpub(call& k) {
    if (k.params.size() < 2) {
        return fatal_error(k.c, "E_INVALID MPUB insufficient number of parameters");
    }
    std::string topic_name(k.params[1]);
    if (!wire::is_valid_topic_name(topic_name)) {
        return fatal_error(k.c,
                           fmt::format("E_BAD_TOPIC E_BAD_TOPIC MPUB topic name {} is not valid",
                                       wire::go_quote(topic_name)));
    }
    if (auto a = check_auth(k, "MPUB", topic_name, "")) return *a;
    auto t = topic_for_publish(k, topic_name);  // created even if the body turns out invalid
    const auto& o = k.ctx.opts;
    auto body_len = read_i32(k.body, 0);
    if (!body_len) return need(k, 4, "E_BAD_BODY MPUB failed to read body size");
    if (*body_len <= 0) {
        return fatal_error(k.c, fmt::format("E_BAD_BODY MPUB invalid body size {}", *body_len));
    }
    if (*body_len > o.max_body_size) {
        return fatal_error(
            k.c, fmt::format("E_BAD_BODY MPUB body too big {} > {}", *body_len, o.max_body_size));
    }
    auto count = read_i32(k.body, 4);
    if (!count) return need(k, 8, "E_BAD_BODY MPUB failed to read message count");
    if (*count <= 0 || *count > (o.max_body_size - 4) / 5) {
        return fatal_error(k.c, fmt::format("E_BAD_BODY MPUB invalid message count {}", *count));
    }
    // Validate every message before enqueueing any.
    size_t pos = 8;
    for (int32_t i = 0; i < *count; ++i) {
        auto size = read_i32(k.body, pos);
        if (!size) {
            return need(k, pos + 4,
                        fmt::format("E_BAD_MESSAGE MPUB failed to read message({}) body size", i));
        }
        if (*size <= 0) {
            return fatal_error(
                k.c, fmt::format("E_BAD_MESSAGE MPUB invalid message({}) body size {}", i, *size));
        }
        if (*size > o.max_msg_size) {
            return fatal_error(k.c, fmt::format("E_BAD_MESSAGE MPUB message too big {} > {}", *size,
                                                o.max_msg_size));
        }
        pos += 4 + static_cast<size_t>(*size);
        if (k.body.size() < pos)
            return need(k, pos, "E_BAD_MESSAGE MPUB failed to read message body");
    }
    std::vector<broker::message_ptr> msgs;
    msgs.reserve(static_cast<size_t>(*count));
    for (size_t p = 8; p < pos;) {
        uint32_t size = wire::get_u32be(k.body.data() + p);
        msgs.push_back(broker::message::create(k.body.substr(p + 4, size)));
        p += 4 + size;
    }
    uint64_t ticket = 0;
    auto err =
        t ? t->publish(msgs, std::chrono::nanoseconds{0}, &ticket) : broker::publish_error::exiting;
    if (err != broker::publish_error::none) {
        return fatal_error(k.c, "E_MPUB_FAILED MPUB failed " + publish_failure(err));
    }
    k.c.count_published(topic_name, msgs.size());
    if (ticket != 0) k.c.barriers.push_back({k.c.out.size(), ticket});  // durable mode
    send_response(k.c, "OK");
    return outcome::ok(pos);
}

using handler_fn = outcome (*)(call&);

const std::unordered_map<std::string_view, handler_fn>& command_table() {
    static const std::unordered_map<std::string_view, handler_fn> table = {
        {"IDENTIFY", cmd_identify}, {"AUTH", cmd_auth}, {"SUB", cmd_sub},     {"RDY", cmd_rdy},
        {"FIN", cmd_fin},           {"REQ", cmd_req},   {"TOUCH", cmd_touch}, {"CLS", cmd_cls},
        {"NOP", cmd_nop},           {"PUB", cmd_pub},   {"MPUB", cmd_mpub},   {"DPUB", cmd_dpub},
    };
    return table;
}

void split_params(std::string_view line, params_t& out) {
    out.clear();
    size_t start = 0;
    for (;;) {
        size_t sp = line.find(' ', start);
        if (sp == std::string_view::npos) {
            out.push_back(line.substr(start));
            return;
        }
        out.push_back(line.substr(start, sp - start));
        start = sp + 1;
    }
}

}  // namespace

std::string identify_response_json(const context& ctx, const client_v2& c) {
    const auto& o = ctx.opts;
    const auto& up = c.upgrade;
    int64_t deflate_level =
        up.deflate_level > 0 ? up.deflate_level : std::min<int64_t>(6, o.max_deflate_level);
    return fmt::format(
        "{{\"max_rdy_count\":{},\"version\":\"{}\",\"max_msg_timeout\":{},\"msg_timeout\":{},"
        "\"tls_v1\":{},\"deflate\":{},\"deflate_level\":{},\"max_deflate_level\":{},"
        "\"snappy\":{},\"sample_rate\":{},\"auth_required\":{},\"output_buffer_size\":{},"
        "\"output_buffer_timeout\":{}}}",
        o.max_rdy_count, nsq_version, to_ms(o.max_msg_timeout), to_ms(c.msg_timeout), up.tls,
        up.deflate, deflate_level, o.max_deflate_level, up.snappy, c.sample_rate,
        !o.auth_http_addresses.empty(), c.output_buffer_size, to_ms(c.output_buffer_timeout));
}

void init_client(const context& ctx, client_v2& client) {
    client.heartbeat_interval = ctx.opts.client_timeout / 2;
    client.msg_timeout = ctx.opts.msg_timeout;
    client.output_buffer_timeout = ctx.opts.output_buffer_timeout;
    client.pump_msg_timeout = client.msg_timeout;
}

size_t process_input(context& ctx, client_v2& client, std::string_view in, steady_time now,
                     bool& drop) {
    static thread_local params_t params;
    size_t pos = 0;
    client.need_bytes = 0;
    while (!client.close_after_flush && !client.upgrade_pending && !client.auth_pending &&
           pos < in.size()) {
        std::string_view rest = in.substr(pos);
        size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            if (rest.size() >= max_line_length) drop = true;
            client.need_bytes = rest.size() + 1;
            break;
        }
        if (nl + 1 > max_line_length) {
            drop = true;
            break;
        }
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        split_params(line, params);
        // TLS policy: checked before every command but IDENTIFY (also unknown ones)
        if (ctx.opts.tls_required != "false" && !client.tls && params[0] != "IDENTIFY") {
            fatal_error(client, fmt::format("E_INVALID cannot {} in current state (TLS required)",
                                            params[0]));
            pos += nl + 1;
            break;
        }
        const auto& table = command_table();
        auto it = table.find(params[0]);
        if (it == table.end()) {
            fatal_error(client, fmt::format("E_INVALID invalid command {}", params[0]));
            pos += nl + 1;
            break;
        }
        call k{ctx, client, params, rest.substr(nl + 1), now};
        outcome r = it->second(k);
        if (r.k == outcome::wait) break;  // re-authorization: not consumed, runs again
        if (r.k == outcome::need_more) {
            client.need_bytes = nl + 1 + r.bytes;
            break;
        }
        pos += nl + 1 + r.bytes;
    }
    return pos;
}

void unsubscribe(context& ctx, client_v2& client) {
    if (!client.sub_channel) return;
    bool last_ephemeral = client.sub_channel->remove_consumer(client.id);
    if (last_ephemeral) {
        remove_channel(ctx, client.sub_topic, client.sub_channel->name());
    }
    client.sub_channel.reset();
    client.sub_topic.reset();
}

}  // namespace nsqpp::nsqd
