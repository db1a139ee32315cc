#pragma once
// UTF-8 helpers with Go's semantics (unicode/utf8), used by go_quote and the IDENTIFY decoder.
#include <cstddef>
#include <string>
#include <string_view>

namespace nsqpp::wire {

inline constexpr char32_t rune_error = 0xFFFD;

struct decoded_rune {
    char32_t rune;
    size_t width;
};

// Decodes the first rune of `s` like Go's utf8.DecodeRuneInString: an invalid, overlong,
// surrogate or truncated sequence yields {rune_error, 1}; empty input yields {rune_error, 0}.
decoded_rune decode_rune(std::string_view s);

// Appends the UTF-8 encoding of `r`; surrogates and values above U+10FFFF become U+FFFD.
void append_rune(std::string& out, char32_t r);

// Copies `s`, replacing each byte that does not start a valid sequence with U+FFFD (what Go's
// encoding/json does to string values).
std::string replace_invalid_utf8(std::string_view s);

// Go's unicode.IsPrint / strconv.IsPrint: categories L, M, N, P, S and U+0020.
bool is_printable_rune(char32_t r);

}  // namespace nsqpp::wire
