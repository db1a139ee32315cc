#pragma once
// One upstream member of a pool: its address, weight and health (shared by every worker).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nsqpp::gateway {

using steady_clock = std::chrono::steady_clock;

// steady_clock's time from CLOCK_MONOTONIC_COARSE: a few ms behind, far cheaper to read; for
// deadlines, idle ages and cool-offs (not for latencies).
steady_clock::time_point coarse_now();

struct worker_idle;  // idle upstream connections of one worker (upstream.h)

class member {
  public:
    // `address` is "host:port" (throws std::invalid_argument otherwise); weight >= 1.
    member(std::string address, int weight, size_t workers = 1);
    ~member();
    member(const member&) = delete;
    member& operator=(const member&) = delete;

    const std::string& address() const { return address_; }
    const std::string& host() const { return host_; }
    uint16_t port() const { return port_; }
    int weight() const { return weight_; }

    // Usable by balancers: not failed by an active probe and not in a passive cool-off.
    bool available(steady_clock::time_point now = steady_clock::now()) const;

    // Passive health: `max_fails` consecutive failures take the member out for `cool_off`.
    void record_failure(int max_fails, steady_clock::duration cool_off,
                        steady_clock::time_point now = steady_clock::now());
    void record_success();
    // Active health: the last probe's outcome.
    void set_probe_ok(bool ok) { probe_down_.store(!ok, std::memory_order_relaxed); }
    bool probe_ok() const { return !probe_down_.load(std::memory_order_relaxed); }
    int consecutive_failures() const { return fails_.load(std::memory_order_relaxed); }

    // Requests in progress (least-connections).
    std::atomic<int64_t> active{0};
    // Requests sent and failures seen (metrics).
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> failures{0};

    // Idle keep-alive connections, one list per worker (touched only on that worker's thread).
    worker_idle& idle(size_t worker) { return *idle_[worker % idle_.size()]; }

  private:
    std::string address_;
    std::string host_;
    uint16_t port_ = 0;
    int weight_ = 1;
    std::atomic<int> fails_{0};
    std::atomic<int64_t> down_until_{0};  // steady_clock ticks
    std::atomic<bool> probe_down_{false};
    std::vector<std::unique_ptr<worker_idle>> idle_;
};

using member_ptr = std::shared_ptr<member>;

}  // namespace nsqpp::gateway
