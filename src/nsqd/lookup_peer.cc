#include "nsqd/lookup_peer.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <variant>

#include "http/request.h"
#include "net/worker_pool.h"
#include "wire/endian.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t commands_per_write = 64;  // pipelined, then one reply read per command

// `op`'s result, or nullopt when `deadline` passes first (`op` is then cancelled).
template <class T>
asio::awaitable<std::optional<T>> with_deadline(asio::awaitable<T> op,
                                                std::chrono::milliseconds deadline) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(deadline);
    auto expired = timer.async_wait(use_tuple);
    auto result = co_await (std::move(op) || std::move(expired));
    if (result.index() != 0) co_return std::nullopt;
    co_return std::get<0>(std::move(result));
}

std::string be32(size_t n) {
    std::string s(4, '\0');
    wire::put_u32be(s.data(), static_cast<uint32_t>(n));
    return s;
}

std::string_view without_newline(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    return line;
}
}  // namespace

lookup_peer::lookup_peer(context& ctx, asio::any_io_executor ex, std::string address,
                         lookup_peer_timing timing)
    : ctx_(ctx),
      ex_(std::move(ex)),
      address_(std::move(address)),
      timing_(timing),
      socket_(ex_),
      resolver_(ex_),
      timer_(ex_) {}

void lookup_peer::start() { asio::co_spawn(ex_, run(shared_from_this()), asio::detached); }

void lookup_peer::stop() {
    asio::post(ex_, [self = shared_from_this()] {
        if (self->stopped_) return;
        self->stopped_ = true;
        self->close_socket();
        self->resolver_.cancel();
        self->wake();
    });
}

void lookup_peer::send(std::string line) {
    asio::post(ex_, [self = shared_from_this(), line = std::move(line)]() mutable {
        if (!self->connected_ || self->stopped_) return;
        self->queue_.push_back(std::move(line));
        self->wake();
    });
}

std::optional<lookupd_http_address> lookup_peer::http_address() const {
    std::lock_guard lock(info_mu_);
    return http_address_;
}

void lookup_peer::wake() { timer_.expires_at(steady::now()); }

void lookup_peer::close_socket() {
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    connected_ = false;
    queue_.clear();
}

asio::awaitable<void> lookup_peer::run(std::shared_ptr<lookup_peer> self) {
    auto backoff = self->timing_.backoff_min;
    bool first = true;
    while (!self->stopped_) {
        if (!first) {
            co_await self->sleep_for(backoff);
            if (self->stopped_) break;
        }
        first = false;
        bool up = co_await self->connect();
        if (up) up = co_await self->identify();
        if (!up) {
            self->close_socket();
            backoff = std::min(backoff * 2, self->timing_.backoff_max);
            continue;
        }
        backoff = self->timing_.backoff_min;
        co_await self->serve();
        self->close_socket();
    }
    self->close_socket();
}

asio::awaitable<void> lookup_peer::sleep_for(std::chrono::milliseconds d) {
    timer_.expires_after(d);
    co_await timer_.async_wait(use_tuple);
}

asio::awaitable<bool> lookup_peer::connect() {
    ctx_.log->info("LOOKUP connecting to {}", address_);
    std::string host;
    uint16_t port = 0;
    try {
        std::tie(host, port) = net::split_host_port(address_);
    } catch (const std::exception& e) {
        ctx_.log->error("LOOKUPD({}): ERROR - {}", address_, e.what());
        co_return false;
    }
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (!ec) {
        endpoints.emplace_back(ip, port);
    } else {
        auto resolve = resolver_.async_resolve(host, std::to_string(port), use_tuple);
        auto resolved = co_await with_deadline(std::move(resolve), timing_.io_timeout);
        if (!resolved || std::get<0>(*resolved)) {
            ctx_.log->error("LOOKUPD({}): ERROR resolve - {}", address_,
                            resolved ? std::get<0>(*resolved).message() : "i/o timeout");
            co_return false;
        }
        for (const auto& entry : std::get<1>(*resolved)) endpoints.push_back(entry.endpoint());
    }
    if (stopped_) co_return false;
    auto dial = asio::async_connect(socket_, endpoints, use_tuple);
    auto dialed = co_await with_deadline(std::move(dial), timing_.io_timeout);
    if (!dialed || std::get<0>(*dialed)) {
        if (!stopped_) {
            ctx_.log->error("LOOKUPD({}): ERROR connect - {}", address_,
                            dialed ? std::get<0>(*dialed).message() : "i/o timeout");
        }
        co_return false;
    }
    socket_.set_option(tcp::no_delay(true), ec);
    co_return !stopped_;
}

