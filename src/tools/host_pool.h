#pragma once
// Destination selection of nsq_to_http / nsq_to_nsq (spec/tools.md §3 "--mode"): strict
// round-robin, or a host pool that skips failed hosts (retry after 30 s, doubling up to 900 s;
// all dead → all revived). Thread-safe.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <vector>

namespace nsqpp::tools {

class host_pool {
  public:
    using clock = std::chrono::steady_clock;

    // `hosts` destinations; with_health = false gives strict round-robin.
    host_pool(size_t hosts, bool with_health);

    // The index of the next destination.
    size_t pick(clock::time_point now = clock::now());
    // The outcome of a request to `index` (ignored without health tracking).
    void mark(size_t index, bool ok, clock::time_point now = clock::now());

  private:
    struct host {
        bool dead = false;
        clock::time_point retry_at;
        std::chrono::seconds retry_delay{30};
    };
    bool with_health_;
    std::mutex mutex_;
    std::vector<host> hosts_;
    size_t next_ = 0;
};

}  // namespace nsqpp::tools
