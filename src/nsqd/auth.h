#pragma once
// nsqd's authorization against an auth server (spec §3.3), pure logic without I/O: the auth
// server addresses, the request's query string, the response JSON (validated and compiled into
// an auth_state), permission checks and TTL expiry. The HTTP query itself is auth_query.h.
#include <chrono>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace nsqpp::nsqd {

using auth_clock = std::chrono::steady_clock;

// Where to send the auth request for one --auth-http-address value.
struct auth_endpoint {
    bool https = false;
    std::string host;
    uint16_t port = 80;
    std::string path;  // request path without the query ("/auth" for a host:port address)
};

// "host:port" → http://host:port/auth; a value containing "://" is the full URL (http or
// https). nullopt with `error` set when the value cannot be used.
std::optional<auth_endpoint> parse_auth_address(std::string_view address, std::string& error);

// The query string nsqd sends (keys sorted, URL-encoded like Go's url.Values.Encode).
std::string auth_query_string(std::string_view remote_ip, bool tls, std::string_view secret,
                              std::string_view common_name);

// The IP part of an "ip:port" remote address (IPv6 without brackets, as Go's SplitHostPort).
std::string remote_ip_of(std::string_view remote_address);

// One authorization entry with its regexes compiled.
struct auth_authorization {
    std::string topic;
    std::vector<std::string> channels;
    std::vector<std::string> permissions;
    bool publish = false;
    bool subscribe = false;
    std::regex topic_re;
    std::vector<std::regex> channel_res;
};

// The auth server's answer for one client, valid until `expires`.
struct auth_state {
    std::string identity;
    std::string identity_url;
    int64_t ttl = 0;  // seconds
    auth_clock::time_point expires;
    std::vector<auth_authorization> authorizations;

    bool has_authorizations() const { return !authorizations.empty(); }
    bool expired(auth_clock::time_point now) const { return expires < now; }
    // Publishing when `channel` is empty ("publish"), else subscribing ("subscribe"): allowed
    // when any entry has the permission, its topic regex matches `topic` and one of its channel
    // regexes matches `channel` (unanchored searches, as Go's regexp.MatchString).
    bool is_allowed(std::string_view topic, std::string_view channel) const;
};

struct auth_parse_result {
    std::optional<auth_state> state;
    std::string error;  // why the answer was refused (logged, never sent to the client)
};

// Parses and validates a 200 response body received at `now`: JSON object, permissions
// "subscribe"/"publish" only, regexes that compile, ttl > 0.
auth_parse_result parse_auth_response(std::string_view body, auth_clock::time_point now);

// The AUTH reply: {"identity":..,"identity_url":..,"permission_count":<entries>}.
std::string auth_reply_json(const auth_state& state);

// The https_port of a 403 answer's JSON body (NSQ then retries over https); nullopt if absent.
std::optional<uint16_t> parse_https_port(std::string_view body);

}  // namespace nsqpp::nsqd
