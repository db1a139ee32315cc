#pragma once
// Consumes one topic/channel from any number of nsqd (go-nsq's Consumer, shared/spec/client.md
// §6): one connection per nsqd, configured directly or discovered by polling nsqlookupd;
// max_in_flight spread over the connections as RDY (with redistribution); exponential backoff
// after failures; max_attempts; graceful stop (CLS, wait for in-flight, close).
//
//   nsqpp::client::config cfg;
//   cfg.max_in_flight = 100;
//   nsqpp::client::consumer c("events", "archive", cfg);
//   c.add_handler([](nsqpp::client::message& m) { process(m.body()); return nsqpp::client::error{};
//   }, 4); if (auto err = c.connect_to_nsqlookupd("127.0.0.1:4161")) { ... }
//   ...            // later, e.g. on SIGTERM:
//   c.stop(); c.wait();
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nsqpp/config.h"
#include "nsqpp/error.h"
#include "nsqpp/handler.h"
#include "nsqpp/message.h"

namespace nsqpp::client {

namespace detail {
class consumer_impl;
}

struct consumer_stats {
    uint64_t messages_received = 0;
    uint64_t messages_finished = 0;
    uint64_t messages_requeued = 0;
    int connections = 0;
};

class consumer {
  public:
    // Throws std::invalid_argument on an invalid config ("invalid topic name", "invalid channel
    // name" or config::validate's text). I/O runs on a private thread.
    consumer(std::string topic, std::string channel, config cfg);
    // As above, with the I/O on `executor` (single-threaded).
    consumer(std::string topic, std::string channel, config cfg,
             boost::asio::any_io_executor executor);
    ~consumer();  // stop() and wait()
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    // Handlers must be added before the first connect; each one gets `concurrency` threads.
    void add_handler(std::shared_ptr<handler> h, int concurrency = 1);
    void add_handler(handler_function fn, int concurrency = 1);

    // Direct nsqd connections ("host:port" of the TCP port). Blocking until connected and
    // subscribed (or failed). Errors: "already connected", "no handlers", "consumer stopped",
    // connect/IDENTIFY errors. A configured address that drops is retried every
    // lookupd_poll_interval (unless lookupds are configured).
    error connect_to_nsqd(const std::string& address);
    error connect_to_nsqds(const std::vector<std::string>& addresses);
    // Closes the connection to the address and stops retrying it. Error "not connected".
    error disconnect_from_nsqd(const std::string& address);

    // nsqlookupd HTTP addresses ("host:port" or "http://host:port[/path]"). The first one added
    // triggers a synchronous query, then polling every lookupd_poll_interval (after a random
    // jitter). Errors: "missing port", "no handlers", "consumer stopped".
    error connect_to_nsqlookupd(const std::string& address);
    error connect_to_nsqlookupds(const std::vector<std::string>& addresses);
    error disconnect_from_nsqlookupd(const std::string& address);

    // Keeps only the nsqd addresses ("host:port") for which `filter` returns true (lookupd
    // discovery only). Set before connecting.
    void set_nsqd_filter(std::function<bool(const std::string& address)> filter);

    // New max_in_flight (0 pauses the consumer); RDY is recomputed for every connection.
    void change_max_in_flight(int max_in_flight);
    // True when some connection has in_flight >= 85% of its RDY (flush batches early).
    bool is_starved() const;
    consumer_stats stats() const;
    const std::string& topic() const;
    const std::string& channel() const;

    // Starts a graceful stop: CLS on every connection; each closes once its in-flight messages
    // are answered; after 30 s everything is closed regardless. Returns at once; idempotent.
    void stop();
    // Blocks until the consumer has fully stopped (connections closed, handlers returned).
    void wait();
    // As wait(), with a limit; true when stopped.
    bool wait_for(duration timeout);
    // Called once (on some internal thread) when the consumer has fully stopped.
    void on_stopped(std::function<void()> fn);

  private:
    std::shared_ptr<detail::consumer_impl> impl_;
};

}  // namespace nsqpp::client
