#include "wire/go_json.h"

#include <cstdint>

namespace nsqpp::wire {
namespace {

// Value of the "\uXXXX" escape at s[i], or -1.
int32_t escape_at(std::string_view s, size_t i) {
    if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') {
        return -1;
    }
    int32_t v = 0;
    for (size_t k = i + 2; k < i + 6; ++k) {
        const char c = s[k];
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) {
            return -1;
        }
        v = v << 4 | d;
    }
    return v;
}

bool is_surrogate(int32_t v) { return v >= 0xD800 && v <= 0xDFFF; }

}  // namespace

std::optional<std::string> fold_json_key(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        if (static_cast<unsigned char>(c) < 0x80) {
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        } else if (key.substr(i, 2) == "\xC5\xBF") {
            out.push_back('s');
            i += 1;
        } else if (key.substr(i, 3) == "\xE2\x84\xAA") {
            out.push_back('k');
            i += 2;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::optional<std::string> replace_lone_surrogate_escapes(std::string_view json) {
    std::optional<std::string> out;
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '"') {
            in_string = !in_string;
        } else if (in_string && c == '\\') {
            const int32_t first = escape_at(json, i);
            if (!is_surrogate(first)) {
                i += 1;  // skip the escaped character ("\u" of a non-surrogate too)
                continue;
            }
            const int32_t second = escape_at(json, i + 6);
            if (first <= 0xDBFF && second >= 0xDC00 && second <= 0xDFFF) {
                i += 11;  // a valid pair
                continue;
            }
            if (!out) {
                out.emplace(json);
            }
            out->replace(i, 6, "\\ufffd");
            i += 5;
        }
    }
    return out;
}

}  // namespace nsqpp::wire
