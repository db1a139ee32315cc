#pragma once
// One nsqd's TCP connection: a single coroutine reads bytes, feeds protocol_v1 and writes the
// replies (V1 never sends anything unsolicited, so no separate writer is needed).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "nsqlookupd/context.h"
#include "nsqlookupd/protocol_v1.h"

namespace nsqpp::nsqlookupd {

class connection : public std::enable_shared_from_this<connection> {
  public:
    using on_done_fn = std::function<void(uint64_t id)>;

    connection(boost::asio::ip::tcp::socket socket, context& ctx, uint64_t id, on_done_fn on_done);

    void start();
    // Closes the socket from any thread (shutdown); the coroutine then ends.
    void close();

  private:
    boost::asio::awaitable<void> run();
    // Writes client_.out; false when the socket failed.
    boost::asio::awaitable<bool> flush();
    void close_now();

    boost::asio::ip::tcp::socket socket_;
    context& ctx_;
    uint64_t id_;
    on_done_fn on_done_;
    client_v1 client_;
    bool closed_ = false;
};

}  // namespace nsqpp::nsqlookupd
