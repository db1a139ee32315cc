// Channel queueing logic: RDY accounting, FIN/REQ/TOUCH, timeouts, deferral, pause, empty, close.
#include "broker/channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "broker/tests/test_util.h"

namespace nsqpp::broker {
namespace {

using namespace test;
using ::testing::ElementsAre;

constexpr nanoseconds minute = std::chrono::minutes(1);
constexpr nanoseconds max_timeout = std::chrono::minutes(15);

class channel_test : public ::testing::Test {
  protected:
    void put(std::initializer_list<uint64_t> ids, steady_time now = t0) {
        auto es = entries(ids);
        ch.put_batch(es, now);
    }
    std::vector<delivery> take(uint64_t id, int64_t rdy, steady_time now = t0,
                               nanoseconds timeout = minute) {
        std::vector<delivery> out;
        size_t n = ch.take(id, rdy, now, timeout, out);
        EXPECT_EQ(n, out.size());
        return out;
    }

    channel ch{nullptr, "c", 100};
    fake_consumer a;
    fake_consumer b;
};

TEST_F(channel_test, name_and_flags) {
    EXPECT_EQ(ch.name(), "c");
    EXPECT_FALSE(ch.ephemeral());
    EXPECT_EQ(ch.parent(), nullptr);
    EXPECT_FALSE(ch.paused());
    EXPECT_FALSE(ch.exiting());
    channel eph(nullptr, "c#ephemeral", 10);
    EXPECT_TRUE(eph.ephemeral());
}

TEST_F(channel_test, take_honours_ready_count_minus_in_flight) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2, 3, 4, 5});

    auto d = take(1, 3);
    EXPECT_THAT(ids_of(d), ElementsAre(1, 2, 3));
    EXPECT_THAT(attempts_of(d), ElementsAre(1, 1, 1));
    EXPECT_EQ(ch.counts_for(1).in_flight, 3);

    EXPECT_TRUE(take(1, 3).empty());  // in-flight == RDY
    EXPECT_TRUE(take(1, 2).empty());  // RDY lowered below in-flight: nothing, nothing revoked
    EXPECT_EQ(ch.counts_for(1).in_flight, 3);

    ASSERT_EQ(ch.finish(1, mid(2)), ack_error::none);
    EXPECT_THAT(ids_of(take(1, 3)), ElementsAre(4));   // FIN made room without a new RDY
    EXPECT_THAT(ids_of(take(1, 10)), ElementsAre(5));  // only one left in the queue
    EXPECT_TRUE(take(1, 10).empty());

    auto s = ch.stats();
    EXPECT_EQ(s.depth, 0u);
    EXPECT_EQ(s.in_flight_count, 4u);
    EXPECT_EQ(s.message_count, 5u);
    EXPECT_EQ(s.client_count, 1u);
    EXPECT_EQ(ch.counts_for(1).in_flight, 4);
}

TEST_F(channel_test, take_with_rdy_zero_or_unknown_consumer_takes_nothing) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2});
    EXPECT_TRUE(take(1, 0).empty());
    EXPECT_TRUE(take(2, 10).empty());  // not subscribed
    EXPECT_EQ(ch.stats().depth, 2u);
    EXPECT_EQ(ch.stats().in_flight_count, 0u);
}

TEST_F(channel_test, delivery_carries_the_shared_message) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    auto es = entries({7});
    ch.put_batch(es, t0);
    auto d = take(1, 1);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].msg.get(), es[0].msg.get());
    EXPECT_EQ(d[0].msg->body(), "m7");
    EXPECT_EQ(d[0].msg->timestamp(), 1007);
    EXPECT_EQ(id_str(d[0].msg->id()), "0000000000000007");
}

TEST_F(channel_test, fin_errors_and_counts) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    put({1, 2});
    ASSERT_THAT(ids_of(take(1, 1)), ElementsAre(1));
    ASSERT_THAT(ids_of(take(2, 1)), ElementsAre(2));

    EXPECT_EQ(ch.finish(1, mid(99)), ack_error::not_in_flight);
    EXPECT_EQ(ch.finish(1, mid(2)), ack_error::not_owner);
    EXPECT_EQ(ch.finish(2, mid(2)), ack_error::none);
    EXPECT_EQ(ch.finish(2, mid(2)), ack_error::not_in_flight);  // already finished

    EXPECT_EQ(ch.counts_for(2).finish_count, 1u);
    EXPECT_EQ(ch.counts_for(2).in_flight, 0);
    EXPECT_EQ(ch.counts_for(1).finish_count, 0u);
    EXPECT_EQ(ch.counts_for(1).in_flight, 1);
    EXPECT_EQ(ch.stats().in_flight_count, 1u);
}

