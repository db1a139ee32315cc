#pragma once
// What nsqadmin knows about the cluster, asked fresh from nsqlookupd / nsqd on every call
// (spec/nsqadmin.md §4): topic list, node list, producers of a topic, per-node /stats, and the
// upstream calls of the admin actions. Partial failures become warnings; a step where every
// upstream failed (or there was none to ask) throws upstream_error.
#include <boost/json/object.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nsqadmin/upstream.h"

namespace nsqpp::nsqadmin {

// A step failed on every upstream: "failed to query any nsqlookupd: <errors>".
class upstream_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Errors of the steps that partly failed; message() is the API's "message" member.
class warnings {
  public:
    void add_step(const std::vector<std::string>& errors);  // joined by "\n"
    void add(std::string text) { steps_.push_back(std::move(text)); }
    // "" or "WARNING: <step>; <step>".
    std::string message() const;
    bool empty() const { return steps_.empty(); }

  private:
    std::vector<std::string> steps_;
};

// An nsqd as lookupd's /nodes (or nsqd's /info) describes it (spec §4.3).
struct node_info {
    std::vector<std::string> remote_addresses;
    bool remote_addresses_null = false;  // nsqd mode: null
    std::string remote_address;
    std::string hostname;
    std::string broadcast_address;
    int64_t tcp_port = 0;
    int64_t http_port = 0;
    std::string version;
    std::vector<std::pair<std::string, bool>> topics;  // (topic, tombstoned), sorted
    bool out_of_date = false;

    // "broadcast_address:http_port" (IPv6 in brackets): the node's id in /api/nodes/:node.
    std::string http_address() const;
    boost::json::object to_json() const;
};

// One nsqd's /stats answer, with the node it came from.
struct node_stats {
    node_info node;
    boost::json::object stats;
};

class cluster_info {
  public:
    // Lookupd mode when `lookupds` is non-empty, else nsqd mode with `nsqds`.
    cluster_info(upstream& up, std::vector<std::string> lookupds, std::vector<std::string> nsqds);

    bool lookupd_mode() const { return !lookupds_.empty(); }

    std::vector<std::string> topics(warnings& w);  // sorted, de-duplicated
    // Topics known to lookupd with no producer, each with its channels (lookupd mode).
    std::map<std::string, std::vector<std::string>> inactive_topics(warnings& w);
    std::vector<node_info> nodes(warnings& w);
    std::vector<node_info> producers(const std::string& topic, warnings& w);
    // GET /stats?format=json[&topic=][&channel=][&include_clients=false] on every node.
    std::vector<node_stats> stats(const std::vector<node_info>& nodes, const std::string& topic,
                                  const std::string& channel, bool include_clients, warnings& w);

    // Admin actions: POST `target` on every lookupd / on every node, one after the other.
    // A 404 is only a warning; throws when every call failed otherwise.
    void post_lookupds(const std::string& target, warnings& w);
    void post_nodes(const std::vector<node_info>& nodes, const std::string& target, warnings& w);
    // /info of one nsqd HTTP address → its node_info (throws upstream_error).
    node_info nsqd_info(const std::string& address);

  private:
    std::vector<upstream_result> get_all(const std::vector<std::string>& addresses,
                                         const std::string& target);
    std::vector<node_info> nsqd_mode_nodes(warnings& w);
    std::vector<std::string> channels_of(const std::string& topic);

    upstream& up_;
    std::vector<std::string> lookupds_;
    std::vector<std::string> nsqds_;
};

// Query-string escaping of one value (Go's url.QueryEscape).
std::string query_escape(const std::string& s);

}  // namespace nsqpp::nsqadmin