asio::awaitable<bool> lookup_peer::identify() {
    uint16_t tcp_port = ctx_.opts.broadcast_tcp_port
                            ? static_cast<uint16_t>(ctx_.opts.broadcast_tcp_port)
                            : ctx_.tcp_port.load();
    uint16_t http_port = ctx_.opts.broadcast_http_port
                             ? static_cast<uint16_t>(ctx_.opts.broadcast_http_port)
                             : ctx_.http_port.load();
    // keys sorted, as Go marshals the map nsqd sends
    std::string body = fmt::format(
        R"({{"broadcast_address":{},"hostname":{},"http_port":{},"tcp_port":{},"version":"{}"}})",
        http::json_quote(ctx_.broadcast_address), http::json_quote(ctx_.hostname), http_port,
        tcp_port, nsq_version);
    ctx_.log->info("LOOKUPD({}): IDENTIFY {}", address_, body);
    if (auto ec = co_await write_all("  V1IDENTIFY\n" + be32(body.size()) + body)) {
        if (!stopped_) ctx_.log->error("LOOKUPD({}): ERROR IDENTIFY - {}", address_, ec.message());
        co_return false;
    }
    auto reply = co_await read_response();
    if (!reply) co_return false;

    error_code ec;
    auto info = boost::json::parse(*reply, ec);
    if (ec || !info.is_object()) {
        ctx_.log->error("LOOKUPD({}): ERROR IDENTIFY - {}", address_, *reply);
        co_return false;
    }
    ctx_.log->info("LOOKUPD({}): peer info {}", address_, *reply);
    const auto& obj = info.as_object();
    const auto* addr = obj.if_contains("broadcast_address");
    const auto* port = obj.if_contains("http_port");
    if (addr && addr->is_string() && !addr->as_string().empty() && port && port->is_int64() &&
        port->as_int64() > 0 && port->as_int64() <= 65535) {
        std::lock_guard lock(info_mu_);
        http_address_ = lookupd_http_address{std::string(addr->as_string().c_str()),
                                             static_cast<uint16_t>(port->as_int64())};
    } else {
        ctx_.log->error("LOOKUPD({}): no broadcast address/http port in IDENTIFY response",
                        address_);
    }

    // From here on events are queued; everything that happened before is in the snapshot.
    connected_ = true;
    queue_.clear();
    next_ping_ = steady::now() + timing_.ping_interval;
    auto lines = full_registration();
    for (const auto& line : lines)
        ctx_.log->info("LOOKUPD({}): {}", address_, without_newline(line));
    co_return co_await exchange(std::move(lines));
}

std::vector<std::string> lookup_peer::full_registration() const {
    std::vector<std::string> lines;
    for (const auto& t : ctx_.topics.topics()) {
        auto channels = t->channels();
        if (channels.empty()) lines.push_back("REGISTER " + t->name() + "\n");
        for (const auto& c : channels) {
            lines.push_back("REGISTER " + t->name() + " " + c->name() + "\n");
        }
    }
    return lines;
}

