#pragma once
// Plain HTTP request/response values shared by the router, the server and every HTTP API.
// No Beast here: handlers only see these types.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nsqpp::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
    std::string method;     // "GET", "POST", ... (as sent, case-sensitive like Go)
    std::string path;       // percent-decoded path without the query
    std::string raw_query;  // undecoded text after the first '?'
    std::vector<std::pair<std::string, std::string>> query;  // URL-decoded, in order
    bool query_valid = true;  // false when raw_query is unparsable (Go's url.ParseQuery error)
    std::vector<std::pair<std::string, std::string>> params;  // route ":name" segments
    header_list headers;
    std::string body;
    std::string remote_address;  // "ip:port"
    bool tls = false;            // true when received over HTTPS

    // First value of `key` in the query, like Go's url.Values.Get (nullopt when absent).
    std::optional<std::string> query_value(std::string_view key) const;
    // First value of header `name` (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;
    // Value of the route parameter `name` (from a ":name" segment).
    std::optional<std::string> param(std::string_view name) const;
};

struct response {
    int status = 200;
    header_list headers;
    std::string body;

    // text/plain; charset=utf-8 + X-NSQ-Content-Type: nsq; version=1.0
    static response text(int status, std::string body);
    // text/plain; charset=utf-8 without the X-NSQ header (/ping, /debug/*)
    static response plain(int status, std::string body);
    // application/json; charset=utf-8 + X-NSQ header; `json_body` is sent as-is
    static response json(int status, std::string json_body);
    // 200, empty body, no Content-Type, X-NSQ header
    static response empty();
    // {"message":"<message>"} (escaped as Go's encoding/json does) + JSON content type + X-NSQ
    static response error(int status, std::string_view message);

    // First value of header `name` (case-insensitive).
    std::optional<std::string> header(std::string_view name) const;
    // Replaces every `name` header (case-insensitive) by one with `value`.
    void set_header(std::string_view name, std::string value);
};

// `s` as a JSON string literal with quotes, escaped like Go's encoding/json (HTML-safe:
// <, >, & become \u003c, \u003e, \u0026; U+2028/2029 escaped; invalid UTF-8 → U+FFFD).
std::string json_quote(std::string_view s);

// ASCII case-insensitive equality (header names, methods in Allow lists).
bool iequals(std::string_view a, std::string_view b);

}  // namespace nsqpp::http
