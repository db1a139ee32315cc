#include "nsqd/statsd.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <iterator>
#include <string_view>

#include "net/worker_pool.h"
#include "nsqd/http_config.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_ephemeral_name(std::string_view name) { return name.ends_with("#ephemeral"); }

class line_writer {
  public:
    line_writer(const std::string& prefix, std::vector<std::string>& out)
        : prefix_(prefix), out_(out) {}
    void counter(std::string_view stat, int64_t v) { add(stat, v, 'c'); }
    void gauge(std::string_view stat, int64_t v) { add(stat, v, 'g'); }

  private:
    void add(std::string_view stat, int64_t v, char type) {
        out_.push_back(fmt::format("{}{}:{}|{}\n", prefix_, stat, v, type));
    }
    const std::string& prefix_;
    std::vector<std::string>& out_;
};

// Go: int64(value) of a float64 ns figure.
int64_t to_int(double v) {
    if (!std::isfinite(v) || v < -9.2e18 || v > 9.2e18) return 0;
    return static_cast<int64_t>(v);
}

// Counters wrap like NSQ's uint64 subtraction converted to int64.
int64_t delta(uint64_t now, uint64_t before) { return static_cast<int64_t>(now - before); }

void e2e_gauges(line_writer& w, const std::string& base, const e2e_latency_stats& e) {
    if (!e.percentiles) return;
    for (const auto& [q, value] : *e.percentiles) {
        w.gauge(base + ".e2e_processing_latency_" + quantile_suffix(q), to_int(value));
    }
}

template <typename T, typename Name>
const T* find_named(const std::vector<T>& list, const std::string& name, Name name_of) {
    auto it =
        std::find_if(list.begin(), list.end(), [&](const T& x) { return name_of(x) == name; });
    return it == list.end() ? nullptr : &*it;
}

void channel_lines(line_writer& w, const std::string& topic_base, const channel_stats& c,
                   const channel_stats* last) {
    static const channel_stats none;
    if (!last) last = &none;
    std::string base = topic_base + ".channel." + c.channel_name;
    w.counter(base + ".message_count", delta(c.message_count, last->message_count));
    w.gauge(base + ".depth", c.depth);
    w.gauge(base + ".backend_depth", c.backend_depth);
    w.gauge(base + ".in_flight_count", c.in_flight_count);
    w.gauge(base + ".deferred_count", c.deferred_count);
    w.counter(base + ".requeue_count", delta(c.requeue_count, last->requeue_count));
    w.counter(base + ".timeout_count", delta(c.timeout_count, last->timeout_count));
    w.gauge(base + ".clients", c.client_count);
    e2e_gauges(w, base, c.e2e_processing_latency);
}

void topic_lines(line_writer& w, const topic_stats& t, const topic_stats* last,
                 bool exclude_ephemeral) {
    static const topic_stats none;
    if (!last) last = &none;
    std::string base = "topic." + t.topic_name;
    w.counter(base + ".message_count", delta(t.message_count, last->message_count));
    w.counter(base + ".message_bytes", delta(t.message_bytes, last->message_bytes));
    w.gauge(base + ".depth", t.depth);
    w.gauge(base + ".backend_depth", t.backend_depth);
    e2e_gauges(w, base, t.e2e_processing_latency);
    for (const auto& c : t.channels) {
        if (exclude_ephemeral && is_ephemeral_name(c.channel_name)) continue;
        channel_lines(w, base, c,
                      find_named(last->channels, c.channel_name,
                                 [](const channel_stats& x) { return x.channel_name; }));
    }
}

void memory_lines(line_writer& w, const memory_stats& m, const memory_stats* last) {
    w.gauge("mem.heap_objects", m.heap_objects);
    w.gauge("mem.heap_idle_bytes", m.heap_idle_bytes);
    w.gauge("mem.heap_in_use_bytes", m.heap_in_use_bytes);
    w.gauge("mem.heap_released_bytes", m.heap_released_bytes);
    w.gauge("mem.gc_pause_usec_100", m.gc_pause_usec_100);
    w.gauge("mem.gc_pause_usec_99", m.gc_pause_usec_99);
    w.gauge("mem.gc_pause_usec_95", m.gc_pause_usec_95);
    w.gauge("mem.next_gc_bytes", m.next_gc_bytes);
    w.counter("mem.gc_runs", m.gc_total_runs - (last ? last->gc_total_runs : 0));
}

}  // namespace

std::string quantile_suffix(double quantile) { return fmt::format("{:.0f}", quantile * 100.0); }

std::vector<std::string> statsd_lines(const std::string& prefix, const nsqd_stats& current,
                                      const nsqd_stats* last, bool exclude_ephemeral) {
    std::vector<std::string> out;
    line_writer w(prefix, out);
    static const std::vector<topic_stats> no_topics;
    const auto& last_topics = last && last->topics ? *last->topics : no_topics;
    if (current.topics) {
        for (const auto& t : *current.topics) {
            if (exclude_ephemeral && is_ephemeral_name(t.topic_name)) continue;
            topic_lines(w, t,
                        find_named(last_topics, t.topic_name,
                                   [](const topic_stats& x) { return x.topic_name; }),
                        exclude_ephemeral);
        }
    }
    if (current.memory) {
        memory_lines(w, *current.memory, last && last->memory ? &*last->memory : nullptr);
    }
    return out;
}

