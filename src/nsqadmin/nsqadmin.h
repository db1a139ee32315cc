#pragma once
// The nsqadmin daemon: HTTP server on worker threads, the upstream client, the notifier and
// the history poller.
#include <cstdint>
#include <memory>

#include "nsqadmin/options.h"

namespace nsqpp::nsqadmin {

class nsqadmin_impl;

class nsqadmin {
  public:
    // Throws std::runtime_error with NSQ's text when the options are invalid (spec §2).
    explicit nsqadmin(options opts);
    ~nsqadmin();  // stop()s
    nsqadmin(const nsqadmin&) = delete;
    nsqadmin& operator=(const nsqadmin&) = delete;

    // Binds the HTTP listener and starts the threads. Throws std::runtime_error
    // ("listen (<addr>) failed - <err>").
    void start();
    void wait();  // blocks until stop()
    void stop();  // idempotent, thread-safe

    uint16_t http_port() const;  // bound port (useful with ":0")

  private:
    std::unique_ptr<nsqadmin_impl> impl_;
};

}  // namespace nsqpp::nsqadmin
