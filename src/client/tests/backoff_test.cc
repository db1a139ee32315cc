// backoff_machine: go-nsq's levels, durations, ignored signals during a timeout, recovery.
#include "client/backoff.h"

#include <gtest/gtest.h>

namespace nsqpp::client::detail {
namespace {

using namespace std::chrono_literals;

backoff_machine make(duration max = 2min) {
    return backoff_machine(backoff_strategy::exponential, 1s, max, 42);
}

TEST(Backoff, ExponentialDurationsDoublePerLevel) {
    auto b = make();
    EXPECT_EQ(b.duration_for(1), 2s);
    EXPECT_EQ(b.duration_for(2), 4s);
    EXPECT_EQ(b.duration_for(6), 64s);
    EXPECT_EQ(b.duration_for(7), 128s);
}

TEST(Backoff, FailuresRaiseTheLevelUpToTheMaximum) {
    auto b = make();
    std::vector<duration> delays;
    for (int i = 0; i < 9; ++i) {
        auto a = b.on_signal(backoff_signal::backoff);
        ASSERT_EQ(a.kind, backoff_action::pause);
        delays.push_back(a.delay);
        b.timeout_done();
    }
    // 2^7 s = 128 s > 2 min: the level stops at 6 (64 s).
    std::vector<duration> expected = {2s, 4s, 8s, 16s, 32s, 64s, 64s, 64s, 64s};
    EXPECT_EQ(delays, expected);
    EXPECT_EQ(b.level(), 6);
}

TEST(Backoff, SignalsDuringATimeoutAreIgnored) {
    auto b = make();
    EXPECT_EQ(b.on_signal(backoff_signal::backoff).kind, backoff_action::pause);
    EXPECT_TRUE(b.timeout_pending());
    EXPECT_EQ(b.on_signal(backoff_signal::backoff).kind, backoff_action::none);
    EXPECT_EQ(b.on_signal(backoff_signal::resume).kind, backoff_action::none);
    EXPECT_EQ(b.level(), 1);
}

TEST(Backoff, SuccessesStepDownAndExit) {
    auto b = make();
    b.on_signal(backoff_signal::backoff);
    b.timeout_done();
    b.on_signal(backoff_signal::backoff);
    b.timeout_done();
    ASSERT_EQ(b.level(), 2);
    auto a = b.on_signal(backoff_signal::resume);  // level 1: still backing off, 2 s
    EXPECT_EQ(a.kind, backoff_action::pause);
    EXPECT_EQ(a.delay, 2s);
    b.timeout_done();
    a = b.on_signal(backoff_signal::resume);
    EXPECT_EQ(a.kind, backoff_action::exit_backoff);
    EXPECT_EQ(b.level(), 0);
    EXPECT_FALSE(b.in_backoff());
    // At level 0 successes change nothing.
    EXPECT_EQ(b.on_signal(backoff_signal::resume).kind, backoff_action::none);
}

TEST(Backoff, ContinueKeepsTheLevelButPausesAgain) {
    auto b = make();
    EXPECT_EQ(b.on_signal(backoff_signal::cont).kind, backoff_action::none);
    b.on_signal(backoff_signal::backoff);
    b.timeout_done();
    auto a = b.on_signal(backoff_signal::cont);
    EXPECT_EQ(a.kind, backoff_action::pause);
    EXPECT_EQ(a.delay, 2s);
    EXPECT_EQ(b.level(), 1);
}

TEST(Backoff, ZeroMaximumDisablesBackoff) {
    auto b = make(0s);
    EXPECT_EQ(b.on_signal(backoff_signal::backoff).kind, backoff_action::none);
    EXPECT_EQ(b.level(), 0);
}

TEST(Backoff, MultiplierScalesAndMaxCapsTheDelay) {
    backoff_machine b(backoff_strategy::exponential, 100ms, 1s, 1);
    std::vector<duration> delays;
    for (int i = 0; i < 5; ++i) {
        delays.push_back(b.on_signal(backoff_signal::backoff).delay);
        b.timeout_done();
    }
    std::vector<duration> expected = {200ms, 400ms, 800ms, 800ms, 800ms};
    EXPECT_EQ(delays, expected);
}

TEST(Backoff, FullJitterStaysBelowTheExponentialBound) {
    backoff_machine b(backoff_strategy::full_jitter, 1s, 2min, 7);
    for (int level = 1; level < 7; ++level) {
        for (int i = 0; i < 50; ++i) {
            auto d = b.duration_for(level);
            EXPECT_GE(d, 0ms);
            EXPECT_LT(d, duration(1000 << level));
        }
    }
}

}  // namespace
}  // namespace nsqpp::client::detail
