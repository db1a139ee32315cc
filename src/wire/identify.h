#pragma once
// IDENTIFY body (spec §3.1): JSON decoded with Go's encoding/json rules, then validated in
// NSQ's order. Pure: the caller applies the values to its connection.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::wire {

struct identify_limits {
    int64_t max_heartbeat_interval_ms;
    int64_t max_output_buffer_size;
    int64_t min_output_buffer_timeout_ms;
    int64_t max_output_buffer_timeout_ms;
    int64_t max_msg_timeout_ms;
};

// Raw values as sent; std::nullopt = absent or null.
struct identify_data {
    std::optional<std::string> client_id, hostname, user_agent;
    bool feature_negotiation = false, tls_v1 = false, snappy = false, deflate = false;
    int64_t heartbeat_interval = 0, output_buffer_size = 0, output_buffer_timeout = 0,
            deflate_level = 0, sample_rate = 0, msg_timeout = 0;
};

// Either `data`, or `error`: the reason text without the "E_BAD_BODY IDENTIFY " prefix.
struct identify_result {
    std::optional<identify_data> data;
    std::string error;
};

inline constexpr std::string_view identify_decode_error = "failed to decode JSON body";

// Decoding follows Go: keys match case-insensitively, unknown keys are ignored, null leaves the
// default, a top-level null is an empty IDENTIFY, integers must be integer literals within
// range (1000.0 and 1e3 are rejected; sample_rate is an int32), invalid UTF-8 in strings
// becomes U+FFFD. Any decoding failure → identify_decode_error. Then validation (first failure
// wins): heartbeat interval, output buffer timeout, output buffer size, sample rate, msg timeout.
identify_result parse_identify(std::string_view body, const identify_limits& limits);

// Only the JSON decoding step: nullopt when Go's json.Unmarshal would fail.
std::optional<identify_data> decode_identify(std::string_view body);

// Only the validation step: "" when valid, else the reason (e.g. "sample rate (100) is invalid").
std::string validate_identify(const identify_data& data, const identify_limits& limits);

}  // namespace nsqpp::wire
