// nsq_bench_client: throughput of the C++ client library (src/client) with 200-byte messages.
//   1. mpub:      one producer, MPUB batches of --batch, up to --window batches outstanding;
//   2. pub-async: one producer, PUB with completion callbacks, up to --window outstanding;
//   3. consume:   one consumer (max_in_flight --max-in-flight, --handlers threads) reading every
//                 message published in 1 and 2.
// Uses --nsqd-tcp-address when given, else starts an in-process nsqd on 127.0.0.1 (which then
// shares the machine's cores with the benchmark).
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/log.h"
#include "bench/load/common.h"
#include "nsqd/nsqd.h"
#include "nsqpp/client.h"

namespace nb = nsqpp::bench;
namespace nc = nsqpp::client;

namespace {

// Bounded number of outstanding asynchronous requests.
class window {
  public:
    explicit window(int64_t size) : size_(size) {}
    void acquire() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return used_ < size_; });
        ++used_;
    }
    void release(bool failed) {
        {
            std::lock_guard lock(mu_);
            --used_;
            if (failed) ++failures_;
        }
        cv_.notify_all();
    }
    int64_t drain() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return used_ == 0; });
        return failures_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    int64_t size_, used_ = 0, failures_ = 0;
};

void report(const char* what, int64_t n, nb::clock::duration d, int64_t failures) {
    double s = nb::seconds(d);
    std::printf("%-10s %9lld msgs in %7.3f s = %10.0f msgs/s  (%.1f MB/s)%s\n", what,
                static_cast<long long>(n), s, n / s, n * 200.0 / s / 1e6,
                failures ? "  FAILURES" : "");
}

int64_t bench_mpub(const std::string& addr, const std::string& topic, int64_t n, int64_t batch,
                   int64_t win) {
    nc::config cfg;
    nc::producer p(addr, cfg);
    if (auto err = p.connect()) {
        std::fprintf(stderr, "connect: %s\n", err.message().c_str());
        std::exit(1);
    }
    std::vector<std::string> bodies(static_cast<size_t>(batch), std::string(200, 'm'));
    window w(win);
    auto start = nb::clock::now();
    for (int64_t sent = 0; sent < n; sent += batch) {
        w.acquire();
        p.multi_publish_async(topic, bodies, [&w](const nc::error& e) { w.release(bool(e)); });
    }
    int64_t failures = w.drain();
    report("mpub", (n + batch - 1) / batch * batch, nb::clock::now() - start, failures);
    return (n + batch - 1) / batch * batch;
}

int64_t bench_pub_async(const std::string& addr, const std::string& topic, int64_t n, int64_t win) {
    nc::producer p(addr, nc::config{});
    if (auto err = p.connect()) {
        std::fprintf(stderr, "connect: %s\n", err.message().c_str());
        std::exit(1);
    }
    const std::string body(200, 'p');
    window w(win);
    auto start = nb::clock::now();
    for (int64_t i = 0; i < n; ++i) {
        w.acquire();
        p.publish_async(topic, body, [&w](const nc::error& e) { w.release(bool(e)); });
    }
    int64_t failures = w.drain();
    report("pub-async", n, nb::clock::now() - start, failures);
    return n;
}

void bench_consume(const std::string& addr, const std::string& topic, int64_t total,
                   int64_t max_in_flight, int64_t handlers) {
    nc::config cfg;
    cfg.max_in_flight = static_cast<int>(max_in_flight);
    nc::consumer c(topic, "bench", cfg);
    std::atomic<int64_t> got{0};
    std::mutex mu;
    std::condition_variable cv;
    c.add_handler(
        [&](nc::message&) {
            if (++got == total) cv.notify_all();
            return nc::error{};
        },
        static_cast<int>(handlers));
    auto start = nb::clock::now();
    if (auto err = c.connect_to_nsqd(addr)) {
        std::fprintf(stderr, "consumer connect: %s\n", err.message().c_str());
        std::exit(1);
    }
    {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return got.load() >= total; });
    }
    report("consume", total, nb::clock::now() - start, 0);
    c.stop();
    c.wait();
}

}  // namespace

int main(int argc, char** argv) {
    nb::flags f;
    f.add("nsqd-tcp-address", "", "nsqd TCP address (default: an in-process nsqd)")
        .add("topic", "client_bench", "topic (the channel is 'bench')")
        .add("messages", "1000000", "messages per publish phase")
        .add("batch", "100", "MPUB batch size")
        .add("window", "64", "outstanding MPUB batches")
        .add("pub-window", "2000", "outstanding async PUBs")
        .add("max-in-flight", "1000", "consumer max_in_flight")
        .add("handlers", "1", "consumer handler threads")
        .add("workers", "2", "in-process nsqd worker threads");
    f.parse(argc, argv, "nsq_bench_client");

    std::unique_ptr<nsqpp::nsqd::nsqd> daemon;
    std::string data_dir;
    std::string addr = f.str("nsqd-tcp-address");
    if (addr.empty()) {
        nsqpp::base::make_logger("nsqd", "[nsqd] ", nsqpp::base::log_level::warn);
        nsqpp::nsqd::options o;
        o.tcp_address = "127.0.0.1:0";
        o.http_address = "127.0.0.1:0";
        o.https_address = "";
        char dir[] = "/tmp/nsq_bench_client-XXXXXX";
        if (::mkdtemp(dir) == nullptr) {
            std::perror("mkdtemp");
            return 1;
        }
        data_dir = dir;
        o.data_path = data_dir;
        o.mem_queue_size = 10'000'000;
        o.worker_threads = static_cast<int>(f.i64("workers"));
        daemon = std::make_unique<nsqpp::nsqd::nsqd>(o);
        daemon->start();
        addr = "127.0.0.1:" + std::to_string(daemon->tcp_port());
    }
    std::string topic = f.str("topic");
    int64_t n = f.i64("messages");
    int64_t total = bench_mpub(addr, topic, n, f.i64("batch"), f.i64("window"));
    total += bench_pub_async(addr, topic, n, f.i64("pub-window"));
    bench_consume(addr, topic, total, f.i64("max-in-flight"), f.i64("handlers"));
    if (daemon) daemon->stop();
    if (!data_dir.empty()) std::filesystem::remove_all(data_dir);
    return 0;
}
