// nsq_bench_sub: consume throughput (like NSQ's bench/bench_reader). Each connection SUBs,
// sends RDY once and FINs every message; the FINs of one read are sent in one write.
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
    std::atomic<uint64_t> received{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int> running{0};
    std::atomic<int64_t> last_ns{0};
};

struct job {
    std::string address;
    std::string identify;  // IDENTIFY JSON or empty
    nb::transport_options transport;
    std::string sub;  // SUB command
    std::string rdy;  // RDY command
};

void note_max(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load(std::memory_order_relaxed);
    while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

void run_connection(const job& j, shared_state& st, int index) {
    nb::connection c(j.address);
    if (j.transport.any()) {
        c.negotiate(j.transport, j.identify.empty() ? "{}" : j.identify);
    } else if (!j.identify.empty()) {
        std::string cmd;
        nb::append_identify(cmd, j.identify);
        c.request(cmd, "IDENTIFY");
    }
    c.request(j.sub, "SUB");
    st.ready.fetch_add(1);
    while (!st.go.load()) std::this_thread::yield();
    c.write_all(j.rdy);

    std::string fins;
    uint64_t pending = 0;  // received but not yet added to st.received
    while (!st.stop.load(std::memory_order_relaxed)) {
        auto f = c.next_frame(nb::clock::now() + std::chrono::milliseconds(100));
        if (!f) {
            if (c.timed_out()) continue;
            if (!st.stop.load()) {
                std::fprintf(stderr, "[sub %d] connection closed by nsqd\n", index);
                st.errors.fetch_add(1);
            }
            break;
        }
        if (f->type == frame_type::message) {
            auto m = nsqpp::wire::decode_message(f->data);
            if (!m) {
                std::fprintf(stderr, "[sub %d] short message frame\n", index);
                st.errors.fetch_add(1);
                break;
            }
            fins.append("FIN ").append(m->id).push_back('\n');
            ++pending;
        } else if (nb::is_heartbeat(*f)) {
            fins.append("NOP\n");
        } else if (f->type == frame_type::error) {
            if (st.errors.fetch_add(1) < 10) {
                std::fprintf(stderr, "[sub %d] error: %.*s\n", index,
                             static_cast<int>(f->data.size()), f->data.data());
            }
        }
        if (!c.frame_buffered() && !fins.empty()) {
            if (pending > 0) {
                note_max(st.last_ns, nb::now_ns());
                st.received.fetch_add(pending, std::memory_order_relaxed);
                pending = 0;
            }
            if (!c.write_all(fins)) {
                std::fprintf(stderr, "[sub %d] write failed\n", index);
                st.errors.fetch_add(1);
                break;
            }
            fins.clear();
        }
    }
    if (!fins.empty()) c.write_all(fins);
    if (pending > 0) st.received.fetch_add(pending);
}

nb::flags make_flags(int argc, char** argv) {
    nb::flags fl;
    fl.add("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> of nsqd's TCP listener")
        .add("topic", "sub_bench", "topic to subscribe to")
        .add("channel", "ch", "channel to subscribe to")
        .add("connections", "2", "number of TCP connections (one thread each)")
        .add("rdy", "2500", "RDY count per connection")
        .add("duration", "10s", "how long to consume (ignored when --messages is set)")
        .add("messages", "0", "stop after this many messages in total")
        .add("idle-timeout", "5s", "stop when no message arrives for this long (0 = never)")
        .add("output-buffer-size", "0", "IDENTIFY output_buffer_size (0 = don't send IDENTIFY)")
        .add("output-buffer-timeout", "0", "IDENTIFY output_buffer_timeout in ms (0 = default)");
    nb::add_transport_flags(fl);
    fl.parse(argc, argv, "consume throughput benchmark (raw NSQ V2 protocol)");
    if (fl.i64("connections") <= 0 || fl.i64("messages") < 0) {
        std::fprintf(stderr, "--connections must be positive\n");
        std::exit(2);
    }
    return fl;
}

job make_job(const nb::flags& fl) {
    job j;
    j.address = fl.str("nsqd-tcp-address");
    j.sub = "SUB " + fl.str("topic") + " " + fl.str("channel") + "\n";
    j.rdy = "RDY " + fl.str("rdy") + "\n";
    j.transport = nb::transport_from_flags(fl);
    if (fl.i64("output-buffer-size") != 0 || fl.i64("output-buffer-timeout") != 0) {
        j.identify = "{\"output_buffer_size\":" + fl.str("output-buffer-size") +
                     ",\"output_buffer_timeout\":" + fl.str("output-buffer-timeout") +
                     ",\"user_agent\":\"nsq_bench_sub\"}";
    }
    return j;
}

// Prints progress every second; returns why consuming should stop.
const char* watch(shared_state& st, nb::clock::time_point start, uint64_t messages,
                  std::chrono::nanoseconds duration, std::chrono::nanoseconds idle) {
    uint64_t last = 0;  // total at the previous poll
    uint64_t prev = 0;  // total at the previous progress line
    auto last_progress = start;
    auto next_tick = start + std::chrono::seconds(1);
    int sec = 0;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto now = nb::clock::now();
        uint64_t got = st.received.load();
        if (messages > 0 && got >= messages) return "all messages received";
        if (messages == 0 && now - start >= duration) return "duration reached";
        if (st.running.load() == 0) return "every connection ended";
        if (got != last) last_progress = now;
        if (idle.count() > 0 && now - last_progress >= idle) return "idle timeout";
        if (now >= next_tick) {
            std::printf("[sub] %2ds: %10.0f msgs/s  (total %" PRIu64 ")\n", ++sec,
                        static_cast<double>(got - prev), got);
            std::fflush(stdout);
            prev = got;
            next_tick += std::chrono::seconds(1);
        }
        last = got;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const nb::flags fl = make_flags(argc, argv);
    const job j = make_job(fl);
    const int conns = static_cast<int>(fl.i64("connections"));
    const auto messages = static_cast<uint64_t>(fl.i64("messages"));

    shared_state st;
    st.running.store(conns);
    std::vector<std::thread> threads;
    for (int i = 0; i < conns; ++i) {
        threads.emplace_back([&, i] {
            run_connection(j, st, i);
            st.running.fetch_sub(1);
        });
    }
    while (st.ready.load() < conns) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto start = nb::clock::now();
    const int64_t start_ns = nb::now_ns();
    st.go.store(true);
    std::printf("[sub] %d connections, RDY %s, %s\n", conns, fl.str("rdy").c_str(),
                messages > 0 ? (std::to_string(messages) + " messages").c_str()
                             : fl.str("duration").c_str());
    std::fflush(stdout);
    const char* why =
        watch(st, start, messages, fl.duration("duration"), fl.duration("idle-timeout"));
    st.stop.store(true);
    for (auto& t : threads) t.join();

    uint64_t got = st.received.load();
    int64_t end_ns = st.last_ns.load();
    double secs = end_ns > start_ns ? (end_ns - start_ns) / 1e9 : 0.0;
    double rate = secs > 0 ? got / secs : 0.0;
    std::printf("sub: %" PRIu64 " msgs in %.3f s = %.0f msgs/s (%s)\n", got, secs, rate, why);
    if (st.errors.load() > 0) {
        std::printf("sub: %" PRIu64 " errors\n", st.errors.load());
        return 1;
    }
    if (messages > 0 && got < messages) {
        std::printf("sub: only %" PRIu64 " of %" PRIu64 " messages arrived\n", got, messages);
        return 1;
    }
    return 0;
}
