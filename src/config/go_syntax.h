#pragma once
// Go's literal syntaxes, as nsqd's flags and config file accept them (spec/nsqd.md §8.1):
// time.ParseDuration and Duration.String, strconv.ParseInt(s, 0, 64), strconv.ParseBool,
// strconv.ParseFloat and the %q quoting used in Go's error messages.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::config {

using nanoseconds = std::chrono::nanoseconds;

// Go duration syntax ("250ms", "1h30m", "1.5s", "-2s", "0"), as time.ParseDuration.
// Units: ns, us, µs (U+00B5), μs (U+03BC), ms, s, m, h. A bare number other than 0 is an error.
std::optional<nanoseconds> parse_go_duration(std::string_view text);

// As Go's Duration.String(): "1m0s", "250ms", "1h0m0s", "0s", "1.5s", "1µs".
std::string format_go_duration(nanoseconds d);

// strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b prefixes, leading-0 octal, '_' separators.
std::optional<int64_t> parse_go_int(std::string_view text);

// strconv.ParseBool: 1 0 t f T F true false TRUE FALSE True False.
std::optional<bool> parse_go_bool(std::string_view text);

// strconv.ParseFloat(s, 64): decimal and hex ("0x1p-2") forms, Inf, NaN; out of range → nullopt.
std::optional<double> parse_go_float(std::string_view text);

// Why strconv.ParseInt failed: Go's flag package reports "parse error" or "value out of range".
enum class int_error { none, syntax, range };
struct int_parse {
    int64_t value = 0;
    int_error error = int_error::none;
};
// strconv.ParseInt(s, base, 64) for base 0 (Go literal syntax) or 2..36.
int_parse parse_go_int_base(std::string_view text, int base);

// Go's strconv.Quote (the %q verb): "a\"b" with \n, \t, \x01 ... escapes.
std::string go_quote(std::string_view text);

}  // namespace nsqpp::config
