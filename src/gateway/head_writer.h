#pragma once
// The proxy's fast path: message heads serialized straight into a string (no Beast
// serializer), and writes that try the socket without arming a timer first.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/exchange.h"
#include "gateway/member.h"

namespace nsqpp::gateway {

// Whether `name` is hop-by-hop (RFC 7230 §6.1) or listed in `connection` (the Connection
// header's value).
bool is_hop_by_hop(std::string_view name, std::string_view connection);

// Appends the head the upstream receives for `ex` (its edited headers minus hop-by-hop ones,
// X-Forwarded-*, Host, Content-Length: body_size).
void append_request_head(std::string& out, const exchange& ex, const member& m, size_t body_size);

// Appends a response head: status line, `headers` minus hop-by-hop ones and any
// Content-Length, then Content-Length (when `content_length` >= 0) or chunked framing, and
// the Connection header `keep_alive` needs for `version` (10 or 11).
void append_response_head(std::string& out, int version, int status, std::string_view reason,
                          const http::header_list& headers, int64_t content_length, bool chunked,
                          bool keep_alive);

// Writes what the socket takes at once of `a` then `b` (non-blocking writev), advancing both.
// True when everything was written or the write failed (`ec`); false when the rest must wait.
bool write_now(boost::asio::ip::tcp::socket& sock, boost::asio::const_buffer& a,
               boost::asio::const_buffer& b, boost::system::error_code& ec);
// Writes the rest asynchronously within `timeout`.
boost::asio::awaitable<boost::system::error_code> write_rest(boost::beast::tcp_stream& stream,
                                                             boost::asio::const_buffer a,
                                                             boost::asio::const_buffer b,
                                                             std::chrono::milliseconds timeout);

}  // namespace nsqpp::gateway