TEST_F(channel_test, req_and_touch_errors) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    put({1});
    ASSERT_THAT(ids_of(take(1, 1)), ElementsAre(1));

    EXPECT_EQ(ch.requeue(1, mid(99), nanoseconds{0}, t0), ack_error::not_in_flight);
    EXPECT_EQ(ch.requeue(2, mid(1), nanoseconds{0}, t0), ack_error::not_owner);
    EXPECT_EQ(ch.touch(1, mid(99), t0, minute, max_timeout), ack_error::not_in_flight);
    EXPECT_EQ(ch.touch(2, mid(1), t0, minute, max_timeout), ack_error::not_owner);
    EXPECT_EQ(ch.touch(1, mid(1), t0, minute, max_timeout), ack_error::none);
    // None of the failures changed anything.
    EXPECT_EQ(ch.counts_for(1).in_flight, 1);
    EXPECT_EQ(ch.counts_for(2).requeue_count, 0u);
    EXPECT_EQ(ch.stats().requeue_count, 0u);
    EXPECT_EQ(ch.finish(1, mid(1)), ack_error::none);
}

TEST_F(channel_test, req_zero_requeues_behind_queued_messages) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2, 3});
    ASSERT_THAT(ids_of(take(1, 1)), ElementsAre(1));

    ASSERT_EQ(ch.requeue(1, mid(1), nanoseconds{0}, t0), ack_error::none);
    auto s = ch.stats();
    EXPECT_EQ(s.depth, 3u);
    EXPECT_EQ(s.in_flight_count, 0u);
    EXPECT_EQ(s.deferred_count, 0u);
    EXPECT_EQ(s.requeue_count, 1u);
    EXPECT_EQ(s.message_count, 3u);  // requeues are not new messages
    EXPECT_EQ(ch.counts_for(1).requeue_count, 1u);
    EXPECT_EQ(ch.counts_for(1).in_flight, 0);

    auto d = take(1, 10);
    EXPECT_THAT(ids_of(d), ElementsAre(2, 3, 1));
    EXPECT_THAT(attempts_of(d), ElementsAre(1, 1, 2));  // REQ itself does not count
}

TEST_F(channel_test, req_with_delay_is_deferred_until_due) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_THAT(ids_of(take(1, 1)), ElementsAre(1));

    ASSERT_EQ(ch.requeue(1, mid(1), 5s, t0 + 1s), ack_error::none);
    EXPECT_EQ(ch.stats().deferred_count, 1u);
    EXPECT_EQ(ch.stats().depth, 0u);
    EXPECT_EQ(ch.stats().in_flight_count, 0u);
    EXPECT_TRUE(take(1, 10, t0 + 2s).empty());  // now waiting for messages
    const int wakes_before = a.wakes;

    EXPECT_FALSE(ch.process_deferred(t0 + 6s - 1ns));
    EXPECT_EQ(ch.stats().deferred_count, 1u);
    EXPECT_EQ(a.wakes, wakes_before);

    EXPECT_TRUE(ch.process_deferred(t0 + 6s));
    EXPECT_EQ(ch.stats().deferred_count, 0u);
    EXPECT_EQ(ch.stats().depth, 1u);
    EXPECT_EQ(a.wakes, wakes_before + 1);
    EXPECT_FALSE(ch.process_deferred(t0 + 7s));  // nothing left

    auto d = take(1, 10, t0 + 6s);
    EXPECT_THAT(ids_of(d), ElementsAre(1));
    EXPECT_THAT(attempts_of(d), ElementsAre(2));
}

TEST_F(channel_test, deferred_messages_come_back_in_due_order) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2, 3});
    ASSERT_EQ(take(1, 3).size(), 3u);
    ASSERT_EQ(ch.requeue(1, mid(1), 3s, t0), ack_error::none);
    ASSERT_EQ(ch.requeue(1, mid(2), 1s, t0), ack_error::none);
    ASSERT_EQ(ch.requeue(1, mid(3), 2s, t0), ack_error::none);

    EXPECT_TRUE(ch.process_deferred(t0 + 1s));
    EXPECT_THAT(ids_of(take(1, 10, t0 + 1s)), ElementsAre(2));
    EXPECT_TRUE(ch.process_deferred(t0 + 10s));
    EXPECT_THAT(ids_of(take(1, 10, t0 + 10s)), ElementsAre(3, 1));
}

