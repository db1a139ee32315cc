// e2e latency quantiles: the CKMS targeted stream against exact percentiles of random data, its
// memory bound, merging, and NSQ's two-halves window.
#include "broker/quantile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "broker/channel.h"
#include "broker/tests/test_util.h"

namespace nsqpp::broker {
namespace {

using namespace std::chrono_literals;

const std::vector<double> targets = {1.0, 0.99, 0.95, 0.5};

// Rank range [first, last) of `v` in sorted `data`.
std::pair<size_t, size_t> rank_of(const std::vector<double>& sorted, double v) {
    auto lo = std::lower_bound(sorted.begin(), sorted.end(), v);
    auto hi = std::upper_bound(sorted.begin(), sorted.end(), v);
    return {static_cast<size_t>(lo - sorted.begin()), static_cast<size_t>(hi - sorted.begin())};
}

// The answer for q is a real sample whose rank is within ε·n (ε = 0.01, doubled for the
// merges perks itself calls inexact) of q·n.
void expect_within_error(const std::vector<double>& data, double q, double got) {
    std::vector<double> sorted = data;
    std::sort(sorted.begin(), sorted.end());
    auto [lo, hi] = rank_of(sorted, got);
    ASSERT_LT(lo, hi) << "value " << got << " was never inserted";
    const double n = static_cast<double>(sorted.size());
    const double want = q * n;
    const double slack = 2 * 0.01 * n + 1;
    EXPECT_LE(static_cast<double>(lo), want + slack) << "q=" << q << " value=" << got;
    EXPECT_GE(static_cast<double>(hi), want - slack) << "q=" << q << " value=" << got;
}

std::vector<double> random_latencies(size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> dist(13.0, 1.5);  // ~0.4 ms median, long tail
    std::vector<double> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(std::floor(dist(rng)));
    return out;
}

TEST(quantile_stream, empty_answers_zero) {
    quantile_stream s(targets);
    EXPECT_EQ(s.count(), 0u);
    for (double q : targets) EXPECT_EQ(s.query(q), 0);
    EXPECT_TRUE(s.samples().empty());
}

TEST(quantile_stream, few_samples_are_exact) {
    quantile_stream s(targets);
    for (double v : {7.0, 3.0, 10.0, 1.0, 5.0, 9.0, 2.0, 8.0, 4.0, 6.0}) s.insert(v);
    EXPECT_EQ(s.count(), 10u);
    EXPECT_EQ(s.query(1.0), 10);  // index ⌊10·q⌋ − 1 of the sorted samples
    EXPECT_EQ(s.query(0.99), 9);
    EXPECT_EQ(s.query(0.5), 5);
    EXPECT_EQ(s.query(0.05), 1);  // index clamped to 0
    EXPECT_EQ(s.samples().size(), 10u);
}

TEST(quantile_stream, random_data_within_targeted_error) {
    for (unsigned seed : {1u, 2u, 3u}) {
        auto data = random_latencies(50000, seed);
        quantile_stream s(targets);
        for (double v : data) s.insert(v);
        EXPECT_EQ(s.count(), data.size());
        for (double q : targets) expect_within_error(data, q, s.query(q));
    }
}

TEST(quantile_stream, memory_is_bounded) {
    quantile_stream s(targets);
    auto data = random_latencies(200000, 4);
    size_t most = 0;
    for (double v : data) {
        s.insert(v);
        if (s.count() % 10000 == 0) most = std::max(most, s.samples().size());
    }
    EXPECT_LT(most, 2000u) << "summary should stay small for 200k samples";
    EXPECT_EQ(s.count(), data.size());
}

TEST(quantile_stream, merged_streams_stay_within_error) {
    auto a = random_latencies(20000, 5);
    auto b = random_latencies(30000, 6);
    quantile_stream sa(targets), sb(targets);
    for (double v : a) sa.insert(v);
    for (double v : b) sb.insert(v);
    std::vector<quantile_sample> all = sa.samples();
    auto more = sb.samples();
    all.insert(all.end(), more.begin(), more.end());

    quantile_config cfg{targets, 10min};
    auto r = query_quantiles(cfg, all);
    std::vector<double> both = a;
    both.insert(both.end(), b.begin(), b.end());
    EXPECT_EQ(r.count, both.size());
    ASSERT_EQ(r.percentiles.size(), targets.size());
    for (size_t i = 0; i < targets.size(); ++i) {
        EXPECT_EQ(r.percentiles[i].first, targets[i]);  // configured order
        expect_within_error(both, targets[i], r.percentiles[i].second);
    }
}

TEST(quantile_stream, only_max_target_keeps_one_entry) {
    quantile_stream s({1.0});
    auto data = random_latencies(5000, 7);
    for (double v : data) s.insert(v);
    EXPECT_EQ(s.query(1.0), *std::max_element(data.begin(), data.end()));
    EXPECT_LE(s.samples().size(), 2u);
}

TEST(quantile_stream, reset_forgets_everything) {
    quantile_stream s(targets);
    for (int i = 0; i < 1000; ++i) s.insert(i);
    s.reset();
    EXPECT_EQ(s.count(), 0u);
    EXPECT_EQ(s.query(0.5), 0);
    s.insert(42);
    EXPECT_EQ(s.query(0.5), 42);
}

TEST(query_quantiles, no_samples_gives_zero_per_quantile) {
    quantile_config cfg{{0.99, 0.5}, 10min};
    auto r = query_quantiles(cfg, {});
    EXPECT_EQ(r.count, 0u);
    ASSERT_EQ(r.percentiles.size(), 2u);
    EXPECT_EQ(r.percentiles[0], std::make_pair(0.99, 0.0));
    EXPECT_EQ(r.percentiles[1], std::make_pair(0.5, 0.0));
}

TEST(make_quantile_config, null_without_percentiles) {
    EXPECT_EQ(make_quantile_config({}, 10min), nullptr);
    auto c = make_quantile_config({0.5}, 1min);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->percentiles, std::vector<double>{0.5});
    EXPECT_EQ(c->window, 1min);
}

class windowed_test : public ::testing::Test {
  protected:
    uint64_t count_at(int64_t now) {
        std::vector<quantile_sample> out;
        w.append_samples(now, out);
        return query_quantiles(w.config(), out).count;
    }
    static constexpr int64_t t0 = 1'000'000'000'000;
    static constexpr int64_t half = 5'000'000'000;  // window 10 s
    windowed_quantile w{make_quantile_config({0.5}, std::chrono::seconds(10)), t0};
};

TEST_F(windowed_test, samples_live_between_half_and_full_window) {
    w.insert(100, t0 + 1);
    EXPECT_EQ(count_at(t0 + half), 1u);  // still the first half
    w.insert(200, t0 + half + 1);        // second half begins: first sample kept
    EXPECT_EQ(count_at(t0 + half + 2), 2u);
    EXPECT_EQ(count_at(t0 + 2 * half), 2u);
    EXPECT_EQ(count_at(t0 + 2 * half + 1), 1u);  // third half: the first one's half is cleared
    EXPECT_EQ(count_at(t0 + 3 * half + 1), 0u);
}

TEST_F(windowed_test, long_idle_clears_both_halves_and_keeps_the_phase) {
    w.insert(100, t0 + 1);
    w.insert(200, t0 + half + 1);
    EXPECT_EQ(count_at(t0 + 1000 * half + 1), 0u);
    w.insert(300, t0 + 1000 * half + 2);
    EXPECT_EQ(count_at(t0 + 1001 * half), 1u);
    EXPECT_EQ(count_at(t0 + 1001 * half + 1), 1u);  // one move: kept in the older half
    EXPECT_EQ(count_at(t0 + 1002 * half + 1), 0u);
}

TEST_F(windowed_test, query_result_uses_both_halves) {
    for (int i = 1; i <= 10; ++i) w.insert(i, t0 + 1);
    for (int i = 11; i <= 20; ++i) w.insert(i, t0 + half + 1);
    std::vector<quantile_sample> out;
    w.append_samples(t0 + half + 2, out);
    auto r = query_quantiles(w.config(), out);
    EXPECT_EQ(r.count, 20u);
    ASSERT_EQ(r.percentiles.size(), 1u);
    EXPECT_GE(r.percentiles[0].second, 9);
    EXPECT_LE(r.percentiles[0].second, 12);
}

// The channel records a sample per successful FIN (now − message timestamp), nothing otherwise.
TEST(channel_e2e, fin_records_latency_only_when_configured) {
    using test::t0;
    channel off(nullptr, "c", 100);
    std::vector<quantile_sample> samples;
    EXPECT_FALSE(off.e2e_samples(samples));

    auto cfg = make_quantile_config({0.5}, 10min);
    channel ch(nullptr, "c", 100, nullptr, cfg);
    test::fake_consumer a;
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    auto es = test::entries({1, 2, 3});
    ch.put_batch(es, t0);
    std::vector<delivery> out;
    ASSERT_EQ(ch.take(1, 3, t0, 1min, out), 3u);
    EXPECT_EQ(ch.finish(1, test::mid(1)), ack_error::none);
    EXPECT_EQ(ch.finish(1, test::mid(1)), ack_error::not_in_flight);  // no second sample
    EXPECT_EQ(ch.finish(2, test::mid(2)), ack_error::not_owner);
    EXPECT_EQ(ch.requeue(1, test::mid(3), nanoseconds{0}, t0), ack_error::none);

    ASSERT_TRUE(ch.e2e_samples(samples));
    auto r = query_quantiles(*cfg, samples);
    EXPECT_EQ(r.count, 1u);
    // test messages carry timestamp 1000 + n ns: the latency is about the wall clock
    auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    ASSERT_EQ(r.percentiles.size(), 1u);
    EXPECT_GT(r.percentiles[0].second, static_cast<double>(now_ns) - 60e9);
    EXPECT_LE(r.percentiles[0].second, static_cast<double>(now_ns));
}

}  // namespace
}  // namespace nsqpp::broker
