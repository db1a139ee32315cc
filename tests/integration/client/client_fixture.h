#pragma once
// Helpers for the client-library integration tests: nsqd/nsqlookupd in-process on 127.0.0.1
// (tests/support, tests/integration/cluster), channel statistics from nsqd's /stats, a
// thread-safe collector of consumed messages, and a quiet client config.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "nsqd/nsqd.h"
#include "nsqpp/client.h"
#include "tests/integration/cluster/cluster.h"

namespace nsqpp::client_test {

using namespace std::chrono_literals;
using cluster_test::eventually;

// "127.0.0.1:<tcp port>".
std::string tcp_address(const nsqd::nsqd& n);
// "127.0.0.1:<http port>" of a lookupd.
std::string http_address(const nsqlookupd::nsqlookupd& l);

// A config with client logs off (set NSQPP_CLIENT_TEST_LOG=1 to see them).
client::config quiet_config();

// One channel as nsqd's /stats reports it (all -1 when the channel is missing).
struct channel_stats {
    int64_t depth = -1, in_flight = -1, deferred = -1, requeue = -1, timeout = -1, messages = -1;
};
channel_stats stats_of(const nsqd::nsqd& n, const std::string& topic, const std::string& channel);
// Topic depth (-1 when missing).
int64_t topic_depth(const nsqd::nsqd& n, const std::string& topic);

// A free TCP port on 127.0.0.1 (bound and released).
uint16_t free_port();

// Bodies consumed by handlers, counted per body.
class collector {
  public:
    void add(const std::string& body);
    size_t total() const;
    size_t distinct() const;
    std::map<std::string, int> counts() const;
    // Waits until `n` messages in total were added.
    bool wait_for_total(size_t n, std::chrono::milliseconds timeout = 20s) const;

  private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::map<std::string, int> counts_;
    size_t total_ = 0;
};

}  // namespace nsqpp::client_test
