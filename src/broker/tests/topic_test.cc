// Topic fan-out, backlog, limits, pause; the registry of topics and its queue scanner.
#include "broker/topic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "broker/registry.h"
#include "broker/tests/test_util.h"

namespace nsqpp::broker {
namespace {

using namespace test;
using ::testing::ElementsAre;

std::vector<message_ptr> bodies(std::initializer_list<std::string_view> bs) {
    std::vector<message_ptr> out;
    for (auto b : bs) out.push_back(message::create(b));
    return out;
}

std::vector<message_ptr> n_bodies(size_t n) {
    std::vector<message_ptr> out;
    for (size_t i = 0; i < n; ++i) out.push_back(message::create("m" + std::to_string(i)));
    return out;
}

publish_error publish(topic& t, std::vector<message_ptr>& msgs, nanoseconds defer = {}) {
    return t.publish(std::span<message_ptr>(msgs), defer);
}

std::vector<delivery> take(channel& ch, uint64_t id, int64_t rdy, steady_time now = t0,
                           nanoseconds timeout = std::chrono::minutes(1)) {
    std::vector<delivery> out;
    ch.take(id, rdy, now, timeout, out);
    return out;
}

std::vector<std::string> bodies_of(const std::vector<delivery>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.emplace_back(d.msg->body());
    return out;
}

uint64_t id_value(const message_ptr& m) { return m->id(); }

int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(topic, publish_assigns_increasing_ids_with_the_node_id_and_a_timestamp) {
    topic t("t", 100, 5);
    EXPECT_EQ(t.name(), "t");
    EXPECT_FALSE(t.ephemeral());
    auto msgs = bodies({"a", "bc", "def"});
    int64_t before = unix_now_ns();
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    int64_t after = unix_now_ns();
    uint64_t last = 0;
    for (const auto& m : msgs) {
        uint64_t id = id_value(m);
        EXPECT_GT(id, last);
        last = id;
        EXPECT_EQ((id >> 12) & 0x3ff, 5u);
        EXPECT_GE(m->timestamp(), before);
        EXPECT_LE(m->timestamp(), after);
    }
    auto s = t.stats();
    EXPECT_EQ(s.message_count, 3u);
    EXPECT_EQ(s.message_bytes, 6u);
}

TEST(topic, messages_wait_for_the_first_channel_then_go_to_it) {
    topic t("t", 100, 1);
    auto msgs = bodies({"a", "b", "c"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    EXPECT_EQ(t.stats().depth, 3u);
    EXPECT_TRUE(t.has_backlog());

    bool created = false;
    auto ch = t.get_channel("c", &created);
    ASSERT_NE(ch, nullptr);
    EXPECT_TRUE(created);
    EXPECT_EQ(ch->parent(), &t);
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_FALSE(t.has_backlog());
    EXPECT_EQ(ch->stats().depth, 3u);

    auto again = t.get_channel("c", &created);
    EXPECT_FALSE(created);
    EXPECT_EQ(again, ch);
    EXPECT_EQ(t.find_channel("c"), ch);
    EXPECT_EQ(t.find_channel("nope"), nullptr);
    EXPECT_EQ(t.channel_count(), 1u);

    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    auto d = take(*ch, 1, 10);
    EXPECT_THAT(bodies_of(d), ElementsAre("a", "b", "c"));

    // A second channel created later only gets messages published after it exists.
    auto late = t.get_channel("late");
    EXPECT_EQ(late->stats().depth, 0u);
    auto more = bodies({"d"});
    ASSERT_EQ(publish(t, more), publish_error::none);
    EXPECT_EQ(late->stats().depth, 1u);
    EXPECT_EQ(ch->stats().depth, 1u);
}

TEST(topic, fan_out_copies_to_every_channel_with_independent_attempts) {
    topic t("t", 100, 1);
    auto c1 = t.get_channel("c1");
    auto c2 = t.get_channel("c2");
    fake_consumer a, b;
    ASSERT_EQ(c1->add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(c2->add_consumer(2, &b, 0), subscribe_error::none);

    auto msgs = bodies({"x"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    EXPECT_EQ(c1->stats().depth, 1u);
    EXPECT_EQ(c2->stats().depth, 1u);
    EXPECT_EQ(c1->stats().message_count, 1u);

    auto d1 = take(*c1, 1, 1);
    ASSERT_EQ(d1.size(), 1u);
    EXPECT_EQ(d1[0].msg->id(), msgs[0]->id());
    EXPECT_EQ(d1[0].msg.get(), msgs[0].get());  // one shared body
    EXPECT_EQ(d1[0].attempts, 1);

    ASSERT_EQ(c1->requeue(1, d1[0].msg->id(), nanoseconds{0}, t0), ack_error::none);
    d1 = take(*c1, 1, 1);
    ASSERT_EQ(d1.size(), 1u);
    EXPECT_EQ(d1[0].attempts, 2);

    auto d2 = take(*c2, 2, 1);
    ASSERT_EQ(d2.size(), 1u);
    EXPECT_EQ(d2[0].msg->id(), msgs[0]->id());
    EXPECT_EQ(d2[0].msg->timestamp(), msgs[0]->timestamp());
    EXPECT_EQ(d2[0].attempts, 1);
}

TEST(topic, full_topic_refuses_a_batch_whole) {
    topic t("t", 3, 1);
    auto two = n_bodies(2);
    ASSERT_EQ(publish(t, two), publish_error::none);
    auto batch = n_bodies(2);
    EXPECT_EQ(publish(t, batch), publish_error::full);
    EXPECT_EQ(t.stats().depth, 2u);
    EXPECT_EQ(t.stats().message_count, 2u);
    auto one = n_bodies(1);
    EXPECT_EQ(publish(t, one), publish_error::none);
    EXPECT_EQ(t.stats().depth, 3u);
    auto another = n_bodies(1);
    EXPECT_EQ(publish(t, another), publish_error::full);
    EXPECT_EQ(t.stats().message_count, 3u);
}

TEST(topic, full_counts_channel_room_plus_topic_room) {
    topic t("t", 2, 1);
    auto ch = t.get_channel("c");
    auto five = n_bodies(5);
    EXPECT_EQ(publish(t, five), publish_error::full);
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_EQ(ch->stats().depth, 0u);
    EXPECT_EQ(ch->stats().message_count, 0u);

    auto four = n_bodies(4);
    EXPECT_EQ(publish(t, four), publish_error::none);
    EXPECT_EQ(ch->stats().depth, 2u);
    EXPECT_EQ(t.stats().depth, 2u);
    EXPECT_TRUE(t.has_backlog());
}

TEST(topic, ephemeral_topic_drops_overflow_silently) {
    topic t("t#ephemeral", 2, 1);
    EXPECT_TRUE(t.ephemeral());
    auto msgs = bodies({"a", "b", "c", "d", "e"});
    EXPECT_EQ(publish(t, msgs), publish_error::none);
    EXPECT_EQ(t.stats().depth, 2u);
    auto ch = t.get_channel("c");
    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    EXPECT_THAT(bodies_of(take(*ch, 1, 10)), ElementsAre("a", "b"));
}

TEST(topic, ephemeral_channel_drops_overflow_without_refusing_the_publish) {
    topic t("t#ephemeral", 2, 1);
    auto ch = t.get_channel("c#ephemeral");
    auto msgs = bodies({"a", "b", "c", "d", "e"});
    EXPECT_EQ(publish(t, msgs), publish_error::none);
    EXPECT_EQ(ch->stats().depth, 2u);
    EXPECT_EQ(t.stats().depth, 0u);
}

// BUG (src/broker/topic.cc, topic::publish): with only ephemeral channels, fanout_room_locked()
// returns SIZE_MAX and `direct_room + queue_room` wraps around, so a non-ephemeral topic with
// --mem-queue-size=1 refuses every publish (and with 10000 refuses a 10000-message MPUB).
TEST(topic, durable_topic_with_only_an_ephemeral_channel_accepts_publishes) {
    topic t("t", 1, 1);
    auto ch = t.get_channel("c#ephemeral");
    auto one = bodies({"a"});
    EXPECT_EQ(publish(t, one), publish_error::none);
    EXPECT_EQ(ch->stats().depth, 1u);

    topic big("big", 10000, 1);
    auto ch2 = big.get_channel("c#ephemeral");
    auto batch = n_bodies(10000);
    EXPECT_EQ(publish(big, batch), publish_error::none);
}

TEST(topic, pause_holds_messages_in_the_topic) {
    topic t("t", 100, 1);
    auto ch = t.get_channel("c");
    t.pause();
    EXPECT_TRUE(t.paused());
    EXPECT_TRUE(t.stats().paused);
    auto msgs = bodies({"a", "b"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    EXPECT_EQ(t.stats().depth, 2u);
    EXPECT_EQ(ch->stats().depth, 0u);
    t.pump();  // a pump while paused moves nothing
    EXPECT_EQ(ch->stats().depth, 0u);

    t.unpause();
    EXPECT_FALSE(t.paused());
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_EQ(ch->stats().depth, 2u);
}

TEST(topic, backlog_is_pumped_when_a_full_channel_drains) {
    topic t("t", 2, 1);
    auto ch = t.get_channel("c");
    auto msgs = bodies({"a", "b", "c", "d"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    ASSERT_EQ(ch->stats().depth, 2u);
    ASSERT_EQ(t.stats().depth, 2u);
    ASSERT_TRUE(t.has_backlog());

    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    auto d = take(*ch, 1, 2);  // take → pump
    EXPECT_THAT(bodies_of(d), ElementsAre("a", "b"));
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_FALSE(t.has_backlog());
    EXPECT_EQ(ch->stats().depth, 2u);
    EXPECT_THAT(bodies_of(take(*ch, 1, 10)), ElementsAre("c", "d"));
}

TEST(topic, deleting_a_full_channel_releases_the_backlog_to_the_others) {
    topic t("t", 2, 1);
    auto c1 = t.get_channel("c1");
    auto c2 = t.get_channel("c2");
    fake_consumer a, b;
    ASSERT_EQ(c1->add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(c2->add_consumer(2, &b, 0), subscribe_error::none);
    auto msgs = bodies({"a", "b", "c", "d"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    ASSERT_EQ(t.stats().depth, 2u);

    ASSERT_EQ(take(*c2, 2, 2).size(), 2u);  // c2 drains, but c1 is still full
    EXPECT_EQ(t.stats().depth, 2u);
    EXPECT_EQ(c2->stats().depth, 0u);

    EXPECT_TRUE(t.delete_channel("c1"));
    EXPECT_EQ(a.closes, 1);
    EXPECT_TRUE(c1->exiting());
    EXPECT_EQ(t.find_channel("c1"), nullptr);
    EXPECT_EQ(t.channel_count(), 1u);
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_EQ(c2->stats().depth, 2u);
    EXPECT_FALSE(t.delete_channel("c1"));
    EXPECT_EQ(b.closes, 0);
}

// BUG (src/broker/channel.cc channel::empty / channel::take, src/broker/topic.cc topic::publish):
// after a full channel is emptied, nothing moves the topic's backlog into it: take() returns
// early on an empty queue (before its pump), and publish() only queues behind the backlog. The
// messages stay in the topic until a publish is refused as full. NSQ keeps distributing.
TEST(topic, emptying_a_full_channel_lets_the_backlog_flow) {
    topic t("t", 2, 1);
    auto ch = t.get_channel("c");
    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    auto msgs = bodies({"a", "b", "c", "d"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    ASSERT_EQ(t.stats().depth, 2u);

    ch->empty();  // discards "a" and "b"; the channel has room again
    auto d = take(*ch, 1, 10);
    if (d.empty()) d = take(*ch, 1, 10);  // (a consumer woken by a pump would take again)
    EXPECT_THAT(bodies_of(d), ElementsAre("c", "d"));
    EXPECT_EQ(t.stats().depth, 0u);
    // And publishing works again (today: publish_error::full, the topic queue never drains).
    auto more = bodies({"e"});
    EXPECT_EQ(publish(t, more), publish_error::none);
}

TEST(topic, deferred_publish_lands_in_the_channels_deferred_set) {
    topic t("t", 100, 1);
    auto ch = t.get_channel("c");
    auto msgs = bodies({"later"});
    steady_time before = std::chrono::steady_clock::now();
    ASSERT_EQ(publish(t, msgs, std::chrono::seconds(1)), publish_error::none);
    steady_time after = std::chrono::steady_clock::now();
    EXPECT_EQ(ch->stats().deferred_count, 1u);
    EXPECT_EQ(ch->stats().depth, 0u);
    EXPECT_FALSE(ch->process_deferred(before + std::chrono::milliseconds(999)));
    EXPECT_TRUE(ch->process_deferred(after + std::chrono::seconds(1)));
    EXPECT_EQ(ch->stats().depth, 1u);
}

TEST(topic, empty_discards_the_topic_queue_only) {
    topic t("t", 2, 1);
    auto ch = t.get_channel("c");
    auto msgs = n_bodies(4);
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    t.empty();
    EXPECT_EQ(t.stats().depth, 0u);
    EXPECT_FALSE(t.has_backlog());
    EXPECT_EQ(ch->stats().depth, 2u);  // channels untouched
}

TEST(topic, close_marks_exiting_and_closes_channels) {
    topic t("t", 100, 1);
    auto ch = t.get_channel("c");
    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    t.close();
    EXPECT_TRUE(t.exiting());
    EXPECT_TRUE(ch->exiting());
    EXPECT_EQ(a.closes, 1);
    EXPECT_EQ(t.channel_count(), 0u);
    auto msgs = bodies({"a"});
    EXPECT_EQ(publish(t, msgs), publish_error::exiting);
}

TEST(topic, stats_lists_channels) {
    topic t("t", 100, 1);
    t.get_channel("a");
    t.get_channel("b");
    auto msgs = bodies({"xy"});
    ASSERT_EQ(publish(t, msgs), publish_error::none);
    auto s = t.stats();
    EXPECT_EQ(s.name, "t");
    ASSERT_EQ(s.channels.size(), 2u);
    std::vector<std::string> names;
    for (const auto& c : s.channels) {
        names.push_back(c.name);
        EXPECT_EQ(c.depth, 1u);
    }
    std::sort(names.begin(), names.end());
    EXPECT_THAT(names, ElementsAre("a", "b"));
    EXPECT_EQ(t.channels().size(), 2u);
}

// ---- registry ----

TEST(registry, get_find_delete) {
    registry r({.mem_queue_size = 7, .node_id = 3});
    EXPECT_EQ(r.config().mem_queue_size, 7u);
    bool created = false;
    auto t = r.get_topic("t", &created);
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(created);
    EXPECT_EQ(r.get_topic("t", &created), t);
    EXPECT_FALSE(created);
    EXPECT_EQ(r.find_topic("t"), t);
    EXPECT_EQ(r.find_topic("u"), nullptr);
    EXPECT_EQ(r.topics().size(), 1u);

    // The registry's settings reach the topic: 7 messages fit, the 8th does not; node id 3.
    auto msgs = n_bodies(7);
    EXPECT_EQ(t->publish(std::span<message_ptr>(msgs)), publish_error::none);
    EXPECT_EQ((id_value(msgs[0]) >> 12) & 0x3ff, 3u);
    auto extra = n_bodies(1);
    EXPECT_EQ(t->publish(std::span<message_ptr>(extra)), publish_error::full);

    auto ch = t->get_channel("c");
    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    EXPECT_TRUE(r.delete_topic("t"));
    EXPECT_TRUE(t->exiting());
    EXPECT_EQ(a.closes, 1);
    EXPECT_EQ(r.find_topic("t"), nullptr);
    EXPECT_FALSE(r.delete_topic("t"));
    EXPECT_TRUE(r.topics().empty());

    auto fresh = r.get_topic("t", &created);
    EXPECT_TRUE(created);
    EXPECT_NE(fresh, t);
}

TEST(registry, delete_if_unused_ephemeral) {
    registry r({.mem_queue_size = 10, .node_id = 0});
    auto durable = r.get_topic("d");
    r.delete_if_unused_ephemeral(durable);
    EXPECT_EQ(r.find_topic("d"), durable);  // not ephemeral: kept
    EXPECT_FALSE(durable->exiting());

    auto eph = r.get_topic("e#ephemeral");
    eph->get_channel("c#ephemeral");
    r.delete_if_unused_ephemeral(eph);
    EXPECT_EQ(r.find_topic("e#ephemeral"), eph);  // still has a channel
    EXPECT_FALSE(eph->exiting());

    ASSERT_TRUE(eph->delete_channel("c#ephemeral"));
    r.delete_if_unused_ephemeral(eph);
    EXPECT_EQ(r.find_topic("e#ephemeral"), nullptr);
    EXPECT_TRUE(eph->exiting());

    // A stale pointer never deletes the topic now registered under that name.
    auto again = r.get_topic("e#ephemeral");
    r.delete_if_unused_ephemeral(eph);
    EXPECT_EQ(r.find_topic("e#ephemeral"), again);
    EXPECT_FALSE(again->exiting());
}

TEST(registry, scan_processes_timeouts_and_deferred_on_every_channel) {
    registry r({.mem_queue_size = 10, .node_id = 0});
    auto t = r.get_topic("t");
    auto c1 = t->get_channel("c1");
    auto c2 = t->get_channel("c2");
    auto c3 = t->get_channel("c3");
    auto other = r.get_topic("o")->get_channel("c");
    fake_consumer a, b, c;
    ASSERT_EQ(c1->add_consumer(1, &a, 0), subscribe_error::none);
    ASSERT_EQ(c2->add_consumer(2, &b, 0), subscribe_error::none);
    ASSERT_EQ(other->add_consumer(3, &c, 0), subscribe_error::none);

    auto msgs = n_bodies(1);
    ASSERT_EQ(t->publish(std::span<message_ptr>(msgs)), publish_error::none);
    auto omsgs = n_bodies(1);
    ASSERT_EQ(r.find_topic("o")->publish(std::span<message_ptr>(omsgs)), publish_error::none);

    ASSERT_EQ(take(*c1, 1, 1, t0, std::chrono::seconds(1)).size(), 1u);  // times out at t0+1s
    auto d2 = take(*c2, 2, 1, t0, std::chrono::minutes(1));
    ASSERT_EQ(d2.size(), 1u);
    ASSERT_EQ(c2->requeue(2, d2[0].msg->id(), std::chrono::seconds(2), t0), ack_error::none);
    ASSERT_EQ(take(*other, 3, 1, t0, std::chrono::seconds(1)).size(), 1u);  // t0+1s too

    EXPECT_EQ(r.scan(t0 + std::chrono::milliseconds(500)), 0u);
    EXPECT_EQ(r.scan(t0 + std::chrono::seconds(1)), 2u);  // c1 and other
    EXPECT_EQ(c1->stats().timeout_count, 1u);
    EXPECT_EQ(other->stats().timeout_count, 1u);
    EXPECT_EQ(r.scan(t0 + std::chrono::seconds(2)), 1u);  // c2's deferred message
    EXPECT_EQ(c2->stats().depth, 1u);
    EXPECT_EQ(c3->stats().depth, 1u);  // never touched
    EXPECT_EQ(r.scan(t0 + std::chrono::seconds(3)), 0u);
}

TEST(registry, close_all_closes_topics_and_refuses_new_ones) {
    registry r({.mem_queue_size = 10, .node_id = 0});
    auto t = r.get_topic("t");
    auto ch = t->get_channel("c");
    fake_consumer a;
    ASSERT_EQ(ch->add_consumer(1, &a, 0), subscribe_error::none);
    r.close_all();
    EXPECT_TRUE(t->exiting());
    EXPECT_EQ(a.closes, 1);
    EXPECT_TRUE(r.topics().empty());
    EXPECT_EQ(r.get_topic("t"), nullptr);
    EXPECT_EQ(r.get_topic("new"), nullptr);
}

}  // namespace
}  // namespace nsqpp::broker
