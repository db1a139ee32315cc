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
#include <tuple>
#include <vector>

#include "broker/consumer.h"
#include "broker/delivery.h"
#include "net/upgradable_stream.h"
#include "nsqd/client_v2.h"
#include "nsqd/context.h"
#include "wire/stream_codec.h"

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
    using io_result = std::tuple<boost::system::error_code, size_t>;

    boost::asio::awaitable<void> reader();
    boost::asio::awaitable<void> writer();
    // Reads decoded input (through TLS and snappy/deflate when negotiated) into dst.
    boost::asio::awaitable<io_result> read_input(char* dst, size_t cap);
    // Writes `data` through the negotiated layers.
    boost::asio::awaitable<io_result> write_output(const std::string& data);
    // IDENTIFY negotiated TLS/snappy/deflate: waits for the reply to be written, then upgrades
    // the stream, sending each step's OK frame. `leftover` holds input already read after the
    // IDENTIFY command (it belongs to the compressed stream). Returns false on failure.
    boost::asio::awaitable<bool> perform_upgrade(std::string_view leftover);
    boost::asio::awaitable<bool> send_ok_frame();
    void poke_writer();
    void close_now();
    void take_messages(steady_time now);
    void encode_deliveries();
    // Whether the buffered messages must be written now (NSQ's output buffering: flush when
    // the buffer is full, its timeout passed, a control frame is queued, or the client has no
    // RDY credit left).
    bool must_flush(steady_time now);
    // How much of client_.out may be written: up to the first publish the journal has not
    // committed yet (durable mode; registers a wake for it). All of it otherwise.
    size_t sendable_output();
    steady_time next_timer_deadline() const;
    void record_tls_info();

    net::upgradable_stream stream_;
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
    bool writing_now_ = false;  // an async write is in progress
    bool upgrading_ = false;    // the reader owns the stream: the writer writes nothing
    steady_time next_heartbeat_;
    steady_time last_command_;

    uint64_t commit_wait_ = 0;  // the highest ticket a wake is registered for
    std::vector<broker::delivery> deliveries_;
    std::string buffered_;  // message frames held by output buffering
    steady_time buffered_since_{};
    std::string writing_;
    std::string encoded_;    // writing_ after compression
    std::string raw_input_;  // compressed input read from the socket
    std::unique_ptr<wire::stream_encoder> encoder_;
    std::unique_ptr<wire::stream_decoder> decoder_;
};

}  // namespace nsqpp::nsqd
