#pragma once
// The nsqlookupd daemon: owns the worker threads, the TCP (V1) and HTTP listeners and the
// registration DB.
#include <cstdint>
#include <memory>

#include "nsqlookupd/options.h"

namespace nsqpp::nsqlookupd {

class nsqlookupd_impl;

class nsqlookupd {
  public:
    explicit nsqlookupd(options opts);
    ~nsqlookupd();  // stop()s
    nsqlookupd(const nsqlookupd&) = delete;
    nsqlookupd& operator=(const nsqlookupd&) = delete;

    // Binds both listeners and starts the worker threads. Throws std::runtime_error
    // ("listen (<addr>) failed - <err>") when a listener cannot be opened.
    void start();
    // Blocks until stop() is called (or a signal handler calls it).
    void wait();
    // Closes the TCP listener, every nsqd connection, the HTTP listener; joins the threads.
    // Idempotent; safe from any thread.
    void stop();

    uint16_t tcp_port() const;   // bound port (useful with ":0")
    uint16_t http_port() const;  // bound port
    const options& opts() const;

  private:
    std::unique_ptr<nsqlookupd_impl> impl_;
};

}  // namespace nsqpp::nsqlookupd
