#include "client/flow_control.h"

#include <algorithm>

#include "client/option_table.h"

namespace nsqpp::client::detail {

using namespace std::chrono_literals;

flow_controller::flow_controller(const config& cfg, const clock& clk, flow_sink& sink,
                                 const logger& log, uint64_t seed)
    : low_rdy_idle_timeout_(cfg.low_rdy_idle_timeout),
      low_rdy_timeout_(cfg.low_rdy_timeout),
      max_in_flight_(cfg.max_in_flight),
      clock_(clk),
      sink_(sink),
      log_(log),
      backoff_(cfg.backoff_strategy, cfg.backoff_multiplier, cfg.max_backoff_duration, seed),
      rng_(seed ^ 0x9e3779b97f4a7c15ULL) {}

int64_t flow_controller::share() const {
    if (conns_.empty()) return max_in_flight_;
    int64_t m = max_in_flight_;
    int64_t s = m / static_cast<int64_t>(conns_.size());
    return std::min(std::max<int64_t>(1, s), m);
}

int64_t flow_controller::rdy(uint64_t conn) const {
    auto it = conns_.find(conn);
    return it == conns_.end() ? 0 : it->second.rdy;
}

rdy_result flow_controller::update_rdy(uint64_t id, int64_t count) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return rdy_result::unknown_connection;
    conn_state& c = it->second;
    if (c.closing) return rdy_result::closing;
    count = std::min(count, c.max_rdy);
    if (c.retry_pending) {
        sink_.cancel_rdy_retry(id);
        c.retry_pending = false;
    }
    // go-nsq's limit applies to increases; a decrease (e.g. after lowering max_in_flight) is
    // always sent, so that the total can come back under max_in_flight.
    if (count > c.rdy) {
        int64_t possible = max_in_flight_ - total_rdy_ + c.rdy;
        if (possible > 0 && possible < count) count = possible;
        if (possible <= 0 && count > 0) {
            if (c.rdy == 0) {
                c.retry_pending = true;
                sink_.schedule_rdy_retry(id, count, 5s);
            }
            return rdy_result::over_max_in_flight;
        }
    }
    if (count == 0 && c.rdy == 0) return rdy_result::unchanged;
    total_rdy_ += count - c.rdy;
    int64_t last = c.rdy;
    c.rdy = count;
    if (count > 0) c.last_rdy_time = clock_.now();
    if (count == last) return rdy_result::unchanged;
    sink_.send_rdy(id, count);
    return rdy_result::sent;
}

void flow_controller::maybe_update_rdy(uint64_t conn) {
    if (backoff_.in_backoff() || backoff_.timeout_pending()) return;
    update_rdy(conn, share());
}

void flow_controller::add_connection(uint64_t conn, int64_t max_rdy) {
    if (max_rdy < max_in_flight_) {
        log_.log(log_level::warn,
                 "max RDY count {} < consumer max in flight {}, truncation possible", max_rdy,
                 max_in_flight_);
    }
    conn_state st;
    st.max_rdy = max_rdy;
    conns_.emplace(conn, st);
    for (auto& [id, c] : conns_) maybe_update_rdy(id);
}

void flow_controller::remove_connection(uint64_t conn) {
    auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    int64_t rdy = it->second.rdy;
    bool had_retry = it->second.retry_pending;
    total_rdy_ -= rdy;
    if (had_retry) sink_.cancel_rdy_retry(conn);
    conns_.erase(it);
    log_.log(log_level::warn, "there are {} connections left alive", conns_.size());
    if ((had_retry || rdy > 0) &&
        (static_cast<int64_t>(conns_.size()) == max_in_flight_ || backoff_.in_backoff())) {
        need_redistribute_ = true;
    }
}

void flow_controller::set_closing(uint64_t conn) {
    auto it = conns_.find(conn);
    if (it != conns_.end()) it->second.closing = true;
}

void flow_controller::on_message(uint64_t conn) {
    auto it = conns_.find(conn);
    if (it != conns_.end()) it->second.last_msg_time = clock_.now();
}

void flow_controller::on_signal(backoff_signal s) {
    backoff_action a = backoff_.on_signal(s);
    if (a.kind == backoff_action::exit_backoff) {
        int64_t count = share();
        log_.log(log_level::warn, "exiting backoff, returning all to RDY {}", count);
        for (auto& [id, c] : conns_) update_rdy(id, count);
    } else if (a.kind == backoff_action::pause) {
        log_.log(log_level::warn, "backing off for {} (backoff level {}), setting all to RDY 0",
                 format_duration(a.delay), backoff_.level());
        for (auto& [id, c] : conns_) update_rdy(id, 0);
        sink_.start_backoff_timer(a.delay);
    }
}

void flow_controller::on_backoff_timeout() {
    if (stopping_) {
        backoff_.timeout_done();
        return;
    }
    std::vector<uint64_t> ids;
    for (auto& [id, c] : conns_) ids.push_back(id);
    if (ids.empty()) {
        log_.log(log_level::warn, "no connection available to resume");
        log_.log(log_level::warn, "backing off for 1s");
        sink_.start_backoff_timer(1s);
        return;
    }
    uint64_t choice = random_connection(ids);
    log_.log(log_level::warn, "backoff timeout expired, sending RDY 1");
    rdy_result r = update_rdy(choice, 1);
    if (r != rdy_result::sent && r != rdy_result::unchanged) {
        log_.log(log_level::warn, "error resuming RDY 1, backing off for 1s");
        sink_.start_backoff_timer(1s);
        return;
    }
    backoff_.timeout_done();
}

uint64_t flow_controller::random_connection(const std::vector<uint64_t>& from) {
    std::uniform_int_distribution<size_t> dist(0, from.size() - 1);
    return from[dist(rng_)];
}

void flow_controller::redistribute() {
    if (backoff_.timeout_pending() || conns_.empty()) return;
    if (static_cast<int64_t>(conns_.size()) > max_in_flight_) need_redistribute_ = true;
    if (backoff_.in_backoff() && conns_.size() > 1) need_redistribute_ = true;
    if (!need_redistribute_) return;
    need_redistribute_ = false;

    auto now = clock_.now();
    std::vector<uint64_t> possible;
    for (auto& [id, c] : conns_) {
        if (c.rdy > 0) {
            if (now - c.last_msg_time > low_rdy_idle_timeout_) {
                log_.log(log_level::debug, "idle connection, giving up RDY");
                update_rdy(id, 0);
            } else if (now - c.last_rdy_time > low_rdy_timeout_) {
                log_.log(log_level::debug, "RDY timeout, giving up RDY");
                update_rdy(id, 0);
            }
        }
        possible.push_back(id);
    }
    int64_t available = max_in_flight_ - total_rdy_;
    if (backoff_.in_backoff()) available = 1 - total_rdy_;
    while (!possible.empty() && available > 0) {
        --available;
        std::uniform_int_distribution<size_t> dist(0, possible.size() - 1);
        size_t i = dist(rng_);
        uint64_t id = possible[i];
        possible.erase(possible.begin() + static_cast<std::ptrdiff_t>(i));
        update_rdy(id, 1);
    }
}

void flow_controller::change_max_in_flight(int max_in_flight) {
    if (max_in_flight == max_in_flight_) return;
    max_in_flight_ = max_in_flight;
    for (auto& [id, c] : conns_) maybe_update_rdy(id);
}

}  // namespace nsqpp::client::detail
