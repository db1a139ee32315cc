#pragma once
// Reading HTTP messages on the proxy's hot path: one plain socket read at a time into the
// connection's buffer and Beast's parser fed synchronously (no composed Beast operation), and
// the deadline is a `watch` checked by the worker's sweeper instead of a timer per read. Results match Beast's
// async_read_header / async_read_some (end_of_stream, partial_message, need_buffer, ...), with
// beast::error::timeout when the deadline passes. Internal to the gateway.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>

#include "gateway/sweeper.h"

namespace nsqpp::gateway {

// A socket read by the fast path, and its deadline watch.
struct fast_socket {
    // Puts the socket in non-blocking mode (the raw recv() must never block the worker).
    explicit fast_socket(boost::asio::ip::tcp::socket* s) : sock(s) {
        boost::system::error_code ec;
        if (sock->is_open()) sock->non_blocking(true, ec);
    }
    boost::asio::ip::tcp::socket* sock;
    watch deadline;
};

// Feeds what `buf` holds to `p`. True when the read is complete (or failed: `ec`); false
// when more bytes are needed.
template <bool is_request, class Body>
bool parse_buffered(boost::beast::flat_buffer& buf, boost::beast::http::parser<is_request, Body>& p,
                    bool header_only, boost::system::error_code& ec) {
    namespace bhttp = boost::beast::http;
    for (;;) {
        if (p.is_done()) return true;
        if (buf.size() == 0) return false;
        size_t used = p.put(buf.data(), ec);
        buf.consume(used);
        if (ec == bhttp::error::need_more) {
            ec = {};
            if (buf.size() >= buf.max_size()) {
                ec = bhttp::error::buffer_overflow;
                return true;
            }
            return false;
        }
        if (ec) return true;  // need_buffer, header_limit, bad_* ...
        if (header_only ? p.is_header_done() : (used > 0 || p.is_done())) return true;
        if (used == 0) return false;
    }
}

// Reads until `p` has its header (or, with `header_only` false, until one put() consumed body
// bytes or the message is done), within `timeout` of now. One read at a time through Asio's
// reactor, which tries recv() at once only when the socket may have data (no EAGAIN round
// trip, no epoll_ctl as async_wait would cost).
template <bool is_request, class Body>
boost::asio::awaitable<boost::system::error_code> fast_read(
    fast_socket& fs, boost::beast::flat_buffer& buf, boost::beast::http::parser<is_request, Body>& p,
    bool header_only, std::chrono::milliseconds timeout) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    if (parse_buffered(buf, p, header_only, ec)) co_return ec;
    fs.deadline.arm(timeout);
    for (;;) {
        size_t want = std::max<size_t>(4096, buf.capacity() - buf.size());
        if (want > 65536) want = 65536;
        auto [rec, n] = co_await fs.sock->async_read_some(buf.prepare(want),
                                                          asio::as_tuple(asio::use_awaitable));
        if (fs.deadline.expired()) {
            ec = boost::beast::error::timeout;
            break;
        }
        if (rec == asio::error::eof) {
            if (p.got_some()) {
                p.put_eof(ec);
            } else {
                ec = boost::beast::http::error::end_of_stream;
            }
            break;
        }
        if (rec) {
            ec = rec;
            break;
        }
        buf.commit(n);
        if (parse_buffered(buf, p, header_only, ec)) break;
    }
    fs.deadline.disarm();
    co_return ec;
}

}  // namespace nsqpp::gateway
