#pragma once
// One V2 protocol connection to nsqd, shared by producer and consumer (shared/spec/client.md §4):
// dial, magic, IDENTIFY (+ TLS, snappy/deflate, AUTH), then a reader and a writer coroutine.
// Every member runs on the owner's (single-threaded) executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/logger.h"
#include "nsqpp/config.h"
#include "nsqpp/error.h"
#include "wire/frame.h"
#include "wire/stream_codec.h"

namespace nsqpp::client::detail {

class connection;

// What nsqd answered to IDENTIFY (go-nsq uses only these fields).
struct server_features {
    int64_t max_rdy_count = 2500;  // 2500 when nsqd answered a plain OK
    bool tls_v1 = false, deflate = false, snappy = false, auth_required = false;
    int deflate_level = 6;
};

// Events from a started connection, on the executor.
class connection_events {
  public:
    virtual ~connection_events() = default;
    virtual void on_response(connection& c, std::string_view data) = 0;  // not heartbeats
    virtual void on_error_frame(connection& c, std::string_view data) = 0;
    virtual void on_message(connection& c, const wire::decoded_message& m) = 0;
    // Every frame of the last read was handled (consumers hand messages over in batches).
    virtual void on_frames_handled(connection& c) {}
    // The connection is closed (once; also after close()). `reason` empty for a clean close.
    virtual void on_closed(connection& c, const std::string& reason) = 0;
};

// "host:port" / "[v6]:port" → host, port; nullopt without a port.
bool split_host_port(std::string_view address, std::string& host, std::string& port);

// TLS client context from config::tls (throws std::invalid_argument on unreadable files).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const config& cfg);

class connection : public std::enable_shared_from_this<connection> {
  public:
    connection(boost::asio::any_io_executor ex, std::string address, const config& cfg,
               std::shared_ptr<boost::asio::ssl::context> tls, const logger& log);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Dial, magic, IDENTIFY and the upgrades. On error the connection is closed.
    static boost::asio::awaitable<error> handshake(std::shared_ptr<connection> self);
    // Starts the read and write loops; `events` is kept until the connection is closed.
    void start(std::shared_ptr<connection_events> events);

    // Queues command bytes for the writer (no-op once closed).
    void write(std::string_view bytes);
    // Closes at once; pending writes are dropped. Idempotent.
    void close(const std::string& reason = {});
    // Once every queued byte is written, shuts down the sending side; the connection ends when
    // nsqd closes its side (EOF), or 5 s later.
    void close_after_flush();

    bool closed() const { return closed_; }
    const server_features& features() const { return features_; }
    const std::string& address() const { return address_; }
    uint64_t id() const { return id_; }

  private:
    using time_point = std::chrono::steady_clock::time_point;

    boost::asio::awaitable<error> dial();
    boost::asio::awaitable<error> identify();
    boost::asio::awaitable<error> upgrade_tls();
    boost::asio::awaitable<error> authenticate();
    // Reads one complete frame during the handshake (copied out).
    boost::asio::awaitable<std::optional<std::pair<wire::frame_type, std::string>>> read_frame();
    // Reads more decoded bytes into in_; false on EOF/error (ec_ set).
    boost::asio::awaitable<bool> fill();
    boost::asio::awaitable<size_t> read_raw(char* dst, size_t cap);
    boost::asio::awaitable<bool> write_raw(std::string_view data);
    // Handshake writes (through the encoder once compression is on).
    boost::asio::awaitable<bool> send_now(std::string data);
    void enable_compression(bool snappy, int level);
    void note_read_error();
    // False (close_reason_ set) when the next frame's size field is absurd (e.g. "HTTP").
    bool frame_size_ok();
    void half_close();
    void finish_reading(connection_events& events);
    error closed_error() const;

    static boost::asio::awaitable<void> read_loop(std::shared_ptr<connection> self,
                                                  std::shared_ptr<connection_events> events);
    static boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
    static boost::asio::awaitable<void> watchdog(std::shared_ptr<connection> self);
    // Handles every complete frame in in_; false when the connection must end.
    bool dispatch_frames(connection_events& events);

    boost::asio::any_io_executor ex_;
    std::string address_;
    const config cfg_;
    std::shared_ptr<boost::asio::ssl::context> tls_ctx_;
    const logger log_;
    uint64_t id_;

    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::unique_ptr<wire::stream_encoder> encoder_;
    std::unique_ptr<wire::stream_decoder> decoder_;
    std::string raw_in_;   // compressed bytes read (decoder input)
    std::string encoded_;  // encoder output

    std::vector<char> in_;  // decoded input: [in_begin_, in_end_)
    size_t in_begin_ = 0, in_end_ = 0;
    std::string out_, writing_;
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer watchdog_timer_;
    bool writer_waiting_ = false;
    bool flush_then_close_ = false;
    bool half_closed_ = false;  // our side shut down after the final flush
    time_point half_closed_at_{};
    bool closed_ = false;
    bool started_ = false;
    std::string close_reason_;
    boost::system::error_code ec_;
    time_point last_read_;
    time_point write_started_{};
    bool writing_now_ = false;
    server_features features_;
};

}  // namespace nsqpp::client::detail
