#pragma once
// Waits for POSIX signals on a private thread (sigtimedwait) and reports them to a callback.
// Construct it in main() before any other thread starts: the signals are blocked in the
// constructing thread, and threads created later inherit that mask, so only the watcher sees
// them.
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace nsqpp::tools {

class signal_watcher {
  public:
    signal_watcher(std::vector<int> signals, std::function<void(int sig)> on_signal);
    ~signal_watcher();
    signal_watcher(const signal_watcher&) = delete;
    signal_watcher& operator=(const signal_watcher&) = delete;

  private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace nsqpp::tools