std::vector<std::string> pack_datagrams(const std::vector<std::string>& lines, size_t packet_size) {
    std::vector<std::string> out;
    std::string cur;
    for (const auto& line : lines) {
        if (!cur.empty() && cur.size() + line.size() > packet_size) {
            out.push_back(std::move(cur));
            cur.clear();
        }
        if (cur.empty() && line.size() > packet_size) {
            out.push_back(line);  // too long for any datagram: alone
            continue;
        }
        cur += line;
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
}

statsd_loop::statsd_loop(context& ctx, asio::any_io_executor ex) : ctx_(ctx), ex_(ex), timer_(ex) {}

void statsd_loop::start() {
    auto prefix = config_value(ctx_, "statsd_prefix");  // expanded as /config shows it
    prefix_ = prefix ? prefix->body : std::string();
    asio::co_spawn(ex_, run(shared_from_this()), asio::detached);
}

void statsd_loop::stop() {
    if (stopping_.exchange(true)) return;
    asio::post(ex_, [self = shared_from_this()] { self->timer_.cancel(); });
}

asio::awaitable<bool> statsd_loop::sleep_until(std::chrono::steady_clock::time_point t) {
    if (stopping_.load()) co_return false;
    timer_.expires_at(t);
    auto [ec] = co_await timer_.async_wait(use_tuple);
    co_return !ec && !stopping_.load();
}

asio::awaitable<void> statsd_loop::run(std::shared_ptr<statsd_loop> self) {
    const auto interval = std::max<std::chrono::nanoseconds>(self->ctx_.opts.statsd_interval,
                                                             std::chrono::milliseconds(1));
    // a ticker, as NSQ's: pushes start every interval however long the previous one spread
    auto next = std::chrono::steady_clock::now() + interval;
    for (;;) {
        bool ok = co_await self->sleep_until(next);
        if (!ok) break;
        next += interval;
        if (auto now = std::chrono::steady_clock::now(); next <= now) next = now + interval;
        auto pushing = push(self);  // g++ 12: no temporaries inside co_await (TOOLCHAIN.md)
        co_await std::move(pushing);
    }
    self->ctx_.log->info("STATSD: closing");
}

asio::awaitable<void> statsd_loop::push(std::shared_ptr<statsd_loop> self) {
    const options& o = self->ctx_.opts;
    const std::string& addr = o.statsd_address;
    udp::socket socket(self->ex_);
    std::string host;
    std::string port;
    try {
        auto hp = net::split_host_port(addr);
        host = hp.first.empty() ? "127.0.0.1" : hp.first;
        port = std::to_string(hp.second);
    } catch (const std::exception&) {
        host.clear();
    }
    udp::resolver resolver(self->ex_);
    boost::system::error_code ec;
    udp::resolver::results_type endpoints;
    if (!host.empty()) {
        std::tie(ec, endpoints) = co_await resolver.async_resolve(host, port, use_tuple);
    }
    if (!host.empty() && !ec && !endpoints.empty()) {
        const udp::endpoint target = endpoints.begin()->endpoint();
        socket.open(target.protocol(), ec);
        if (!ec) socket.connect(target, ec);
    }
    if (host.empty() || ec || endpoints.empty()) {
        self->ctx_.log->error("failed to create UDP socket to statsd({})", addr);
        co_return;
    }
    self->ctx_.log->info("STATSD: pushing stats to {}", addr);
    if (!self->ctx_.collect_stats) co_return;
    stats_filter filter;
    filter.include_clients = false;
    filter.include_mem = o.statsd_mem_stats;
    nsqd_stats current = self->ctx_.collect_stats(filter);
    auto lines = statsd_lines(self->prefix_, current, self->last_ ? &*self->last_ : nullptr,
                              o.statsd_exclude_ephemeral);
    self->last_ = std::move(current);
    auto packets =
        pack_datagrams(lines, static_cast<size_t>(std::max<int64_t>(1, o.statsd_udp_packet_size)));
    // NSQ spreads the datagrams over (interval - 1s); nothing to spread for shorter intervals.
    auto spread = o.statsd_interval - std::chrono::seconds(1);
    auto gap = packets.empty() || spread.count() <= 0
                   ? std::chrono::nanoseconds(0)
                   : spread / static_cast<int64_t>(packets.size());
    bool pause = gap.count() > 0;
    for (size_t i = 0; i < packets.size(); ++i) {
        if (i > 0 && pause) {  // stopping: the rest goes out at once
            pause = co_await self->sleep_until(std::chrono::steady_clock::now() + gap);
        }
        auto [send_ec, n] = co_await socket.async_send(asio::buffer(packets[i]), use_tuple);
        (void)send_ec;  // UDP: an unreachable statsd is not an error worth a log line per packet
        (void)n;
    }
    socket.close(ec);
}

}  // namespace nsqpp::nsqd
