#include "tools/timer_stats.h"

#include <gtest/gtest.h>

#include "tools/host_pool.h"

namespace nsqpp::tools {
namespace {
using namespace std::chrono_literals;

TEST(TimerStats, StatusLineWithNsqPercentiles) {
    std::vector<std::chrono::nanoseconds> window;
    for (int i = 100; i >= 1; --i) window.push_back(std::chrono::milliseconds(i));
    // sorted 1..100 ms; 99th: index ceil(99.5)=100 → clamped 99 → 100ms; 95th: index 96 → 97ms
    EXPECT_EQ(timer_stats::status_line("[aggregate]:", window),
              "[aggregate]: finished 100 - 99th: 100.00ms - 95th: 97.00ms - avg: 50.50ms");
}

TEST(TimerStats, EmitsEveryWindow) {
    std::vector<std::string> lines;
    timer_stats s("[127.0.0.1:1]:", 2, [&](const std::string& l) { lines.push_back(l); });
    s.record(1ms);
    EXPECT_TRUE(lines.empty());
    s.record(3ms);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "[127.0.0.1:1]: finished 2 - 99th: 3.00ms - 95th: 3.00ms - avg: 2.00ms");
    s.record(1ms);
    s.record(1ms);
    EXPECT_EQ(lines.size(), 2u);
}

TEST(TimerStats, DisabledAndWarning) {
    int calls = 0;
    timer_stats s("x", 0, [&](const std::string&) { ++calls; });
    for (int i = 0; i < 10; ++i) s.record(1ms);
    EXPECT_EQ(calls, 0);
    EXPECT_FALSE(status_every_warning(0).has_value());
    EXPECT_FALSE(status_every_warning(250).has_value());
    EXPECT_EQ(*status_every_warning(10),
              "Warning: use more than 100 status values for accurate percentiles (configured "
              "with 10)");
}

TEST(HostPool, RoundRobinIgnoresFailures) {
    host_pool p(3, false);
    p.mark(1, false);
    std::vector<size_t> got;
    for (int i = 0; i < 6; ++i) got.push_back(p.pick());
    EXPECT_EQ(got, (std::vector<size_t>{0, 1, 2, 0, 1, 2}));
}

TEST(HostPool, SkipsDeadHostUntilRetry) {
    host_pool p(2, true);
    auto now = host_pool::clock::now();
    p.mark(0, false, now);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(p.pick(now + 1s), 1u);
    // after 30 s host 0 gets another try
    bool saw0 = false;
    for (int i = 0; i < 2; ++i) saw0 |= p.pick(now + 31s) == 0;
    EXPECT_TRUE(saw0);
    // a second failure doubles the wait to 60 s
    p.mark(0, false, now + 31s);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(p.pick(now + 80s), 1u);
}

TEST(HostPool, AllDeadRevivesAll) {
    host_pool p(2, true);
    auto now = host_pool::clock::now();
    p.mark(0, false, now);
    p.mark(1, false, now);
    size_t a = p.pick(now);
    size_t b = p.pick(now);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace nsqpp::tools
