#pragma once
// The nsqd daemon: owns the worker threads, the listeners, the topics, the HTTP API.
#include <cstdint>
#include <memory>

#include "nsqd/options.h"

namespace nsqpp::nsqd {

class nsqd_impl;

class nsqd {
  public:
    explicit nsqd(options opts);
    ~nsqd();
    nsqd(const nsqd&) = delete;
    nsqd& operator=(const nsqd&) = delete;

    // Binds the listeners and starts the worker threads. Throws std::runtime_error
    // ("listen (<addr>) failed - <err>") when a listener cannot be opened.
    void start();
    // Blocks until stop() is called (or a signal handler calls it).
    void wait();
    // Stops accepting, closes every client, joins the threads. Idempotent; safe from any thread.
    void stop();

    uint16_t tcp_port() const;    // bound port (useful with ":0")
    uint16_t http_port() const;   // 0 when HTTP is disabled
    uint16_t https_port() const;  // 0 unless TLS is configured
    const options& opts() const;

  private:
    std::unique_ptr<nsqd_impl> impl_;
};

}  // namespace nsqpp::nsqd
