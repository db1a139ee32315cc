#include "nsqd/client_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "net/tls.h"
#include "nsqd/auth_query.h"
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
    : stream_(std::move(socket)),
      timer_(stream_.get_executor()),
      write_deadline_(stream_.get_executor()),
      drained_(stream_.get_executor()),
      ctx_(ctx),
      on_done_(std::move(on_done)) {
    client_.id = id;
    client_.self = this;
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
        client_.remote_address = ep.address().to_string() + ":" + std::to_string(ep.port());
        client_.client_id = ep.address().to_string();
        client_.hostname = client_.client_id;
    }
    stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
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
        stream_.get_executor(), [self] { return self->reader(); }, asio::detached);
    asio::co_spawn(
        stream_.get_executor(), [self] { return self->writer(); }, asio::detached);
}

void client_connection::close() {
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(stream_.get_executor(), [self] { self->close_now(); });
}

void client_connection::close_now() {
    if (closed_) return;
    closed_ = true;
    stream_.close();
    timer_.cancel();
    write_deadline_.cancel();
    drained_.cancel();
}

void client_connection::wake() {
    if (wake_posted_.exchange(true, std::memory_order_acq_rel)) return;
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(stream_.get_executor(), [self] {
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
        // g++ 12: await coroutines through a named awaitable (see TOOLCHAIN.md)
        auto read_op = stream_.read_some(asio::buffer(buf.data() + end, buf.size() - end));
        auto [ec, n] = co_await std::move(read_op);
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
            if (client_.upgrade_pending) {
                auto upgrade = perform_upgrade(std::string_view(buf.data() + begin, end - begin));
                bool ok = co_await std::move(upgrade);
                if (!ok) {
                    close_now();
                    break;
                }
                if (decoder_) begin = end;  // the leftover input went to the decoder
                continue;
            }
            if (!client_.out.empty() || client_.delivery_changed || client_.heartbeat_changed ||
                client_.close_after_flush) {
                poke_writer();
            }
            if (client_.auth_pending) {  // AUTH or a TTL re-query (auth_query.h)
                co_await run_pending_auth(ctx_, client_);
                poke_writer();
                continue;  // the commands buffered after it run without waiting for input
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
        auto read_op = read_input(buf.data() + end, buf.size() - end);
        auto [ec, n] = co_await std::move(read_op);
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
    if (deliveries_.empty()) return;
    if (buffered_.empty()) buffered_since_ = std::chrono::steady_clock::now();
    for (const auto& d : deliveries_) {
        size_t at = buffered_.size();
        buffered_.resize(at + frame_prefix_size + d.msg->body_size());
        auto id = wire::format_message_id(d.msg->id());
        wire::encode_message_frame_prefix(buffered_.data() + at, d.msg->body_size(),
                                          d.msg->timestamp(), d.attempts, id.data());
        std::memcpy(buffered_.data() + at + frame_prefix_size, d.msg->body().data(),
                    d.msg->body_size());
    }
    deliveries_.clear();
}

bool client_connection::must_flush(steady_time now) {
    if (buffered_.empty()) return false;
    if (!client_.out.empty() || client_.close_after_flush || reader_done_) return true;
    if (client_.output_buffer_timeout.count() <= 0) return true;
    if (static_cast<int64_t>(buffered_.size()) >= client_.output_buffer_size) return true;
    if (now >= buffered_since_ + client_.output_buffer_timeout) return true;
    // NSQ flushes as soon as the client cannot receive more (in-flight reached RDY).
    if (client_.state != client_state::subscribed || !client_.sub_channel) return true;
    return client_.sub_channel->counts_for(client_.id).in_flight >= client_.ready_count;
}

size_t client_connection::sendable_output() {
    auto& barriers = client_.barriers;
    if (barriers.empty()) return client_.out.size();
    const auto& journal = ctx_.topics.get_journal();
    if (!journal) return client_.out.size();
    uint64_t committed = journal->committed();
    while (!barriers.empty() && barriers.front().ticket <= committed) barriers.pop_front();
    if (barriers.empty()) return client_.out.size();
    if (journal->failed()) {  // never acknowledged: the publisher sees the connection close
        ctx_.log->error("PROTOCOL(V2): [{}] closing: durable write failed", client_.remote_address);
        close_now();
        return 0;
    }
    uint64_t ticket = barriers.front().ticket;
    if (ticket > commit_wait_) {
        commit_wait_ = ticket;
        std::weak_ptr<client_connection> weak = weak_from_this();
        journal->on_committed(ticket, [weak] {
            if (auto self = weak.lock()) self->wake();
        });
    }
    return barriers.front().offset;
}

client_connection::steady_time client_connection::next_timer_deadline() const {
    if (client_.heartbeat_interval.count() == 0) return steady_time::max();
    return std::min(next_heartbeat_, last_command_ + 2 * client_.heartbeat_interval);
}

asio::awaitable<client_connection::io_result> client_connection::read_input(char* dst, size_t cap) {
    if (!decoder_) {
        auto op = stream_.read_some(asio::buffer(dst, cap));
        co_return co_await std::move(op);
    }
    for (;;) {
        size_t n = decoder_->read(dst, cap);
        if (n > 0) co_return io_result{boost::system::error_code{}, n};
        if (decoder_->failed()) {
            ctx_.log->error("PROTOCOL(V2): [{}] - {}", client_.remote_address, decoder_->error());
            co_return io_result{asio::error::make_error_code(asio::error::invalid_argument), 0};
        }
        if (raw_input_.size() < initial_read_buffer) raw_input_.resize(initial_read_buffer);
        auto op = stream_.read_some(asio::buffer(raw_input_));
        auto [ec, got] = co_await std::move(op);
        if (ec) co_return io_result{ec, 0};
        decoder_->append_input(std::string_view(raw_input_.data(), got));
    }
}

asio::awaitable<client_connection::io_result> client_connection::write_output(
    const std::string& data) {
    if (!encoder_) {
        auto op = stream_.write_all(asio::buffer(data));
        co_return co_await std::move(op);
    }
    encoded_.clear();
    encoder_->encode(data, encoded_);
    auto op = stream_.write_all(asio::buffer(encoded_));
    co_return co_await std::move(op);
}

asio::awaitable<bool> client_connection::send_ok_frame() {
    std::string frame;
    wire::append_frame(frame, wire::frame_type::response, "OK");
    auto [ec, n] = co_await write_output(frame);
    co_return !ec;
}

void client_connection::record_tls_info() {
    SSL* ssl = stream_.native_tls();
    client_.tls = true;
    client_.tls_common_name = net::tls_peer_common_name(ssl);
    std::lock_guard lock(client_.info_mu);
    client_.info.tls = true;
    client_.info.tls_version = net::tls_version_name(ssl);
    client_.info.tls_cipher_suite = net::tls_cipher_name(ssl);
}

asio::awaitable<bool> client_connection::perform_upgrade(std::string_view leftover) {
    const auto up = client_.upgrade;
    client_.upgrade_pending = false;
    // The IDENTIFY reply goes out in the clear (and before any heartbeat the writer might add
    // later): wait until the writer has written everything, then keep it idle.
    poke_writer();
    while (!closed_ && (writing_now_ || !client_.out.empty() || !buffered_.empty())) {
        drained_.expires_at(steady_time::max());
        co_await drained_.async_wait(as_tuple(use_awaitable));
    }
    if (closed_) co_return false;
    upgrading_ = true;
    auto fail = [this](std::string_view what) {
        ctx_.log->error("PROTOCOL(V2): [{}] - IDENTIFY failed {}", client_.remote_address, what);
        return false;
    };
    if (up.tls) {
        if (!leftover.empty()) co_return fail("data received before the TLS handshake");
        auto handshake = stream_.upgrade_to_tls_server(ctx_.tls, std::chrono::seconds(5));
        auto ec = co_await std::move(handshake);
        if (ec) co_return fail("TLS handshake - " + ec.message());
        record_tls_info();
        bool sent = co_await send_ok_frame();
        if (!sent) co_return false;
    }
    if (up.snappy || up.deflate) {
        if (up.snappy) {
            encoder_ = wire::make_snappy_encoder();
            decoder_ = wire::make_snappy_decoder();
            client_.snappy = true;
        } else {
            encoder_ = wire::make_deflate_encoder(static_cast<int>(up.deflate_level));
            decoder_ = wire::make_deflate_decoder();
            client_.deflate = true;
            client_.deflate_level = static_cast<int>(up.deflate_level);
        }
        decoder_->append_input(leftover);
        {
            std::lock_guard lock(client_.info_mu);
            client_.info.snappy = client_.snappy;
            client_.info.deflate = client_.deflate;
        }
        bool sent = co_await send_ok_frame();
        if (!sent) co_return false;
    }
    upgrading_ = false;
    poke_writer();
    co_return !closed_;
}

asio::awaitable<void> client_connection::writer() {
    auto self = shared_from_this();
    while (!closed_) {
        auto now = std::chrono::steady_clock::now();
        if (upgrading_) {  // the reader owns the stream until the upgrade is done
            drained_.cancel();
            timer_.expires_at(steady_time::max());
            co_await timer_.async_wait(as_tuple(use_awaitable));
            continue;
        }
        if (client_.heartbeat_changed) {
            client_.heartbeat_changed = false;
            next_heartbeat_ = now + client_.heartbeat_interval;
        }
        client_.delivery_changed = false;
        if (!client_.close_after_flush) take_messages(now);
        encode_deliveries();

        bool flush = must_flush(now);
        size_t sendable = sendable_output();
        if (closed_) break;
        if (sendable == 0 && !flush) {
            if (buffered_.empty() && client_.out.empty() &&
                (client_.close_after_flush || reader_done_)) {
                close_now();
                break;
            }
            if (buffered_.empty()) drained_.cancel();  // everything written (upgrade waits)
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
            if (!buffered_.empty()) {
                deadline = std::min(deadline, buffered_since_ + client_.output_buffer_timeout);
            }
            timer_.expires_at(deadline);
            co_await timer_.async_wait(as_tuple(use_awaitable));
            continue;
        }

        // Buffered message frames go first: NSQ writes replies through the same buffer, behind
        // the messages already in it (a CLOSE_WAIT must follow the messages sent before it).
        writing_.swap(buffered_);
        buffered_.clear();
        if (sendable == 0) {
        } else if (sendable < client_.out.size()) {  // held back at a commit barrier
            writing_.append(client_.out, 0, sendable);
            client_.out.erase(0, sendable);
            for (auto& b : client_.barriers) b.offset -= sendable;
        } else {
            writing_.append(client_.out);
            client_.out.clear();
        }
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
        writing_now_ = true;
        auto [ec, n] = co_await write_output(writing_);
        writing_now_ = false;
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