TEST_F(channel_test, deferred_publish_goes_to_the_deferred_set) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    auto es = entries({1}, 2s);
    ch.put_batch(es, t0);
    auto s = ch.stats();
    EXPECT_EQ(s.deferred_count, 1u);
    EXPECT_EQ(s.depth, 0u);
    EXPECT_EQ(s.message_count, 1u);
    EXPECT_TRUE(take(1, 10).empty());

    EXPECT_FALSE(ch.process_deferred(t0 + 2s - 1ns));
    EXPECT_TRUE(ch.process_deferred(t0 + 2s));
    auto d = take(1, 10, t0 + 2s);
    EXPECT_THAT(ids_of(d), ElementsAre(1));
    EXPECT_THAT(attempts_of(d), ElementsAre(1));
}

TEST_F(channel_test, timeout_requeues_and_next_delivery_counts_an_attempt) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2});
    ASSERT_THAT(ids_of(take(1, 2, t0, 1s)), ElementsAre(1, 2));
    ASSERT_EQ(ch.finish(1, mid(2)), ack_error::none);
    const int wakes_before = a.wakes;

    EXPECT_FALSE(ch.process_timeouts(t0 + 1s - 1ns));
    EXPECT_EQ(ch.stats().in_flight_count, 1u);

    EXPECT_TRUE(ch.process_timeouts(t0 + 1s));
    auto s = ch.stats();
    EXPECT_EQ(s.in_flight_count, 0u);
    EXPECT_EQ(s.depth, 1u);
    EXPECT_EQ(s.timeout_count, 1u);
    EXPECT_EQ(s.requeue_count, 0u);
    EXPECT_EQ(ch.counts_for(1).in_flight, 0);
    EXPECT_EQ(a.wakes, wakes_before + 1);        // the owner gained room
    EXPECT_FALSE(ch.process_timeouts(t0 + 1s));  // not twice

    // A FIN after the timeout fails; after redelivery (same ID) it applies again.
    EXPECT_EQ(ch.finish(1, mid(1)), ack_error::not_in_flight);
    auto d = take(1, 2, t0 + 2s, 1s);
    EXPECT_THAT(ids_of(d), ElementsAre(1));
    EXPECT_THAT(attempts_of(d), ElementsAre(2));
    EXPECT_EQ(ch.finish(1, mid(1)), ack_error::none);
    EXPECT_FALSE(ch.process_timeouts(t0 + 1h));
}

TEST_F(channel_test, stale_timeout_of_an_earlier_delivery_is_ignored) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1, t0, 1s).size(), 1u);
    ASSERT_EQ(ch.requeue(1, mid(1), nanoseconds{0}, t0 + 100ms), ack_error::none);
    ASSERT_EQ(take(1, 1, t0 + 500ms, 1s).size(), 1u);  // redelivered: deadline t0 + 1.5 s

    EXPECT_FALSE(ch.process_timeouts(t0 + 1s));  // the first delivery's deadline
    EXPECT_EQ(ch.stats().in_flight_count, 1u);
    EXPECT_EQ(ch.stats().timeout_count, 0u);
    EXPECT_TRUE(ch.process_timeouts(t0 + 1500ms));
    EXPECT_EQ(ch.stats().timeout_count, 1u);
}

TEST_F(channel_test, touch_extends_the_deadline) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1, t0, 1s).size(), 1u);
    ASSERT_EQ(ch.touch(1, mid(1), t0 + 800ms, 1s, max_timeout), ack_error::none);

    EXPECT_FALSE(ch.process_timeouts(t0 + 1s));  // the old deadline no longer applies
    EXPECT_FALSE(ch.process_timeouts(t0 + 1800ms - 1ns));
    EXPECT_EQ(ch.stats().in_flight_count, 1u);
    EXPECT_TRUE(ch.process_timeouts(t0 + 1800ms));
    EXPECT_EQ(ch.stats().in_flight_count, 0u);
    EXPECT_EQ(ch.stats().timeout_count, 1u);

    auto d = take(1, 1, t0 + 2s, 1s);
    EXPECT_THAT(attempts_of(d), ElementsAre(2));  // TOUCH never changed attempts
}

