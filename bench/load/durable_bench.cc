// nsq_bench_durable: publish throughput and acknowledgement latency with N concurrent
// publishers, each waiting for the OK of its PUB/MPUB before sending the next (what a producer
// that needs "acknowledged = stored" does). --rate paces the total message rate (open loop per
// publisher); 0 publishes as fast as the acknowledgements come. Run it against nsqd with and
// without --durability=fsync (docs/benchmarks.md).
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/load/common.h"

namespace nb = nsqpp::bench;
using nsqpp::wire::frame_type;

namespace {

struct shared_state {
    std::atomic<uint64_t> acked{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<int64_t> latencies;  // ns, one per command
};

struct job {
    std::string address;
    std::string command;
    uint64_t batch = 1;
    double commands_per_sec = 0;  // per publisher; 0 = closed loop
    int64_t warmup_end_ns = 0;
};

void publisher(const job& j, shared_state& st, int index) {
    nb::connection c(j.address);
    std::vector<int64_t> local;
    local.reserve(1 << 16);
    auto interval = j.commands_per_sec > 0
                        ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / j.commands_per_sec))
                        : std::chrono::nanoseconds(0);
    auto next = nb::clock::now() + interval * index / 64;  // spread the publishers
    while (!st.stop.load(std::memory_order_relaxed)) {
        if (interval.count() > 0) {
            std::this_thread::sleep_until(next);
            next += interval;
        }
        int64_t t0 = nb::now_ns();
        if (!c.write_all(j.command)) {
            st.errors.fetch_add(1);
            break;
        }
        std::optional<nsqpp::wire::frame> f;
        do {
            f = c.next_frame(nb::clock::now() + std::chrono::seconds(10));
            if (f && nb::is_heartbeat(*f)) c.write_all("NOP\n");
        } while (f && nb::is_heartbeat(*f));
        if (!f || f->type != frame_type::response || f->data != "OK") {
            if (st.errors.fetch_add(1) < 5) std::fprintf(stderr, "[durable %d] no OK\n", index);
            break;
        }
        int64_t t1 = nb::now_ns();
        if (t0 >= j.warmup_end_ns) {
            local.push_back(t1 - t0);
            st.acked.fetch_add(j.batch, std::memory_order_relaxed);
        }
    }
    std::lock_guard lock(st.mu);
    st.latencies.insert(st.latencies.end(), local.begin(), local.end());
}

double percentile_ms(std::vector<int64_t>& v, double q) {
    if (v.empty()) return 0;
    size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
    return static_cast<double>(v[i]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    nb::flags fl;
    fl.add("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> of nsqd's TCP listener")
        .add("topic", "durable_bench", "topic to publish to")
        .add("size", "200", "message body size in bytes")
        .add("batch-size", "1", "messages per command (1 = PUB, more = MPUB)")
        .add("publishers", "8", "concurrent publishers (one connection and thread each)")
        .add("rate", "0", "total messages per second (0 = as fast as acknowledged)")
        .add("duration", "5s", "measured publishing time")
        .add("warmup", "1s", "publishing time before measuring");
    fl.parse(argc, argv, "durable publish throughput and ack latency (raw NSQ V2 protocol)");
    const int pubs = static_cast<int>(fl.i64("publishers"));
    const auto batch = static_cast<uint64_t>(fl.i64("batch-size"));
    if (pubs <= 0 || batch == 0 || fl.i64("size") <= 0 || fl.f64("rate") < 0) {
        std::fprintf(stderr, "--publishers, --batch-size and --size must be positive\n");
        return 2;
    }
    job j;
    j.address = fl.str("nsqd-tcp-address");
    j.batch = batch;
    std::string body = nb::make_body(static_cast<size_t>(fl.i64("size")));
    if (batch == 1) {
        nb::append_pub(j.command, fl.str("topic"), body);
    } else {
        nb::append_mpub(j.command, fl.str("topic"), std::vector<std::string>(batch, body));
    }
    j.commands_per_sec = fl.f64("rate") / static_cast<double>(batch) / pubs;
    auto warmup = fl.duration("warmup");
    j.warmup_end_ns = nb::now_ns() + warmup.count();

    shared_state st;
    std::vector<std::thread> threads;
    for (int i = 0; i < pubs; ++i) threads.emplace_back([&, i] { publisher(j, st, i); });
    std::this_thread::sleep_for(warmup + fl.duration("duration"));
    st.stop.store(true);
    for (auto& t : threads) t.join();

    double secs = static_cast<double>(fl.duration("duration").count()) / 1e9;
    uint64_t acked = st.acked.load();
    auto& lat = st.latencies;
    std::printf("durable-bench: %d publishers, %s, %" PRIu64
                "-message commands, %s-byte bodies, "
                "rate %s: %.0f msgs/s, ack latency p50 %.3f ms p99 %.3f ms p99.9 %.3f ms "
                "(%zu commands)\n",
                pubs, batch == 1 ? "PUB" : "MPUB", batch, fl.str("size").c_str(),
                fl.str("rate").c_str(), static_cast<double>(acked) / secs, percentile_ms(lat, 0.50),
                percentile_ms(lat, 0.99), percentile_ms(lat, 0.999), lat.size());
    return st.errors.load() > 0 ? 1 : 0;
}
