// statsd output (spec §10.1) received on a local UDP socket: prefix, metric names and types,
// counters as deltas between pushes, e2e gauges, mem.* toggle, the datagram size limit.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using ::testing::HasSubstr;

// A UDP socket on 127.0.0.1:0 standing in for statsd.
class udp_sink {
  public:
    udp_sink() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
        socklen_t len = sizeof(a);
        EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
        port_ = ntohs(a.sin_port);
    }
    ~udp_sink() {
        if (fd_ >= 0) ::close(fd_);
    }
    udp_sink(const udp_sink&) = delete;
    udp_sink& operator=(const udp_sink&) = delete;

    uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    // The next datagram within `timeout` (nullopt otherwise).
    std::optional<std::string> receive(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<size_t>(n));
    }

  private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

struct metric_line {
    std::string name;  // without the prefix
    int64_t value = 0;
    char type = 0;
};

class statsd_fixture : public nsqd_fixture {
  protected:
    static constexpr int64_t packet_size = 200;

    nsqd::options options() const override {
        nsqd::options o;
        o.statsd_address = sink_.address();
        o.statsd_interval = 1s;
        o.statsd_prefix = "test.%s";
        o.statsd_udp_packet_size = packet_size;
        o.broadcast_address = "host.a";
        o.e2e_processing_latency_percentiles = {0.99, 0.5};
        return o;
    }

    std::string prefix() const { return "test.host_a_" + std::to_string(http_port_) + "."; }

    // One push: its lines in order (without the prefix).
    using push = std::vector<metric_line>;

    // Receives datagrams until `done(complete pushes so far)` or `timeout`; checks every
    // datagram's size and every line's shape. A push starts with the line `first_metric` (the
    // first topic's message_count); it is complete once the next one starts.
    template <typename Pred>
    bool wait_pushes(const std::string& first_metric, Pred done,
                     std::chrono::milliseconds timeout = 20s) {
        static const std::regex line_re(R"(([^:\n]+):(-?\d+)\|([cg]))");
        auto deadline = steady::now() + timeout;
        while (!done(pushes_)) {
            if (steady::now() >= deadline) return false;
            auto d = sink_.receive(500ms);
            if (!d) continue;
            ++datagrams_;
            EXPECT_LE(static_cast<int64_t>(d->size()), packet_size);
            if (d->empty() || d->back() != '\n') {
                ADD_FAILURE() << "datagram does not end a line: " << *d;
                continue;
            }
            size_t start = 0;
            for (size_t nl = d->find('\n'); nl != std::string::npos; nl = d->find('\n', start)) {
                std::string line = d->substr(start, nl - start);
                start = nl + 1;
                std::smatch m;
                if (!std::regex_match(line, m, line_re) || line.rfind(prefix(), 0) != 0) {
                    ADD_FAILURE() << "malformed statsd line: " << line;
                    continue;
                }
                metric_line ml{m[1].str().substr(prefix().size()), std::stoll(m[2].str()),
                               m[3].str()[0]};
                if (ml.name == first_metric && !current_.empty()) {
                    pushes_.push_back(std::move(current_));
                    current_.clear();
                }
                current_.push_back(std::move(ml));
            }
        }
        return true;
    }

    static int64_t sum_of(const std::vector<push>& pushes, size_t from, const std::string& name) {
        int64_t sum = 0;
        for (size_t i = from; i < pushes.size(); ++i) {
            for (const auto& l : pushes[i]) sum += l.name == name ? l.value : 0;
        }
        return sum;
    }
    static const metric_line* find(const push& p, const std::string& name) {
        for (const auto& l : p) {
            if (l.name == name) return &l;
        }
        return nullptr;
    }
    // Index of the last push from `from` on where `name` is not 0 (or `from`).
    static size_t last_nonzero(const std::vector<push>& pushes, size_t from,
                               const std::string& name) {
        size_t last = from;
        for (size_t i = from; i < pushes.size(); ++i) {
            const auto* l = find(pushes[i], name);
            if (l && l->value != 0) last = i;
        }
        return last;
    }

    udp_sink sink_;
    std::vector<push> pushes_;
    push current_;
    int datagrams_ = 0;
};

