#pragma once
// The crash suites' workload: concurrent publishers (PUB, MPUB, DPUB) and a consumer against a
// durable nsqd, and a ledger of what was sent, acknowledged and delivered.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace nsqpp::test {

struct ledger {
    std::mutex mu;
    std::set<std::string> attempted;        // sent (acknowledged or not)
    std::set<std::string> acked;            // answered OK
    std::set<std::string> delivered;        // received by a consumer (any run)
    std::set<std::string> finished;         // FIN sent by the consumer (not acknowledged by NSQ)
    std::set<std::string> final_delivered;  // received by the last drain
    uint64_t deliveries = 0;                // including duplicates

    // Every acknowledged message that no consumer finished is delivered by the last drain;
    // nothing delivered was never sent.
    ::testing::AssertionResult check();
};

class workload {
  public:
    // `tag` makes bodies unique across runs; publishers use seed + i.
    workload(uint16_t port, ledger& l, uint64_t seed, int publishers, std::string tag,
             bool consume = true);
    ~workload();
    // Stops (after the daemon died or on purpose) and joins every thread.
    void stop();

  private:
    void publisher(int index);
    void consumer();

    uint16_t port_;
    ledger& ledger_;
    uint64_t seed_;
    std::string tag_;
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

// Subscribes to t/ch, FINs everything until nothing arrives for `quiet`; records deliveries.
void drain(uint16_t port, ledger& l, std::chrono::milliseconds quiet);

inline constexpr const char* crash_topic = "crash";
inline constexpr const char* crash_channel = "ch";

// CRASH_CYCLES / CRASH_SEED from the environment (the long run sets them).
int env_cycles(int fallback);
uint64_t env_seed();

}  // namespace nsqpp::test
