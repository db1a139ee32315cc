#include "nsqlookupd/registration_db.h"

#include <mutex>
#include <set>

namespace nsqpp::nsqlookupd {

bool registration::matches(std::string_view c, std::string_view k, std::string_view s) const {
    if (c != category) return false;
    if (k != wildcard && k != key) return false;
    if (s != wildcard && s != subkey) return false;
    return true;
}

bool producer::is_tombstoned(unix_nanos now, int64_t lifetime_ns) const {
    return tombstoned && now - tombstoned_at < lifetime_ns;
}

bool producer::is_active(unix_nanos now, int64_t inactivity_timeout_ns, int64_t lifetime_ns) const {
    unix_nanos last = peer->last_update.load(std::memory_order_relaxed);
    return now - last <= inactivity_timeout_ns && !is_tombstoned(now, lifetime_ns);
}

std::string to_string(const registration& r) { return r.category + ":" + r.key + ":" + r.subkey; }

template <typename Map, typename F>
void registration_db::for_each_match(Map& map, std::string_view category, std::string_view key,
                                     std::string_view subkey, F&& f) {
    // Keys sort by (category, key, subkey): a fixed key narrows the scan to its range.
    bool any_key = key == wildcard;
    registration from{std::string(category), any_key ? std::string() : std::string(key), ""};
    for (auto it = map.lower_bound(from); it != map.end(); ++it) {
        const registration& r = it->first;
        if (r.category != category || (!any_key && r.key != key)) break;
        if (r.matches(category, key, subkey)) f(r, it->second);
    }
}

void registration_db::add_registration(const registration& k) {
    std::unique_lock lock(mu_);
    map_.try_emplace(k);
}

bool registration_db::add_producer(const registration& k, std::shared_ptr<peer_info> peer) {
    std::unique_lock lock(mu_);
    producer_map& producers = map_[k];
    auto [it, added] = producers.try_emplace(peer->id);
    if (added) it->second.peer = std::move(peer);
    return added;
}

registration_db::removal registration_db::remove_producer(const registration& k,
                                                          std::string_view id) {
    std::unique_lock lock(mu_);
    auto it = map_.find(k);
    if (it == map_.end()) return {};
    removal r;
    auto p = it->second.find(id);
    if (p != it->second.end()) {
        it->second.erase(p);
        r.removed = true;
    }
    r.left = it->second.size();
    return r;
}

std::vector<registration> registration_db::remove_producer_everywhere(std::string_view id) {
    std::vector<registration> removed;
    std::unique_lock lock(mu_);
    for (auto& [key, producers] : map_) {
        auto p = producers.find(id);
        if (p == producers.end()) continue;
        producers.erase(p);
        removed.push_back(key);
    }
    return removed;
}

void registration_db::remove_registration(const registration& k) {
    std::unique_lock lock(mu_);
    map_.erase(k);
}

std::vector<registration> registration_db::find_registrations(std::string_view category,
                                                              std::string_view key,
                                                              std::string_view subkey) const {
    std::vector<registration> out;
    std::shared_lock lock(mu_);
    for_each_match(map_, category, key, subkey,
                   [&](const registration& r, const producer_map&) { out.push_back(r); });
    return out;
}

std::vector<producer> registration_db::find_producers(std::string_view category,
                                                      std::string_view key,
                                                      std::string_view subkey) const {
    std::vector<producer> out;
    std::set<std::string_view> seen;  // ids already returned (wildcard queries)
    bool dedup = key == wildcard || subkey == wildcard;
    std::shared_lock lock(mu_);
    for_each_match(map_, category, key, subkey, [&](const registration&, const producer_map& ps) {
        for (const auto& [id, p] : ps) {
            if (dedup && !seen.insert(id).second) continue;
            out.push_back(p);
        }
    });
    return out;
}

std::vector<registration> registration_db::lookup_registrations(std::string_view id) const {
    std::vector<registration> out;
    std::shared_lock lock(mu_);
    for (const auto& [key, producers] : map_) {
        if (producers.find(id) != producers.end()) out.push_back(key);
    }
    return out;
}

size_t registration_db::tombstone_topic_producers(std::string_view topic, std::string_view node,
                                                  unix_nanos now) {
    size_t count = 0;
    std::set<std::string> seen;
    bool dedup = topic == wildcard;
    std::unique_lock lock(mu_);
    for_each_match(map_, category_topic, topic, "", [&](const registration&, producer_map& ps) {
        for (auto& [id, p] : ps) {
            if (dedup && !seen.insert(id).second) continue;
            const peer_info& peer = *p.peer;
            std::string this_node = peer.broadcast_address + ":" + std::to_string(peer.http_port);
            if (this_node != node) continue;
            p.tombstoned = true;
            p.tombstoned_at = now;
            ++count;
        }
    });
    return count;
}

std::vector<std::pair<registration, std::vector<producer>>> registration_db::dump() const {
    std::vector<std::pair<registration, std::vector<producer>>> out;
    std::shared_lock lock(mu_);
    out.reserve(map_.size());
    for (const auto& [key, producers] : map_) {
        std::vector<producer> ps;
        ps.reserve(producers.size());
        for (const auto& [id, p] : producers) ps.push_back(p);
        out.emplace_back(key, std::move(ps));
    }
    return out;
}

}  // namespace nsqpp::nsqlookupd
