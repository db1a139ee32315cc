#include "tools/host_pool.h"

#include <algorithm>

namespace nsqpp::tools {

host_pool::host_pool(size_t hosts, bool with_health)
    : with_health_(with_health), hosts_(std::max<size_t>(hosts, 1)) {}

size_t host_pool::pick(clock::time_point now) {
    std::lock_guard lock(mutex_);
    size_t n = hosts_.size();
    if (!with_health_) return next_++ % n;
    for (size_t tries = 0; tries < n; ++tries) {
        size_t i = next_++ % n;
        host& h = hosts_[i];
        if (!h.dead) return i;
        if (now >= h.retry_at) {  // give it another chance; a new failure doubles the wait
            h.dead = false;
            return i;
        }
    }
    for (auto& h : hosts_) h.dead = false;  // all dead: revive all
    return next_++ % n;
}

void host_pool::mark(size_t index, bool ok, clock::time_point now) {
    if (!with_health_ || index >= hosts_.size()) return;
    std::lock_guard lock(mutex_);
    host& h = hosts_[index];
    if (ok) {
        h.dead = false;
        h.retry_delay = std::chrono::seconds(30);
        return;
    }
    if (h.dead) return;
    h.dead = true;
    h.retry_at = now + h.retry_delay;
    h.retry_delay = std::min(h.retry_delay * 2, std::chrono::seconds(900));
}

}  // namespace nsqpp::tools
