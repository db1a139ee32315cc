// Consumer: handler threads (max_attempts, auto FIN/REQ) and waiting for the stop.
#include <exception>
#include <string>
#include <thread>

#include "client/consumer_impl.h"

namespace nsqpp::client::detail {

void consumer_impl::wait() {
    std::unique_lock lock(queue_mu_);
    stop_cv_.wait(lock, [this] { return stopped_; });
}

bool consumer_impl::wait_for(duration timeout) {
    std::unique_lock lock(queue_mu_);
    return stop_cv_.wait_for(lock, timeout, [this] { return stopped_; });
}

void consumer_impl::on_stopped(std::function<void()> fn) {
    {
        std::lock_guard lock(queue_mu_);
        if (!finishing_) {
            stop_callbacks_.push_back(std::move(fn));
            return;
        }
    }
    fn();
}

void consumer_impl::join_threads() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(queue_mu_);
        threads.swap(threads_);
    }
    for (auto& t : threads) {
        if (t.get_id() == std::this_thread::get_id()) {
            t.detach();
        } else if (t.joinable()) {
            t.join();
        }
    }
    if (runner_) runner_->join();
}

// ---- handler threads ----

void consumer_impl::worker_loop(std::shared_ptr<handler> h) {
    for (;;) {
        message_ptr msg;
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [this] { return !queue_.empty() || queue_closed_; });
            if (queue_.empty()) break;
            msg = std::move(queue_.front());
            queue_.pop_front();
        }
        handle_one(*h, *msg);
    }
    worker_exited();
}

void consumer_impl::handle_one(handler& h, message& m) {
    if (cfg_.max_attempts > 0 && m.attempts() > cfg_.max_attempts) {
        log_.log(log_level::warn, "msg {} attempted {} times, giving up", m.id_view(),
                 m.attempts());
        h.log_failed_message(m);
        m.finish();
        return;
    }
    error err;
    try {
        err = h.handle_message(m);
    } catch (const std::exception& e) {
        err = error(std::string("handler threw: ") + e.what());
    } catch (...) {
        err = error("handler threw an exception");
    }
    if (err) {
        log_.log(log_level::error, "Handler returned error ({}) for msg {}", err.message(),
                 m.id_view());
        if (!m.is_auto_response_disabled()) m.requeue(duration{-1});
        return;
    }
    if (!m.is_auto_response_disabled()) m.finish();
}

void consumer_impl::worker_exited() {
    bool last = false;
    {
        std::lock_guard lock(queue_mu_);
        --workers_alive_;
        last = workers_alive_ == 0 && queue_closed_ && !finishing_;
        if (last) finishing_ = true;
    }
    if (last) finish_stopped();
}

void consumer_impl::finish_stopped() {
    // Callbacks run before wait() returns.
    std::vector<std::function<void()>> callbacks;
    {
        std::lock_guard lock(queue_mu_);
        callbacks.swap(stop_callbacks_);
    }
    for (auto& cb : callbacks) cb();
    {
        std::lock_guard lock(queue_mu_);
        stopped_ = true;
    }
    stop_cv_.notify_all();
}

}  // namespace nsqpp::client::detail
