#pragma once
// RDY management and backoff of a consumer (shared/spec/client.md §6.5, §6.7), as go-nsq does it,
// without sockets or timers: the consumer feeds events in, a sink sends RDY and runs the timers.
// Single-threaded (the consumer's executor); time from an injectable clock.
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "client/backoff.h"
#include "client/clock.h"
#include "client/logger.h"
#include "nsqpp/config.h"

namespace nsqpp::client::detail {

class flow_sink {
  public:
    virtual ~flow_sink() = default;
    virtual void send_rdy(uint64_t conn, int64_t count) = 0;
    virtual void start_backoff_timer(duration d) = 0;
    // Retry update_rdy(conn, count) after `after` unless cancelled.
    virtual void schedule_rdy_retry(uint64_t conn, int64_t count, duration after) = 0;
    virtual void cancel_rdy_retry(uint64_t conn) = 0;
};

enum class rdy_result { sent, unchanged, closing, over_max_in_flight, unknown_connection };

class flow_controller {
  public:
    flow_controller(const config& cfg, const clock& clk, flow_sink& sink, const logger& log,
                    uint64_t seed = std::random_device{}());

    // A new subscribed connection with nsqd's max_rdy_count: every connection gets its share.
    void add_connection(uint64_t conn, int64_t max_rdy);
    // The connection is gone: its RDY returns to the pool (may flag a redistribution).
    void remove_connection(uint64_t conn);
    // CLS sent: no more RDY for it.
    void set_closing(uint64_t conn);
    void on_message(uint64_t conn);
    // FIN (resume), REQ (backoff) or REQ without backoff (cont).
    void on_signal(backoff_signal s);
    // The timer started through flow_sink::start_backoff_timer fired.
    void on_backoff_timeout();
    // Periodic (rdy_redistribute_interval).
    void redistribute();
    void change_max_in_flight(int max_in_flight);
    // A retry scheduled through the sink fired.
    void on_rdy_retry(uint64_t conn, int64_t count) { update_rdy(conn, count); }
    void set_stopping() { stopping_ = true; }

    // The single path for every RDY change (§6.5 "Sending RDY c").
    rdy_result update_rdy(uint64_t conn, int64_t count);

    int64_t share() const;
    int64_t total_rdy() const { return total_rdy_; }
    int64_t rdy(uint64_t conn) const;
    int max_in_flight() const { return max_in_flight_; }
    size_t connections() const { return conns_.size(); }
    const backoff_machine& backoff() const { return backoff_; }
    bool redistribute_pending() const { return need_redistribute_; }

  private:
    struct conn_state {
        int64_t rdy = 0;
        int64_t max_rdy = 0;
        clock::time_point last_rdy_time{};
        clock::time_point last_msg_time{};
        bool closing = false;
        bool retry_pending = false;
    };

    void maybe_update_rdy(uint64_t conn);
    uint64_t random_connection(const std::vector<uint64_t>& from);

    duration low_rdy_idle_timeout_, low_rdy_timeout_;
    int max_in_flight_;
    const clock& clock_;
    flow_sink& sink_;
    const logger& log_;
    backoff_machine backoff_;
    std::mt19937_64 rng_;
    std::map<uint64_t, conn_state> conns_;
    int64_t total_rdy_ = 0;
    bool need_redistribute_ = false;
    bool stopping_ = false;
};

}  // namespace nsqpp::client::detail
