#pragma once
// Publishes to one nsqd over one TCP connection (go-nsq's Producer, shared/spec/client.md §5).
// The connection is made lazily by the first publish/ping (or connect()); replies are matched to
// requests in order; a lost connection fails every outstanding request with "not connected" and
// the next publish reconnects. Thread-safe: any number of threads may publish at once.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/config.h"
#include "nsqpp/error.h"

namespace nsqpp::client {

namespace detail {
class producer_impl;
}

class producer {
  public:
    // Called once per async request with its result, on the producer's I/O thread: keep it short
    // and never call a blocking producer method from it (async methods are fine).
    using completion = std::function<void(const error& err)>;

    // `address` is "host:port" of nsqd's TCP port. Throws std::invalid_argument when the config
    // is invalid (config::validate's text). Runs its I/O on a private thread.
    producer(std::string address, config cfg);
    // As above, but on `executor` (single-threaded, e.g. an io_context run by one thread). The
    // blocking methods must then not be called from that executor's thread.
    producer(std::string address, config cfg, boost::asio::any_io_executor executor);
    ~producer();  // stop()
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    // Connects and IDENTIFYs now (otherwise done by the first publish). Returns connect errors.
    error connect();

    // Blocking: send and wait for nsqd's reply. Errors: connect/IDENTIFY failures, the server's
    // error text verbatim, "not connected" (connection lost), "stopped".
    error publish(std::string_view topic, std::string_view body);
    error multi_publish(std::string_view topic, const std::vector<std::string>& bodies);
    error deferred_publish(std::string_view topic, duration delay, std::string_view body);

    // Asynchronous with a future.
    std::future<error> publish_async(std::string topic, std::string body);
    std::future<error> multi_publish_async(std::string topic, std::vector<std::string> bodies);
    std::future<error> deferred_publish_async(std::string topic, duration delay, std::string body);

    // Asynchronous with a callback (may be empty: fire and forget).
    void publish_async(std::string topic, std::string body, completion done);
    void multi_publish_async(std::string topic, std::vector<std::string> bodies, completion done);
    void deferred_publish_async(std::string topic, duration delay, std::string body,
                                completion done);

    // Connects if needed and sends NOP (no reply expected).
    error ping();

    // Permanent: fails pending and later requests with "stopped", closes the connection and
    // waits for the I/O to end. Idempotent.
    void stop();

    const std::string& address() const;
    // True while a connection is established (after IDENTIFY).
    bool is_connected() const;

  private:
    std::shared_ptr<detail::producer_impl> impl_;
};

}  // namespace nsqpp::client
