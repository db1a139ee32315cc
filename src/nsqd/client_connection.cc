#include "nsqd/client_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "nsqd/protocol_v2.h"
#include "wire/frame.h"
#include "wire/message_id.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

namespace {
constexpr size_t initial_read_buffer = 64 * 1024;
constexpr size_t frame_prefix_size = 8 + wire::message_header_size;
// A client that does not read its replies stops being read (as NSQ's blocking writes do).
constexpr size_t max_pending_output = 1 << 20;
}  // namespace

client_connection::client_connection(asio::ip::tcp::socket socket, context& ctx, uint64_t id,
                                     on_done_fn on_done)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      write_deadline_(socket_.get_executor()),
      drained_(socket_.get_executor()),
      ctx_(ctx),
      on_done_(std::move(on_done)) {
    client_.id = id;
    client_.self = this;
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
        client_.remote_address = ep.address().to_string() + ":" + std::to_string(ep.port());
        client_.client_id = ep.address().to_string();
        client_.hostname = client_.client_id;
    }
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    init_client(ctx, client_);
    client_.connect_ts = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    client_.publish_info();
}

client_connection::~client_connection() = default;

client_connection::snapshot_t client_connection::snapshot() const {
    std::lock_guard lock(client_.info_mu);
    return {client_.id, client_.remote_address, client_.connect_ts, client_.info};
}

void client_connection::start() {
    auto now = std::chrono::steady_clock::now();
    last_command_ = now;
    next_heartbeat_ = now + client_.heartbeat_interval;
    auto self = shared_from_this();
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->reader(); }, asio::detached);
    asio::co_spawn(
        socket_.get_executor(), [self] { return self->writer(); }, asio::detached);
}

void client_connection::close() {
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(socket_.get_executor(), [self] { self->close_now(); });
}

void client_connection::close_now() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    write_deadline_.cancel();
    drained_.cancel();
}

void client_connection::wake() {
    if (wake_posted_.exchange(true, std::memory_order_acq_rel)) return;
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(socket_.get_executor(), [self] {
        self->wake_posted_.store(false, std::memory_order_release);
        self->poke_writer();
    });
}

void client_connection::poke_writer() {
    wake_pending_ = true;
    timer_.cancel();
}

asio::awaitable<void> client_connection::reader() {
    auto self = shared_from_this();
    std::vector<char> buf(initial_read_buffer);
    size_t begin = 0;
    size_t end = 0;
    const size_t max_buffer =
        static_cast<size_t>(std::max(ctx_.opts.max_body_size, ctx_.opts.max_msg_size)) +
        2 * max_line_length;

    // magic
    while (end < 4) {
        auto [ec, n] = co_await socket_.async_read_some(
            asio::buffer(buf.data() + end, buf.size() - end), as_tuple(use_awaitable));
        if (ec) break;
        end += n;
    }
    if (end >= 4 && std::memcmp(buf.data(), "  V2", 4) != 0) {
        wire::append_frame(client_.out, wire::frame_type::error, "E_BAD_PROTOCOL");
        client_.close_after_flush = true;
        poke_writer();
        end = 0;
    } else if (end >= 4) {
        begin = 4;
    } else {
        close_now();
    }

    while (!closed_ && !client_.close_after_flush) {
        if (end - begin >= std::max<size_t>(client_.need_bytes, 1)) {
            bool drop = false;
            auto now = std::chrono::steady_clock::now();
            size_t used = process_input(
                ctx_, client_, std::string_view(buf.data() + begin, end - begin), now, drop);
            begin += used;
            if (used > 0) last_command_ = now;
            if (drop) {
                close_now();
                break;
            }
            if (!client_.out.empty() || client_.delivery_changed || client_.heartbeat_changed ||
                client_.close_after_flush) {
                poke_writer();
            }
            if (client_.close_after_flush) break;
            while (client_.out.size() > max_pending_output && !closed_) {
                drained_.expires_at(steady_time::max());
                co_await drained_.async_wait(as_tuple(use_awaitable));
            }
        }
        if (begin == end) {
            begin = end = 0;
        } else if (begin > 0 &&
                   (buf.size() - end < 4096 || begin + client_.need_bytes > buf.size())) {
            std::memmove(buf.data(), buf.data() + begin, end - begin);
            end -= begin;
            begin = 0;
        }
        if (client_.need_bytes > buf.size() - begin && buf.size() < max_buffer) {
            buf.resize(std::min(max_buffer, std::max(buf.size() * 2, begin + client_.need_bytes)));
        }
        if (end == buf.size()) {  // cannot make progress: over-long input
            close_now();
            break;
        }
        auto [ec, n] = co_await socket_.async_read_some(
            asio::buffer(buf.data() + end, buf.size() - end), as_tuple(use_awaitable));
        if (ec) {
            if (ec == asio::error::eof && end > begin && !closed_) {
                // half-closed mid-command: NSQ answers with its "failed to read" error
                client_.input_closed = true;
                bool drop = false;
                process_input(ctx_, client_, std::string_view(buf.data() + begin, end - begin),
                              std::chrono::steady_clock::now(), drop);
                if (client_.close_after_flush) {
                    poke_writer();
                    break;
                }
            }
            if (!client_.close_after_flush) close_now();
            break;
        }
        end += n;
    }
    reader_done_ = true;
    unsubscribe(ctx_, client_);
    if (closed_) timer_.cancel();
    if (on_done_) on_done_(client_.id);
}

