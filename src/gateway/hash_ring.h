#pragma once
// Consistent hash ring with virtual nodes: each member owns weight × virtual_nodes points
// derived from its address only, so adding or removing a member moves only that member's keys.
#include <cstdint>
#include <functional>
#include <vector>

#include "gateway/member.h"

namespace nsqpp::gateway {

class hash_ring {
  public:
    hash_ring(const std::vector<member_ptr>& members, int virtual_nodes);

    // The owner of the first point at or after `hash` (clockwise) accepted by `usable`;
    // points of refused members are passed over, so their keys go to the next member on the
    // ring. nullptr when no member is usable.
    member* find(uint64_t hash, const std::function<bool(const member&)>& usable) const;

    size_t points() const { return points_.size(); }

  private:
    struct point {
        uint64_t hash;
        member* owner;
    };
    std::vector<point> points_;  // sorted by hash
    size_t member_count_ = 0;
};

}  // namespace nsqpp::gateway
