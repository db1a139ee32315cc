// nsqd connection: frame reading, the read/write/watchdog loops, close (handshake:
// connection_handshake.cc).
#include "client/connection.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <cstring>

#include "client/commands.h"
#include "wire/endian.h"

namespace nsqpp::client::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::atomic<uint64_t> next_connection_id{1};

// How long a half-closed connection waits for nsqd to close its side.
constexpr auto half_close_linger = std::chrono::seconds(5);

// "HTTP" read as a frame size: the address is an HTTP port.
constexpr uint32_t http_as_size = 0x48545450;
// Far above any nsqd --max-msg-size; a larger size is a broken or hostile peer.
constexpr uint32_t max_frame_size = 512u << 20;

}  // namespace
connection::connection(asio::any_io_executor ex, std::string address, const config& cfg,
                       std::shared_ptr<asio::ssl::context> tls, const logger& log)
    : ex_(ex),
      address_(std::move(address)),
      cfg_(cfg),
      tls_ctx_(std::move(tls)),
      log_(log),
      id_(next_connection_id++),
      socket_(ex),
      wake_(ex),
      watchdog_timer_(ex),
      last_read_(std::chrono::steady_clock::now()) {}

connection::~connection() = default;

bool connection::frame_size_ok() {
    if (in_end_ - in_begin_ < 4) return true;
    uint32_t size = wire::get_u32be(in_.data() + in_begin_);
    if (size == http_as_size) {
        close_reason_ = "unexpected HTTP response, a nsqd TCP endpoint is required";
        return false;
    }
    if (size > max_frame_size) {
        close_reason_ = "response msg size " + std::to_string(size) + " exceeds maximum (" +
                        std::to_string(max_frame_size) + ")";
        return false;
    }
    return true;
}

awaitable<std::optional<std::pair<wire::frame_type, std::string>>> connection::read_frame() {
    for (;;) {
        size_t consumed = 0;
        auto f = wire::decode_frame(std::string_view(in_.data() + in_begin_, in_end_ - in_begin_),
                                    consumed);
        if (f) {
            in_begin_ += consumed;
            if (f->type == wire::frame_type::response && f->data == "_heartbeat_") {
                auto nop = send_now("NOP\n");
                co_await std::move(nop);
                continue;
            }
            co_return std::make_pair(f->type, std::string(f->data));
        }
        if (consumed == wire::frame_malformed || !frame_size_ok()) {
            if (close_reason_.empty()) close_reason_ = "invalid frame size";
            co_return std::nullopt;
        }
        bool more = co_await fill();
        if (!more) {
            note_read_error();
            co_return std::nullopt;
        }
    }
}

awaitable<size_t> connection::read_raw(char* dst, size_t cap) {
    boost::system::error_code ec;
    size_t n = 0;
    if (tls_) {
        auto [e, got] = co_await tls_->async_read_some(asio::buffer(dst, cap), use_tuple);
        ec = e;
        n = got;
    } else {
        auto [e, got] = co_await socket_.async_read_some(asio::buffer(dst, cap), use_tuple);
        ec = e;
        n = got;
    }
    if (ec) {
        ec_ = ec;
        co_return 0;
    }
    last_read_ = std::chrono::steady_clock::now();
    co_return n;
}

awaitable<bool> connection::write_raw(std::string_view data) {
    if (data.empty()) co_return true;
    writing_now_ = true;
    write_started_ = std::chrono::steady_clock::now();
    boost::system::error_code ec;
    if (tls_) {
        auto [e, n] = co_await asio::async_write(*tls_, asio::buffer(data), use_tuple);
        ec = e;
    } else {
        auto [e, n] = co_await asio::async_write(socket_, asio::buffer(data), use_tuple);
        ec = e;
    }
    writing_now_ = false;
    if (ec) ec_ = ec;
    co_return !ec;
}

awaitable<bool> connection::send_now(std::string data) {
    if (!encoder_) {
        bool ok = co_await write_raw(data);
        co_return ok;
    }
    std::string encoded;
    encoder_->encode(data, encoded);
    bool ok = co_await write_raw(encoded);
    co_return ok;
}

awaitable<bool> connection::fill() {
    if (in_begin_ == in_end_) {
        in_begin_ = in_end_ = 0;
    } else if (in_begin_ > 0 && in_.size() - in_end_ < 16384) {
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
    }
    if (in_.size() - in_end_ < 16384) in_.resize(std::max<size_t>(in_.size() * 2, 65536));
    size_t cap = in_.size() - in_end_;
    if (!decoder_) {
        size_t n = co_await read_raw(in_.data() + in_end_, cap);
        in_end_ += n;
        co_return n > 0;
    }
    for (;;) {
        size_t n = decoder_->read(in_.data() + in_end_, cap);
        if (n > 0) {
            in_end_ += n;
            co_return true;
        }
        if (decoder_->failed()) {
            close_reason_ = decoder_->error();
            co_return false;
        }
        raw_in_.resize(65536);
        size_t got = co_await read_raw(raw_in_.data(), raw_in_.size());
        if (got == 0) co_return false;
        decoder_->append_input(std::string_view(raw_in_.data(), got));
    }
}