TEST_F(statsd_fixture, names_types_and_deltas_across_pushes) {
    const std::string first = "topic.st.message_count";
    raw_client c = sub("st", "c", 10);
    ASSERT_TRUE(mpub("st", {"a", "bb", "ccc"}));
    ASSERT_EQ(receive_bodies(c, 3).size(), 3u);

    // counters are deltas: summed over pushes they reach the totals exactly
    ASSERT_TRUE(wait_pushes(first, [&](const std::vector<push>& p) {
        return sum_of(p, 0, "topic.st.channel.c.message_count") >= 3 && sum_of(p, 0, first) >= 3;
    })) << "no complete push with the first 3 messages";
    EXPECT_EQ(sum_of(pushes_, 0, first), 3);
    EXPECT_EQ(sum_of(pushes_, 0, "topic.st.message_bytes"), 6);
    EXPECT_EQ(sum_of(pushes_, 0, "topic.st.channel.c.message_count"), 3);

    // one complete push: exactly NSQ's metrics, in NSQ's order, with their types
    const push& one = pushes_.back();
    std::vector<std::pair<std::string, char>> got;
    for (const auto& l : one) got.emplace_back(l.name, l.type);
    const std::vector<std::pair<std::string, char>> expected = {
        {"topic.st.message_count", 'c'},
        {"topic.st.message_bytes", 'c'},
        {"topic.st.depth", 'g'},
        {"topic.st.backend_depth", 'g'},
        {"topic.st.e2e_processing_latency_99", 'g'},
        {"topic.st.e2e_processing_latency_50", 'g'},
        {"topic.st.channel.c.message_count", 'c'},
        {"topic.st.channel.c.depth", 'g'},
        {"topic.st.channel.c.backend_depth", 'g'},
        {"topic.st.channel.c.in_flight_count", 'g'},
        {"topic.st.channel.c.deferred_count", 'g'},
        {"topic.st.channel.c.requeue_count", 'c'},
        {"topic.st.channel.c.timeout_count", 'c'},
        {"topic.st.channel.c.clients", 'g'},
        {"topic.st.channel.c.e2e_processing_latency_99", 'g'},
        {"topic.st.channel.c.e2e_processing_latency_50", 'g'},
        {"mem.heap_objects", 'g'},
        {"mem.heap_idle_bytes", 'g'},
        {"mem.heap_in_use_bytes", 'g'},
        {"mem.heap_released_bytes", 'g'},
        {"mem.gc_pause_usec_100", 'g'},
        {"mem.gc_pause_usec_99", 'g'},
        {"mem.gc_pause_usec_95", 'g'},
        {"mem.next_gc_bytes", 'g'},
        {"mem.gc_runs", 'c'},
    };
    EXPECT_EQ(got, expected);
    EXPECT_EQ(find(one, "topic.st.channel.c.clients")->value, 1);
    EXPECT_EQ(find(one, "topic.st.depth")->value, 0);
    EXPECT_GT(datagrams_, 3);  // 200-byte datagrams: a push needs several

    // two more messages: the sums move by exactly 2, then idle pushes send 0 (not totals)
    const size_t n = pushes_.size();
    ASSERT_TRUE(mpub("st", {"dd", "ee"}));
    ASSERT_EQ(receive_bodies(c, 2).size(), 2u);
    ASSERT_TRUE(wait_pushes(first, [&](const std::vector<push>& p) {
        if (sum_of(p, n, first) < 2 || sum_of(p, n, "topic.st.channel.c.message_count") < 2) {
            return false;
        }
        size_t k = std::max(last_nonzero(p, n, first),
                            last_nonzero(p, n, "topic.st.channel.c.message_count"));
        return p.size() >= k + 3;  // two idle pushes after the one(s) carrying the 2
    })) << "no idle pushes after the next 2 messages";
    EXPECT_EQ(sum_of(pushes_, n, first), 2);
    EXPECT_EQ(sum_of(pushes_, n, "topic.st.message_bytes"), 4);
    EXPECT_EQ(sum_of(pushes_, n, "topic.st.channel.c.message_count"), 2);
    const push& idle = pushes_.back();
    EXPECT_EQ(find(idle, first)->value, 0);
    EXPECT_EQ(find(idle, "topic.st.message_bytes")->value, 0);
    EXPECT_EQ(find(idle, "topic.st.channel.c.message_count")->value, 0);
    EXPECT_EQ(find(idle, "topic.st.channel.c.clients")->value, 1);  // gauges stay current
}

