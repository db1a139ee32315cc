#include "client/producer_impl.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <future>

namespace nsqpp::client::detail {

namespace asio = boost::asio;

producer_impl::producer_impl(std::string address, config cfg, std::shared_ptr<io_runner> runner,
                             asio::any_io_executor ex)
    : runner_(std::move(runner)),
      ex_(std::move(ex)),
      address_(std::move(address)),
      cfg_(std::move(cfg)),
      log_(cfg_, "") {
    if (cfg_.tls_v1) tls_ = make_tls_context(cfg_);
}

void producer_impl::submit(kind k, std::string bytes, producer::completion done) {
    bool post_needed = false;
    {
        std::lock_guard lock(mu_);
        if (stopped_) {
            // fall through to the failure below, outside the lock
        } else {
            incoming_.push_back({k, std::move(bytes), std::move(done)});
            post_needed = !posted_;
            posted_ = true;
            done = nullptr;
            if (!post_needed) return;
        }
    }
    if (!post_needed) {
        if (done) done(error("stopped"));
        return;
    }
    asio::post(ex_, [self = shared_from_this()] { self->drain(); });
}

void producer_impl::drain() {
    std::vector<request> batch;
    {
        std::lock_guard lock(mu_);
        batch.swap(incoming_);
        posted_ = false;
    }
    for (auto& r : batch) process(r);
}

void producer_impl::process(request& r) {
    if (stopping_) {
        if (r.done) r.done(error("stopped"));
        return;
    }
    if (state_ == state::connected) {
        if (r.k != kind::connect) conn_->write(r.bytes);
        if (r.k == kind::publish) {
            in_flight_.push_back(std::move(r.done));
        } else if (r.done) {
            r.done(error{});
        }
        return;
    }
    waiting_.push_back(std::move(r));
    if (state_ == state::init) {
        state_ = state::connecting;
        asio::co_spawn(ex_, connect_task(shared_from_this()), asio::detached);
    }
}

asio::awaitable<void> producer_impl::connect_task(std::shared_ptr<producer_impl> self) {
    auto conn =
        std::make_shared<connection>(self->ex_, self->address_, self->cfg_, self->tls_, self->log_);
    self->conn_ = conn;
    self->log_.log_conn(log_level::info, self->address_, "connecting to nsqd");
    // g++ 12: never pass class-type arguments inside a co_await expression (double destroy).
    auto handshake = connection::handshake(conn);
    error err = co_await std::move(handshake);
    if (self->stopping_) {
        conn->close();
        self->conn_.reset();
        co_return;
    }
    if (err) {
        self->log_.log_conn(log_level::error, self->address_, "error connecting to nsqd - {}",
                            err.message());
        self->conn_.reset();
        self->state_ = state::init;
        auto waiting = std::move(self->waiting_);
        self->waiting_.clear();
        for (auto& r : waiting) {
            if (r.done) r.done(err);
        }
        co_return;
    }
    self->state_ = state::connected;
    self->connected_flag_ = true;
    conn->start(self);
    auto waiting = std::move(self->waiting_);
    self->waiting_.clear();
    for (auto& r : waiting) self->process(r);
}

void producer_impl::on_response(connection& c, std::string_view data) {
    if (&c != conn_.get()) return;
    if (in_flight_.empty()) {
        log_.log_conn(log_level::error, address_, "unexpected response {}", data);
        return;
    }
    auto done = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (done) done(error{});
}

void producer_impl::on_error_frame(connection& c, std::string_view data) {
    if (&c != conn_.get()) return;
    log_.log_conn(log_level::error, address_, "protocol error - {}", data);
    if (in_flight_.empty()) return;
    auto done = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (done) done(error(std::string(data)));
}

void producer_impl::on_message(connection&, const wire::decoded_message&) {
    log_.log_conn(log_level::error, address_, "unexpected message frame on a producer");
}

void producer_impl::on_closed(connection& c, const std::string& reason) {
    if (&c != conn_.get()) return;
    if (!stopping_) {
        log_.log_conn(log_level::info, address_, "producer connection closed{}",
                      reason.empty() ? std::string() : " - " + reason);
    }
    conn_.reset();
    state_ = state::init;
    connected_flag_ = false;
    fail_all(stopping_ ? "stopped" : "not connected");
}

void producer_impl::fail_all(const std::string& why) {
    auto in_flight = std::move(in_flight_);
    in_flight_.clear();
    for (auto& done : in_flight) {
        if (done) done(error(why));
    }
}

void producer_impl::stop_on_executor() {
    stopping_ = true;
    connected_flag_ = false;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& r : waiting) {
        if (r.done) r.done(error("stopped"));
    }
    fail_all("stopped");
    drain();  // requests posted before stop: fail with "stopped"
    if (conn_) conn_->close();
}

void producer_impl::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        stopped_ = true;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    asio::post(ex_, [self = shared_from_this(), done] {
        self->stop_on_executor();
        done->set_value();
    });
    if (runner_) {
        if (runner_->in_thread()) return;
        runner_->join();
    } else {
        fut.wait();
    }
}

}  // namespace nsqpp::client::detail
