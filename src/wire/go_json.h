#pragma once
// Helpers to make Boost.JSON decoding behave like Go's encoding/json.
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::wire {

// Key as Go's case-insensitive field matching sees it, for ASCII field names: ASCII letters
// lower-cased, U+017F (long s) → 's', U+212A (Kelvin) → 'k'. nullopt if any other non-ASCII
// byte is present (such a key can never match an ASCII field name).
std::optional<std::string> fold_json_key(std::string_view key);

// Go turns a \uXXXX escape of an unpaired UTF-16 surrogate into U+FFFD; Boost.JSON 1.81 rejects
// it. Returns a copy of `json` with each such escape inside a string replaced by "\ufffd"
// (same length), or nullopt when there is nothing to replace.
std::optional<std::string> replace_lone_surrogate_escapes(std::string_view json);

}  // namespace nsqpp::wire
