// Consumer: connections, messages, answers, RDY sink and stop (shared/spec/client.md §6).
#include "client/consumer_impl.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <future>

#include "client/commands.h"
#include "client/option_table.h"
#include "wire/names.h"

namespace nsqpp::client::detail {

namespace asio = boost::asio;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr duration stop_timeout = 30s;

namespace {

// Forwards one connection's events to the consumer with its consumer_conn.
class conn_events final : public connection_events {
  public:
    conn_events(std::shared_ptr<consumer_impl> owner, std::shared_ptr<consumer_conn> cc)
        : owner_(std::move(owner)), cc_(std::move(cc)) {}
    void on_response(connection&, std::string_view data) override {
        owner_->on_response(cc_, data);
    }
    void on_error_frame(connection&, std::string_view data) override {
        owner_->on_error_frame(cc_, data);
    }
    void on_message(connection&, const wire::decoded_message& m) override {
        owner_->on_message(cc_, m);
    }
    void on_frames_handled(connection&) override { owner_->hand_over_messages(); }
    void on_closed(connection&, const std::string& reason) override {
        owner_->on_closed(cc_, reason);
    }

  private:
    std::shared_ptr<consumer_impl> owner_;
    std::shared_ptr<consumer_conn> cc_;
};

class conn_responder final : public message_responder {
  public:
    conn_responder(std::weak_ptr<consumer_impl> owner, uint64_t id, std::string address)
        : owner_(std::move(owner)), id_(id), address_(std::move(address)) {}
    void respond(const message& m, response_kind kind, duration delay) override {
        if (auto owner = owner_.lock()) owner->queue_response(id_, m, kind, delay);
    }
    const std::string& address() const override { return address_; }

