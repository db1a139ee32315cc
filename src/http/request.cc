#include "http/request.h"

#include <algorithm>

namespace nsqpp::http {
namespace {

constexpr std::string_view nsq_content_type_name = "X-NSQ-Content-Type";
constexpr std::string_view nsq_content_type_value = "nsq; version=1.0";
constexpr std::string_view text_type = "text/plain; charset=utf-8";
constexpr std::string_view json_type = "application/json; charset=utf-8";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::optional<std::string> find_header(const header_list& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::optional<std::string> find_value(const std::vector<std::pair<std::string, std::string>>& kv,
                                      std::string_view key) {
    for (const auto& [k, v] : kv) {
        if (k == key) return v;
    }
    return std::nullopt;
}

response with_type(int status, std::string body, std::string_view type, bool nsq_header) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", std::string(type));
    if (nsq_header) r.headers.emplace_back(nsq_content_type_name, nsq_content_type_value);
    return r;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid (Go's utf8 rules:
// no overlongs, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (c > 0xF4 || n == 0 || i + n > s.size()) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return n;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string> request::query_value(std::string_view key) const {
    return find_value(query, key);
}

std::optional<std::string> request::header(std::string_view name) const {
    return find_header(headers, name);
}

std::optional<std::string> request::param(std::string_view name) const {
    return find_value(params, name);
}

std::optional<std::string> response::header(std::string_view name) const {
    return find_header(headers, name);
}

void response::set_header(std::string_view name, std::string value) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
    headers.emplace_back(std::string(name), std::move(value));
}

response response::text(int status, std::string body) {
    return with_type(status, std::move(body), text_type, true);
}

response response::plain(int status, std::string body) {
    return with_type(status, std::move(body), text_type, false);
}

response response::json(int status, std::string json_body) {
    return with_type(status, std::move(json_body), json_type, true);
}

response response::empty() {
    response r;
    r.headers.emplace_back(nsq_content_type_name, nsq_content_type_value);
    return r;
}

response response::error(int status, std::string_view message) {
    return json(status, "{\"message\":" + json_quote(message) + "}");
}

std::string json_quote(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\t') {
                out += "\\t";
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
            continue;
        }
        size_t n = utf8_sequence_length(s, i);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
        } else if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
            out += (s[i + 2] & 1) ? "\\u2029" : "\\u2028";
            i += n;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    out += '"';
    return out;
}

}  // namespace nsqpp::http
