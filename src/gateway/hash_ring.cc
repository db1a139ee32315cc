#include "gateway/hash_ring.h"

#include <algorithm>
#include <string>

#include "gateway/balancer.h"

namespace nsqpp::gateway {

uint64_t hash64(std::string_view s) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    // splitmix64 finalizer: spreads FNV's weak low bits over the whole word.
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

hash_ring::hash_ring(const std::vector<member_ptr>& members, int virtual_nodes)
    : member_count_(members.size()) {
    int vnodes = std::max(1, virtual_nodes);
    for (const auto& m : members) {
        int count = vnodes * m->weight();
        for (int i = 0; i < count; ++i) {
            points_.push_back({hash64(m->address() + "#" + std::to_string(i)), m.get()});
        }
    }
    std::sort(points_.begin(), points_.end(), [](const point& a, const point& b) {
        return a.hash != b.hash ? a.hash < b.hash : a.owner->address() < b.owner->address();
    });
}

member* hash_ring::find(uint64_t hash, const std::function<bool(const member&)>& usable) const {
    if (points_.empty()) return nullptr;
    auto it = std::lower_bound(points_.begin(), points_.end(), hash,
                               [](const point& p, uint64_t h) { return p.hash < h; });
    size_t start = static_cast<size_t>(it - points_.begin());
    std::vector<const member*> refused;
    for (size_t i = 0; i < points_.size(); ++i) {
        const point& p = points_[(start + i) % points_.size()];
        if (std::find(refused.begin(), refused.end(), p.owner) != refused.end()) continue;
        if (usable(*p.owner)) return p.owner;
        refused.push_back(p.owner);
        if (refused.size() == member_count_) return nullptr;
    }
    return nullptr;
}

}  // namespace nsqpp::gateway