  private:
    std::weak_ptr<consumer_impl> owner_;
    uint64_t id_;
    std::string address_;
};

}  // namespace

consumer_impl::consumer_impl(std::string topic, std::string channel, config cfg,
                             std::shared_ptr<io_runner> runner, asio::any_io_executor ex)
    : runner_(std::move(runner)),
      ex_(std::move(ex)),
      topic_(std::move(topic)),
      channel_(std::move(channel)),
      cfg_(std::move(cfg)),
      log_(cfg_, "[" + topic_ + "/" + channel_ + "]"),
      flow_(cfg_, clock_, *this, log_),
      backoff_timer_(ex_),
      redistribute_timer_(ex_),
      lookup_timer_(ex_),
      stop_timer_(ex_),
      lookup_cancel_(ex_) {
    if (cfg_.tls_v1) tls_ = make_tls_context(cfg_);
    lookup_cancel_.expires_at(asio::steady_timer::time_point::max());
}

consumer_impl::~consumer_impl() = default;

void consumer_impl::start() {
    asio::co_spawn(ex_, redistribute_loop(shared_from_this()), asio::detached);
}

// ---- public API ----

void consumer_impl::add_handler(std::shared_ptr<handler> h, int concurrency) {
    std::lock_guard lock(queue_mu_);
    if (connected_once_) throw std::logic_error("add_handler: already connected");
    if (stop_requested_) return;
    ++handler_count_;
    for (int i = 0; i < std::max(1, concurrency); ++i) {
        ++workers_alive_;
        threads_.emplace_back([this, h] { worker_loop(h); });
    }
}

error consumer_impl::connect_to_nsqd(const std::string& address) {
    {
        std::lock_guard lock(queue_mu_);
        if (stop_requested_) return error("consumer stopped");
        if (handler_count_ == 0) return error("no handlers");
        connected_once_ = true;
    }
    std::promise<error> p;
    auto f = p.get_future();
    asio::co_spawn(ex_, connect_nsqd(shared_from_this(), address),
                   [&p](std::exception_ptr e, error err) {
                       p.set_value(e ? error("internal error connecting") : std::move(err));
                   });
    return f.get();
}

error consumer_impl::disconnect_from_nsqd(const std::string& address) {
    return run_sync([this, &address]() -> error {
        auto it = std::find(nsqd_addrs_.begin(), nsqd_addrs_.end(), address);
        if (it == nsqd_addrs_.end()) return error("not connected");
        nsqd_addrs_.erase(it);
        if (auto t = reconnect_timers_.find(address); t != reconnect_timers_.end()) {
            t->second->cancel();
            reconnect_timers_.erase(t);
        }
        if (auto c = conns_.find(address); c != conns_.end()) {
            auto cc = c->second;
            cc->closing = true;
            flow_.set_closing(cc->conn->id());
            cc->conn->write("CLS\n");
        } else if (auto pc = pending_.find(address); pc != pending_.end()) {
            pc->second->close("disconnected");
        }
        return {};
    });
}

void consumer_impl::set_nsqd_filter(std::function<bool(const std::string&)> filter) {
    run_sync([this, &filter] {
        filter_ = std::move(filter);
        return 0;
    });
}

void consumer_impl::change_max_in_flight(int n) {
    asio::post(ex_, [self = shared_from_this(), n] { self->flow_.change_max_in_flight(n); });
}

bool consumer_impl::is_starved() const {
    std::lock_guard lock(live_mu_);
    for (const auto& cc : live_) {
        int64_t threshold = static_cast<int64_t>(static_cast<double>(cc->rdy.load()) * 0.85);
        int64_t in_flight = cc->in_flight.load();
        if (in_flight >= threshold && in_flight > 0 && !cc->closing) return true;
    }
    return false;
}

consumer_stats consumer_impl::stats() const {
    return {received_.load(), finished_.load(), requeued_.load(), connection_count_.load()};
}

void consumer_impl::update_live_snapshot() {
    std::vector<std::shared_ptr<consumer_conn>> live;
    for (auto& [addr, cc] : conns_) live.push_back(cc);
    std::lock_guard lock(live_mu_);
    live_.swap(live);
}

// ---- connections ----

asio::awaitable<error> consumer_impl::connect_nsqd(std::shared_ptr<consumer_impl> self,
                                                   std::string address) {
    if (self->stopping_) co_return error("consumer stopped");
    if (self->conns_.count(address) || self->pending_.count(address)) {
        co_return error("already connected");
    }
    auto conn =
        std::make_shared<connection>(self->ex_, address, self->cfg_, self->tls_, self->log_);
    self->pending_[address] = conn;
    if (std::find(self->nsqd_addrs_.begin(), self->nsqd_addrs_.end(), address) ==
        self->nsqd_addrs_.end()) {
        self->nsqd_addrs_.push_back(address);
    }
    self->log_.log(log_level::info, "({}) connecting to nsqd", address);
    auto handshake = connection::handshake(conn);  // g++ 12: no class arguments in co_await
    error err = co_await std::move(handshake);
    self->pending_.erase(address);
    if (!err && self->stopping_) {
        conn->close();
        err = error("consumer stopped");
    }
    if (err) {
        self->maybe_finish_stop();
        co_return err;
    }
    auto cc = std::make_shared<consumer_conn>(conn, self->ex_);
    cc->responder = std::make_shared<conn_responder>(self, conn->id(), address);
    std::string sub;
    append_sub(sub, self->topic_, self->channel_);
    conn->write(sub);
    self->conns_[address] = cc;
    self->by_id_[conn->id()] = cc;
    ++self->connection_count_;
    self->update_live_snapshot();
    conn->start(std::make_shared<conn_events>(self, cc));
    self->flow_.add_connection(conn->id(), conn->features().max_rdy_count);
    co_return error{};
}

asio::awaitable<void> consumer_impl::reconnect_loop(std::shared_ptr<consumer_impl> self,
                                                    std::string address) {
    if (self->reconnect_timers_.count(address)) co_return;
    auto timer = std::make_shared<asio::steady_timer>(self->ex_);
    self->reconnect_timers_[address] = timer;
    for (;;) {
        timer->expires_after(self->cfg_.lookupd_poll_interval);
        auto [ec] = co_await timer->async_wait(use_tuple);
        if (ec || self->stopping_) break;
        if (std::find(self->nsqd_addrs_.begin(), self->nsqd_addrs_.end(), address) ==
            self->nsqd_addrs_.end()) {
            break;
        }
        self->log_.log(log_level::info, "({}) trying to reconnect...", address);
        auto connect = connect_nsqd(self, address);
        error err = co_await std::move(connect);
        if (!err || err.message() == "already connected") break;
        self->log_.log(log_level::error, "({}) error connecting to nsqd - {}", address,
                       err.message());
    }
    auto it = self->reconnect_timers_.find(address);
    if (it != self->reconnect_timers_.end() && it->second == timer) {
        self->reconnect_timers_.erase(it);
    }
}

void consumer_impl::on_response(const std::shared_ptr<consumer_conn>& cc, std::string_view data) {
    if (data != "CLOSE_WAIT") return;  // "OK" to SUB
    log_.log(log_level::info, "({}) received CLOSE_WAIT from nsqd", cc->conn->address());
    cc->close_wait = true;
    int64_t n = cc->in_flight.load();
    if (n == 0) {
        cc->conn->close_after_flush();
    } else {
        log_.log(log_level::warn, "({}) delaying close, {} outstanding messages",
                 cc->conn->address(), n);
    }
}

void consumer_impl::on_error_frame(const std::shared_ptr<consumer_conn>& cc,
                                   std::string_view data) {
    log_.log(log_level::error, "({}) protocol error - {}", cc->conn->address(), data);
}

void consumer_impl::on_message(const std::shared_ptr<consumer_conn>& cc,
                               const wire::decoded_message& m) {
    ++cc->in_flight;
    ++received_;
    flow_.on_message(cc->conn->id());
    message::id_type id{};
    std::memcpy(id.data(), m.id.data(), std::min(id.size(), m.id.size()));
    incoming_.push_back(
        std::make_shared<message>(id, m.timestamp, m.attempts, std::string(m.body), cc->responder));
}

void consumer_impl::hand_over_messages() {
    if (incoming_.empty()) return;
    size_t n = incoming_.size();
    {
        std::lock_guard lock(queue_mu_);
        for (auto& m : incoming_) queue_.push_back(std::move(m));
    }
    incoming_.clear();
    // One wake-up per read, not per message.
    if (n == 1) {
        queue_cv_.notify_one();
    } else {
        queue_cv_.notify_all();
    }
}

void consumer_impl::on_closed(const std::shared_ptr<consumer_conn>& cc, const std::string& reason) {
    uint64_t id = cc->conn->id();
    const std::string& address = cc->conn->address();
    flow_.remove_connection(id);
    cc->retry_timer.cancel();
    by_id_.erase(id);
    if (auto it = conns_.find(address); it != conns_.end() && it->second == cc) conns_.erase(it);
    --connection_count_;
    update_live_snapshot();
    log_.log(reason.empty() || reason == "EOF" ? log_level::info : log_level::warn,
             "({}) connection closed{}", address, reason.empty() ? "" : " - " + reason);
    if (stopping_) {
        maybe_finish_stop();
        return;
    }
    if (!lookupd_urls_.empty()) {
        trigger_lookup();
    } else if (std::find(nsqd_addrs_.begin(), nsqd_addrs_.end(), address) != nsqd_addrs_.end()) {
        log_.log(log_level::info, "({}) scheduling reconnect in {}", address,
                 format_duration(cfg_.lookupd_poll_interval));
        asio::co_spawn(ex_, reconnect_loop(shared_from_this(), address), asio::detached);
    }
}

// ---- answers from handlers ----

duration consumer_impl::auto_requeue_delay(uint16_t attempts) const {
    auto d = cfg_.default_requeue_delay * static_cast<int64_t>(attempts);
    return std::min(d, cfg_.max_requeue_delay);
}

void consumer_impl::queue_response(uint64_t conn_id, const message& m, response_kind kind,
                                   duration delay) {
    if (kind != response_kind::finish && kind != response_kind::touch && delay.count() < 0) {
        delay = auto_requeue_delay(m.attempts());
    }
    bool post_needed = false;
    {
        std::lock_guard lock(resp_mu_);
        responses_.push_back({conn_id, m.id(), kind, delay});
        post_needed = !resp_posted_;
        resp_posted_ = true;
    }
    if (post_needed) {
        asio::post(ex_, [self = shared_from_this()] { self->drain_responses(); });
    }
}

void consumer_impl::drain_responses() {
    std::vector<pending_response> batch;
    {
        std::lock_guard lock(resp_mu_);
        batch.swap(responses_);
        resp_posted_ = false;
    }
    std::string cmd;
    for (const auto& r : batch) {
        auto it = by_id_.find(r.conn_id);
        consumer_conn* cc = it == by_id_.end() ? nullptr : it->second.get();
        std::string_view id(r.id.data(), r.id.size());
        cmd.clear();
        switch (r.kind) {
            case response_kind::touch:
                append_touch(cmd, id);
                break;
            case response_kind::finish:
                append_fin(cmd, id);
                ++finished_;
                break;
            default:
                append_req(cmd, id, r.delay);
                ++requeued_;
                break;
        }
        if (cc == nullptr) continue;
        cc->conn->write(cmd);
        if (r.kind == response_kind::touch) continue;
        --cc->in_flight;
        flow_.on_signal(r.kind == response_kind::finish    ? backoff_signal::resume
                        : r.kind == response_kind::requeue ? backoff_signal::backoff
                                                           : backoff_signal::cont);
        if (cc->close_wait && cc->in_flight.load() == 0) cc->conn->close_after_flush();
    }
}

// ---- flow_sink ----

void consumer_impl::send_rdy(uint64_t conn, int64_t count) {
    auto it = by_id_.find(conn);
    if (it == by_id_.end()) return;
    it->second->rdy = count;
    std::string cmd;
    append_rdy(cmd, count);
    it->second->conn->write(cmd);
}

void consumer_impl::start_backoff_timer(duration d) {
    backoff_timer_.expires_after(d);
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->flow_.on_backoff_timeout();
    });
}

