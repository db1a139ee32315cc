#pragma once
// Upstream connections: per-worker keep-alive pools of idle connections to each member,
// connect with a timeout, and the error texts of the 502/504 answers.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/fast_read.h"
#include "gateway/member.h"

namespace nsqpp::gateway {

struct upstream_conn {
    explicit upstream_conn(boost::beast::tcp_stream s)
        : stream(std::move(s)), fast(&stream.socket()) {}
    boost::beast::tcp_stream stream;
    fast_socket fast;  // response heads and small bodies are read through this
    boost::beast::flat_buffer buffer;
    steady_clock::time_point idle_since{};
    bool reused = false;  // taken from the idle list (may have been closed by the upstream)
};
using upstream_ptr = std::unique_ptr<upstream_conn>;

struct worker_idle {
    std::vector<upstream_ptr> conns;  // most recently used last
};

struct upstream_limits {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds read_timeout{30000};
    std::chrono::milliseconds idle_timeout{30000};  // idle pooled connections older are dropped
    size_t max_idle_per_worker = 64;
};

struct connect_result {
    upstream_ptr conn;
    boost::system::error_code ec;  // set when conn is null (timeout: beast::error::timeout)
};

// An idle connection to `m` for `worker` (no older than limits.idle_timeout), or null.
upstream_ptr take_idle_upstream(member& m, size_t worker, const upstream_limits& limits);
// A new connection to `m` (on the current executor) within limits.connect_timeout.
boost::asio::awaitable<connect_result> connect_upstream(member& m, upstream_limits limits);
// take_idle_upstream, else connect_upstream.
boost::asio::awaitable<connect_result> acquire_upstream(member& m, size_t worker,
                                                        upstream_limits limits);

// Gives a connection whose exchange ended cleanly back to the idle list.
void release_upstream(member& m, size_t worker, upstream_ptr conn, const upstream_limits& limits);

// "connection refused", "timed out", ... for error bodies.
std::string describe_error(const boost::system::error_code& ec);

}  // namespace nsqpp::gateway