asio::awaitable<void> lookup_peer::serve() {
    for (;;) {
        if (stopped_ || !connected_) co_return;
        if (!queue_.empty()) {
            std::vector<std::string> lines(std::make_move_iterator(queue_.begin()),
                                           std::make_move_iterator(queue_.end()));
            queue_.clear();
            for (const auto& line : lines) {
                ctx_.log->info("LOOKUPD({}): {}", address_, without_newline(line));
            }
            if (!co_await exchange(std::move(lines))) co_return;
            continue;
        }
        auto now = steady::now();
        if (now >= next_ping_) {
            ctx_.log->debug("LOOKUPD({}): sending heartbeat", address_);
            next_ping_ = now + timing_.ping_interval;
            std::vector<std::string> ping(1, "PING\n");
            if (!co_await exchange(std::move(ping))) co_return;
            continue;
        }
        // Idle: until the next PING, a queued command, stop(), or the lookupd closing the
        // connection (it never speaks first, so "readable" means EOF or an error).
        timer_.expires_at(next_ping_);
        auto tick = timer_.async_wait(use_tuple);
        auto readable = socket_.async_wait(tcp::socket::wait_read, use_tuple);
        auto woke = co_await (std::move(tick) || std::move(readable));
        if (woke.index() == 1 && !stopped_) {
            ctx_.log->error("LOOKUPD({}): connection closed by nsqlookupd", address_);
            co_return;
        }
    }
}

asio::awaitable<bool> lookup_peer::exchange(std::vector<std::string> lines) {
    for (size_t begin = 0; begin < lines.size(); begin += commands_per_write) {
        size_t end = std::min(lines.size(), begin + commands_per_write);
        std::string batch;
        for (size_t i = begin; i < end; ++i) batch += lines[i];
        if (auto ec = co_await write_all(std::move(batch))) {
            if (!stopped_) {
                ctx_.log->error("LOOKUPD({}): ERROR {} - {}", address_,
                                without_newline(lines[begin]), ec.message());
            }
            co_return false;
        }
        for (size_t i = begin; i < end; ++i) {
            auto reply = co_await read_response();
            if (!reply) co_return false;
            if (reply->rfind("E_", 0) == 0) {
                ctx_.log->error("LOOKUPD({}): ERROR {} - {}", address_, without_newline(lines[i]),
                                *reply);
            }
        }
    }
    co_return true;
}

asio::awaitable<lookup_peer::error_code> lookup_peer::write_all(std::string bytes) {
    auto write = asio::async_write(socket_, asio::buffer(bytes), use_tuple);
    auto written = co_await with_deadline(std::move(write), timing_.io_timeout);
    if (!written) co_return asio::error::timed_out;
    co_return std::get<0>(*written);
}

asio::awaitable<std::optional<std::string>> lookup_peer::read_response() {
    char header[4];
    auto read_header = asio::async_read(socket_, asio::buffer(header, sizeof(header)), use_tuple);
    auto got = co_await with_deadline(std::move(read_header), timing_.io_timeout);
    error_code ec = got ? std::get<0>(*got) : error_code(asio::error::timed_out);
    if (ec) {
        if (!stopped_) ctx_.log->error("LOOKUPD({}): ERROR read - {}", address_, ec.message());
        co_return std::nullopt;
    }
    int32_t size = wire::get_i32be(header);
    if (size < 0 || size > ctx_.opts.max_body_size) {
        ctx_.log->error("LOOKUPD({}): ERROR response size {} out of range", address_, size);
        co_return std::nullopt;
    }
    std::string data(static_cast<size_t>(size), '\0');
    if (size > 0) {
        auto read_data = asio::async_read(socket_, asio::buffer(data), use_tuple);
        auto done = co_await with_deadline(std::move(read_data), timing_.io_timeout);
        ec = done ? std::get<0>(*done) : error_code(asio::error::timed_out);
        if (ec) {
            if (!stopped_) ctx_.log->error("LOOKUPD({}): ERROR read - {}", address_, ec.message());
            co_return std::nullopt;
        }
    }
    co_return data;
}

}  // namespace nsqpp::nsqd
