#pragma once
// One nsqd → nsqlookupd connection (spec nsqd.md §9): a coroutine on one executor that dials,
// sends the V1 magic and IDENTIFY, announces every topic and channel nsqd holds, then sends the
// queued REGISTER/UNREGISTER commands and a PING every 15 s. When the connection fails (or the
// lookupd closes it) it reconnects with backoff and announces everything again.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "nsqd/context.h"

namespace nsqpp::nsqd {

struct lookup_peer_timing {
    std::chrono::milliseconds io_timeout{1000};      // dial, every write and every read (NSQ: 1 s)
    std::chrono::milliseconds ping_interval{15000};  // NSQ: fixed 15 s
    // Reconnect delays after a failure: doubled per failed attempt, reset by a successful
    // IDENTIFY + announcement.
    std::chrono::milliseconds backoff_min{200};
    std::chrono::milliseconds backoff_max{15000};
};

// The HTTP address of a lookupd, from its IDENTIFY reply (used for channel pre-creation).
struct lookupd_http_address {
    std::string host;  // the lookupd's broadcast_address
    uint16_t port = 0;
};

class lookup_peer : public std::enable_shared_from_this<lookup_peer> {
  public:
    lookup_peer(context& ctx, boost::asio::any_io_executor ex, std::string address,
                lookup_peer_timing timing = {});
    lookup_peer(const lookup_peer&) = delete;
    lookup_peer& operator=(const lookup_peer&) = delete;

    // Starts the connection coroutine. Any thread.
    void start();
    // Closes the connection and ends the coroutine promptly. Any thread; idempotent.
    void stop();
    // Queues one command line ("REGISTER t c\n"); dropped while disconnected (the next
    // connection announces the current state anyway). Any thread.
    void send(std::string line);

    const std::string& address() const { return address_; }
    // Set once the lookupd has answered an IDENTIFY (kept across reconnects). Any thread.
    std::optional<lookupd_http_address> http_address() const;

  private:
    using error_code = boost::system::error_code;

    static boost::asio::awaitable<void> run(std::shared_ptr<lookup_peer> self);
    boost::asio::awaitable<bool> connect();
    // Magic, IDENTIFY, then REGISTER of everything nsqd holds.
    boost::asio::awaitable<bool> identify();
    // Sends queued commands and PINGs until the connection fails or stop().
    boost::asio::awaitable<void> serve();
    // Writes the commands (in chunks) and reads one reply per command.
    boost::asio::awaitable<bool> exchange(std::vector<std::string> lines);
    boost::asio::awaitable<error_code> write_all(std::string bytes);
    // One V1 response (<int32 size><data>); nullopt (logged) on error, timeout or bad size.
    boost::asio::awaitable<std::optional<std::string>> read_response();
    // Sleeps `d` unless stop() or a command wakes the timer first.
    boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d);
    // Every topic (without channels) and channel nsqd holds, as REGISTER lines.
    std::vector<std::string> full_registration() const;
    void close_socket();
    void wake();

    context& ctx_;
    boost::asio::any_io_executor ex_;
    const std::string address_;
    const lookup_peer_timing timing_;

    // Touched only on ex_.
    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timer_;  // idle wait, backoff; expired early to wake
    std::deque<std::string> queue_;
    bool connected_ = false;  // announced; commands are queued only while true
    bool stopped_ = false;
    std::chrono::steady_clock::time_point next_ping_;

    mutable std::mutex info_mu_;
    std::optional<lookupd_http_address> http_address_;
};

}  // namespace nsqpp::nsqd
