#include "tools/signal_watcher.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace nsqpp::tools {

signal_watcher::signal_watcher(std::vector<int> signals, std::function<void(int sig)> on_signal) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this, set, on_signal = std::move(on_signal)] {
        timespec wait{0, 100'000'000};
        while (!stop_.load()) {
            int sig = sigtimedwait(&set, nullptr, &wait);
            if (sig > 0) on_signal(sig);
        }
    });
}

signal_watcher::~signal_watcher() {
    stop_ = true;
    thread_.join();
}

}  // namespace nsqpp::tools
