#pragma once
// Accepts TCP connections and hands each socket to the next worker's io_context.
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

#include "net/worker_pool.h"

namespace nsqpp::net {

class tcp_listener {
  public:
    using on_accept_fn = std::function<void(boost::asio::ip::tcp::socket)>;

    tcp_listener(worker_pool& pool, on_accept_fn on_accept);
    // Binds "host:port"; returns the bound port. Throws std::runtime_error
    // "listen (<addr>) failed - <err>".
    uint16_t listen(const std::string& address);
    void start();
    // Closes the acceptor (from any thread).
    void stop();

  private:
    worker_pool& pool_;
    on_accept_fn on_accept_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace nsqpp::net
