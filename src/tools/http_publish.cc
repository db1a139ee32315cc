#include "tools/http_publish.h"

#include <fmt/format.h>

#include <algorithm>

#include "http/client.h"
#include "http/request.h"
#include "tools/cli.h"
#include "tools/cluster_query.h"

namespace nsqpp::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool has_header(const header_list& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return http::iequals(h.first, name); });
}

}  // namespace

std::optional<http_url> parse_http_url(std::string_view url) {
    http_url out;
    if (url.substr(0, 7) == "http://") {
        url.remove_prefix(7);
    } else if (url.substr(0, 8) == "https://") {
        url.remove_prefix(8);
        out.tls = true;
        out.port = 443;
    } else {
        return std::nullopt;
    }
    size_t end = url.find_first_of("/?");
    std::string_view authority = url.substr(0, end);
    if (end != std::string_view::npos) {
        out.target = std::string(url.substr(end));
        if (out.target[0] == '?') out.target.insert(0, "/");
    }
    size_t colon = authority.rfind(':');
    size_t bracket = authority.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
        std::string_view port = authority.substr(colon + 1);
        authority = authority.substr(0, colon);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        int p = std::stoi(std::string(port));
        if (p > 65535) return std::nullopt;
        out.port = static_cast<uint16_t>(p);
    }
    if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
        authority = authority.substr(1, authority.size() - 2);
    }
    if (authority.empty()) return std::nullopt;
    out.host = std::string(authority);
    return out;
}

int count_percent_s(std::string_view tmpl) {
    int n = 0;
    for (size_t pos = tmpl.find("%s"); pos != std::string_view::npos;
         pos = tmpl.find("%s", pos + 2)) {
        ++n;
    }
    return n;
}

std::string expand_get_template(std::string_view tmpl, std::string_view body) {
    std::string out;
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] == '%' && i + 1 < tmpl.size()) {
            if (tmpl[i + 1] == 's') {
                out += query_escape(body);
                ++i;
                continue;
            }
            if (tmpl[i + 1] == '%') {
                out += '%';
                ++i;
                continue;
            }
        }
        out += tmpl[i];
    }
    return out;
}

std::optional<header_list> parse_custom_headers(const std::vector<std::string>& items) {
    header_list out;
    for (const auto& item : items) {
        auto colon = item.find(':');
        if (colon == std::string::npos) return std::nullopt;
        auto key = trim(std::string_view(item).substr(0, colon));
        auto value = trim(std::string_view(item).substr(colon + 1));
        if (key.empty() || value.empty()) return std::nullopt;
        out.emplace_back(key, value);
    }
    return out;
}

std::string http_publish(const http_publish_settings& s, const std::string& url,
                         const std::string& body) {
    std::string full = s.post ? url : expand_get_template(url, body);
    auto parsed = parse_http_url(full);
    if (!parsed) return fmt::format("invalid URL {}", full);
    http::fetch_request req;
    req.method = s.post ? "POST" : "GET";
    req.host = parsed->host;
    req.port = parsed->port;
    req.target = parsed->target;
    req.tls = parsed->tls;
    req.timeout = s.timeout;
    req.headers = s.custom_headers;
    if (!has_header(req.headers, "User-Agent")) {
        req.headers.emplace_back("User-Agent", "nsq_to_http v" + std::string(nsq_version));
    }
    if (s.post) {
        req.body = body;
        if (!has_header(req.headers, "Content-Type")) {
            req.headers.emplace_back("Content-Type", s.content_type);
        }
    }
    http::client_response res;
    try {
        res = http::fetch(req);
    } catch (const std::exception& e) {
        return fmt::format("{} \"{}\": {}", req.method == "GET" ? "Get" : "Post", full, e.what());
    }
    bool ok = s.post ? (res.status >= 200 && res.status < 300) : res.status == 200;
    if (!ok) return fmt::format("got status code {}", res.status);
    return "";
}

}  // namespace nsqpp::tools
