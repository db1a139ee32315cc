// gateway_metrics: exposition text, histogram buckets, and exact totals under concurrent
// observers (the lock-free path for pools named up front, the locked one for others).
#include "gateway/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace nsqpp::gateway {
namespace {

bool has(const std::string& text, const std::string& line) {
    return text.find(line) != std::string::npos;
}

TEST(Metrics, BucketsAreCumulativeAndSlowRequestsOnlyCountInInf) {
    gateway_metrics m;
    m.set_pools({"p"});
    m.observe("p", 200, 0.0003, 5);  // le=0.0005
    m.observe("p", 200, 0.003, 5);   // le=0.005
    m.observe("p", 503, 3.0, 0);     // above the last bucket (2.5)
    std::string out;
    m.write(out);
    EXPECT_TRUE(has(out, "nsqgw_requests_total{pool=\"p\",code=\"200\"} 2\n")) << out;
    EXPECT_TRUE(has(out, "nsqgw_requests_total{pool=\"p\",code=\"503\"} 1\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"p\",le=\"0.0005\"} 1\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"p\",le=\"0.0025\"} 1\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"p\",le=\"0.005\"} 2\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"p\",le=\"2.5\"} 2\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"p\",le=\"+Inf\"} 3\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_sum{pool=\"p\"} 3.0033\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_count{pool=\"p\"} 3\n"));
    EXPECT_TRUE(has(out, "nsqgw_response_bytes_total{pool=\"p\"} 10\n"));
}

TEST(Metrics, PoolsAppearOnceTheyAnsweredInNameOrder) {
    gateway_metrics m;
    m.set_pools({"zeta", "alpha", "idle"});
    m.observe("zeta", 200, 0.001, 1);
    m.observe("alpha", 200, 0.001, 1);
    m.observe("late", 404, 0.001, 1);  // not named up front: counted all the same
    std::string out;
    m.write(out);
    EXPECT_FALSE(has(out, "pool=\"idle\"")) << out;
    EXPECT_FALSE(has(out, "pool=\"\"")) << out;
    size_t a = out.find("nsqgw_requests_total{pool=\"alpha\"");
    size_t l = out.find("nsqgw_requests_total{pool=\"late\",code=\"404\"} 1\n");
    size_t z = out.find("nsqgw_requests_total{pool=\"zeta\"");
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(l, std::string::npos);
    ASSERT_NE(z, std::string::npos);
    EXPECT_LT(a, l);
    EXPECT_LT(l, z);
}

TEST(Metrics, ConcurrentObserversLoseNoCount) {
    gateway_metrics m;
    m.set_pools({"fixed"});
    constexpr int threads = 4;
    constexpr int per_thread = 20000;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([&m, t] {
            for (int i = 0; i < per_thread; ++i) {
                m.observe("fixed", i % 2 ? 200 : 500, 0.0001, 1);
                m.observe(t % 2 ? "extra-a" : "extra-b", 200, 0.02, 2);
            }
        });
    }
    std::string mid;
    m.write(mid);  // a scrape while counting must not disturb anything
    for (auto& t : ts) t.join();
    std::string out;
    m.write(out);
    const int total = threads * per_thread;
    EXPECT_TRUE(has(out, "nsqgw_requests_total{pool=\"fixed\",code=\"200\"} " +
                             std::to_string(total / 2) + "\n"))
        << out;
    EXPECT_TRUE(has(out, "nsqgw_requests_total{pool=\"fixed\",code=\"500\"} " +
                             std::to_string(total / 2) + "\n"));
    EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"fixed\",le=\"0.0005\"} " +
                             std::to_string(total) + "\n"));
    EXPECT_TRUE(
        has(out, "nsqgw_response_bytes_total{pool=\"fixed\"} " + std::to_string(total) + "\n"));
    for (const char* p : {"extra-a", "extra-b"}) {
        std::string name(p);
        EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_count{pool=\"" + name + "\"} " +
                                 std::to_string(total / 2) + "\n"));
        EXPECT_TRUE(has(
            out, "nsqgw_request_duration_seconds_bucket{pool=\"" + name + "\",le=\"0.01\"} 0\n"));
        EXPECT_TRUE(has(out, "nsqgw_request_duration_seconds_bucket{pool=\"" + name +
                                 "\",le=\"0.025\"} " + std::to_string(total / 2) + "\n"));
    }
}

}  // namespace
}  // namespace nsqpp::gateway
