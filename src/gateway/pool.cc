#include "gateway/pool.h"

#include <map>
#include <stdexcept>

namespace nsqpp::gateway {

std::string check_hash_key(const std::string& source) {
    if (source == "client" || source == "path") return "";
    for (std::string_view prefix : {"header:", "query:"}) {
        if (source.rfind(prefix, 0) == 0 && source.size() > prefix.size()) return "";
    }
    return "invalid hash key source \"" + source + "\" (client, path, header:<name>, query:<arg>)";
}

pool::pool(pool_config cfg, size_t workers) : cfg_(std::move(cfg)), workers_(workers) {
    if (!is_balancer_name(cfg_.balancer)) {
        make_balancer(cfg_.balancer, {});  // throws with the list of names
    }
    if (auto err = check_hash_key(cfg_.hash_key); !err.empty()) {
        throw std::invalid_argument("pool " + cfg_.name + ": " + err);
    }
    balancer_ = make_balancer(cfg_.balancer, {}, {cfg_.virtual_nodes});
    set_members(cfg_.members);
}

std::shared_ptr<balancer> pool::current() const {
    std::lock_guard lock(mu_);
    return balancer_;
}

bool pool::set_members(const std::vector<member_config>& members) {
    std::map<std::string, member_ptr> old;
    const auto previous = current();  // alive while iterating (a refresh may replace it)
    for (const auto& m : previous->members()) old[m->address()] = m;
    std::vector<member_ptr> next;
    bool changed = members.size() != old.size();
    for (const auto& mc : members) {
        auto it = old.find(mc.address);
        if (it != old.end() && it->second->weight() == std::max(1, mc.weight)) {
            next.push_back(it->second);
        } else {
            next.push_back(std::make_shared<member>(mc.address, mc.weight, workers_));
            changed = true;
        }
    }
    if (!changed) return false;
    std::shared_ptr<balancer> b =
        make_balancer(cfg_.balancer, std::move(next), {cfg_.virtual_nodes});
    std::lock_guard lock(mu_);
    balancer_ = std::move(b);
    return true;
}

std::string pool::hash_key(const exchange& ex) const {
    const std::string& src = cfg_.hash_key;
    if (src == "client") return ex.client_ip;
    if (src == "path") return ex.path;
    if (src.rfind("header:", 0) == 0) return ex.header(src.substr(7)).value_or("");
    if (src.rfind("query:", 0) == 0) return ex.query_value(src.substr(6)).value_or("");
    return "";
}

}  // namespace nsqpp::gateway
