#include "net/tcp_listener.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "base/log.h"

namespace nsqpp::net {
namespace asio = boost::asio;

namespace {
asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor* acceptor, worker_pool* pool,
                                  tcp_listener::on_accept_fn* on_accept) {
    for (;;) {
        auto& target = pool->next();
        auto [ec, socket] =
            co_await acceptor->async_accept(target, asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        if (ec) continue;  // e.g. EMFILE: keep accepting
        (*on_accept)(std::move(socket));
    }
}
}  // namespace

tcp_listener::tcp_listener(worker_pool& pool, on_accept_fn on_accept)
    : pool_(pool), on_accept_(std::move(on_accept)), acceptor_(pool.at(0)) {}

uint16_t tcp_listener::listen(const std::string& address) {
    try {
        auto [host, port] = split_host_port(address);
        asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(asio::socket_base::max_listen_connections);
        return acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("listen (" + address + ") failed - " + e.code().message());
    } catch (const std::exception& e) {
        throw std::runtime_error("listen (" + address + ") failed - " + e.what());
    }
}

void tcp_listener::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(&acceptor_, &pool_, &on_accept_),
                   base::log_failure{"net", "TCP accept loop"});
}

void tcp_listener::stop() {
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
    });
}

}  // namespace nsqpp::net
