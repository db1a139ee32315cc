#pragma once
// nsqlookupd discovery pieces without I/O (shared/spec/client.md §6.2): address → /lookup URL,
// and the /lookup response (v1 body or legacy envelope) → nsqd TCP addresses.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/error.h"

namespace nsqpp::client::detail {

struct lookupd_endpoint {
    bool tls = false;  // https
    std::string host;  // without brackets
    uint16_t port = 80;
    std::string target;  // "/lookup?topic=..."
    std::string url;     // for logs: "http://host:port/lookup?topic=..."
};

// "host:port" or "http(s)://host[:port][/path][?query]". Errors: "missing port",
// "invalid nsqlookupd address <addr>".
error parse_lookupd_address(std::string_view address, std::string_view topic,
                            lookupd_endpoint& out);

// Go's url.QueryEscape.
std::string query_escape(std::string_view s);

// `v1` = the response had "X-NSQ-Content-Type: nsq; version=1.0". Producers become
// "broadcast_address:tcp_port" ("[v6]:port" for IPv6). Error on bad JSON.
error parse_lookup_response(int status, bool v1, std::string_view body,
                            std::vector<std::string>& addresses);

}  // namespace nsqpp::client::detail
