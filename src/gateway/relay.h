#pragma once
// Streaming a message body from one connection to another through a fixed buffer
// (Beast's buffer_body relay). Internal to the gateway.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <string>

#include "gateway/upstream.h"

namespace nsqpp::gateway {

enum class relay_status { ok, read_failed, write_failed, too_big };

struct relay_outcome {
    relay_status status = relay_status::ok;
    boost::system::error_code ec;
    uint64_t bytes = 0;  // body bytes relayed
};

// Writes the (already edited) head of `p`'s message and relays its body from `in` to `out`
// as it arrives. The head goes out together with the first body bytes when they are already
// buffered. `max_body` (0 = none) bounds the relayed bytes.
template <bool is_request, size_t N>
boost::asio::awaitable<relay_outcome> relay_body(
    boost::beast::tcp_stream& in, boost::beast::flat_buffer& in_buffer,
    boost::beast::http::parser<is_request, boost::beast::http::buffer_body>& p,
    boost::beast::tcp_stream& out, std::array<char, N>& scratch,
    std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
    uint64_t max_body) {
    namespace bhttp = boost::beast::http;
    constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    relay_outcome o;
    bhttp::serializer<is_request, bhttp::buffer_body> sr(p.get());
    auto& body = p.get().body();
    for (;;) {
        if (!p.is_done()) {
            body.data = scratch.data();
            body.size = scratch.size();
            in.expires_after(read_timeout);
            auto [ec, n] = co_await bhttp::async_read_some(in, in_buffer, p, use_tuple);
            if (ec == bhttp::error::need_buffer) ec = {};
            if (ec) {
                o.status = relay_status::read_failed;
                o.ec = ec;
                co_return o;
            }
            body.size = scratch.size() - body.size;
            body.data = scratch.data();
            body.more = !p.is_done();
            if (body.size == 0 && body.more) {
                // Nothing to forward yet (e.g. only a chunk header arrived): an empty buffer
                // would end a chunked body. Send the head alone so the peer sees it early.
                if (!sr.is_header_done()) {
                    out.expires_after(write_timeout);
                    auto [hec, hn] = co_await bhttp::async_write_header(out, sr, use_tuple);
                    if (hec) {
                        o.status = relay_status::write_failed;
                        o.ec = hec;
                        co_return o;
                    }
                }
                continue;
            }
            if (body.size == 0) body.data = nullptr;  // end of body: only the final chunk
            o.bytes += body.size;
            if (max_body && o.bytes > max_body) {
                o.status = relay_status::too_big;
                co_return o;
            }
        } else {
            body.data = nullptr;
            body.size = 0;
            body.more = false;
        }
        out.expires_after(write_timeout);
        auto [wec, wn] = co_await bhttp::async_write(out, sr, use_tuple);
        if (wec == bhttp::error::need_buffer) wec = {};
        if (wec) {
            o.status = relay_status::write_failed;
            o.ec = wec;
            co_return o;
        }
        if (sr.is_done()) break;
    }
    in.expires_never();
    co_return o;
}

}  // namespace nsqpp::gateway
