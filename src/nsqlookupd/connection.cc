#include "nsqlookupd/connection.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <string>
#include <vector>

namespace nsqpp::nsqlookupd {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

namespace {
constexpr size_t initial_read_buffer = 4096;
// Largest input kept while a command is incomplete: an IDENTIFY line plus its biggest body.
constexpr size_t max_read_buffer = max_line_length + 4 + max_identify_body_size;
}  // namespace

connection::connection(asio::ip::tcp::socket socket, context& ctx, uint64_t id, on_done_fn on_done)
    : socket_(std::move(socket)), ctx_(ctx), id_(id), on_done_(std::move(on_done)) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
        // Go's net.Addr.String(): "ip:port", IPv6 in brackets.
        std::string ip = ep.address().to_string();
        if (ep.address().is_v6()) ip = "[" + ip + "]";
        client_.remote_address = ip + ":" + std::to_string(ep.port());
    }
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void connection::start() {
    ctx_.log->info("TCP: new client({})", client_.remote_address);
    auto self = shared_from_this();
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->run(); }, asio::detached);
}

void connection::close() {
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(socket_.get_executor(), [self] { self->close_now(); });
}

void connection::close_now() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

asio::awaitable<bool> connection::flush() {
    if (client_.out.empty()) co_return true;
    auto [ec, n] =
        co_await asio::async_write(socket_, asio::buffer(client_.out), as_tuple(use_awaitable));
    client_.out.clear();
    co_return !ec;
}

asio::awaitable<void> connection::run() {
    auto self = shared_from_this();
    std::vector<char> buf(initial_read_buffer);
    size_t begin = 0;
    size_t end = 0;
    while (!closed_) {
        auto [ec, n] = co_await socket_.async_read_some(
            asio::buffer(buf.data() + end, buf.size() - end), as_tuple(use_awaitable));
        if (ec) {
            // EOF in the middle of an IDENTIFY body: NSQ answers "failed to read body".
            if (ec == asio::error::eof && client_.magic_read && end > begin && !closed_) {
                client_.input_closed = true;
                bool drop = false;
                process_input(ctx_, client_, {buf.data() + begin, end - begin}, drop);
                co_await flush();
            }
            break;
        }
        end += n;
        bool drop = false;
        begin += process_input(ctx_, client_, {buf.data() + begin, end - begin}, drop);
        if (drop) break;
        if (!co_await flush() || client_.close_after_flush) break;

        // keep the unconsumed bytes at the front, and room for what the parser needs
        if (begin == end) {
            begin = end = 0;
        } else if (begin > 0) {
            std::memmove(buf.data(), buf.data() + begin, end - begin);
            end -= begin;
            begin = 0;
        }
        size_t wanted = std::max(client_.need_bytes, end + 1);
        if (wanted > buf.size()) {
            if (wanted > max_read_buffer) break;  // cannot happen with the parser's limits
            buf.resize(std::max(wanted, std::min(buf.size() * 2, max_read_buffer)));
        }
    }
    close_now();
    ctx_.log->info("PROTOCOL(V1): [{}] exiting ioloop", client_.remote_address);
    on_disconnect(ctx_, client_);
    if (on_done_) on_done_(id_);
}

}  // namespace nsqpp::nsqlookupd
