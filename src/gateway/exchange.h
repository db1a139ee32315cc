#pragma once
// One request/response going through the gateway, as middleware, request rewriters and
// response modifiers see it (no Beast types here).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace nsqpp::gateway {

class pool;
struct route;

// The response head on its way back to the client (upstream's or a local answer's).
struct response_head {
    int status = 200;
    http::header_list headers;

    std::optional<std::string> header(std::string_view name) const;
    void set_header(std::string_view name, std::string value);  // replaces every `name`
    void remove_header(std::string_view name);
};

struct exchange {
    // Request as received (headers editable: they are what the upstream receives).
    std::string method;
    std::string target;     // raw request-target, e.g. "/pub?topic=t"
    std::string path;       // raw path part of target (not percent-decoded)
    std::string raw_query;  // text after '?'
    http::header_list headers;
    std::string client_ip;    // "127.0.0.1"
    std::string client_port;  // "50312"
    std::optional<uint64_t> content_length;
    bool chunked = false;
    int http_version = 11;  // 10 or 11

    // Routing and rewriting (set by the gateway, editable by request rewriters).
    const route* matched_route = nullptr;
    pool* target_pool = nullptr;
    std::string upstream_target;  // target sent upstream (after the route's rewrite)
    std::string hash_key;         // consistent hash key (computed from the pool's key source)

    // Set by a middleware to answer locally; the chain stops there (the onion unwinds).
    std::optional<http::response> reply;
    // Largest body accepted (0 = no limit); a longer body gets 413.
    uint64_t max_body = 0;

    // Identity attached by middleware (request id, API key name) for logs and upstream headers.
    std::string request_id;
    std::string api_key;

    // Outcome, filled as the exchange progresses.
    int status = 0;
    std::string upstream_address;  // member that answered ("" for local answers)
    uint64_t bytes_in = 0;         // request body bytes read from the client
    uint64_t bytes_out = 0;        // response body bytes written to the client
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::string error;  // why the gateway answered 5xx itself

    std::optional<std::string> header(std::string_view name) const;
    void set_header(std::string_view name, std::string value);
    void remove_header(std::string_view name);
    // First value of query argument `key` (URL-decoded), nullopt when absent.
    std::optional<std::string> query_value(std::string_view key) const;
};

}  // namespace nsqpp::gateway