void consumer_impl::schedule_rdy_retry(uint64_t conn, int64_t count, duration after) {
    auto it = by_id_.find(conn);
    if (it == by_id_.end()) return;
    it->second->retry_timer.expires_after(after);
    it->second->retry_timer.async_wait(
        [self = shared_from_this(), conn, count](boost::system::error_code ec) {
            if (!ec) self->flow_.on_rdy_retry(conn, count);
        });
}

void consumer_impl::cancel_rdy_retry(uint64_t conn) {
    auto it = by_id_.find(conn);
    if (it != by_id_.end()) it->second->retry_timer.cancel();
}

asio::awaitable<void> consumer_impl::redistribute_loop(std::shared_ptr<consumer_impl> self) {
    while (!self->stopping_) {
        self->redistribute_timer_.expires_after(self->cfg_.rdy_redistribute_interval);
        co_await self->redistribute_timer_.async_wait(use_tuple);
        if (self->stopping_) break;
        self->flow_.redistribute();
    }
}

// ---- stop ----

void consumer_impl::stop() {
    {
        std::lock_guard lock(queue_mu_);
        if (stop_requested_) return;
        stop_requested_ = true;
    }
    asio::post(ex_, [self = shared_from_this()] { self->stop_on_executor(); });
}

void consumer_impl::stop_on_executor() {
    if (stopping_) return;
    stopping_ = true;
    log_.log(log_level::info, "stopping...");
    flow_.set_stopping();
    redistribute_timer_.cancel();
    lookup_timer_.cancel();
    lookup_cancel_.cancel();
    backoff_timer_.cancel();
    for (auto& [addr, t] : reconnect_timers_) t->cancel();
    for (auto& [addr, conn] : pending_) conn->close("stopping");
    if (conns_.empty()) {
        maybe_finish_stop();
        return;
    }
    for (auto& [addr, cc] : conns_) {
        cc->closing = true;
        flow_.set_closing(cc->conn->id());
        cc->retry_timer.cancel();
        cc->conn->write("CLS\n");
    }
    stop_timer_.expires_after(stop_timeout);
    stop_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->force_close_all();
    });
}

void consumer_impl::force_close_all() {
    log_.log(log_level::warn, "stop timeout: closing {} connections", conns_.size());
    auto conns = conns_;
    for (auto& [addr, cc] : conns) cc->conn->close("stop timeout");
}

void consumer_impl::maybe_finish_stop() {
    if (!stopping_ || stop_finished_ || !conns_.empty() || !pending_.empty()) return;
    stop_finished_ = true;
    stop_timer_.cancel();
    backoff_timer_.cancel();
    lookup_cancel_.cancel();
    for (auto& [addr, t] : reconnect_timers_) t->cancel();
    bool last = false;
    {
        std::lock_guard lock(queue_mu_);
        queue_closed_ = true;
        last = workers_alive_ == 0 && !finishing_;
        if (last) finishing_ = true;
    }
    queue_cv_.notify_all();
    if (last) finish_stopped();
}

}  // namespace nsqpp::client::detail
