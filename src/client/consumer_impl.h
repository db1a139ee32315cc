#pragma once
// The consumer's state (shared/spec/client.md §6). Connections, RDY/backoff, lookupd polling and
// stop run on the executor; handlers run on their own threads and answer through
// queue_response, which posts the answers back to the executor in batches.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/connection.h"
#include "client/flow_control.h"
#include "client/io_runner.h"
#include "client/logger.h"
#include "client/responder.h"
#include "nsqpp/consumer.h"

namespace nsqpp::client::detail {

class consumer_impl;

// One subscribed nsqd connection as the consumer sees it.
struct consumer_conn {
    consumer_conn(std::shared_ptr<connection> c, boost::asio::any_io_executor ex)
        : conn(std::move(c)), retry_timer(ex) {}
    std::shared_ptr<connection> conn;
    std::shared_ptr<message_responder> responder;
    boost::asio::steady_timer retry_timer;  // RDY retry (flow_sink::schedule_rdy_retry)
    std::atomic<int64_t> in_flight{0};
    std::atomic<int64_t> rdy{0};  // mirror of the last RDY sent (is_starved)
    std::atomic<bool> closing{false};
    bool close_wait = false;  // CLOSE_WAIT received
};

class consumer_impl final : public flow_sink, public std::enable_shared_from_this<consumer_impl> {
  public:
    consumer_impl(std::string topic, std::string channel, config cfg,
                  std::shared_ptr<io_runner> runner, boost::asio::any_io_executor ex);
    ~consumer_impl() override;

    void start();  // background loops (RDY redistribution)

    // Public API (any thread but the executor's for the blocking ones).
    void add_handler(std::shared_ptr<handler> h, int concurrency);
    error connect_to_nsqd(const std::string& address);
    error disconnect_from_nsqd(const std::string& address);
    error connect_to_nsqlookupd(const std::string& address);
    error disconnect_from_nsqlookupd(const std::string& address);
    void set_nsqd_filter(std::function<bool(const std::string&)> filter);
    void change_max_in_flight(int n);
    bool is_starved() const;
    consumer_stats stats() const;
    void stop();
    void wait();
    bool wait_for(duration timeout);
    void on_stopped(std::function<void()> fn);
    void join_threads();
    const std::string& topic() const { return topic_; }
    const std::string& channel() const { return channel_; }

    // From message_responder (any thread).
    void queue_response(uint64_t conn_id, const message& m, response_kind kind, duration delay);

    // Connection events (executor), forwarded by a per-connection adapter.
    void on_response(const std::shared_ptr<consumer_conn>& cc, std::string_view data);
    void on_error_frame(const std::shared_ptr<consumer_conn>& cc, std::string_view data);
    void on_message(const std::shared_ptr<consumer_conn>& cc, const wire::decoded_message& m);
    void on_closed(const std::shared_ptr<consumer_conn>& cc, const std::string& reason);
    // Moves the messages of the last read to the handler queue (one lock, one wake-up).
    void hand_over_messages();

    // flow_sink (executor).
    void send_rdy(uint64_t conn, int64_t count) override;
    void start_backoff_timer(duration d) override;
    void schedule_rdy_retry(uint64_t conn, int64_t count, duration after) override;
    void cancel_rdy_retry(uint64_t conn) override;

  private:
    struct pending_response {
        uint64_t conn_id;
        message::id_type id;
        response_kind kind;
        duration delay;
    };

    // Runs `fn` on the executor and waits for its result.
    template <class Fn>
    auto run_sync(Fn fn) -> decltype(fn());

    static boost::asio::awaitable<error> connect_nsqd(std::shared_ptr<consumer_impl> self,
                                                      std::string address);
    static boost::asio::awaitable<void> reconnect_loop(std::shared_ptr<consumer_impl> self,
                                                       std::string address);
    static boost::asio::awaitable<void> redistribute_loop(std::shared_ptr<consumer_impl> self);
    static boost::asio::awaitable<void> lookup_loop(std::shared_ptr<consumer_impl> self);
    static boost::asio::awaitable<void> query_lookupds(std::shared_ptr<consumer_impl> self);
    static boost::asio::awaitable<std::vector<std::string>> query_lookupd(
        std::shared_ptr<consumer_impl> self, std::string url);

    void drain_responses();
    void stop_on_executor();
    void force_close_all();
    void maybe_finish_stop();
    void worker_loop(std::shared_ptr<handler> h);
    void handle_one(handler& h, message& m);
    void worker_exited();
    // Runs the on_stopped callbacks, then releases wait().
    void finish_stopped();
    duration auto_requeue_delay(uint16_t attempts) const;
    void update_live_snapshot();
    void trigger_lookup();

    std::shared_ptr<io_runner> runner_;  // first: outlives every I/O object below
    boost::asio::any_io_executor ex_;
    std::string topic_, channel_;
    config cfg_;
    logger log_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    steady_clock clock_;

    // --- executor-only state ---
    flow_controller flow_;
    std::map<std::string, std::shared_ptr<consumer_conn>> conns_;  // by address
    std::map<uint64_t, std::shared_ptr<consumer_conn>> by_id_;
    std::vector<message_ptr> incoming_;  // received, not yet handed to the handler queue
    std::map<std::string, std::shared_ptr<connection>> pending_;  // connecting
    std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> reconnect_timers_;
    std::vector<std::string> nsqd_addrs_;  // go-nsq's nsqdTCPAddrs
    std::vector<std::string> lookupd_urls_;
    std::function<bool(const std::string&)> filter_;
    bool lookup_loop_started_ = false;
    bool lookup_recheck_ = false;
    bool stopping_ = false;
    bool stop_finished_ = false;
    boost::asio::steady_timer backoff_timer_;
    boost::asio::steady_timer redistribute_timer_;
    boost::asio::steady_timer lookup_timer_;
    boost::asio::steady_timer stop_timer_;
    boost::asio::steady_timer lookup_cancel_;  // never expires; cancelled by stop

    // --- shared with handler threads ---
    mutable std::mutex live_mu_;
    std::vector<std::shared_ptr<consumer_conn>> live_;  // for is_starved

    std::mutex resp_mu_;
    std::vector<pending_response> responses_;
    bool resp_posted_ = false;

    std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<message_ptr> queue_;
    bool queue_closed_ = false;

    // queue_mu_ also guards these:
    std::condition_variable stop_cv_;
    int handler_count_ = 0;  // add_handler calls
    int workers_alive_ = 0;
    bool connected_once_ = false;
    bool stop_requested_ = false;
    bool finishing_ = false;  // finish_stopped() started (once)
    bool stopped_ = false;    // callbacks done; wait() returns
    std::vector<std::function<void()>> stop_callbacks_;
    std::vector<std::thread> threads_;

    std::atomic<uint64_t> received_{0}, finished_{0}, requeued_{0};
    std::atomic<int> connection_count_{0};
};

template <class Fn>
auto consumer_impl::run_sync(Fn fn) -> decltype(fn()) {
    std::promise<decltype(fn())> p;
    auto f = p.get_future();
    boost::asio::post(ex_, [&] { p.set_value(fn()); });
    return f.get();
}

}  // namespace nsqpp::client::detail
