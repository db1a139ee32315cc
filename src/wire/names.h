#pragma once
// Topic and channel name rules (spec §4.1): ^[.a-zA-Z0-9_-]+(#ephemeral)?$, 1..64 bytes.
#include <string_view>

namespace nsqpp::wire {

inline constexpr std::string_view ephemeral_suffix = "#ephemeral";
inline constexpr size_t max_name_length = 64;

bool is_valid_topic_name(std::string_view name);
bool is_valid_channel_name(std::string_view name);

// True when the name ends with "#ephemeral" (does not check validity).
bool is_ephemeral(std::string_view name);

}  // namespace nsqpp::wire
