#pragma once
// nsq_to_http's request side (spec/tools.md §3): URL parsing, GET templates, custom headers
// and one blocking request per message with NSQ's success rules.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsqpp::tools {

struct http_url {
    bool tls = false;
    std::string host;
    uint16_t port = 80;
    std::string target = "/";  // path + "?query"
};

// "http://host[:port][/path][?query]" or https. nullopt when unparsable.
std::optional<http_url> parse_http_url(std::string_view url);

// printf-style "%s" count of a --get template (NSQ requires exactly one).
int count_percent_s(std::string_view tmpl);
// The GET URL for `body`: the template's "%s" replaced by the query-escaped body ("%%" → "%").
std::string expand_get_template(std::string_view tmpl, std::string_view body);

using header_list = std::vector<std::pair<std::string, std::string>>;
// "Name: value" items (split at the first ':', trimmed, both non-empty); nullopt if one is bad.
std::optional<header_list> parse_custom_headers(const std::vector<std::string>& items);

struct http_publish_settings {
    bool post = false;
    std::string content_type = "application/octet-stream";
    header_list custom_headers;
    std::chrono::milliseconds timeout{22000};  // connect + request timeouts
};

// Sends the message to `url` (a --get template or --post URL). Returns "" on success (GET:
// status 200, POST: any 2xx) or the error text ("got status code 500", transport errors).
std::string http_publish(const http_publish_settings& s, const std::string& url,
                         const std::string& body);

}  // namespace nsqpp::tools
