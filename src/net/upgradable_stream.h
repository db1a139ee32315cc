#pragma once
// A TCP connection that may switch to TLS mid-stream (nsqd's tls_v1 upgrade after IDENTIFY).
// One reader and one writer may be outstanding at a time, on the socket's executor.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <memory>
#include <tuple>

namespace nsqpp::net {

class upgradable_stream {
  public:
    using socket_type = boost::asio::ip::tcp::socket;
    using result = std::tuple<boost::system::error_code, size_t>;

    explicit upgradable_stream(socket_type socket) : socket_(std::move(socket)) {}

    socket_type& socket() { return socket_; }
    boost::asio::any_io_executor get_executor() { return socket_.get_executor(); }
    bool is_tls() const { return tls_ != nullptr; }
    SSL* native_tls() { return tls_ ? tls_->native_handle() : nullptr; }

    boost::asio::awaitable<result> read_some(boost::asio::mutable_buffer buf);
    boost::asio::awaitable<result> write_all(boost::asio::const_buffer buf);

    // Runs a TLS server handshake on the socket; from then on reads and writes are encrypted.
    // Fails with the handshake's error, or timed_out after `timeout`.
    boost::asio::awaitable<boost::system::error_code> upgrade_to_tls_server(
        std::shared_ptr<boost::asio::ssl::context> ctx, std::chrono::milliseconds timeout);

    // Closes the socket (no TLS close_notify: nsqd just closes).
    void close();

  private:
    socket_type socket_;
    std::shared_ptr<boost::asio::ssl::context> tls_ctx_;  // outlives tls_
    std::unique_ptr<boost::asio::ssl::stream<socket_type&>> tls_;
};

}  // namespace nsqpp::net
