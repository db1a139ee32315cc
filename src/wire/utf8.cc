#include "wire/utf8.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace nsqpp::wire {
namespace {

struct rune_range {
    uint32_t lo;
    uint32_t hi;
};

constexpr rune_range printable_ranges[] = {
#include "wire/printable_ranges.inc"
};

bool is_continuation(unsigned char c, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return c >= lo && c <= hi;
}

}  // namespace

decoded_rune decode_rune(std::string_view s) {
    if (s.empty()) {
        return {rune_error, 0};
    }
    auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c0 = b(0);
    if (c0 < 0x80) {
        return {c0, 1};
    }
    const decoded_rune invalid{rune_error, 1};
    if (c0 >= 0xC2 && c0 <= 0xDF) {
        if (s.size() < 2 || !is_continuation(b(1))) {
            return invalid;
        }
        return {char32_t((c0 & 0x1F) << 6 | (b(1) & 0x3F)), 2};
    }
    if (c0 >= 0xE0 && c0 <= 0xEF) {
        // E0 excludes overlongs, ED excludes surrogates.
        const unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = c0 == 0xED ? 0x9F : 0xBF;
        if (s.size() < 3 || !is_continuation(b(1), lo, hi) || !is_continuation(b(2))) {
            return invalid;
        }
        return {char32_t((c0 & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F)), 3};
    }
    if (c0 >= 0xF0 && c0 <= 0xF4) {
        // F0 excludes overlongs, F4 excludes values above U+10FFFF.
        const unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = c0 == 0xF4 ? 0x8F : 0xBF;
        if (s.size() < 4 || !is_continuation(b(1), lo, hi) || !is_continuation(b(2)) ||
            !is_continuation(b(3))) {
            return invalid;
        }
        return {
            char32_t((c0 & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F)),
            4};
    }
    return invalid;
}

void append_rune(std::string& out, char32_t r) {
    if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) {
        r = rune_error;
    }
    if (r < 0x80) {
        out.push_back(static_cast<char>(r));
    } else if (r < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (r >> 6)));
        out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (r >> 12)));
        out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (r >> 18)));
        out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
    }
}

std::string replace_invalid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const decoded_rune d = decode_rune(s);
        if (d.rune == rune_error && d.width == 1) {
            append_rune(out, rune_error);
        } else {
            out.append(s.data(), d.width);
        }
        s.remove_prefix(d.width);
    }
    return out;
}

bool is_printable_rune(char32_t r) {
    if (r < 0x80) {
        return r >= 0x20 && r < 0x7F;
    }
    auto it = std::upper_bound(std::begin(printable_ranges), std::end(printable_ranges), r,
                               [](char32_t v, const rune_range& range) { return v < range.lo; });
    return it != std::begin(printable_ranges) && r <= std::prev(it)->hi;
}

}  // namespace nsqpp::wire
