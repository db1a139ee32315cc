#pragma once
// Message IDs on the wire: a 64-bit value as 16 lowercase hex ASCII characters (spec §2.9).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nsqpp::wire {

inline constexpr size_t message_id_size = 16;
using message_id = std::array<char, message_id_size>;

// 16 lowercase hex characters, most significant nibble first, zero padded.
message_id format_message_id(uint64_t value);

// Inverse of format_message_id: exactly 16 hex digits (either case) → value; else nullopt.
// (nsqd accepts any 16 bytes in FIN/REQ/TOUCH; a non-hex ID is simply never in flight.)
std::optional<uint64_t> parse_message_id(std::string_view text);

inline std::string_view to_string_view(const message_id& id) { return {id.data(), id.size()}; }

}  // namespace nsqpp::wire
