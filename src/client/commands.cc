#include "client/commands.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "wire/endian.h"

namespace nsqpp::client::detail {
namespace {

void append_be32(std::string& out, uint32_t v) {
    char b[4];
    wire::put_u32be(b, v);
    out.append(b, 4);
}

void append_decimal(std::string& out, int64_t v) {
    fmt::format_to(std::back_inserter(out), "{}", v);
}

}  // namespace

std::string identify_body(const config& cfg) {
    boost::json::object o;
    o["client_id"] = cfg.client_id;
    o["deflate"] = cfg.deflate;
    o["deflate_level"] = cfg.deflate_level;
    o["feature_negotiation"] = true;
    o["heartbeat_interval"] = cfg.heartbeat_interval.count();
    o["hostname"] = cfg.hostname;
    o["long_id"] = cfg.hostname;
    o["msg_timeout"] = cfg.msg_timeout.count();
    o["output_buffer_size"] = cfg.output_buffer_size;
    o["output_buffer_timeout"] = cfg.output_buffer_timeout.count();
    o["sample_rate"] = cfg.sample_rate;
    o["short_id"] = cfg.client_id;
    o["snappy"] = cfg.snappy;
    o["tls_v1"] = cfg.tls_v1;
    o["user_agent"] = cfg.user_agent;
    return boost::json::serialize(o);
}

std::string encode_identify(const config& cfg) {
    return encode_command_with_body("IDENTIFY", identify_body(cfg));
}

void append_command_with_body(std::string& out, std::string_view line, std::string_view body) {
    out.append(line);
    out.push_back('\n');
    append_be32(out, static_cast<uint32_t>(body.size()));
    out.append(body);
}

std::string encode_command_with_body(std::string_view line, std::string_view body) {
    std::string out;
    out.reserve(line.size() + 5 + body.size());
    append_command_with_body(out, line, body);
    return out;
}

void append_pub(std::string& out, std::string_view topic, std::string_view body) {
    out.append("PUB ");
    out.append(topic);
    out.push_back('\n');
    append_be32(out, static_cast<uint32_t>(body.size()));
    out.append(body);
}

void append_mpub(std::string& out, std::string_view topic, const std::vector<std::string>& bodies) {
    size_t size = 4;
    for (const auto& b : bodies) size += 4 + b.size();
    out.reserve(out.size() + topic.size() + 10 + size);
    out.append("MPUB ");
    out.append(topic);
    out.push_back('\n');
    append_be32(out, static_cast<uint32_t>(size));
    append_be32(out, static_cast<uint32_t>(bodies.size()));
    for (const auto& b : bodies) {
        append_be32(out, static_cast<uint32_t>(b.size()));
        out.append(b);
    }
}

void append_dpub(std::string& out, std::string_view topic, duration delay, std::string_view body) {
    out.append("DPUB ");
    out.append(topic);
    out.push_back(' ');
    append_decimal(out, delay.count());
    out.push_back('\n');
    append_be32(out, static_cast<uint32_t>(body.size()));
    out.append(body);
}

void append_rdy(std::string& out, int64_t count) {
    out.append("RDY ");
    append_decimal(out, count);
    out.push_back('\n');
}

void append_fin(std::string& out, std::string_view id) {
    out.append("FIN ");
    out.append(id);
    out.push_back('\n');
}

void append_req(std::string& out, std::string_view id, duration delay) {
    out.append("REQ ");
    out.append(id);
    out.push_back(' ');
    append_decimal(out, delay.count());
    out.push_back('\n');
}

void append_touch(std::string& out, std::string_view id) {
    out.append("TOUCH ");
    out.append(id);
    out.push_back('\n');
}

void append_sub(std::string& out, std::string_view topic, std::string_view channel) {
    out.append("SUB ");
    out.append(topic);
    out.push_back(' ');
    out.append(channel);
    out.push_back('\n');
}

}  // namespace nsqpp::client::detail