TEST_F(channel_test, touch_is_capped_at_delivery_plus_max_msg_timeout) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1, t0, 1s).size(), 1u);
    const nanoseconds max = 1500ms;
    ASSERT_EQ(ch.touch(1, mid(1), t0 + 900ms, 1s, max), ack_error::none);   // wants 1.9 s
    ASSERT_EQ(ch.touch(1, mid(1), t0 + 1400ms, 1s, max), ack_error::none);  // wants 2.4 s

    EXPECT_FALSE(ch.process_timeouts(t0 + 1500ms - 1ns));
    EXPECT_TRUE(ch.process_timeouts(t0 + 1500ms));
    EXPECT_EQ(ch.stats().timeout_count, 1u);

    // The cap is per delivery: a redelivery at t0+2s may live until t0+2s+max.
    ASSERT_EQ(take(1, 1, t0 + 2s, 1s).size(), 1u);
    ASSERT_EQ(ch.touch(1, mid(1), t0 + 2900ms, 1s, max), ack_error::none);
    EXPECT_FALSE(ch.process_timeouts(t0 + 3500ms - 1ns));
    EXPECT_TRUE(ch.process_timeouts(t0 + 3500ms));
}

TEST_F(channel_test, waiting_consumers_are_woken_by_new_messages) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    EXPECT_TRUE(take(1, 5).empty());  // both wait for messages
    EXPECT_TRUE(take(2, 5).empty());
    EXPECT_EQ(a.wakes, 0);
    EXPECT_EQ(b.wakes, 0);

    put({1, 2});  // two messages: both waiters woken, once each
    EXPECT_EQ(a.wakes, 1);
    EXPECT_EQ(b.wakes, 1);
    put({3});  // nobody waits any more
    EXPECT_EQ(a.wakes + b.wakes, 2);

    auto d1 = take(1, 5);
    auto d2 = take(2, 5);
    EXPECT_EQ(d1.size() + d2.size(), 3u);
    EXPECT_TRUE(take(1, 5).empty());  // waits again (and so does consumer 2)
    put({4});
    EXPECT_EQ(a.wakes + b.wakes, 4);  // every waiter is woken (see below why)
}

// A woken consumer may take nothing (it sent RDY 0, or disconnects): every waiter is woken so
// that another ready consumer gets the message (NSQ's consumers all select on the channel).
TEST_F(channel_test, a_declined_wake_leaves_the_message_to_another_waiter) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    EXPECT_TRUE(take(1, 1).empty());
    EXPECT_TRUE(take(2, 1).empty());
    put({1});
    EXPECT_EQ(a.wakes, 1);
    EXPECT_EQ(b.wakes, 1);
    EXPECT_TRUE(take(1, 0).empty());  // consumer 1 went to RDY 0 meanwhile
    EXPECT_THAT(ids_of(take(2, 1)), ElementsAre(1));
}

TEST_F(channel_test, a_woken_consumer_leaving_leaves_the_message_to_another_waiter) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    EXPECT_TRUE(take(1, 1).empty());
    EXPECT_TRUE(take(2, 1).empty());
    put({1});
    EXPECT_EQ(b.wakes, 1);
    EXPECT_FALSE(ch.remove_consumer(1));  // disconnects before taking
    EXPECT_THAT(ids_of(take(2, 1)), ElementsAre(1));
}

TEST_F(channel_test, a_requeued_message_wakes_a_waiting_consumer) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1).size(), 1u);
    EXPECT_TRUE(take(2, 1).empty());
    ASSERT_EQ(ch.requeue(1, mid(1), nanoseconds{0}, t0), ack_error::none);
    EXPECT_EQ(b.wakes, 1);
    auto d = take(2, 1);
    EXPECT_THAT(ids_of(d), ElementsAre(1));
    EXPECT_THAT(attempts_of(d), ElementsAre(2));
}

TEST_F(channel_test, each_message_goes_to_exactly_one_consumer) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    put({1, 2, 3, 4, 5, 6});
    auto d1 = take(1, 4);
    auto d2 = take(2, 4);
    EXPECT_THAT(ids_of(d1), ElementsAre(1, 2, 3, 4));
    EXPECT_THAT(ids_of(d2), ElementsAre(5, 6));
}

