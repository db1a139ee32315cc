#pragma once
// Client (downstream) connections: HTTP/1.1 keep-alive sessions that run the onion and hand
// each request to the proxy or mirror path. Internal to the gateway (Beast types).
#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "gateway/core.h"
#include "gateway/fast_read.h"

namespace nsqpp::gateway {

namespace bhttp = boost::beast::http;
using request_parser = bhttp::request_parser<bhttp::buffer_body>;

struct client_conn {
    explicit client_conn(boost::asio::ip::tcp::socket s, size_t w)
        : stream(std::move(s)), fast(&stream.socket()), worker(w) {}
    boost::beast::tcp_stream stream;
    fast_socket fast;  // the request heads are read through this (no timer per read)
    boost::beast::flat_buffer buffer;
    size_t worker;
    std::array<char, 16384> scratch;  // relay buffer (one relay at a time per connection)
    std::string head;                 // serialized message head (reused)
    http::header_list spare_headers;  // capacity handed from one exchange to the next
    http::header_list spare_response_headers;
};

// Registry of open client connections, so stop() can close them from any thread.
class connection_set {
  public:
    // Registers `c` (on its executor); returns its id, or 0 when already stopped.
    uint64_t add(client_conn* c, boost::asio::any_io_executor ex);
    void remove(uint64_t id);
    // Closes every connection (posted to each executor) and refuses new ones.
    void close_all();
    size_t size() const;

  private:
    mutable std::mutex mu_;
    bool closed_ = false;
    uint64_t next_ = 1;
    std::unordered_map<uint64_t, std::pair<client_conn*, boost::asio::any_io_executor>> conns_;
};

// Serves one client connection until it closes. `c` outlives the io_context's work (a frame
// destroyed with its io_context only touches `set`, which it co-owns).
boost::asio::awaitable<void> serve_client(core* c, std::shared_ptr<connection_set> set,
                                          boost::asio::ip::tcp::socket socket, size_t worker);

// Writes a locally made response (after the middlewares' on_response for `entered` layers);
// returns whether the connection may be kept.
boost::asio::awaitable<bool> write_local(const core* c, client_conn* cc, exchange* ex,
                                         size_t entered, http::response res, bool keep_alive);

// Forwards the request (header in `rp`, body still in the connection) to the exchange's pool;
// returns whether the client connection may be kept.
boost::asio::awaitable<bool> proxy_exchange(const core* c, client_conn* cc, request_parser* rp,
                                            exchange* ex, size_t entered, bool keep_alive);

// Mirror mode: the whole body to two members; 200 only when both accepted.
boost::asio::awaitable<bool> mirror_exchange(const core* c, client_conn* cc, request_parser* rp,
                                             exchange* ex, size_t entered, bool keep_alive);

// Reads the rest of the request body into `out` (at most `limit` bytes; 0 = no limit).
// Returns an error (bhttp::error::body_limit when too big).
boost::asio::awaitable<boost::system::error_code> read_body(client_conn* cc, request_parser* rp,
                                                            std::string* out, uint64_t limit);

// Hop-by-hop headers (RFC 7230 §6.1 and the ones listed in Connection) removed from `f`.
void remove_hop_by_hop(bhttp::fields& f);

}  // namespace nsqpp::gateway
