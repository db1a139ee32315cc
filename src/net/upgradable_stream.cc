#include "net/upgradable_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace nsqpp::net {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

asio::awaitable<upgradable_stream::result> upgradable_stream::read_some(asio::mutable_buffer buf) {
    if (tls_) co_return co_await tls_->async_read_some(buf, as_tuple(use_awaitable));
    co_return co_await socket_.async_read_some(buf, as_tuple(use_awaitable));
}

asio::awaitable<upgradable_stream::result> upgradable_stream::write_all(asio::const_buffer buf) {
    if (tls_) co_return co_await asio::async_write(*tls_, buf, as_tuple(use_awaitable));
    co_return co_await asio::async_write(socket_, buf, as_tuple(use_awaitable));
}

asio::awaitable<boost::system::error_code> upgradable_stream::upgrade_to_tls_server(
    std::shared_ptr<asio::ssl::context> ctx, std::chrono::milliseconds timeout) {
    tls_ctx_ = std::move(ctx);
    tls_ = std::make_unique<asio::ssl::stream<socket_type&>>(socket_, *tls_ctx_);
    // The timer's handler may run after this coroutine returned: it only touches the stream
    // while the handshake is still pending (`done` false).
    struct state_t {
        bool done = false;
        bool timed_out = false;
    };
    auto state = std::make_shared<state_t>();
    asio::steady_timer deadline(socket_.get_executor());
    deadline.expires_after(timeout);
    deadline.async_wait([this, state](boost::system::error_code ec) {
        if (ec || state->done) return;
        state->timed_out = true;
        boost::system::error_code ignored;
        socket_.cancel(ignored);
    });
    auto [ec] =
        co_await tls_->async_handshake(asio::ssl::stream_base::server, as_tuple(use_awaitable));
    state->done = true;
    deadline.cancel();
    if (state->timed_out) ec = asio::error::timed_out;
    co_return ec;
}

void upgradable_stream::close() {
    boost::system::error_code ec;
    socket_.shutdown(socket_type::shutdown_both, ec);
    socket_.close(ec);
}

}  // namespace nsqpp::net
