#pragma once
// An upstream pool: its members (static, or refreshed from nsqlookupd), its balancer, its
// health and retry policy and its mode (proxy, or mirror: every request to two members).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/balancer.h"
#include "gateway/exchange.h"
#include "gateway/upstream.h"

namespace nsqpp::gateway {

struct member_config {
    std::string address;  // "host:port"
    int weight = 1;
};

struct health_config {
    std::string path;  // active check: GET path, 2xx = healthy ("" = no active check)
    std::chrono::milliseconds interval{5000};
    std::chrono::milliseconds timeout{2000};
};

struct lookupd_config {
    std::vector<std::string> http_addresses;  // nsqlookupd HTTP "host:port" ("" = static members)
    std::chrono::milliseconds interval{15000};
};

enum class pool_mode { proxy, mirror };

struct pool_config {
    std::string name = "default";
    std::string balancer = "round_robin";
    // Consistent hash key source: "client" (address), "path", "header:<name>", "query:<arg>".
    std::string hash_key = "client";
    int virtual_nodes = 160;
    pool_mode mode = pool_mode::proxy;
    std::vector<member_config> members;
    upstream_limits limits;
    int max_fails = 3;                              // passive health: consecutive failures ...
    std::chrono::milliseconds fail_timeout{10000};  // ... take a member out this long
    int retries = 2;                                // failed connects retried on other members
    uint64_t mirror_max_body = 5 * 1024 * 1024;     // mirror mode buffers bodies up to this
    health_config health;
    lookupd_config lookupd;
};

// Validates a key source; returns "" or the reason.
std::string check_hash_key(const std::string& source);

class pool {
  public:
    // Throws std::invalid_argument for a bad balancer, key source or member address.
    pool(pool_config cfg, size_t workers);

    const std::string& name() const { return cfg_.name; }
    const pool_config& config() const { return cfg_; }

    // The current balancer with its member set; hold it while using a picked member.
    std::shared_ptr<balancer> current() const;
    // Replaces the member set (lookupd refresh); members already present keep their state.
    // Returns true when the set changed.
    bool set_members(const std::vector<member_config>& members);

    // The consistent hash key of `ex` from the configured source ("" when absent).
    std::string hash_key(const exchange& ex) const;

  private:
    pool_config cfg_;
    size_t workers_;
    mutable std::mutex mu_;
    std::shared_ptr<balancer> balancer_;
};

}  // namespace nsqpp::gateway