TEST_F(channel_test, pause_stops_deliveries_and_unpause_wakes) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2, 3});
    ASSERT_EQ(take(1, 1).size(), 1u);
    ch.pause();
    EXPECT_TRUE(ch.paused());
    EXPECT_TRUE(ch.stats().paused);
    EXPECT_TRUE(take(1, 10).empty());
    EXPECT_EQ(ch.stats().depth, 2u);
    // In-flight messages can still be finished while paused, and still time out.
    EXPECT_EQ(ch.finish(1, mid(1)), ack_error::none);
    put({4});
    EXPECT_EQ(ch.stats().depth, 3u);
    const int wakes_before = a.wakes;

    ch.unpause();
    EXPECT_FALSE(ch.paused());
    EXPECT_EQ(a.wakes, wakes_before + 1);
    EXPECT_THAT(ids_of(take(1, 10)), ElementsAre(2, 3, 4));
}

TEST_F(channel_test, timeouts_fire_while_paused) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1, t0, 1s).size(), 1u);
    ch.pause();
    EXPECT_TRUE(ch.process_timeouts(t0 + 1s));
    EXPECT_EQ(ch.stats().depth, 1u);
    EXPECT_TRUE(take(1, 1, t0 + 1s).empty());
}

TEST_F(channel_test, empty_discards_everything_and_resets_in_flight) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1, 2, 3, 4});
    ASSERT_EQ(take(1, 3, t0, 1s).size(), 3u);
    ASSERT_EQ(ch.requeue(1, mid(3), 10s, t0), ack_error::none);
    auto before = ch.stats();
    ASSERT_EQ(before.depth, 1u);
    ASSERT_EQ(before.in_flight_count, 2u);
    ASSERT_EQ(before.deferred_count, 1u);

    ch.empty();
    auto s = ch.stats();
    EXPECT_EQ(s.depth, 0u);
    EXPECT_EQ(s.in_flight_count, 0u);
    EXPECT_EQ(s.deferred_count, 0u);
    EXPECT_EQ(s.client_count, 1u);  // consumers stay
    EXPECT_EQ(ch.counts_for(1).in_flight, 0);
    EXPECT_EQ(ch.finish(1, mid(1)), ack_error::not_in_flight);
    EXPECT_EQ(ch.touch(1, mid(2), t0, 1s, max_timeout), ack_error::not_in_flight);
    EXPECT_FALSE(ch.process_timeouts(t0 + 1h));
    EXPECT_FALSE(ch.process_deferred(t0 + 1h));

    put({5, 6, 7});
    EXPECT_THAT(ids_of(take(1, 3, t0 + 1s)), ElementsAre(5, 6, 7));  // full RDY room again
}

TEST_F(channel_test, close_closes_every_consumer_and_refuses_work) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    put({1, 2});
    ASSERT_EQ(take(1, 1).size(), 1u);

    ch.close();
    EXPECT_TRUE(ch.exiting());
    EXPECT_EQ(a.closes, 1);
    EXPECT_EQ(b.closes, 1);
    EXPECT_EQ(ch.stats().client_count, 0u);
    EXPECT_EQ(ch.stats().depth, 0u);
    EXPECT_EQ(ch.stats().in_flight_count, 0u);

    fake_consumer c;
    EXPECT_EQ(ch.add_consumer(3, &c, 0), subscribe_error::exiting);
    EXPECT_EQ(ch.requeue(1, mid(1), nanoseconds{0}, t0), ack_error::exiting);
    put({3});
    EXPECT_EQ(ch.stats().depth, 0u);
    EXPECT_EQ(c.closes, 0);
}

TEST_F(channel_test, remove_consumer_keeps_its_in_flight_until_timeout) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    put({1});
    ASSERT_EQ(take(1, 1, t0, 2s).size(), 1u);
    EXPECT_FALSE(ch.remove_consumer(1));  // not ephemeral

    auto s = ch.stats();
    EXPECT_EQ(s.client_count, 0u);
    EXPECT_EQ(s.in_flight_count, 1u);
    EXPECT_EQ(s.depth, 0u);
    EXPECT_FALSE(ch.process_timeouts(t0 + 1s));
    EXPECT_TRUE(ch.process_timeouts(t0 + 2s));
    s = ch.stats();
    EXPECT_EQ(s.in_flight_count, 0u);
    EXPECT_EQ(s.depth, 1u);
    EXPECT_EQ(s.timeout_count, 1u);

    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    EXPECT_THAT(attempts_of(take(2, 1, t0 + 3s)), ElementsAre(2));
}

