// flow_controller: RDY distribution, redistribution and backoff with a manual clock and a
// recording sink (no sockets).
#include "client/flow_control.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace nsqpp::client::detail {
namespace {

using namespace std::chrono_literals;

struct recording_sink : flow_sink {
    void send_rdy(uint64_t conn, int64_t count) override {
        sent.emplace_back(conn, count);
        rdy[conn] = count;
    }
    void start_backoff_timer(duration d) override { timers.push_back(d); }
    void schedule_rdy_retry(uint64_t conn, int64_t count, duration after) override {
        retries[conn] = count;
        EXPECT_EQ(after, 5s);
    }
    void cancel_rdy_retry(uint64_t conn) override { retries.erase(conn); }

    int64_t total() const {
        int64_t t = 0;
        for (auto& [c, n] : rdy) t += n;
        return t;
    }
    std::vector<std::pair<uint64_t, int64_t>> sent;
    std::map<uint64_t, int64_t> rdy;  // last RDY sent per connection
    std::vector<duration> timers;
    std::map<uint64_t, int64_t> retries;
};

struct fixture {
    explicit fixture(int max_in_flight) {
        cfg.max_in_flight = max_in_flight;
        cfg.log_level = log_level::none;
        log = std::make_unique<logger>(cfg, "[t/c]");
        flow = std::make_unique<flow_controller>(cfg, clk, sink, *log, 1234);
    }
    config cfg;
    manual_clock clk;
    recording_sink sink;
    std::unique_ptr<logger> log;
    std::unique_ptr<flow_controller> flow;
};

TEST(FlowControl, MaxInFlightAboveConnectionsIsSplitEvenly) {
    fixture f(10);
    f.flow->add_connection(1, 2500);
    EXPECT_EQ(f.sink.rdy[1], 10);
    f.flow->add_connection(2, 2500);
    EXPECT_EQ(f.sink.rdy[1], 5);
    EXPECT_EQ(f.sink.rdy[2], 5);
    f.flow->add_connection(3, 2500);
    EXPECT_EQ(f.sink.rdy[1], 3);
    EXPECT_EQ(f.sink.rdy[2], 3);
    EXPECT_EQ(f.sink.rdy[3], 3);
    EXPECT_EQ(f.flow->total_rdy(), 9);
    EXPECT_EQ(f.sink.total(), 9);
    // No duplicate RDY commands: re-adding nothing and redistributing changes nothing.
    size_t before = f.sink.sent.size();
    f.flow->redistribute();
    EXPECT_EQ(f.sink.sent.size(), before);
}

TEST(FlowControl, RdyIsCappedAtNsqdsMaxRdyCount) {
    fixture f(100);
    f.flow->add_connection(1, 5);
    EXPECT_EQ(f.sink.rdy[1], 5);
}

TEST(FlowControl, MaxInFlightBelowConnectionsNeverExceedsTheLimit) {
    fixture f(2);
    for (uint64_t c = 1; c <= 4; ++c) f.flow->add_connection(c, 2500);
    EXPECT_EQ(f.flow->total_rdy(), 2);
    EXPECT_EQ(f.sink.total(), 2);
    // The starved connections have a retry pending.
    EXPECT_EQ(f.sink.retries.size(), 2u);
    std::set<uint64_t> served;
    for (int round = 0; round < 30; ++round) {
        f.clk.advance(6s);
        f.flow->redistribute();
        EXPECT_LE(f.sink.total(), 2) << "round " << round;
        EXPECT_EQ(f.flow->total_rdy(), f.sink.total());
        for (auto& [c, n] : f.sink.rdy) {
            if (n > 0) served.insert(c);
        }
    }
    // RDY 1 rotates among all connections.
    EXPECT_EQ(served.size(), 4u);
}

TEST(FlowControl, BusyConnectionsKeepTheirRdyDuringRedistribution) {
    fixture f(1);
    f.flow->add_connection(1, 2500);
    f.flow->add_connection(2, 2500);
    ASSERT_EQ(f.sink.rdy[1], 1);
    for (int round = 0; round < 5; ++round) {
        f.clk.advance(5s);
        f.flow->on_message(1);  // connection 1 keeps receiving
        f.flow->redistribute();
        EXPECT_EQ(f.sink.rdy[1], 1);
        EXPECT_EQ(f.sink.rdy[2], 0);
    }
    // Once its RDY is older than low_rdy_timeout (30 s) it is given up and redistributed.
    f.clk.advance(1s);
    f.flow->on_message(1);
    f.flow->redistribute();
    EXPECT_EQ(f.sink.total(), 1);
}

TEST(FlowControl, ClosedConnectionsRdyMovesToAnother) {
    fixture f(2);
    for (uint64_t c = 1; c <= 3; ++c) f.flow->add_connection(c, 2500);
    ASSERT_EQ(f.sink.rdy[1], 1);
    ASSERT_EQ(f.sink.rdy[2], 1);
    ASSERT_EQ(f.sink.rdy.count(3), 0u);
    ASSERT_EQ(f.sink.retries.count(3), 1u);
    f.flow->remove_connection(1);
    f.sink.rdy.erase(1);
    EXPECT_EQ(f.flow->total_rdy(), 1);
    EXPECT_TRUE(f.flow->redistribute_pending());  // 2 left == max_in_flight 2
    f.flow->redistribute();
    EXPECT_EQ(f.sink.rdy[3], 1);
    EXPECT_EQ(f.sink.total(), f.flow->total_rdy());
    EXPECT_LE(f.flow->total_rdy(), 2);
    EXPECT_EQ(f.sink.retries.count(3), 0u);  // superseded by the new RDY
}

TEST(FlowControl, RemovalWithEnoughSlotsKeepsOtherShares) {
    fixture f(10);
    f.flow->add_connection(1, 2500);
    f.flow->add_connection(2, 2500);
    f.flow->remove_connection(2);
    EXPECT_EQ(f.flow->total_rdy(), 5);
    EXPECT_FALSE(f.flow->redistribute_pending());
    // A new connection gets its share again.
    f.flow->add_connection(3, 2500);
    EXPECT_EQ(f.sink.rdy[3], 5);
}

TEST(FlowControl, RetryAfterOverMaxInFlightSendsOnceThereIsRoom) {
    fixture f(1);
    f.flow->add_connection(1, 2500);
    f.flow->add_connection(2, 2500);
    ASSERT_EQ(f.sink.retries.count(2), 1u);
    f.flow->remove_connection(1);
    f.flow->on_rdy_retry(2, f.sink.retries[2]);
    EXPECT_EQ(f.sink.rdy[2], 1);
}

TEST(FlowControl, BackoffPausesTestsWithOneAndResumes) {
    fixture f(10);
    f.flow->add_connection(1, 2500);
    f.flow->add_connection(2, 2500);
    f.flow->on_signal(backoff_signal::backoff);
    EXPECT_EQ(f.sink.rdy[1], 0);
    EXPECT_EQ(f.sink.rdy[2], 0);
    ASSERT_EQ(f.sink.timers, std::vector<duration>{2s});
    // Results of messages already in flight do not count during the timeout.
    f.flow->on_signal(backoff_signal::backoff);
    f.flow->on_signal(backoff_signal::resume);
    EXPECT_EQ(f.flow->backoff().level(), 1);
    EXPECT_EQ(f.sink.timers.size(), 1u);
    // Redistribution is skipped during the timeout.
    f.flow->redistribute();
    EXPECT_EQ(f.sink.total(), 0);
    f.flow->on_backoff_timeout();
    EXPECT_EQ(f.sink.total(), 1);  // one connection tests the waters with RDY 1
    // Still in backoff (level 1), outside the timeout: redistribution keeps the total at 1.
    f.clk.advance(6s);
    f.flow->redistribute();
    EXPECT_LE(f.sink.total(), 1);
    // Success: level 0, every connection back to its share.
    f.flow->on_signal(backoff_signal::resume);
    EXPECT_EQ(f.sink.rdy[1], 5);
    EXPECT_EQ(f.sink.rdy[2], 5);
    EXPECT_FALSE(f.flow->backoff().in_backoff());
}

TEST(FlowControl, RepeatedFailuresGrowTheBackoff) {
    fixture f(4);
    f.flow->add_connection(1, 2500);
    for (int i = 0; i < 3; ++i) {
        f.flow->on_signal(backoff_signal::backoff);
        f.flow->on_backoff_timeout();
        EXPECT_EQ(f.sink.rdy[1], 1);
    }
    std::vector<duration> expected = {2s, 4s, 8s};
    EXPECT_EQ(f.sink.timers, expected);
    // Two successes step down through level 2 and 1 (with a pause between), then exit.
    f.flow->on_signal(backoff_signal::resume);
    EXPECT_EQ(f.sink.timers.back(), 4s);
    EXPECT_EQ(f.sink.rdy[1], 0);
    f.flow->on_backoff_timeout();
    f.flow->on_signal(backoff_signal::resume);
    f.flow->on_backoff_timeout();
    f.flow->on_signal(backoff_signal::resume);
    EXPECT_EQ(f.sink.rdy[1], 4);
}

TEST(FlowControl, BackoffTimeoutWithoutConnectionsRetriesInOneSecond) {
    fixture f(1);
    f.flow->add_connection(1, 2500);
    f.flow->on_signal(backoff_signal::backoff);
    f.flow->remove_connection(1);
    f.flow->on_backoff_timeout();
    EXPECT_EQ(f.sink.timers.back(), 1s);
    EXPECT_TRUE(f.flow->backoff().timeout_pending());
}

TEST(FlowControl, ChangeMaxInFlightPausesAndResumes) {
    fixture f(10);
    f.flow->add_connection(1, 2500);
    f.flow->add_connection(2, 2500);
    f.flow->change_max_in_flight(0);
    EXPECT_EQ(f.sink.total(), 0);
    f.flow->change_max_in_flight(20);
    EXPECT_EQ(f.sink.rdy[1], 10);
    EXPECT_EQ(f.sink.rdy[2], 10);
    f.flow->change_max_in_flight(4);  // a decrease is always sent
    EXPECT_EQ(f.sink.rdy[1], 2);
    EXPECT_EQ(f.sink.rdy[2], 2);
}

TEST(FlowControl, ClosingConnectionsGetNoRdy) {
    fixture f(10);
    f.flow->add_connection(1, 2500);
    f.flow->set_closing(1);
    EXPECT_EQ(f.flow->update_rdy(1, 3), rdy_result::closing);
    EXPECT_EQ(f.sink.rdy[1], 10);
}

}  // namespace
}  // namespace nsqpp::client::detail
