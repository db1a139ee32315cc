#include "tools/stat_format.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <stdexcept>

namespace nsqpp::tools {
namespace {

int64_t int_field(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (v == nullptr) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->as_double());
    return 0;
}

const boost::json::array* array_field(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

bool string_is(const boost::json::object& o, std::string_view key, std::string_view want) {
    auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() && v->as_string() == want;
}

}  // namespace

channel_counters& channel_counters::operator+=(const channel_counters& o) {
    depth += o.depth;
    backend_depth += o.backend_depth;
    in_flight_count += o.in_flight_count;
    deferred_count += o.deferred_count;
    message_count += o.message_count;
    requeue_count += o.requeue_count;
    timeout_count += o.timeout_count;
    client_count += o.client_count;
    return *this;
}

std::optional<channel_counters> find_channel(std::string_view stats_json, std::string_view topic,
                                             std::string_view channel) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(stats_json, ec);
    if (ec || !doc.is_object()) throw std::runtime_error("invalid /stats response");
    const auto& root = doc.as_object();
    // NSQ < 1.0 wrapped the body in {"status_code":200,"data":{...}}.
    const boost::json::object* body = &root;
    if (auto* data = root.if_contains("data"); data != nullptr && data->is_object()) {
        body = &data->as_object();
    }
    const auto* topics = array_field(*body, "topics");
    if (topics == nullptr) return std::nullopt;  // "topics": null for an unknown topic
    for (const auto& t : *topics) {
        if (!t.is_object() || !string_is(t.as_object(), "topic_name", topic)) continue;
        const auto* channels = array_field(t.as_object(), "channels");
        if (channels == nullptr) continue;
        for (const auto& c : *channels) {
            if (!c.is_object()) continue;
            const auto& ch = c.as_object();
            if (!string_is(ch, "channel_name", channel)) continue;
            channel_counters out;
            out.depth = int_field(ch, "depth");
            out.backend_depth = int_field(ch, "backend_depth");
            out.in_flight_count = int_field(ch, "in_flight_count");
            out.deferred_count = int_field(ch, "deferred_count");
            out.message_count = int_field(ch, "message_count");
            out.requeue_count = int_field(ch, "requeue_count");
            out.timeout_count = int_field(ch, "timeout_count");
            out.client_count = int_field(ch, "client_count");
            return out;
        }
    }
    return std::nullopt;
}

std::string stat_header() {
    return fmt::format(
        "{}+{}+{}\n{:>7} {:>7} | {:>7} {:>7} {:>7} {:>5} {:>5} | {:>7} {:>7} {:>12} {:>7}\n",
        "------rate------", "----------------depth----------------",
        "--------------metadata---------------", "ingress", "egress", "total", "mem", "disk",
        "inflt", "def", "req", "t-o", "msgs", "clients");
}

std::string stat_row(const channel_counters& prev, const channel_counters& cur,
                     double interval_seconds) {
    double delta_msgs = static_cast<double>(cur.message_count - prev.message_count);
    double delta_depth = static_cast<double>(cur.depth - prev.depth);
    auto ingress = static_cast<int64_t>(delta_msgs / interval_seconds);
    auto egress = static_cast<int64_t>((delta_msgs - delta_depth) / interval_seconds);
    return fmt::format("{:7} {:7} | {:7} {:7} {:7} {:5} {:5} | {:7} {:7} {:12} {:7}\n", ingress,
                       egress, cur.depth, cur.depth - cur.backend_depth, cur.backend_depth,
                       cur.in_flight_count, cur.deferred_count, cur.requeue_count,
                       cur.timeout_count, cur.message_count, cur.client_count);
}

}  // namespace nsqpp::tools