void connection::start(std::shared_ptr<connection_events> events) {
    started_ = true;
    auto self = shared_from_this();
    // The coroutines are created inside co_spawn (as nsqd does), not in the caller's frame.
    asio::co_spawn(
        ex_, [self, events] { return read_loop(self, events); }, asio::detached);
    asio::co_spawn(
        ex_, [self] { return write_loop(self); }, asio::detached);
}

bool connection::dispatch_frames(connection_events& events) {
    for (;;) {
        size_t consumed = 0;
        auto f = wire::decode_frame(std::string_view(in_.data() + in_begin_, in_end_ - in_begin_),
                                    consumed);
        if (!f) {
            if (consumed == wire::frame_malformed || !frame_size_ok()) {
                if (close_reason_.empty()) close_reason_ = "invalid frame size";
                return false;
            }
            return true;
        }
        in_begin_ += consumed;
        switch (f->type) {
            case wire::frame_type::response:
                if (f->data == "_heartbeat_") {
                    write("NOP\n");
                } else {
                    events.on_response(*this, f->data);
                }
                break;
            case wire::frame_type::error:
                events.on_error_frame(*this, f->data);
                break;
            case wire::frame_type::message: {
                auto m = wire::decode_message(f->data);
                if (!m) {
                    close_reason_ = "message frame shorter than its header";
                    return false;
                }
                events.on_message(*this, *m);
                break;
            }
            default:
                close_reason_ = "unknown frame type " + std::to_string(static_cast<int>(f->type));
                return false;
        }
        if (closed_) return false;
    }
}

awaitable<void> connection::read_loop(std::shared_ptr<connection> self,
                                      std::shared_ptr<connection_events> events) {
    for (;;) {
        bool ok = self->dispatch_frames(*events);
        events->on_frames_handled(*self);
        if (!ok || self->closed_) break;
        bool more = co_await self->fill();
        if (!more) {
            self->note_read_error();
            break;
        }
    }
    self->finish_reading(*events);
}

// g++ 12 rules followed in this file: a co_await is never part of a condition or an assignment
// expression (its result goes into a new local first), and never takes class-type temporaries
// as arguments; both miscompiled here (coroutine parameters read at the wrong offset).
void connection::note_read_error() {
    if (!close_reason_.empty() || closed_) return;
    if (ec_ == asio::error::eof || !ec_) {
        close_reason_ = "EOF";
    } else {
        close_reason_ = ec_.message();
    }
}

void connection::finish_reading(connection_events& events) {
    std::string reason = close_reason_;
    close(reason);
    events.on_closed(*this, reason);
}

awaitable<void> connection::write_loop(std::shared_ptr<connection> self) {
    while (!self->closed_) {
        if (self->out_.empty()) {
            if (self->flush_then_close_) {
                // Half-close: nsqd reads everything sent so far (the last FINs), then closes;
                // the read loop sees EOF and ends the connection (the watchdog bounds the wait).
                self->half_close();
                break;
            }
            self->writer_waiting_ = true;
            self->wake_.expires_at(asio::steady_timer::time_point::max());
            co_await self->wake_.async_wait(use_tuple);
            self->writer_waiting_ = false;
            continue;
        }
        self->writing_.swap(self->out_);
        self->out_.clear();
        std::string_view data = self->writing_;
        if (self->encoder_) {
            self->encoded_.clear();
            self->encoder_->encode(self->writing_, self->encoded_);
            data = self->encoded_;
        }
        bool ok = co_await self->write_raw(data);
        if (!ok) {
            self->close(self->ec_.message());
            break;
        }
        self->writing_.clear();
    }
}

awaitable<void> connection::watchdog(std::shared_ptr<connection> self) {
    auto period = std::min(self->cfg_.read_timeout, self->cfg_.write_timeout) / 4;
    period = std::clamp(period, duration(10), duration(1000));
    bool check_reads = self->cfg_.heartbeat_interval.count() >= 0;
    while (!self->closed_) {
        self->watchdog_timer_.expires_after(period);
        co_await self->watchdog_timer_.async_wait(use_tuple);
        if (self->closed_) break;
        auto now = std::chrono::steady_clock::now();
        if (self->half_closed_ && now - self->half_closed_at_ > half_close_linger) {
            self->close();
        } else if (check_reads && now - self->last_read_ > self->cfg_.read_timeout) {
            self->close("read timeout");
        } else if (self->writing_now_ && now - self->write_started_ > self->cfg_.write_timeout) {
            self->close("write timeout");
        }
    }
}

void connection::write(std::string_view bytes) {
    if (closed_) return;
    out_.append(bytes);
    if (writer_waiting_) wake_.cancel();
}

void connection::close(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    if (!reason.empty() && close_reason_.empty()) close_reason_ = reason;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    wake_.cancel();
    watchdog_timer_.cancel();
}

void connection::half_close() {
    if (closed_ || half_closed_) return;
    half_closed_ = true;
    half_closed_at_ = std::chrono::steady_clock::now();
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) close();
}

void connection::close_after_flush() {
    if (!started_) {
        close();
        return;
    }
    flush_then_close_ = true;
    if (writer_waiting_) wake_.cancel();
}

}  // namespace nsqpp::client::detail
