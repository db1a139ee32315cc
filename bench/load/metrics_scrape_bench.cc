// nsq_bench_metrics_scrape: cost of GET /metrics on a loaded nsqd and its effect on publishing.
// Starts an in-process nsqd (127.0.0.1, ephemeral ports, temp data dir), creates
// --topics x --channels, publishes a few messages to each, then:
//   1. times --scrapes sequential GET /metrics (connect + collect + render + transfer);
//   2. measures PUB -> OK round trips on one connection for --duration without scraping,
//      then for --duration while another thread scrapes every --scrape-interval,
//      and prints both latency distributions (a consumer drains the latency topic).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "base/log.h"
#include "bench/load/common.h"
#include "http/client.h"
#include "metrics/exposition.h"
#include "nsqd/http_metrics.h"
#include "nsqd/nsqd.h"

namespace nb = nsqpp::bench;
using nsqpp::wire::frame_type;
using namespace std::chrono_literals;

namespace {

struct summary {
    size_t n = 0;
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // ms
};

summary summarize(std::vector<double> ms) {
    summary s;
    s.n = ms.size();
    if (ms.empty()) return s;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
    };
    s.p50 = at(0.5);
    s.p90 = at(0.9);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    s.max = ms.back();
    return s;
}

void print(const char* what, const summary& s) {
    std::printf("%-34s n=%-7zu p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f ms\n", what, s.n,
                s.p50, s.p90, s.p99, s.p999, s.max);
}

// CPU time of the whole process (nsqd's threads and the benchmark's), in ms.
double process_cpu_ms() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

double ms_since(nb::clock::time_point t) {
    return std::chrono::duration<double, std::milli>(nb::clock::now() - t).count();
}

void http_post(uint16_t port, const std::string& target) {
    auto r = nsqpp::http::fetch("POST", "127.0.0.1", port, target);
    if (r.status != 200) {
        std::fprintf(stderr, "POST %s: %d %s\n", target.c_str(), r.status, r.body.c_str());
        std::exit(1);
    }
}

// One timed scrape; exits on failure. Returns ms and stores the body size.
double scrape(uint16_t port, size_t* bytes) {
    auto start = nb::clock::now();
    auto r = nsqpp::http::fetch("GET", "127.0.0.1", port, "/metrics", "", {}, 30s);
    double ms = ms_since(start);
    if (r.status != 200) {
        std::fprintf(stderr, "GET /metrics: %d\n", r.status);
        std::exit(1);
    }
    if (bytes) *bytes = r.body.size();
    return ms;
}

// Drains `topic`/`channel`, FINing every message, until `stop`.
void drain(const std::string& address, std::atomic<bool>& stop) {
    nb::connection c(address);
    c.request("SUB bench_latency drain\n", "SUB");
    c.write_all("RDY 1000\n");
    std::string out;
    while (!stop.load(std::memory_order_relaxed)) {
        auto f = c.next_frame(nb::clock::now() + 100ms);
        if (!f) {
            if (c.timed_out()) continue;
            return;
        }
        if (f->type == frame_type::message) {
            auto m = nsqpp::wire::decode_message(f->data);
            if (m) out.append("FIN ").append(m->id).push_back('\n');
        } else if (nb::is_heartbeat(*f)) {
            out.append("NOP\n");
        }
        if (!c.frame_buffered() && !out.empty()) {
            c.write_all(out);
            out.clear();
        }
    }
}

// add_nsqd_metrics + render on a synthetic snapshot of the same shape (no I/O, no locks).
summary time_render(int64_t topics, int64_t channels, int64_t runs, size_t* bytes) {
    nsqpp::nsqd::nsqd_stats s;
    s.health = "OK";
    s.topics.emplace();
    for (int64_t t = 0; t < topics; ++t) {
        nsqpp::nsqd::topic_stats ts;
        ts.topic_name = "topic_" + std::to_string(t);
        ts.message_count = 10;
        ts.message_bytes = 640;
        for (int64_t c = 0; c < channels; ++c) {
            nsqpp::nsqd::channel_stats cs;
            cs.channel_name = "ch_" + std::to_string(c);
            cs.depth = 10;
            cs.message_count = 10;
            ts.channels.push_back(std::move(cs));
        }
        s.topics->push_back(std::move(ts));
    }
    std::vector<double> ms;
    for (int64_t i = 0; i < runs; ++i) {
        auto start = nb::clock::now();
        nsqpp::metrics::exposition e;
        nsqpp::nsqd::add_nsqd_metrics(e, s, false);
        std::string out = e.render();
        ms.push_back(ms_since(start));
        *bytes = out.size();
    }
    return summarize(ms);
}

