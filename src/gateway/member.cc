#include "gateway/member.h"

#include <algorithm>
#include <ctime>

#include "gateway/upstream.h"
#include "net/worker_pool.h"

namespace nsqpp::gateway {

steady_clock::time_point coarse_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return steady_clock::time_point(std::chrono::seconds(ts.tv_sec) +
                                    std::chrono::nanoseconds(ts.tv_nsec));
}

member::member(std::string address, int weight, size_t workers)
    : address_(std::move(address)), weight_(std::max(1, weight)) {
    auto [host, port] = net::split_host_port(address_);
    host_ = host;
    port_ = port;
    for (size_t i = 0; i < std::max<size_t>(1, workers); ++i) {
        idle_.push_back(std::make_unique<worker_idle>());
    }
}

member::~member() = default;

bool member::available(steady_clock::time_point now) const {
    if (probe_down_.load(std::memory_order_relaxed)) return false;
    return now.time_since_epoch().count() >= down_until_.load(std::memory_order_relaxed);
}

void member::record_failure(int max_fails, steady_clock::duration cool_off,
                            steady_clock::time_point now) {
    failures.fetch_add(1, std::memory_order_relaxed);
    int n = fails_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (max_fails > 0 && n >= max_fails) {
        down_until_.store((now + cool_off).time_since_epoch().count(), std::memory_order_relaxed);
        fails_.store(0, std::memory_order_relaxed);
    }
}

void member::record_success() { fails_.store(0, std::memory_order_relaxed); }

}  // namespace nsqpp::gateway
