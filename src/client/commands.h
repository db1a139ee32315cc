#pragma once
// Client → nsqd command encoders (shared/spec/client.md §3).
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/config.h"

namespace nsqpp::client::detail {

inline constexpr std::string_view magic_v2 = "  V2";

// IDENTIFY with go-nsq's JSON body (keys sorted as go-nsq sends them).
std::string identify_body(const config& cfg);
std::string encode_identify(const config& cfg);

// "<line>\n" + 4-byte big-endian length + body.
std::string encode_command_with_body(std::string_view line, std::string_view body);
void append_command_with_body(std::string& out, std::string_view line, std::string_view body);

void append_pub(std::string& out, std::string_view topic, std::string_view body);
void append_mpub(std::string& out, std::string_view topic, const std::vector<std::string>& bodies);
void append_dpub(std::string& out, std::string_view topic, duration delay, std::string_view body);

void append_rdy(std::string& out, int64_t count);
void append_fin(std::string& out, std::string_view id);
void append_req(std::string& out, std::string_view id, duration delay);
void append_touch(std::string& out, std::string_view id);
void append_sub(std::string& out, std::string_view topic, std::string_view channel);

}  // namespace nsqpp::client::detail
