#pragma once
// One V2 client's socket: a reader coroutine feeding protocol_v2 and a writer coroutine that
// sends replies, heartbeats and messages taken from the subscribed channel.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/consumer.h"
#include "broker/delivery.h"
#include "nsqd/client_v2.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

class client_connection : public broker::consumer,
                          public std::enable_shared_from_this<client_connection> {
  public:
    using on_done_fn = std::function<void(uint64_t id)>;

    client_connection(boost::asio::ip::tcp::socket socket, context& ctx, uint64_t id,
                      on_done_fn on_done);
    ~client_connection() override;

    void start();
    // Closes the socket from any thread (shutdown, channel deletion).
    void close();

    // Thread-safe copy of what /stats shows of this client.
    struct snapshot_t {
        uint64_t id;
        std::string remote_address;
        int64_t connect_ts;
        client_info info;
    };
    snapshot_t snapshot() const;

    void wake() override;
    void close_from_channel() override { close(); }

  private:
    using steady_time = std::chrono::steady_clock::time_point;

    boost::asio::awaitable<void> reader();
    boost::asio::awaitable<void> writer();
    void poke_writer();
    void close_now();
    void take_messages(steady_time now);
    void encode_deliveries();
    steady_time next_timer_deadline() const;

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer timer_;           // writer: heartbeats, read deadline, wakes
    boost::asio::steady_timer write_deadline_;  // a write stalled for a heartbeat interval
    boost::asio::steady_timer drained_;         // reader: waits here while `out` is too big
    context& ctx_;
    client_v2 client_;
    on_done_fn on_done_;

    std::atomic<bool> wake_posted_{false};
    bool wake_pending_ = false;
    bool closed_ = false;
    bool reader_done_ = false;
    steady_time next_heartbeat_;
    steady_time last_command_;

    std::vector<broker::delivery> deliveries_;
    std::string writing_;
};

}  // namespace nsqpp::nsqd
