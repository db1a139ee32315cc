#include "gateway/sweeper.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nsqpp::gateway {
namespace asio = boost::asio;

watch::~watch() {
    if (owner_) owner_->remove(this);
}

void watch::attach(const std::shared_ptr<sweeper>& owner, asio::ip::tcp::socket* sock) {
    if (owner_) return;
    owner_ = owner;
    sock_ = sock;
    owner_->add(this);
}

void watch::arm(clock::duration timeout) {
    expired_ = false;
    deadline_ = coarse_now() + timeout;
}

sweeper::sweeper(asio::any_io_executor ex, std::chrono::milliseconds tick)
    : timer_(std::move(ex)), tick_(tick) {}

void sweeper::add(watch* w) {
    w->prev_ = nullptr;
    w->next_ = head_;
    if (head_) head_->prev_ = w;
    head_ = w;
}

void sweeper::remove(watch* w) {
    if (w->prev_) {
        w->prev_->next_ = w->next_;
    } else if (head_ == w) {
        head_ = w->next_;
    }
    if (w->next_) w->next_->prev_ = w->prev_;
    w->prev_ = w->next_ = nullptr;
}

void sweeper::sweep(watch::clock::time_point now) {
    for (watch* w = head_; w; w = w->next_) {
        if (w->deadline_ <= now) {
            w->deadline_ = watch::clock::time_point::max();
            w->expired_ = true;
            boost::system::error_code ec;
            w->sock_->cancel(ec);
        }
    }
}

asio::awaitable<void> sweeper::run(std::shared_ptr<sweeper> self) {
    while (!self->stopped_) {
        self->timer_.expires_after(self->tick_);
        auto [ec] = co_await self->timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec || self->stopped_) co_return;
        self->sweep(coarse_now());
    }
}

void sweeper::start() { asio::co_spawn(timer_.get_executor(), run(shared_from_this()), asio::detached); }

void sweeper::stop() {
    asio::post(timer_.get_executor(), [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
    });
}

}  // namespace nsqpp::gateway
