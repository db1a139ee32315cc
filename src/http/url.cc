#include "http/url.h"

#include "http/request.h"

namespace nsqpp::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> unescape(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

bool has_control_char(std::string_view s) {
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

// Go's shouldEscape(c, encodePath) inverted.
bool path_char_allowed(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '-':
        case '_':
        case '.':
        case '~':
        case '$':
        case '&':
        case '+':
        case ',':
        case '/':
        case ':':
        case ';':
        case '=':
        case '@':
            return true;
        default:
            return false;
    }
}

}  // namespace

std::optional<std::string> unescape_path(std::string_view s) { return unescape(s, false); }

std::optional<std::string> unescape_query(std::string_view s) { return unescape(s, true); }

bool parse_query(std::string_view raw, std::vector<std::pair<std::string, std::string>>& out) {
    bool valid = true;
    while (!raw.empty()) {
        size_t amp = raw.find('&');
        std::string_view pair = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (pair.find(';') != std::string_view::npos) {
            valid = false;
            continue;
        }
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        auto key = unescape_query(pair.substr(0, eq));
        auto value =
            unescape_query(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!key || !value) {
            valid = false;
            continue;
        }
        out.emplace_back(std::move(*key), std::move(*value));
    }
    return valid;
}

bool parse_target(std::string_view target, request& req) {
    if (target.empty() || has_control_char(target)) return false;
    if (target != "*" && target.front() != '/') {
        // absolute form: scheme "://" authority path
        size_t scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
        target.remove_prefix(scheme_end + 3);
        size_t path_start = target.find_first_of("/?");
        target =
            path_start == std::string_view::npos ? std::string_view{} : target.substr(path_start);
    }
    size_t q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    auto path = unescape_path(raw_path);
    if (!path) return false;
    req.path = raw_path.empty() ? std::string("/") : std::move(*path);
    req.raw_query = q == std::string_view::npos ? std::string{} : std::string(target.substr(q + 1));
    req.query.clear();
    req.query_valid = parse_query(req.raw_query, req.query);
    return true;
}

std::string clean_path(std::string_view p) {
    if (p.empty()) return "/";
    // Rebuild from segments; ".." pops, "." and empty segments vanish.
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i <= p.size()) {
        size_t slash = p.find('/', i);
        std::string_view seg =
            p.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
        if (seg == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!seg.empty() && seg != ".") {
            parts.push_back(seg);
        }
        if (slash == std::string_view::npos) break;
        i = slash + 1;
    }
    std::string out;
    for (auto seg : parts) {
        out += '/';
        out += seg;
    }
    if (out.empty()) return "/";
    // A trailing slash (also implied by a final "." element) is preserved, as httprouter does.
    size_t last = p.rfind('/');
    std::string_view last_seg = last == std::string_view::npos ? p : p.substr(last + 1);
    bool trailing = (p.size() > 1 && p.back() == '/') || last_seg == ".";
    if (trailing) out += '/';
    return out;
}

std::string escape_path(std::string_view path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size());
    for (char c : path) {
        auto u = static_cast<unsigned char>(c);
        if (path_char_allowed(u)) {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    return out;
}

}  // namespace nsqpp::http
