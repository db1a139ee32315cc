#include "gateway/upstream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace nsqpp::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

upstream_ptr take_idle_upstream(member& m, size_t worker, const upstream_limits& limits) {
    auto& idle = m.idle(worker).conns;
    if (idle.empty()) return nullptr;
    auto now = coarse_now();
    while (!idle.empty()) {
        upstream_ptr c = std::move(idle.back());
        idle.pop_back();
        if (now - c->idle_since < limits.idle_timeout && c->stream.socket().is_open()) {
            c->reused = true;
            return c;
        }
    }
    return nullptr;
}

asio::awaitable<connect_result> connect_upstream(member& m, upstream_limits limits) {
    auto ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream(ex);
    error_code ec;
    auto addr = asio::ip::make_address(m.host(), ec);
    stream.expires_after(limits.connect_timeout);
    if (!ec) {
        auto [cec] = co_await stream.async_connect(tcp::endpoint(addr, m.port()),
                                                   asio::as_tuple(asio::use_awaitable));
        ec = cec;
    } else {
        tcp::resolver resolver(ex);
        auto [rec, results] = co_await resolver.async_resolve(m.host(), std::to_string(m.port()),
                                                              asio::as_tuple(asio::use_awaitable));
        ec = rec;
        if (!ec) {
            auto [cec, ep] =
                co_await stream.async_connect(results, asio::as_tuple(asio::use_awaitable));
            ec = cec;
        }
    }
    stream.expires_never();
    if (ec) co_return connect_result{nullptr, ec};
    stream.socket().set_option(tcp::no_delay(true), ec);
    co_return connect_result{std::make_unique<upstream_conn>(std::move(stream)), {}};
}

asio::awaitable<connect_result> acquire_upstream(member& m, size_t worker, upstream_limits limits) {
    if (auto c = take_idle_upstream(m, worker, limits)) co_return connect_result{std::move(c), {}};
    auto connecting = connect_upstream(m, limits);
    co_return co_await std::move(connecting);
}

void release_upstream(member& m, size_t worker, upstream_ptr conn, const upstream_limits& limits) {
    auto& idle = m.idle(worker).conns;
    if (idle.size() >= limits.max_idle_per_worker) return;
    conn->stream.expires_never();
    conn->idle_since = coarse_now();
    conn->reused = false;
    idle.push_back(std::move(conn));
}

std::string describe_error(const error_code& ec) {
    if (ec == beast::error::timeout) return "timed out";
    return ec.message();
}

}  // namespace nsqpp::gateway
