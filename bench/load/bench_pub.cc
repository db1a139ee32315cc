// nsq_bench_pub: publish throughput (like NSQ's bench/bench_writer). Each connection pipelines
// MPUB (PUB when --batch-size=1) keeping at most --max-outstanding commands un-acknowledged.
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
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
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int64_t> last_ack_ns{0};
};

struct job {
    std::string address;
    std::string command;  // one PUB or MPUB command
    uint64_t batch = 0;   // messages per command
    uint64_t quota = 0;   // messages this connection publishes (UINT64_MAX: until stopped)
    uint64_t max_outstanding = 0;
    nb::transport_options transport;
};

void note_max(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load(std::memory_order_relaxed);
    while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

void run_connection(const job& j, shared_state& st, int index) {
    nb::connection c(j.address);
    if (j.transport.any()) c.negotiate(j.transport);
    std::string burst;
    for (uint64_t i = 0; i < j.max_outstanding; ++i) burst += j.command;
    st.ready.fetch_add(1);
    while (!st.go.load()) std::this_thread::yield();

    uint64_t outstanding = 0;
    uint64_t sent = 0;
    bool broken = false;  // a write failed: only collect the replies already sent
    for (;;) {
        uint64_t n = 0;
        while (!broken && !st.stop.load(std::memory_order_relaxed) &&
               outstanding + n < j.max_outstanding && sent + (n + 1) * j.batch <= j.quota) {
            ++n;
        }
        if (n > 0) {
            if (!c.write_all(std::string_view(burst).substr(0, n * j.command.size()))) {
                std::fprintf(stderr, "[pub %d] write failed with %" PRIu64 " outstanding\n", index,
                             outstanding);
                st.errors.fetch_add(1);
                broken = true;
                n = 0;  // commands of this burst may be partly sent: never acknowledged
            }
            outstanding += n;
            sent += n * j.batch;
        }
        if (outstanding == 0) break;
        auto f = c.next_frame(nb::clock::now() + std::chrono::seconds(10));
        if (!f) {
            std::fprintf(stderr, "[pub %d] %s with %" PRIu64 " commands un-acknowledged\n", index,
                         c.timed_out() ? "no reply for 10s" : "connection closed by nsqd",
                         outstanding);
            st.errors.fetch_add(1);
            return;
        }
        if (nb::is_heartbeat(*f)) {
            c.write_all("NOP\n");
            continue;
        }
        --outstanding;
        if (f->type == frame_type::error) {
            if (st.errors.fetch_add(1) < 10) {
                std::fprintf(stderr, "[pub %d] error: %.*s\n", index,
                             static_cast<int>(f->data.size()), f->data.data());
            }
            continue;
        }
        if (f->data != "OK") {
            std::fprintf(stderr, "[pub %d] unexpected response %.*s\n", index,
                         static_cast<int>(f->data.size()), f->data.data());
            st.errors.fetch_add(1);
            continue;
        }
        st.acked.fetch_add(j.batch, std::memory_order_relaxed);
        note_max(st.last_ack_ns, nb::now_ns());
    }
}

nb::flags make_flags(int argc, char** argv) {
    nb::flags fl;
    fl.add("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> of nsqd's TCP listener")
        .add("topic", "sub_bench", "topic to publish to")
        .add("size", "200", "message body size in bytes")
        .add("batch-size", "200", "messages per MPUB (1 = PUB)")
        .add("connections", "2", "number of TCP connections (one thread each)")
        .add("duration", "10s", "how long to publish (ignored when --messages is set)")
        .add("messages", "0", "publish exactly this many messages in total (rounded up to batches)")
        .add("max-outstanding", "0",
             "un-acknowledged commands per connection (0 = 16 for MPUB, 256 for PUB)");
    nb::add_transport_flags(fl);
    fl.parse(argc, argv, "publish throughput benchmark (raw NSQ V2 protocol)");
    if (fl.i64("size") <= 0 || fl.i64("batch-size") <= 0 || fl.i64("connections") <= 0 ||
        fl.i64("messages") < 0) {
        std::fprintf(stderr, "--size, --batch-size and --connections must be positive\n");
        std::exit(2);
    }
    return fl;
}

// One job per connection; with --messages the exact number of commands is spread over them.
std::vector<job> make_jobs(const nb::flags& fl) {
    const auto batch = static_cast<uint64_t>(fl.i64("batch-size"));
    const auto conns = static_cast<uint64_t>(fl.i64("connections"));
    const auto messages = static_cast<uint64_t>(fl.i64("messages"));
    job j;
    j.address = fl.str("nsqd-tcp-address");
    const std::string body = nb::make_body(static_cast<size_t>(fl.i64("size")));
    if (batch == 1) {
        nb::append_pub(j.command, fl.str("topic"), body);
    } else {
        nb::append_mpub(j.command, fl.str("topic"), std::vector<std::string>(batch, body));
    }
    j.batch = batch;
    j.transport = nb::transport_from_flags(fl);
    j.max_outstanding =
        fl.i64("max-outstanding") > 0 ? fl.i64("max-outstanding") : (batch == 1 ? 256 : 16);
    j.quota = UINT64_MAX;
    std::vector<job> jobs(conns, j);
    if (messages > 0) {
        uint64_t commands = (messages + batch - 1) / batch;
        for (uint64_t i = 0; i < conns; ++i) {
            jobs[i].quota = (commands / conns + (i < commands % conns)) * batch;
        }
    }
    return jobs;
}

// Prints progress every second until the connections finish; stops them after `duration`
// (when not zero).
void watch(shared_state& st, std::atomic<bool>& finished, nb::clock::time_point start,
           std::chrono::nanoseconds duration) {
    uint64_t last = 0;
    auto next_tick = start + std::chrono::seconds(1);
    int sec = 0;
    while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        auto now = nb::clock::now();
        if (duration.count() > 0 && now - start >= duration) st.stop.store(true);
        if (now >= next_tick) {
            uint64_t acked = st.acked.load();
            std::printf("[pub] %2ds: %10.0f msgs/s  (total %" PRIu64 ")\n", ++sec,
                        static_cast<double>(acked - last), acked);
            std::fflush(stdout);
            last = acked;
            next_tick += std::chrono::seconds(1);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    const nb::flags fl = make_flags(argc, argv);
    const std::vector<job> jobs = make_jobs(fl);
    const int conns = static_cast<int>(jobs.size());
    const int64_t messages = fl.i64("messages");
    const auto duration = messages > 0 ? std::chrono::nanoseconds{0} : fl.duration("duration");

    shared_state st;
    std::vector<std::thread> threads;
    for (int i = 0; i < conns; ++i) {
        threads.emplace_back([&, i] { run_connection(jobs[i], st, i); });
    }
    while (st.ready.load() < conns) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto start = nb::clock::now();
    const int64_t start_ns = nb::now_ns();
    st.go.store(true);
    std::printf("[pub] %d connections, %s-byte messages, batch %" PRIu64 ", max %" PRIu64
                " outstanding, %s\n",
                conns, fl.str("size").c_str(), jobs[0].batch, jobs[0].max_outstanding,
                messages > 0 ? (std::to_string(messages) + " messages").c_str()
                             : (fl.str("duration")).c_str());
    std::fflush(stdout);

    std::atomic<bool> finished{false};
    std::thread joiner([&] {
        for (auto& t : threads) t.join();
        finished.store(true);
    });
    watch(st, finished, start, duration);
    joiner.join();

    uint64_t acked = st.acked.load();
    int64_t end_ns = st.last_ack_ns.load();
    double secs = end_ns > start_ns ? (end_ns - start_ns) / 1e9 : 0.0;
    double rate = secs > 0 ? acked / secs : 0.0;
    double mbs = rate * static_cast<double>(fl.i64("size")) / 1e6;
    std::printf("pub: %" PRIu64 " msgs in %.3f s = %.0f msgs/s (%.1f MB/s)\n", acked, secs, rate,
                mbs);
    if (st.errors.load() > 0) {
        std::printf("pub: %" PRIu64 " errors\n", st.errors.load());
        return 1;
    }
    return 0;
}
