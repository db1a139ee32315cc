#pragma once
// Integer parsing with the exact rules NSQ's V2 protocol uses.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nsqpp::wire {

// ASCII decimal digits only (no sign, no spaces). The EMPTY string parses as 0 (NSQ quirk:
// `RDY ` → 0). A value above UINT64_MAX → nullopt.
std::optional<uint64_t> parse_decimal_digits(std::string_view s);

// Exactly NSQ's protocol.ByteToBase10 (RDY count, REQ timeout): like parse_decimal_digits but
// overflow silently wraps modulo 2^64 instead of failing, so `RDY 99999999999999999999`
// yields 7766279631452241919 (and nsqd answers "RDY count ... out of range", not a parse error).
std::optional<uint64_t> parse_decimal_digits_wrapping(std::string_view s);

// Go's strconv.ParseInt(s, 10, 64): optional '+' or '-', then at least one ASCII digit; no
// spaces or underscores; out of int64 range or empty → nullopt.
std::optional<int64_t> parse_go_int64(std::string_view s);

}  // namespace nsqpp::wire
