#pragma once
// Timeouts without a timer per operation. A connection waiting for its socket arms its
// `watch` with a deadline (two stores); each worker has one `sweeper` whose periodic tick
// cancels the sockets of the watches whose deadline has passed. Arming a Beast stream timer
// per read cost about 7% of the proxy's throughput; this costs nothing per request.
// Everything here runs on the worker's thread (watches are created, armed and destroyed
// there; at shutdown, after the worker joined).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "gateway/member.h"

namespace nsqpp::gateway {

class sweeper;

// One socket's deadline, linked into its worker's sweeper while the socket is alive.
class watch {
  public:
    using clock = std::chrono::steady_clock;
    watch() = default;
    ~watch();
    watch(const watch&) = delete;
    watch& operator=(const watch&) = delete;

    // Starts watching `sock` on `owner` (no-op when already attached).
    void attach(const std::shared_ptr<sweeper>& owner, boost::asio::ip::tcp::socket* sock);
    // The socket is cancelled once `timeout` from now has passed (until disarm()).
    void arm(clock::duration timeout);
    void disarm() { deadline_ = clock::time_point::max(); }
    // Whether the last armed deadline passed (and the socket's waits were cancelled).
    bool expired() const { return expired_; }

  private:
    friend class sweeper;
    std::shared_ptr<sweeper> owner_;
    boost::asio::ip::tcp::socket* sock_ = nullptr;
    clock::time_point deadline_ = clock::time_point::max();
    bool expired_ = false;
    watch* prev_ = nullptr;
    watch* next_ = nullptr;
};

class sweeper : public std::enable_shared_from_this<sweeper> {
  public:
    explicit sweeper(boost::asio::any_io_executor ex,
                     std::chrono::milliseconds tick = std::chrono::milliseconds(50));
    // Starts the periodic sweep (on the executor); stop() ends it (from any thread).
    void start();
    void stop();
    // Expires every armed watch whose deadline is <= `now` (deadlines and `now` come from the
    // coarse clock: they are checked every tick anyway).
    void sweep(watch::clock::time_point now);

  private:
    friend class watch;
    void add(watch* w);
    void remove(watch* w);
    static boost::asio::awaitable<void> run(std::shared_ptr<sweeper> self);
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
    std::chrono::milliseconds tick_;
    watch* head_ = nullptr;
};

}  // namespace nsqpp::gateway
