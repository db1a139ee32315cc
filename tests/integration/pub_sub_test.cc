// Publishing and consuming over real TCP (spec §2.3, §2.6, §2.8, §4), with 1 and 3 workers.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

class pub_sub : public nsqd_fixture, public ::testing::WithParamInterface<int> {
  protected:
    int workers() const override { return GetParam(); }
};

std::vector<std::string> numbered(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}

TEST_P(pub_sub, pub_then_sub_delivers_one_exact_message_frame) {
    int64_t before = unix_now_ns();
    ASSERT_TRUE(pub("t", "hello"));
    int64_t after = unix_now_ns();

    raw_client c = sub("t", "c", 1);
    auto f = c.read_frame();
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->type, wire::frame_type::message);
    ASSERT_EQ(f->data.size(), 26u + 5u);  // spec §2.3: size field = 4 + 26 + 5 = 35
    auto m = wire::decode_message(f->data);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, "hello");
    EXPECT_EQ(m->attempts, 1);
    EXPECT_TRUE(is_wire_id(std::string(m->id))) << m->id;
    EXPECT_GE(m->timestamp, before);
    EXPECT_LE(m->timestamp, after);

    c.send(cmd("FIN " + std::string(m->id)));
    EXPECT_TRUE(c.quiet_for(300ms));  // FIN has no reply and nothing is redelivered
}

TEST_P(pub_sub, message_frame_bytes_are_exact) {
    raw_client c = sub("raw", "c", 1);
    ASSERT_TRUE(pub("raw", "hello"));
    auto bytes = c.read_bytes(8 + 26 + 5);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_EQ(bytes->substr(0, 8), std::string("\x00\x00\x00\x23\x00\x00\x00\x02", 8));
    EXPECT_EQ(bytes->substr(16, 2), std::string("\x00\x01", 2));  // attempts
    EXPECT_TRUE(is_wire_id(bytes->substr(18, 16)));
    EXPECT_EQ(bytes->substr(34), "hello");
}

TEST_P(pub_sub, sub_then_pub_delivers) {
    raw_client c = sub("t", "c", 10);
    ASSERT_TRUE(pub("t", "a"));
    ASSERT_TRUE(pub("t", "b"));
    ASSERT_TRUE(pub("t", "c"));
    EXPECT_THAT(receive_bodies(c, 3), UnorderedElementsAre("a", "b", "c"));
    EXPECT_TRUE(c.quiet_for(200ms));
}

TEST_P(pub_sub, binary_and_large_bodies_round_trip) {
    raw_client c = sub("bin", "c", 10);
    const std::string binary("a\nb\0c\r\n\xff", 8);
    const std::string large(1048576, 'z');
    ASSERT_TRUE(pub("bin", binary));
    ASSERT_TRUE(pub("bin", large));
    auto bodies = receive_bodies(c, 2);
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_TRUE(std::find(bodies.begin(), bodies.end(), binary) != bodies.end());
    EXPECT_TRUE(std::find(bodies.begin(), bodies.end(), large) != bodies.end());
}