TEST_F(channel_test, timeouts_survive_the_stale_slot_cleanup) {
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    channel big(nullptr, "big", 5000);
    ASSERT_EQ(big.add_consumer(1, &a, 0), subscribe_error::none);
    std::vector<topic_entry> es;
    for (uint64_t n = 1; n <= 3000; ++n) es.push_back({make_msg(n), nanoseconds{0}});
    big.put_batch(es, t0);
    std::vector<delivery> out;
    ASSERT_EQ(big.take(1, 5000, t0, 1s, out), 3000u);
    for (uint64_t n = 11; n <= 3000; ++n) ASSERT_EQ(big.finish(1, mid(n)), ack_error::none);

    // 2990 stale timeout slots, 10 live ones: the next delivery triggers a rebuild.
    auto more = entries({5001});
    big.put_batch(more, t0);
    out.clear();
    ASSERT_EQ(big.take(1, 5000, t0 + 500ms, 1s, out), 1u);

    EXPECT_FALSE(big.process_timeouts(t0 + 1s - 1ns));
    EXPECT_TRUE(big.process_timeouts(t0 + 1s));
    EXPECT_EQ(big.stats().timeout_count, 10u);
    EXPECT_EQ(big.stats().in_flight_count, 1u);
    EXPECT_TRUE(big.process_timeouts(t0 + 1500ms));
    EXPECT_EQ(big.stats().timeout_count, 11u);
    EXPECT_EQ(big.stats().depth, 11u);
}

TEST(channel, ephemeral_remove_consumer_reports_the_last_one) {
    channel ch(nullptr, "c#ephemeral", 10);
    fake_consumer a, b;
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(ch.add_consumer(2, &b, 0), subscribe_error::none);
    EXPECT_FALSE(ch.remove_consumer(1));
    EXPECT_TRUE(ch.remove_consumer(2));

    channel durable(nullptr, "c", 10);
    ASSERT_EQ(durable.add_consumer(1, &a, 0), subscribe_error::none);
    EXPECT_FALSE(durable.remove_consumer(1));
}

TEST(channel, ephemeral_channel_drops_overflow_silently) {
    channel ch(nullptr, "c#ephemeral", 2);
    EXPECT_EQ(ch.room(), SIZE_MAX);
    auto es = entries({1, 2, 3, 4, 5});
    ch.put_batch(es, t0);
    auto s = ch.stats();
    EXPECT_EQ(s.depth, 2u);
    EXPECT_EQ(s.message_count, 5u);
    fake_consumer a;
    ASSERT_EQ(ch.add_consumer(1, &a, 0), subscribe_error::none);
    std::vector<delivery> out;
    ch.take(1, 10, t0, 1s, out);
    EXPECT_THAT(ids_of(out), ElementsAre(1, 2));
}

TEST(channel, room_is_what_the_memory_queue_still_accepts) {
    channel ch(nullptr, "c", 3);
    EXPECT_EQ(ch.room(), 3u);
    auto e1 = entries({1, 2});
    ch.put_batch(e1, t0);
    EXPECT_EQ(ch.room(), 1u);
    auto e2 = entries({3});
    ch.put_batch(e2, t0);
    EXPECT_EQ(ch.room(), 0u);
    auto e3 = entries({4}, 1s);  // deferred messages do not use the memory queue
    ch.put_batch(e3, t0);
    EXPECT_EQ(ch.room(), 0u);
    EXPECT_EQ(ch.stats().deferred_count, 1u);
}

TEST(channel, max_consumers) {
    channel ch(nullptr, "c", 10);
    fake_consumer a, b, c;
    EXPECT_EQ(ch.add_consumer(1, &a, 2), subscribe_error::none);
    EXPECT_EQ(ch.add_consumer(2, &b, 2), subscribe_error::none);
    EXPECT_EQ(ch.add_consumer(3, &c, 2), subscribe_error::too_many);
    EXPECT_EQ(ch.stats().client_count, 2u);
    EXPECT_FALSE(ch.remove_consumer(1));
    EXPECT_EQ(ch.add_consumer(3, &c, 2), subscribe_error::none);

    channel unlimited(nullptr, "u", 10);
    std::vector<fake_consumer> many(50);
    for (size_t i = 0; i < many.size(); ++i) {
        EXPECT_EQ(unlimited.add_consumer(i + 1, &many[i], 0), subscribe_error::none);
    }
    EXPECT_EQ(unlimited.stats().client_count, 50u);
}

}  // namespace
}  // namespace nsqpp::broker
