#include "durable/journal.h"

#include <gtest/gtest.h>

#include "durable/fault_file_layer.h"

namespace nsqpp::durable {
namespace {
using namespace std::chrono_literals;

struct null_consumer : broker::consumer {
    void wake() override {}
    void close_from_channel() override {}
};

int64_t wall_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct harness {
    std::shared_ptr<fault_file_layer> fs = std::make_shared<fault_file_layer>(7);
    uint64_t segment_bytes = 1 << 20;

    std::shared_ptr<log_journal> open(replayer& state) {
        journal_config cfg;
        cfg.dir = "/data/durable";
        cfg.files = fs;
        cfg.segment_bytes = segment_bytes;
        fs->make_dir("/data/durable");
        return log_journal::open(cfg, state);
    }
};

std::vector<broker::message_ptr> bodies(int from, int n) {
    std::vector<broker::message_ptr> out;
    for (int i = from; i < from + n; ++i)
        out.push_back(broker::message::create("m" + std::to_string(i)));
    return out;
}

TEST(journal, replays_publish_deliver_finish_requeue_and_defer) {
    harness h;
    null_consumer consumer;
    std::vector<broker::message_id> ids;
    {
        replayer empty;
        auto j = h.open(empty);
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        auto t = reg.get_topic("t");
        auto ch = t->get_channel("ch");
        auto msgs = bodies(0, 10);
        uint64_t ticket = 0;
        ASSERT_EQ(t->publish(msgs, 0ns, &ticket), broker::publish_error::none);
        EXPECT_GT(ticket, 0u);
        auto deferred = bodies(10, 1);
        ASSERT_EQ(t->publish(deferred, 1h, &ticket), broker::publish_error::none);
        ASSERT_EQ(ch->add_consumer(1, &consumer, 0), broker::subscribe_error::none);
        std::vector<broker::delivery> out;
        auto now = std::chrono::steady_clock::now();
        ASSERT_EQ(ch->take(1, 5, now, 60s, out), 5u);
        for (auto& d : out) ids.push_back(d.msg->id());
        EXPECT_EQ(ch->finish(1, ids[0]), broker::ack_error::none);
        EXPECT_EQ(ch->finish(1, ids[1]), broker::ack_error::none);
        EXPECT_EQ(ch->requeue(1, ids[2], 1h, now), broker::ack_error::none);
        EXPECT_EQ(ch->requeue(1, ids[3], 0ns, now), broker::ack_error::none);
        // ids[4] stays in flight
        ASSERT_FALSE(j->log().commit());
        EXPECT_GE(j->committed(), ticket);
    }
    h.fs->crash(fault_file_layer::crash_mode::clean);
    replayer state;
    auto j = h.open(state);
    auto& ch = state.topics()["t"].channels["ch"].messages;
    EXPECT_EQ(ch.size(), 9u);  // 11 published, 2 finished
    EXPECT_FALSE(ch.count(ids[0]));
    EXPECT_FALSE(ch.count(ids[1]));
    EXPECT_EQ(ch.at(ids[2]).attempts, 1);
    EXPECT_GT(ch.at(ids[2]).due_ns, wall_ns() + 3500'000'000'000);  // REQ 1h
    EXPECT_EQ(ch.at(ids[3]).attempts, 1);
    EXPECT_EQ(ch.at(ids[3]).due_ns, 0);
    EXPECT_EQ(ch.at(ids[4]).attempts, 1);  // in flight at the crash: attempts carried over
    int deferred = 0;
    for (const auto& [id, e] : ch) {
        if (e.msg->body() == "m10") {
            ++deferred;
            EXPECT_GT(e.due_ns, wall_ns() + 3500'000'000'000);  // DPUB 1h
        }
    }
    EXPECT_EQ(deferred, 1);
    EXPECT_EQ(j->stats().corruptions, 0u);

    // restored into a broker: the deferred ones wait, the rest is ready
    broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
    reg.set_journal(j);
    auto t = reg.get_topic("t", nullptr, false);
    std::vector<broker::journal_entry> entries;
    for (auto& [id, e] : ch) entries.push_back(e);
    t->get_channel("ch")->restore(entries);
    auto s = t->get_channel("ch")->stats();
    EXPECT_EQ(s.deferred_count, 2u);
    EXPECT_EQ(s.depth, 7u);
}

TEST(journal, messages_held_without_channel_go_to_the_first_channel) {
    harness h;
    {
        replayer empty;
        auto j = h.open(empty);
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        auto t = reg.get_topic("t");
        auto msgs = bodies(0, 3);
        t->publish(msgs);
        t->get_channel("a");
        auto more = bodies(3, 2);
        t->publish(more);
        t->get_channel("b");
        ASSERT_FALSE(j->log().commit());
    }
    replayer state;
    auto j = h.open(state);
    EXPECT_EQ(state.topics()["t"].channels["a"].messages.size(), 5u);
    EXPECT_EQ(state.topics()["t"].channels["b"].messages.size(), 0u);
    EXPECT_TRUE(state.topics()["t"].held.empty());
}

TEST(journal, checkpoint_reclaims_segments_and_keeps_the_state) {
    harness h;
    h.segment_bytes = 4096;
    null_consumer consumer;
    size_t segments_before = 0;
    {
        replayer empty;
        auto j = h.open(empty);
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        auto t = reg.get_topic("t");
        auto ch = t->get_channel("ch");
        ch->add_consumer(1, &consumer, 0);
        auto now = std::chrono::steady_clock::now();
        for (int round = 0; round < 50; ++round) {
            auto msgs = bodies(round * 20, 20);
            t->publish(msgs);
            std::vector<broker::delivery> out;
            ch->take(1, 20, now, 60s, out);
            for (size_t i = 0; i < out.size(); ++i) {
                if (round < 49 || i < 15) ch->finish(1, out[i].msg->id());
            }
            ASSERT_FALSE(j->log().commit());
        }
        segments_before = j->log().segment_count();
        j->log().start_syncer();
        j->checkpoint(reg);
        EXPECT_LT(j->log().segment_count(), segments_before);
        EXPECT_LE(j->log().segment_count(), 2u);
        EXPECT_EQ(j->stats().checkpoints, 1u);
        j->stop();
    }
    EXPECT_GT(segments_before, 5u);
    h.fs->crash(fault_file_layer::crash_mode::clean);
    replayer state;
    auto j = h.open(state);
    auto& ch = state.topics()["t"].channels["ch"].messages;
    ASSERT_EQ(ch.size(), 5u);  // the last round's 5 unfinished, in flight: attempts 1
    for (const auto& [id, e] : ch) EXPECT_EQ(e.attempts, 1);
}

TEST(journal, deleted_and_emptied_channels_replay_empty) {
    harness h;
    {
        replayer empty;
        auto j = h.open(empty);
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        auto t = reg.get_topic("t");
        t->get_channel("gone");
        t->get_channel("emptied");
        auto msgs = bodies(0, 4);
        t->publish(msgs);
        t->delete_channel("gone");
        t->find_channel("emptied")->empty();
        reg.get_topic("other");
        auto more = bodies(4, 1);
        reg.find_topic("other")->publish(more);
        reg.delete_topic("other");
        ASSERT_FALSE(j->log().commit());
    }
    replayer state;
    auto j = h.open(state);
    auto& t = state.topics()["t"];
    EXPECT_FALSE(t.channels.count("gone"));
    EXPECT_TRUE(t.channels["emptied"].messages.empty());
    EXPECT_FALSE(state.topics().count("other"));
}

// Messages handed to an ephemeral channel are not held by the topic after a restart, and a
// checkpoint forgets channels that no longer exist.
TEST(journal, ephemeral_channels_take_messages_but_are_not_restored) {
    harness h;
    {
        replayer empty;
        auto j = h.open(empty);
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        auto t = reg.get_topic("t");
        t->get_channel("tmp#ephemeral");
        auto msgs = bodies(0, 3);
        t->publish(msgs);
        ASSERT_FALSE(j->log().commit());
    }
    {
        replayer state;
        auto j = h.open(state);
        EXPECT_TRUE(state.topics()["t"].held.empty());
        // nsqd restores only durable channels, then checkpoints: the ephemeral one is gone
        broker::registry reg(broker::registry_config{100, 1, {}, nullptr});
        reg.set_journal(j);
        reg.get_topic("t", nullptr, false);
        j->log().start_syncer();
        ASSERT_TRUE(j->checkpoint(reg));
        auto more = bodies(3, 2);
        reg.find_topic("t")->publish(more);
        j->stop();
    }
    replayer state;
    auto j = h.open(state);
    EXPECT_FALSE(state.topics()["t"].channels.count("tmp#ephemeral"));
    EXPECT_EQ(state.topics()["t"].held.size(), 2u);  // published after: held for a channel
}

}  // namespace
}  // namespace nsqpp::durable