TEST_F(statsd_fixture, e2e_gauges_report_the_latency_after_fin) {
    raw_client c = sub("lat", "c", 5);
    ASSERT_TRUE(mpub("lat", {"1", "2", "3"}));
    ASSERT_EQ(receive_bodies(c, 3).size(), 3u);
    ASSERT_TRUE(wait_pushes("topic.lat.message_count", [](const std::vector<push>& p) {
        if (p.empty()) return false;
        const auto* g = find(p.back(), "topic.lat.channel.c.e2e_processing_latency_99");
        return g && g->value > 0;
    })) << "no e2e gauge above 0";
    for (const char* name :
         {"topic.lat.channel.c.e2e_processing_latency_99",
          "topic.lat.channel.c.e2e_processing_latency_50", "topic.lat.e2e_processing_latency_99",
          "topic.lat.e2e_processing_latency_50"}) {
        const auto* g = find(pushes_.back(), name);
        ASSERT_NE(g, nullptr) << name;
        EXPECT_EQ(g->type, 'g');
        EXPECT_GT(g->value, 0) << name;
        EXPECT_LT(g->value, 60'000'000'000) << name;
    }
}

class statsd_spread : public statsd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o = statsd_fixture::options();
        o.statsd_interval = 2s;  // datagrams spread over 1 s
        return o;
    }
};

TEST_F(statsd_spread, datagrams_of_a_push_are_spread_over_interval_minus_one_second) {
    ASSERT_EQ(http_post("/topic/create?topic=sp").status, 200);
    ASSERT_EQ(http_post("/channel/create?topic=sp&channel=c").status, 200);
    const std::string start = prefix() + "topic.sp.message_count:";
    std::vector<steady::time_point> push;  // arrival times of one complete push's datagrams
    std::vector<steady::time_point> current;
    auto deadline = steady::now() + 30s;
    while (push.empty() && steady::now() < deadline) {
        auto d = sink_.receive(500ms);
        if (!d) continue;
        auto now = steady::now();
        if (d->rfind(start, 0) == 0) {
            if (!current.empty() && current.size() > 1) push = current;
            current.clear();
            current.push_back(now);
        } else if (!current.empty()) {
            current.push_back(now);
        }
    }
    ASSERT_GE(push.size(), 3u) << "no complete push received";
    // the gaps are (interval - 1 s) / datagrams each, never shorter: a lower bound only
    auto spread = push.back() - push.front();
    auto min_spread =
        1000ms * static_cast<int64_t>(push.size() - 1) / static_cast<int64_t>(push.size()) / 2;
    EXPECT_GE(spread, min_spread) << push.size() << " datagrams";
}

class statsd_no_mem : public statsd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o = statsd_fixture::options();
        o.statsd_mem_stats = false;
        o.statsd_exclude_ephemeral = true;
        o.statsd_prefix = "plain";  // no %s: only the trailing '.' is added
        o.e2e_processing_latency_percentiles.clear();
        return o;
    }
};

TEST_F(statsd_no_mem, no_mem_lines_no_ephemeral_no_e2e_and_plain_prefix) {
    // collect_until checks the fixture's prefix; read raw datagrams here instead
    ASSERT_TRUE(pub("kept", "x"));
    ASSERT_TRUE(pub("gone#ephemeral", "x"));
    ASSERT_EQ(http_post("/channel/create?topic=kept&channel=tmp%23ephemeral").status, 200);
    ASSERT_EQ(http_post("/channel/create?topic=kept&channel=c").status, 200);
    std::string all;
    auto deadline = steady::now() + 20s;
    int pushes_seen = 0;
    while (pushes_seen < 2 && steady::now() < deadline) {
        auto d = sink_.receive(500ms);
        if (!d) continue;
        all += *d;
        if (d->find("plain.topic.kept.message_count:") != std::string::npos) ++pushes_seen;
    }
    ASSERT_EQ(pushes_seen, 2) << all;
    EXPECT_THAT(all, HasSubstr("plain.topic.kept.channel.c.clients:0|g\n"));
    EXPECT_EQ(all.find("mem."), std::string::npos) << all;
    EXPECT_EQ(all.find("ephemeral"), std::string::npos) << all;
    EXPECT_EQ(all.find("e2e_processing_latency"), std::string::npos) << all;
    std::regex line_re(R"(plain\.[^:\n]+:-?\d+\|[cg])");
    size_t start = 0;
    for (size_t nl = all.find('\n'); nl != std::string::npos; nl = all.find('\n', start)) {
        std::string line = all.substr(start, nl - start);
        start = nl + 1;
        EXPECT_TRUE(std::regex_match(line, line_re)) << line;
    }
}

TEST(statsd_options, unreachable_statsd_does_not_disturb_nsqd) {
    nsqd::options o;
    o.statsd_address = "127.0.0.1:1";  // nothing listens: sends fail quietly
    o.statsd_interval = 1s;
    auto d = start_nsqd(o);
    ASSERT_TRUE(publish(d->tcp_port(), "t", "x"));
    std::this_thread::sleep_for(1500ms);  // let at least one push happen (not an assertion)
    ASSERT_TRUE(publish(d->tcp_port(), "t", "y"));
    d->stop();
}

}  // namespace
}  // namespace nsqpp::test
