#include "wire/numbers.h"

#include <limits>

namespace nsqpp::wire {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<uint64_t> parse_decimal_digits(std::string_view s) {
    constexpr uint64_t max = std::numeric_limits<uint64_t>::max();
    uint64_t n = 0;
    for (char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (n > (max - d) / 10) {
            return std::nullopt;
        }
        n = n * 10 + d;
    }
    return n;
}

std::optional<uint64_t> parse_decimal_digits_wrapping(std::string_view s) {
    uint64_t n = 0;
    for (char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
}

std::optional<int64_t> parse_go_int64(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    const std::optional<uint64_t> magnitude = parse_decimal_digits(s);
    if (!magnitude) {
        return std::nullopt;
    }
    constexpr uint64_t max_positive = std::numeric_limits<int64_t>::max();
    if (negative) {
        if (*magnitude > max_positive + 1) {
            return std::nullopt;
        }
        return static_cast<int64_t>(0 - *magnitude);
    }
    if (*magnitude > max_positive) {
        return std::nullopt;
    }
    return static_cast<int64_t>(*magnitude);
}

}  // namespace nsqpp::wire