void client_connection::take_messages(steady_time now) {
    if (client_.state != client_state::subscribed || client_.ready_count <= 0 ||
        !client_.sub_channel) {
        return;
    }
    size_t n =
        client_.sub_channel->take(client_.id, client_.ready_count, now, client_.pump_msg_timeout,
                                  deliveries_, static_cast<int>(client_.pump_sample_rate));
    if (n > 0) client_.count_delivered(n);
}

void client_connection::encode_deliveries() {
    for (const auto& d : deliveries_) {
        size_t at = writing_.size();
        writing_.resize(at + frame_prefix_size + d.msg->body_size());
        auto id = wire::format_message_id(d.msg->id());
        wire::encode_message_frame_prefix(writing_.data() + at, d.msg->body_size(),
                                          d.msg->timestamp(), d.attempts, id.data());
        std::memcpy(writing_.data() + at + frame_prefix_size, d.msg->body().data(),
                    d.msg->body_size());
    }
    deliveries_.clear();
}

client_connection::steady_time client_connection::next_timer_deadline() const {
    if (client_.heartbeat_interval.count() == 0) return steady_time::max();
    return std::min(next_heartbeat_, last_command_ + 2 * client_.heartbeat_interval);
}

asio::awaitable<void> client_connection::writer() {
    auto self = shared_from_this();
    while (!closed_) {
        auto now = std::chrono::steady_clock::now();
        if (client_.heartbeat_changed) {
            client_.heartbeat_changed = false;
            next_heartbeat_ = now + client_.heartbeat_interval;
        }
        client_.delivery_changed = false;
        if (!client_.close_after_flush) take_messages(now);

        if (client_.out.empty() && deliveries_.empty()) {
            if (client_.close_after_flush || reader_done_) {
                close_now();
                break;
            }
            if (wake_pending_) {
                wake_pending_ = false;
                continue;
            }
            auto deadline = next_timer_deadline();
            if (deadline <= now) {
                if (client_.heartbeat_interval.count() > 0 &&
                    now >= last_command_ + 2 * client_.heartbeat_interval) {
                    ctx_.log->info("PROTOCOL(V2): [{}] read deadline exceeded, closing",
                                   client_.remote_address);
                    close_now();
                    break;
                }
                wire::append_frame(client_.out, wire::frame_type::response, "_heartbeat_");
                next_heartbeat_ += client_.heartbeat_interval;
                if (next_heartbeat_ <= now) next_heartbeat_ = now + client_.heartbeat_interval;
                continue;
            }
            timer_.expires_at(deadline);
            co_await timer_.async_wait(as_tuple(use_awaitable));
            continue;
        }

        writing_.swap(client_.out);
        encode_deliveries();
        if (client_.heartbeat_interval.count() > 0) {
            // NSQ's write deadline: a client that stops reading for a heartbeat interval is closed
            write_deadline_.expires_after(client_.heartbeat_interval);
            write_deadline_.async_wait([self](boost::system::error_code wait_ec) {
                if (!wait_ec) {
                    self->ctx_.log->info("PROTOCOL(V2): [{}] write deadline exceeded, closing",
                                         self->client_.remote_address);
                    self->close_now();
                }
            });
        }
        auto [ec, n] =
            co_await asio::async_write(socket_, asio::buffer(writing_), as_tuple(use_awaitable));
        write_deadline_.cancel();
        drained_.cancel();
        writing_.clear();
        if (ec) {
            close_now();
            break;
        }
    }
}

}  // namespace nsqpp::nsqd
