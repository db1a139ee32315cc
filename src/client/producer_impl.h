#pragma once
// The producer's state on its executor (shared/spec/client.md §5): init → connecting →
// connected → (closed) init; replies completed in FIFO order.
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/connection.h"
#include "client/io_runner.h"
#include "client/logger.h"
#include "nsqpp/producer.h"

namespace nsqpp::client::detail {

class producer_impl final : public connection_events,
                            public std::enable_shared_from_this<producer_impl> {
  public:
    enum class kind { publish, nop, connect };

    producer_impl(std::string address, config cfg, std::shared_ptr<io_runner> runner,
                  boost::asio::any_io_executor ex);

    // Any thread: queues `bytes` (an encoded command) and calls `done` with the result.
    void submit(kind k, std::string bytes, producer::completion done);
    // Any thread except the executor's: fails everything with "stopped", closes, waits.
    void stop();
    bool is_connected() const { return connected_flag_.load(); }
    const std::string& address() const { return address_; }

    void on_response(connection& c, std::string_view data) override;
    void on_error_frame(connection& c, std::string_view data) override;
    void on_message(connection& c, const wire::decoded_message& m) override;
    void on_closed(connection& c, const std::string& reason) override;

  private:
    struct request {
        kind k;
        std::string bytes;
        producer::completion done;
    };

    void drain();
    void process(request& r);
    void stop_on_executor();
    void fail_all(const std::string& why);
    static boost::asio::awaitable<void> connect_task(std::shared_ptr<producer_impl> self);

    std::shared_ptr<io_runner> runner_;  // first: outlives every I/O object below
    boost::asio::any_io_executor ex_;
    std::string address_;
    config cfg_;
    logger log_;
    std::shared_ptr<boost::asio::ssl::context> tls_;

    std::mutex mu_;  // guards incoming_, posted_, stopped_
    std::vector<request> incoming_;
    bool posted_ = false;
    bool stopped_ = false;

    // Executor only.
    enum class state { init, connecting, connected } state_ = state::init;
    bool stopping_ = false;
    std::shared_ptr<connection> conn_;
    std::vector<request> waiting_;                // queued while connecting
    std::deque<producer::completion> in_flight_;  // awaiting nsqd's replies, in order
    std::atomic<bool> connected_flag_{false};
};

}  // namespace nsqpp::client::detail
