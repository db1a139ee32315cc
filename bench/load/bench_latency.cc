// nsq_bench_latency: publishes at a fixed rate with the send time (steady clock) in each body;
// a consumer on the same topic measures publish → receive latency and prints percentiles.
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/load/common.h"

namespace nb = nsqpp::bench;
using nsqpp::wire::frame_type;

namespace {

struct shared_state {
    std::atomic<uint64_t> published{0};  // acknowledged, after warm-up
    std::atomic<uint64_t> received{0};   // after warm-up
    std::atomic<uint64_t> errors{0};
    std::atomic<bool> stop_consumer{false};
    std::atomic<bool> stop_publisher{false};
    int64_t warmup_end_ns = 0;
    std::mutex mu;
    std::vector<int64_t> latencies;  // ns
};

void consume(nb::connection& c, shared_state& st) {
    std::string fins;
    std::vector<int64_t> local;
    local.reserve(1 << 20);
    while (!st.stop_consumer.load(std::memory_order_relaxed)) {
        auto f = c.next_frame(nb::clock::now() + std::chrono::milliseconds(100));
        if (!f) {
            if (c.timed_out()) continue;
            std::fprintf(stderr, "[latency] consumer connection closed by nsqd\n");
            st.errors.fetch_add(1);
            break;
        }
        if (f->type == frame_type::message) {
            int64_t now = nb::now_ns();
            auto m = nsqpp::wire::decode_message(f->data);
            if (!m || m->body.size() < 8) {
                std::fprintf(stderr, "[latency] bad message frame\n");
                st.errors.fetch_add(1);
                break;
            }
            int64_t sent = 0;
            std::memcpy(&sent, m->body.data(), 8);
            if (sent >= st.warmup_end_ns) {
                local.push_back(now - sent);
                st.received.fetch_add(1, std::memory_order_relaxed);
            }
            fins.append("FIN ").append(m->id).push_back('\n');
        } else if (nb::is_heartbeat(*f)) {
            fins.append("NOP\n");
        } else if (f->type == frame_type::error) {
            std::fprintf(stderr, "[latency] consumer error: %.*s\n",
                         static_cast<int>(f->data.size()), f->data.data());
            st.errors.fetch_add(1);
        }
        if (!c.frame_buffered() && !fins.empty()) {
            c.write_all(fins);
            fins.clear();
        }
    }
    std::lock_guard lock(st.mu);
    st.latencies = std::move(local);
}

// Reads the publisher connection's replies; heartbeats are answered under `write_mu`.
void read_acks(nb::connection& c, shared_state& st, std::mutex& write_mu,
               std::atomic<uint64_t>& outstanding) {
    int waited = 0;  // 100 ms polls since the publisher stopped
    while (!st.stop_publisher.load() || outstanding.load() > 0) {
        auto f = c.next_frame(nb::clock::now() + std::chrono::milliseconds(100));
        if (!f) {
            if (c.timed_out()) {
                if (st.stop_publisher.load() && outstanding.load() > 0) {
                    if (++waited > 100) {  // 10 s without the last OKs
                        std::fprintf(stderr, "[latency] %" PRIu64 " PUBs never acknowledged\n",
                                     outstanding.load());
                        st.errors.fetch_add(1);
                        return;
                    }
                }
                continue;
            }
            std::fprintf(stderr, "[latency] publisher connection closed by nsqd\n");
            st.errors.fetch_add(1);
            return;
        }
        if (nb::is_heartbeat(*f)) {
            std::lock_guard lock(write_mu);
            c.write_all("NOP\n");
            continue;
        }
        outstanding.fetch_sub(1);
        if (f->type == frame_type::error) {
            std::fprintf(stderr, "[latency] publish error: %.*s\n",
                         static_cast<int>(f->data.size()), f->data.data());
            st.errors.fetch_add(1);
        }
    }
}

double pct(const std::vector<int64_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1e6;
}

struct settings {
    std::string address;
    std::string topic;
    std::string channel;
    size_t size = 200;
    double rate = 0;
    std::chrono::nanoseconds duration{0};
    std::chrono::nanoseconds warmup{0};
    std::string rdy;
    std::string identify;  // consumer's IDENTIFY command, or empty
};

settings parse(int argc, char** argv) {
    nb::flags fl;
    fl.add("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> of nsqd's TCP listener")
        .add("topic", "latency_bench", "topic")
        .add("channel", "ch", "channel")
        .add("size", "200", "message body size in bytes (at least 8)")
        .add("rate", "10000", "messages per second to publish")
        .add("duration", "10s", "how long to publish")
        .add("warmup", "1s", "initial period not recorded")
        .add("rdy", "2500", "consumer RDY count")
        .add("output-buffer-size", "0", "consumer IDENTIFY output_buffer_size (0 = nsqd default)")
        .add("output-buffer-timeout", "0",
             "consumer IDENTIFY output_buffer_timeout in ms (0 = nsqd default, 250 ms in NSQ)");
    fl.parse(argc, argv, "publish -> consume latency benchmark (raw NSQ V2 protocol)");
    settings s;
    s.address = fl.str("nsqd-tcp-address");
    s.topic = fl.str("topic");
    s.channel = fl.str("channel");
    s.size = static_cast<size_t>(std::max<int64_t>(8, fl.i64("size")));
    s.rate = fl.f64("rate");
    s.duration = fl.duration("duration");
    s.warmup = fl.duration("warmup");
    s.rdy = fl.str("rdy");
    if (fl.i64("output-buffer-size") != 0 || fl.i64("output-buffer-timeout") != 0) {
        nb::append_identify(s.identify,
                            "{\"output_buffer_size\":" + fl.str("output-buffer-size") +
                                ",\"output_buffer_timeout\":" + fl.str("output-buffer-timeout") +
                                ",\"user_agent\":\"nsq_bench_latency\"}");
    }
    if (s.rate <= 0) {
        std::fprintf(stderr, "--rate must be positive\n");
        std::exit(2);
    }
    return s;
}

// Publishes at the configured rate until warm-up + duration have passed; each body starts
// with its send time. Returns the number of messages sent after the warm-up.
uint64_t publish(const settings& cfg, nb::connection& pub, shared_state& st, std::mutex& write_mu,
                 std::atomic<uint64_t>& outstanding) {
    std::string body = nb::make_body(cfg.size);
    std::string cmd;
    const auto start = nb::clock::now();
    const auto end = start + cfg.warmup + cfg.duration;
    uint64_t sent = 0;
    uint64_t sent_recorded = 0;
    int sec = 0;
    auto next_tick = start + std::chrono::seconds(1);
    for (auto now = start; now < end; now = nb::clock::now()) {
        auto due = static_cast<uint64_t>(nb::seconds(now - start) * cfg.rate);
        if (due > sent) {
            cmd.clear();
            outstanding.fetch_add(due - sent);
            for (; sent < due; ++sent) {
                int64_t t = nb::now_ns();
                std::memcpy(body.data(), &t, 8);
                nb::append_pub(cmd, cfg.topic, body);
                if (t >= st.warmup_end_ns) ++sent_recorded;
            }
            std::lock_guard lock(write_mu);
            if (!pub.write_all(cmd)) {
                std::fprintf(stderr, "[latency] publish write failed\n");
                st.errors.fetch_add(1);
                break;
            }
        }
        if (now >= next_tick) {
            std::printf("[latency] %2ds: sent %" PRIu64 ", received %" PRIu64 " (after warm-up)\n",
                        ++sec, sent, st.received.load());
            std::fflush(stdout);
            next_tick += std::chrono::seconds(1);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return sent_recorded;
}

int report(std::vector<int64_t> lat, uint64_t sent_recorded, double rate, uint64_t errors) {
    std::sort(lat.begin(), lat.end());
    std::printf(
        "latency: %zu msgs at %.0f/s: p50=%.3f ms p90=%.3f ms p99=%.3f ms "
        "p99.9=%.3f ms max=%.3f ms\n",
        lat.size(), rate, pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 99.9),
        lat.empty() ? 0.0 : lat.back() / 1e6);
    int rc = 0;
    if (lat.size() < sent_recorded) {
        std::printf("latency: only %zu of %" PRIu64 " messages arrived\n", lat.size(),
                    sent_recorded);
        rc = 1;
    }
    if (errors > 0) {
        std::printf("latency: %" PRIu64 " errors\n", errors);
        rc = 1;
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    const settings cfg = parse(argc, argv);
    shared_state st;
    nb::connection sub(cfg.address);
    if (!cfg.identify.empty()) sub.request(cfg.identify, "IDENTIFY");
    sub.request("SUB " + cfg.topic + " " + cfg.channel + "\n", "SUB");
    sub.write_all("RDY " + cfg.rdy + "\n");
    nb::connection pub(cfg.address);

    st.warmup_end_ns = nb::now_ns() + cfg.warmup.count();
    std::thread consumer([&] { consume(sub, st); });
    std::mutex write_mu;
    std::atomic<uint64_t> outstanding{0};
    std::thread acks([&] { read_acks(pub, st, write_mu, outstanding); });
    std::printf("[latency] %.0f msgs/s for %.1f s (+%.1f s warm-up), %zu-byte messages\n", cfg.rate,
                nb::seconds(cfg.duration), nb::seconds(cfg.warmup), cfg.size);
    std::fflush(stdout);
    const uint64_t sent_recorded = publish(cfg, pub, st, write_mu, outstanding);
    st.stop_publisher.store(true);

    // Wait for the consumer to see everything that was sent after the warm-up (at most 10 s).
    auto wait_until = nb::clock::now() + std::chrono::seconds(10);
    while (st.received.load() < sent_recorded && nb::clock::now() < wait_until &&
           st.errors.load() == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    st.stop_consumer.store(true);
    consumer.join();
    acks.join();
    std::lock_guard lock(st.mu);
    return report(std::move(st.latencies), sent_recorded, cfg.rate, st.errors.load());
}