// PUB round trips for `duration`; latencies in ms.
std::vector<double> publish_for(nb::connection& c, nb::clock::duration duration) {
    std::vector<double> out;
    std::string body = nb::make_body(100);
    std::string cmd;
    nb::append_pub(cmd, "bench_latency", body);
    auto end = nb::clock::now() + duration;
    while (nb::clock::now() < end) {
        auto start = nb::clock::now();
        c.request(cmd, "PUB");
        out.push_back(ms_since(start));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    nb::flags f;
    f.add("topics", "1000", "number of topics")
        .add("channels", "3", "channels per topic")
        .add("messages", "10", "messages published to each topic before scraping")
        .add("scrapes", "50", "timed sequential scrapes")
        .add("duration", "10s", "duration of each publish-latency phase")
        .add("scrape-interval", "100ms", "scrape period during the second phase")
        .add("workers", "2", "nsqd worker threads")
        .add("render-only", "false", "only time the in-process render (no nsqd)")
        .add("log-handler-time", "false", "debug-log nsqd's handler time of every scrape");
    f.parse(argc, argv, "nsq_bench_metrics_scrape");

    const int64_t topics = f.i64("topics");
    const int64_t channels = f.i64("channels");
    // 0. render only
    size_t render_bytes = 0;
    print("render only (synthetic, in-process)",
          time_render(topics, channels, f.i64("scrapes"), &render_bytes));
    if (f.str("render-only") == "true") return 0;

    nsqpp::base::make_logger("nsqd", "[nsqd] ", nsqpp::base::log_level::warn);
    auto dir = std::filesystem::temp_directory_path() /
               ("nsqpp-metrics-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    nsqpp::nsqd::options o;
    o.tcp_address = "127.0.0.1:0";
    o.http_address = "127.0.0.1:0";
    o.https_address = "";
    o.data_path = dir.string();
    o.worker_threads = f.i64("workers");
    o.log_level = "warn";
    nsqpp::nsqd::nsqd daemon(o);
    daemon.start();
    const uint16_t http = daemon.http_port();
    const std::string tcp = "127.0.0.1:" + std::to_string(daemon.tcp_port());

    // topics x channels, with a few messages each
    auto setup_start = nb::clock::now();
    {
        nb::connection pub(tcp);
        std::vector<std::string> bodies(static_cast<size_t>(f.i64("messages")), nb::make_body(64));
        for (int64_t t = 0; t < topics; ++t) {
            std::string name = "topic_" + std::to_string(t);
            http_post(http, "/topic/create?topic=" + name);
            for (int64_t c = 0; c < channels; ++c) {
                http_post(http,
                          "/channel/create?topic=" + name + "&channel=ch_" + std::to_string(c));
            }
            if (!bodies.empty()) {
                std::string cmd;
                nb::append_mpub(cmd, name, bodies);
                pub.request(cmd, "MPUB");
            }
        }
    }
    std::printf("setup: %lld topics x %lld channels in %.1f s\n", static_cast<long long>(topics),
                static_cast<long long>(channels), ms_since(setup_start) / 1000);

    // 1. scrape cost
    size_t bytes = 0;
    scrape(http, &bytes);                       // warm-up
    if (f.str("log-handler-time") == "true") {  // nsqd logs each request's handler time
        nsqpp::base::set_level(*nsqpp::base::get_logger("nsqd"), nsqpp::base::log_level::debug);
    }
    // CPU of the idle daemon (queue scanner) over the same wall time, to subtract below
    std::vector<double> scrapes;
    double cpu_start = process_cpu_ms();
    auto wall_start = nb::clock::now();
    for (int64_t i = 0; i < f.i64("scrapes"); ++i) scrapes.push_back(scrape(http, nullptr));
    double scrape_cpu = process_cpu_ms() - cpu_start;
    double scrape_wall = ms_since(wall_start);
    cpu_start = process_cpu_ms();
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(scrape_wall));
    double idle_cpu = process_cpu_ms() - cpu_start;
    std::printf("/metrics body: %zu bytes\n", bytes);
    print("GET /metrics (idle)", summarize(scrapes));
    std::printf("CPU per scrape (nsqd + client, idle daemon's CPU subtracted): %.2f ms\n",
                (scrape_cpu - idle_cpu) / static_cast<double>(scrapes.size()));

    // 2. publish latency without and with scraping
    std::atomic<bool> stop_drain{false};
    http_post(http, "/topic/create?topic=bench_latency");
    std::thread drainer(drain, tcp, std::ref(stop_drain));
    nb::connection pub(tcp);
    auto duration = f.duration("duration");
    publish_for(pub, std::min<nb::clock::duration>(duration, 1s));  // warm-up
    auto quiet = publish_for(pub, duration);

    std::atomic<bool> stop_scraper{false};
    std::vector<double> busy_scrapes;
    std::thread scraper([&] {
        auto interval = f.duration("scrape-interval");
        auto next = nb::clock::now();
        while (!stop_scraper.load()) {
            busy_scrapes.push_back(scrape(http, nullptr));
            next += interval;
            std::this_thread::sleep_until(next);
        }
    });
    auto loaded = publish_for(pub, duration);
    stop_scraper = true;
    scraper.join();
    stop_drain = true;
    drainer.join();

    print("PUB round trip, no scraping", summarize(quiet));
    print("PUB round trip, scraping", summarize(loaded));
    print("GET /metrics (while publishing)", summarize(busy_scrapes));
    daemon.stop();
    std::filesystem::remove_all(dir);
    return 0;
}
