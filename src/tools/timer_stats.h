#pragma once
// Request timing status lines of nsq_to_http / nsq_to_nsq (spec/tools.md §0 "Status lines"):
// every `status_every` recorded durations, one Go-logger line
// "<prefix> finished <N> - 99th: <x>ms - 95th: <y>ms - avg: <z>ms". Thread-safe.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::tools {

// NSQ's percentile pick on a sorted window: index ceil(p/100 × n + 0.5), clamped to n − 1.
std::chrono::nanoseconds window_percentile(double percent,
                                           const std::vector<std::chrono::nanoseconds>& sorted);

class timer_stats {
  public:
    // `emit` receives each status line (without time stamp or newline). status_every 0 = off.
    timer_stats(std::string prefix, int status_every, std::function<void(const std::string&)> emit);

    void record(std::chrono::nanoseconds duration);
    // The line for a full window (sorted in place), exposed for tests.
    static std::string status_line(const std::string& prefix,
                                   std::vector<std::chrono::nanoseconds>& window);

  private:
    std::string prefix_;
    size_t status_every_;
    std::function<void(const std::string&)> emit_;
    std::mutex mutex_;
    std::vector<std::chrono::nanoseconds> window_;
};

// The warning logged at start for 0 < status_every < 100, or nullopt.
std::optional<std::string> status_every_warning(int status_every);

}  // namespace nsqpp::tools