TEST_P(pub_sub, nothing_is_delivered_before_rdy) {
    raw_client c = sub("t", "c");
    ASSERT_TRUE(pub("t", "m"));
    EXPECT_TRUE(c.quiet_for(500ms));
    c.send(cmd("RDY 1"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, "m");
}

TEST_P(pub_sub, rdy_without_count_means_one) {
    raw_client c = sub("t", "c");
    ASSERT_TRUE(mpub("t", {"a", "b"}));
    c.send(cmd("RDY"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(c.quiet_for(400ms));  // only one in flight
    c.send(cmd("FIN " + m->id));
    EXPECT_TRUE(c.read_message().has_value());  // room again without another RDY
}

TEST_P(pub_sub, rdy_with_empty_count_means_zero) {
    raw_client c = sub("t", "c");
    ASSERT_TRUE(pub("t", "a"));
    c.send(cmd("RDY "));
    EXPECT_TRUE(c.quiet_for(400ms));
}

TEST_P(pub_sub, rdy_limits_unacknowledged_messages) {
    raw_client c = sub("t", "c", 2);
    ASSERT_TRUE(mpub("t", numbered("m", 5)));
    auto m1 = c.read_message();
    auto m2 = c.read_message();
    ASSERT_TRUE(m1 && m2);
    EXPECT_TRUE(c.quiet_for(400ms));  // in-flight == RDY

    c.send(cmd("FIN " + m1->id));  // FIN makes room; RDY is not decremented by deliveries
    auto m3 = c.read_message();
    ASSERT_TRUE(m3.has_value());
    EXPECT_TRUE(c.quiet_for(300ms));

    c.send(cmd("REQ " + m2->id + " 0"));  // REQ makes room too
    auto m4 = c.read_message();
    ASSERT_TRUE(m4.has_value());
    EXPECT_TRUE(c.quiet_for(300ms));

    c.send(cmd("RDY 10"));  // the rest: m4/m5 plus the requeued m2 (second attempt)
    std::set<std::string> ids{m3->id, m4->id};
    for (int i = 0; i < 2; ++i) {
        auto m = c.read_message();
        ASSERT_TRUE(m.has_value());
        ids.insert(m->id);
        if (m->id == m2->id) {
            EXPECT_EQ(m->attempts, 2);
        }
    }
    EXPECT_EQ(ids.size(), 4u);
    EXPECT_TRUE(c.quiet_for(300ms));
}

TEST_P(pub_sub, rdy_zero_stops_and_keeps_in_flight) {
    raw_client c = sub("t", "c", 1);
    ASSERT_TRUE(mpub("t", {"a", "b", "c"}));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    c.send(cmd("RDY 0"));
    c.send(cmd("FIN " + m->id));  // in-flight message can still be finished
    EXPECT_TRUE(c.quiet_for(500ms));
    c.send(cmd("RDY 5"));
    EXPECT_EQ(receive_bodies(c, 2).size(), 2u);
}

TEST_P(pub_sub, lowering_rdy_below_in_flight_revokes_nothing) {
    raw_client c = sub("low", "c", 3);
    ASSERT_TRUE(mpub("low", numbered("m", 6)));
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto m = c.read_message();
        ASSERT_TRUE(m.has_value());
        ids.push_back(m->id);
    }
    c.send(cmd("RDY 1"));
    c.send(cmd("FIN " + ids[0]));  // in flight 2 >= RDY 1: nothing new
    EXPECT_TRUE(c.quiet_for(400ms));
    c.send(cmd("FIN " + ids[1]));  // in flight 1 >= 1: still nothing
    EXPECT_TRUE(c.quiet_for(400ms));
    c.send(cmd("FIN " + ids[2]));  // in flight 0 < 1: exactly one more
    EXPECT_TRUE(c.read_message().has_value());
    EXPECT_TRUE(c.quiet_for(400ms));
}

// IDENTIFY sample_rate drops messages for that consumer (§2.8.8).
TEST_P(pub_sub, sample_rate_drops_most_messages) {
    raw_client sampled = sub("sample", "s", 200, R"({"sample_rate":1})");
    raw_client full = sub("sample", "f", 200);
    ASSERT_TRUE(mpub("sample", numbered("m", 200)));
    // Every message reaches the unsampled channel.
    EXPECT_EQ(receive_bodies(full, 200).size(), 200u);
    // Sample rate 1 delivers each with probability 2/100: expect ~4, never close to 200.
    size_t got = 0;
    while (auto m = sampled.read_frame(500ms)) {
        ASSERT_EQ(m->type, wire::frame_type::message) << describe(*m);
        ++got;
    }
    EXPECT_LT(got, 40u);
}

TEST_P(pub_sub, mpub_messages_get_distinct_increasing_ids) {
    raw_client c = sub("mp", "c", 10);
    ASSERT_TRUE(mpub("mp", {"a", "bc", "def"}));
    std::map<std::string, std::string> id_by_body;
    for (int i = 0; i < 3; ++i) {
        auto m = c.read_message();
        ASSERT_TRUE(m.has_value());
        EXPECT_TRUE(is_wire_id(m->id)) << m->id;
        EXPECT_EQ(m->attempts, 1);
        id_by_body[m->body] = m->id;
        c.send(cmd("FIN " + m->id));
    }
    ASSERT_EQ(id_by_body.size(), 3u);
    // IDs are generated in message order and are strictly increasing (hex compares like ints).
    EXPECT_LT(id_by_body["a"], id_by_body["bc"]);
    EXPECT_LT(id_by_body["bc"], id_by_body["def"]);
}

TEST_P(pub_sub, req_zero_redelivers_with_attempts_incremented) {
    raw_client c = sub("t", "c", 1);
    ASSERT_TRUE(pub("t", "again"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    EXPECT_EQ(m1->attempts, 1);
    c.send(cmd("REQ " + m1->id + " 0"));
    auto m2 = c.read_message();
    ASSERT_TRUE(m2.has_value());
    EXPECT_EQ(m2->id, m1->id);
    EXPECT_EQ(m2->body, "again");
    EXPECT_EQ(m2->timestamp, m1->timestamp);  // publish time never changes
    EXPECT_EQ(m2->attempts, 2);
    c.send(cmd("REQ " + m2->id + " 0"));
    auto m3 = c.read_message();
    ASSERT_TRUE(m3.has_value());
    EXPECT_EQ(m3->attempts, 3);
    c.send(cmd("FIN " + m3->id));
    EXPECT_TRUE(c.quiet_for(300ms));
}

TEST_P(pub_sub, req_zero_goes_behind_queued_messages) {
    raw_client c = sub("order", "c", 1);
    ASSERT_TRUE(mpub("order", {"first", "second"}));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    c.send(cmd("REQ " + m1->id + " 0"));
    auto m2 = c.read_message();
    ASSERT_TRUE(m2.has_value());
    EXPECT_NE(m2->id, m1->id);  // the other queued message comes first
    EXPECT_EQ(m2->attempts, 1);
    c.send(cmd("FIN " + m2->id));
    auto m3 = c.read_message();
    ASSERT_TRUE(m3.has_value());
    EXPECT_EQ(m3->id, m1->id);
    EXPECT_EQ(m3->attempts, 2);
}

TEST_P(pub_sub, cls_then_rdy_is_ignored_but_fin_and_pub_work) {
    raw_client c = sub("t", "c", 1);
    ASSERT_TRUE(mpub("t", {"a", "b", "c"}));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    c.send(cmd("CLS"));
    EXPECT_TRUE(c.expect_response("CLOSE_WAIT"));
    c.send(cmd("RDY 10"));
    c.send(cmd("TOUCH " + m->id));  // TOUCH, REQ and FIN still work while closing
    c.send(cmd("REQ " + m->id + " 0"));
    EXPECT_TRUE(c.quiet_for(500ms));  // no more deliveries although three are queued
    c.send(cmd("FIN " + m->id));      // the requeued message is no longer ours
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN " + m->id + " failed ID not in flight"));
    c.send(cmd_with_body("PUB t", "d"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_FALSE(c.peer_closed());

    // The remaining messages are still there for another consumer.
    raw_client other = sub("t", "c", 10);
    EXPECT_THAT(receive_bodies(other, 4), UnorderedElementsAre("a", "b", "c", "d"));
}

TEST_P(pub_sub, load_balancing_gives_each_message_to_exactly_one_consumer) {
    raw_client a = sub("lb", "c", 10);
    raw_client b = sub("lb", "c", 10);
    const auto bodies = numbered("m", 40);
    ASSERT_TRUE(mpub("lb", bodies));

    std::vector<std::string> got;
    std::set<std::string> ids;
    size_t from_a = 0;
    size_t from_b = 0;
    auto deadline = steady::now() + 5s;
    while (got.size() < bodies.size() && steady::now() < deadline) {
        for (raw_client* c : {&a, &b}) {
            auto m = c->read_frame(50ms);
            if (!m) continue;
            ASSERT_EQ(m->type, wire::frame_type::message) << describe(*m);
            auto d = wire::decode_message(m->data);
            ASSERT_TRUE(d.has_value());
            EXPECT_EQ(d->attempts, 1);
            EXPECT_TRUE(ids.insert(std::string(d->id)).second) << "delivered twice: " << d->id;
            got.emplace_back(d->body);
            (c == &a ? from_a : from_b)++;
            c->send(cmd("FIN " + std::string(d->id)));
        }
    }
    EXPECT_THAT(got, UnorderedElementsAreArray(bodies));
    EXPECT_EQ(from_a + from_b, bodies.size());
    EXPECT_TRUE(a.quiet_for(200ms));
    EXPECT_TRUE(b.quiet_for(100ms));
}

TEST_P(pub_sub, a_consumer_at_its_rdy_limit_leaves_messages_to_the_other) {
    raw_client a = sub("lb2", "c", 1);
    ASSERT_TRUE(pub("lb2", "first"));
    auto m = a.read_message();
    ASSERT_TRUE(m.has_value());
    raw_client b = sub("lb2", "c", 1);
    ASSERT_TRUE(pub("lb2", "second"));
    auto mb = b.read_message();
    ASSERT_TRUE(mb.has_value());
    EXPECT_EQ(mb->body, "second");
    EXPECT_TRUE(a.quiet_for(200ms));
}

TEST_P(pub_sub, fan_out_copies_every_message_to_every_channel) {
    raw_client c1 = sub("fan", "c1", 10);
    raw_client c2 = sub("fan", "c2", 10);
    ASSERT_TRUE(mpub("fan", {"a", "b", "c"}));
    std::map<std::string, std::string> ids1;
    std::map<std::string, std::string> ids2;
    for (int i = 0; i < 3; ++i) {
        auto m = c1.read_message();
        ASSERT_TRUE(m.has_value());
        ids1[m->body] = m->id;
        EXPECT_EQ(m->attempts, 1);
    }
    for (int i = 0; i < 3; ++i) {
        auto m = c2.read_message();
        ASSERT_TRUE(m.has_value());
        ids2[m->body] = m->id;
        EXPECT_EQ(m->attempts, 1);
    }
    EXPECT_EQ(ids1.size(), 3u);
    EXPECT_EQ(ids1, ids2);  // same IDs on every channel

    // Attempts are per channel: requeue on c1 does not affect c2.
    c1.send(cmd("REQ " + ids1["a"] + " 0"));
    auto again = c1.read_message();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->id, ids1["a"]);
    EXPECT_EQ(again->attempts, 2);
    EXPECT_TRUE(c2.quiet_for(300ms));
}

TEST_P(pub_sub, messages_published_before_the_first_channel_go_to_it) {
    ASSERT_TRUE(mpub("early", {"1", "2"}));
    raw_client c = sub("early", "c", 10);
    EXPECT_THAT(receive_bodies(c, 2), UnorderedElementsAre("1", "2"));
    // A channel created later does not get the old messages.
    raw_client late = sub("early", "late", 10);
    EXPECT_TRUE(late.quiet_for(400ms));
}

TEST_P(pub_sub, topics_are_independent) {
    raw_client c = sub("t1", "c", 10);
    ASSERT_TRUE(pub("t2", "other"));
    EXPECT_TRUE(c.quiet_for(400ms));
    ASSERT_TRUE(pub("t1", "mine"));
    EXPECT_THAT(receive_bodies(c, 1), ElementsAre("mine"));
}

TEST_P(pub_sub, dpub_zero_behaves_like_pub) {
    raw_client c = sub("d0", "c", 1);
    raw_client p = connect();
    p.send(cmd_with_body("DPUB d0 0", "now"));
    ASSERT_TRUE(p.expect_response("OK"));
    auto m = c.read_message(1s);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, "now");
    EXPECT_EQ(m->attempts, 1);
}

TEST_P(pub_sub, ephemeral_channel_is_removed_with_its_last_consumer) {
    // A durable channel keeps the topic distributing after the ephemeral one is gone.
    raw_client keep = sub("eph", "keep", 100);
    {
        raw_client a = sub("eph", "c#ephemeral", 0);
        ASSERT_TRUE(pub("eph", "while-connected"));
        EXPECT_TRUE(a.quiet_for(200ms));
    }  // last consumer disconnects: the channel and its message are gone
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(pub("eph", "after"));

    raw_client b = sub("eph", "c#ephemeral", 10);
    EXPECT_TRUE(b.quiet_for(700ms));  // neither the old nor the in-between message
    ASSERT_TRUE(pub("eph", "new"));
    EXPECT_THAT(receive_bodies(b, 1), ElementsAre("new"));
    EXPECT_THAT(receive_bodies(keep, 3), UnorderedElementsAre("while-connected", "after", "new"));
}

TEST_P(pub_sub, ephemeral_channel_survives_while_a_consumer_remains) {
    raw_client keep = sub("eph2", "keep", 100);
    raw_client a = sub("eph2", "c#ephemeral", 0);
    { raw_client b = sub("eph2", "c#ephemeral", 0); }
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(pub("eph2", "kept"));
    a.send(cmd("RDY 1"));
    EXPECT_THAT(receive_bodies(a, 1), ElementsAre("kept"));
}

TEST_P(pub_sub, ephemeral_topic_delivers) {
    raw_client c = sub("et#ephemeral", "c#ephemeral", 5);
    ASSERT_TRUE(mpub("et#ephemeral", {"x", "y"}));
    EXPECT_THAT(receive_bodies(c, 2), UnorderedElementsAre("x", "y"));
}

TEST_P(pub_sub, many_publishers_and_consumers) {
    raw_client a = sub("many", "c", 50);
    raw_client b = sub("many", "c", 50);
    raw_client other = sub("many", "d", 100);
    std::vector<std::string> all;
    {
        std::vector<raw_client> pubs;
        for (int p = 0; p < 4; ++p) pubs.push_back(connect());
        for (int i = 0; i < 25; ++i) {
            for (int p = 0; p < 4; ++p) {
                std::string body = "p" + std::to_string(p) + "-" + std::to_string(i);
                all.push_back(body);
                pubs[p].send(cmd_with_body("PUB many", body));
            }
        }
        for (auto& p : pubs) {
            for (int i = 0; i < 25; ++i) ASSERT_TRUE(p.expect_response("OK"));
        }
    }
    std::multiset<std::string> got;
    auto deadline = steady::now() + 5s;
    while (got.size() < all.size() && steady::now() < deadline) {
        for (raw_client* c : {&a, &b}) {
            auto f = c->read_frame(20ms);
            if (!f) continue;
            ASSERT_EQ(f->type, wire::frame_type::message) << describe(*f);
            auto d = wire::decode_message(f->data);
            got.insert(std::string(d->body));
            c->send(cmd("FIN " + std::string(d->id)));
        }
    }
    EXPECT_EQ(got, std::multiset<std::string>(all.begin(), all.end()));
    EXPECT_THAT(receive_bodies(other, all.size()), UnorderedElementsAreArray(all));
}

INSTANTIATE_TEST_SUITE_P(workers, pub_sub, ::testing::Values(1, 3),
                         [](const ::testing::TestParamInfo<int>& p) {
                             return std::to_string(p.param) + "_workers";
                         });

}  // namespace
}  // namespace nsqpp::test
