#pragma once
// In-process clusters for the nsqd ⇄ nsqlookupd tests: nsqlookupd and nsqd on 127.0.0.1 (port 0
// or a given port for restarts), lookupd HTTP queries decoded, and `eventually` polling.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http/client.h"
#include "nsqd/nsqd.h"
#include "nsqlookupd/nsqlookupd.h"
#include "tests/support/raw_client.h"

namespace nsqpp::cluster_test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Polls `cond` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& cond, milliseconds timeout = 10s);

// nsqlookupd on 127.0.0.1:<tcp_port>/<http_port> (0 = ephemeral), broadcast address 127.0.0.1.
std::unique_ptr<nsqlookupd::nsqlookupd> start_lookupd(uint16_t tcp_port = 0, uint16_t http_port = 0,
                                                      int workers = 2);
// "127.0.0.1:<tcp port>": what nsqd's --lookupd-tcp-address takes.
std::string tcp_address(const nsqlookupd::nsqlookupd& l);

// nsqd (tests/support start_nsqd) with broadcast address 127.0.0.1 and these lookupds.
std::unique_ptr<nsqd::nsqd> start_nsqd_with(std::vector<std::string> lookupd_tcp_addresses,
                                            nsqd::options opts = {}, int workers = 2);

// "127.0.0.1:<tcp port>" of an nsqd: how lookupd answers identify it (broadcast:tcp_port).
std::string producer_key(const nsqd::nsqd& n);

// GET http://127.0.0.1:<port><target>; nullopt (no failure) when the daemon cannot be reached.
std::optional<http::client_response> get(uint16_t port, const std::string& target);
// 200 + parsed JSON, else nullopt.
std::optional<boost::json::value> get_json(uint16_t port, const std::string& target);
http::client_response post(uint16_t port, const std::string& target, const std::string& body = "");
http::client_response put(uint16_t port, const std::string& target, const std::string& body);

// A producer as /lookup or /nodes shows it.
struct producer {
    std::string remote_address;
    std::string hostname;
    std::string broadcast_address;
    int64_t tcp_port = 0;
    int64_t http_port = 0;
    std::string version;
    std::vector<std::string> topics;  // /nodes only

    std::string key() const { return broadcast_address + ":" + std::to_string(tcp_port); }
};

// /lookup?topic=: nullopt when 404 (or unreachable).
struct lookup_result {
    std::vector<std::string> channels;
    std::vector<producer> producers;
    std::set<std::string> producer_keys() const;
};
std::optional<lookup_result> lookup(uint16_t lookupd_http, const std::string& topic);
// Producer keys of /lookup?topic= (empty when 404 or unreachable).
std::set<std::string> lookup_keys(uint16_t lookupd_http, const std::string& topic);
// /nodes by producer key (empty when unreachable).
std::map<std::string, producer> nodes(uint16_t lookupd_http);
std::vector<std::string> topics(uint16_t lookupd_http);
std::vector<std::string> channels(uint16_t lookupd_http, const std::string& topic);
// /debug: registration key ("topic:t:", "channel:t:c") → producer ids with a live entry.
std::map<std::string, std::set<std::string>> debug_keys(uint16_t lookupd_http);

// The channel names of `topic` in nsqd's /stats (sorted; empty when the topic is missing).
std::vector<std::string> nsqd_channels(const nsqd::nsqd& n, const std::string& topic);

// A raw V2 consumer: reads whatever messages are there within `wait`, FINs them.
std::vector<std::string> drain(test::raw_client& c, milliseconds wait);

}  // namespace nsqpp::cluster_test
