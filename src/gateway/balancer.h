#pragma once
// Load balancers: pick a member of a fixed member set for one request. Down members (see
// member::available) and members already tried for this request are skipped by every balancer.
// All balancers are thread-safe (shared by every worker).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/member.h"

namespace nsqpp::gateway {

struct pick_request {
    std::string_view key;                // consistent hash key (empty: other balancers)
    std::vector<const member*> exclude;  // already tried for this request
    steady_clock::time_point now = coarse_now();
};

class balancer {
  public:
    explicit balancer(std::vector<member_ptr> members) : members_(std::move(members)) {}
    virtual ~balancer() = default;

    // The chosen member, or nullptr when none is usable. The pointer stays valid while this
    // balancer (which holds the members) lives.
    virtual member* pick(const pick_request& req) = 0;

    const std::vector<member_ptr>& members() const { return members_; }

  protected:
    bool usable(const member& m, const pick_request& req) const;

    std::vector<member_ptr> members_;
};

struct balancer_options {
    int virtual_nodes = 160;  // consistent hash: points per weight unit on the ring
};

// Balancer by name: "random", "round_robin", "weighted_round_robin" (nginx's smooth weighted
// round robin; alias "swrr"), "consistent_hash" (alias "hash"), "least_connections" (alias
// "least_conn"). Throws std::invalid_argument for another name.
std::unique_ptr<balancer> make_balancer(std::string_view name, std::vector<member_ptr> members,
                                        const balancer_options& opts = {});

// Whether `name` names a balancer (for config validation).
bool is_balancer_name(std::string_view name);

// 64-bit hash used by the consistent hash ring (FNV-1a followed by a 64-bit finalizer).
uint64_t hash64(std::string_view s);

}  // namespace nsqpp::gateway
