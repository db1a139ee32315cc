#pragma once
// The lookupd IDENTIFY body (spec/nsqlookupd.md §3.4): JSON decoded as Go's json.Unmarshal
// into NSQ's PeerInfo, and the JSON reply.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::nsqlookupd {

struct context;

// The fields an nsqd sends; absent or null members keep these zero values.
struct identify_body {
    std::string remote_address;  // decoded (so a wrong type fails) but never used
    std::string hostname;
    std::string broadcast_address;
    int64_t tcp_port = 0;
    int64_t http_port = 0;
    std::string version;

    // NSQ's "require all fields" check.
    bool complete() const {
        return !broadcast_address.empty() && tcp_port != 0 && http_port != 0 && !version.empty();
    }
};

// Go's rules: keys match case-insensitively, unknown keys (any depth) are ignored, null leaves
// the zero value (a top-level null is an empty body), duplicates apply in order, ports must be
// integer literals within int64 (4150.0 fails), a wrong JSON type anywhere in a known member
// fails, invalid UTF-8 in strings becomes U+FFFD. nullopt = "failed to decode JSON body".
std::optional<identify_body> decode_identify(std::string_view json);

// {"broadcast_address":..,"hostname":..,"http_port":..,"tcp_port":..,"version":"1.3.0"}
// (Go's sorted map keys) with the ports this nsqlookupd listens on.
std::string identify_response_json(const context& ctx);

}  // namespace nsqpp::nsqlookupd
