// Time-dependent behaviour over real TCP (spec §2.7, §2.8.3–2.8.5, §4.6): heartbeats, read
// deadlines, msg_timeout redelivery, REQ with delay, DPUB, TOUCH and max-msg-timeout.
// Every test is bounded to a few seconds; lower bounds leave ~100 ms of slack for scheduling.
#include <string>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class timing : public nsqd_fixture {};

constexpr std::string_view hb_1s = R"({"heartbeat_interval":1000})";
constexpr std::string_view timeout_1s = R"({"msg_timeout":1000})";

TEST_F(timing, heartbeat_arrives_after_the_interval) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    auto start = steady::now();
    auto f = c.read_frame(2500ms, /*heartbeats=*/true);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->type, wire::frame_type::response);
    EXPECT_EQ(f->data, "_heartbeat_");
    EXPECT_GE(ms_since(start), 800);
    EXPECT_LE(ms_since(start), 1600);
}

TEST_F(timing, heartbeat_frame_bytes_are_exact) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    // spec §2.3: 00 00 00 0f 00 00 00 00 "_heartbeat_"
    EXPECT_EQ(c.read_bytes(19, 2500ms),
              std::string("\x00\x00\x00\x0f\x00\x00\x00\x00", 8) + "_heartbeat_");
}

TEST_F(timing, silent_client_is_closed_after_two_intervals) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    auto start = steady::now();  // the last command was IDENTIFY
    std::string frames;
    ASSERT_TRUE(c.closed_by_peer(4s, &frames));
    int64_t elapsed = ms_since(start);
    EXPECT_GE(elapsed, 1700);
    EXPECT_LE(elapsed, 3000);
    EXPECT_THAT(frames, ::testing::HasSubstr("_heartbeat_"));
    EXPECT_THAT(frames, ::testing::Not(::testing::HasSubstr("error")));  // no error frame
}

TEST_F(timing, read_deadline_covers_the_body) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    auto start = steady::now();
    c.send(cmd("PUB t") + be32(10) + "abc");  // and then nothing
    ASSERT_TRUE(c.closed_by_peer(4s));
    EXPECT_GE(ms_since(start), 1700);
    EXPECT_LE(ms_since(start), 3000);
}

TEST_F(timing, client_answering_heartbeats_stays_connected) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    int heartbeats = 0;
    auto start = steady::now();
    while (ms_since(start) < 3500) {
        auto f = c.read_frame(500ms, true);
        if (f && f->data == "_heartbeat_") {
            ++heartbeats;
            c.send(cmd("NOP"));
        }
        ASSERT_FALSE(c.peer_closed()) << "closed after " << ms_since(start) << " ms";
    }
    EXPECT_GE(heartbeats, 2);
    EXPECT_LE(heartbeats, 4);
    c.send(cmd_with_body("PUB t", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(timing, only_the_first_identify_sets_the_heartbeat_timer) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", hb_1s));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("IDENTIFY", R"({"heartbeat_interval":60000})"));
    ASSERT_TRUE(c.expect_response("OK"));
    auto f = c.read_frame(2500ms, true);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->data, "_heartbeat_");
}

TEST_F(timing, subscribed_consumer_gets_heartbeats_too) {
    raw_client c = sub("hb", "c", 1, hb_1s);
    auto f = c.read_frame(2500ms, true);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->data, "_heartbeat_");
}

TEST_F(timing, msg_timeout_redelivers_with_attempts_2) {
    raw_client c = sub("to", "c", 1, timeout_1s);
    ASSERT_TRUE(pub("to", "slow"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    auto start = steady::now();
    EXPECT_EQ(m1->attempts, 1);

    auto m2 = c.read_message(4s);  // not FINed: nsqd requeues it after ~1 s
    ASSERT_TRUE(m2.has_value());
    EXPECT_GE(ms_since(start), 900);
    EXPECT_LE(ms_since(start), 3500);
    EXPECT_EQ(m2->id, m1->id);
    EXPECT_EQ(m2->body, "slow");
    EXPECT_EQ(m2->timestamp, m1->timestamp);
    EXPECT_EQ(m2->attempts, 2);
    c.send(cmd("FIN " + m2->id));  // the FIN applies to the redelivery
    c.send(cmd("NOP"));
    EXPECT_TRUE(c.quiet_for(1500ms));  // and nothing comes back
}

TEST_F(timing, fin_after_timeout_fails_without_closing) {
    raw_client c = sub("to2", "c", 1, timeout_1s);
    ASSERT_TRUE(pub("to2", "m"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    c.send(cmd("RDY 0"));  // so the timed-out message is not redelivered to us
    std::this_thread::sleep_for(2500ms);
    c.send(cmd("FIN " + m->id));
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN " + m->id + " failed ID not in flight"));
    EXPECT_FALSE(c.peer_closed());
    c.send(cmd("RDY 1"));
    auto again = c.read_message();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->attempts, 2);
}

TEST_F(timing, disconnect_leaves_the_message_in_flight_until_it_times_out) {
    std::string id;
    steady::time_point delivered;
    {
        raw_client a = sub("gone", "c", 1, timeout_1s);
        ASSERT_TRUE(pub("gone", "orphan"));
        auto m = a.read_message();
        ASSERT_TRUE(m.has_value());
        delivered = steady::now();
        id = m->id;
    }
    raw_client b = sub("gone", "c", 1);
    auto m = b.read_message(4s);
    ASSERT_TRUE(m.has_value());
    EXPECT_GE(ms_since(delivered), 900);  // not requeued at disconnect
    EXPECT_EQ(m->id, id);
    EXPECT_EQ(m->attempts, 2);
}

TEST_F(timing, req_with_delay_redelivers_after_the_delay) {
    raw_client c = sub("rq", "c", 1);
    ASSERT_TRUE(pub("rq", "later"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    auto start = steady::now();
    c.send(cmd("REQ " + m1->id + " 1000"));
    auto m2 = c.read_message(4s);
    ASSERT_TRUE(m2.has_value());
    EXPECT_GE(ms_since(start), 900);
    EXPECT_LE(ms_since(start), 3500);
    EXPECT_EQ(m2->id, m1->id);
    EXPECT_EQ(m2->attempts, 2);
}

TEST_F(timing, deferred_requeue_lets_other_messages_through) {
    raw_client c = sub("rq2", "c", 1);
    ASSERT_TRUE(pub("rq2", "deferred"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    c.send(cmd("REQ " + m1->id + " 1500"));
    ASSERT_TRUE(pub("rq2", "next"));
    auto m2 = c.read_message(1s);  // the REQ freed the RDY slot at once
    ASSERT_TRUE(m2.has_value());
    EXPECT_EQ(m2->body, "next");
    c.send(cmd("FIN " + m2->id));
    auto m3 = c.read_message(4s);
    ASSERT_TRUE(m3.has_value());
    EXPECT_EQ(m3->body, "deferred");
}

class timing_short_max : public nsqd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.msg_timeout = 1s;
        o.max_msg_timeout = 2s;
        o.max_req_timeout = 1s;
        return o;
    }
};

TEST_F(timing_short_max, req_delay_above_max_is_clamped) {
    raw_client c = sub("clamp", "c", 1);
    ASSERT_TRUE(pub("clamp", "m"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    auto start = steady::now();
    c.send(cmd("REQ " + m1->id + " 3600000"));  // clamped to --max-req-timeout = 1 s
    auto m2 = c.read_message(4s);
    ASSERT_TRUE(m2.has_value());
    EXPECT_GE(ms_since(start), 900);
    EXPECT_LE(ms_since(start), 3500);
    EXPECT_EQ(m2->attempts, 2);
}

TEST_F(timing_short_max, touch_is_capped_at_max_msg_timeout) {
    raw_client c = sub("cap", "c", 1);
    ASSERT_TRUE(pub("cap", "m"));
    auto m1 = c.read_message();
    ASSERT_TRUE(m1.has_value());
    auto delivered = steady::now();
    // Touch every 400 ms; each would extend to now + 1 s, but 2 s after delivery is the limit.
    std::optional<frame> f;
    while (ms_since(delivered) < 4000) {
        c.send(cmd("TOUCH " + m1->id));
        f = c.read_frame(400ms);
        if (f) break;
    }
    ASSERT_TRUE(f.has_value()) << "never redelivered";
    int64_t elapsed = ms_since(delivered);
    EXPECT_GE(elapsed, 1800);
    EXPECT_LE(elapsed, 3500);
    // Either the redelivery, or a TOUCH that raced with the timeout.
    if (f->type == wire::frame_type::error) {
        EXPECT_EQ(f->data, "E_TOUCH_FAILED TOUCH " + m1->id + " failed ID not in flight");
        f = c.read_frame(2s);
        ASSERT_TRUE(f.has_value());
    }
    ASSERT_EQ(f->type, wire::frame_type::message) << describe(*f);
    auto m2 = wire::decode_message(f->data);
    EXPECT_EQ(std::string(m2->id), m1->id);
    EXPECT_EQ(m2->attempts, 2);
}

TEST_F(timing_short_max, identify_msg_timeout_above_max_is_invalid) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", R"({"msg_timeout":2001})"));
    EXPECT_TRUE(c.expect_fatal("E_BAD_BODY IDENTIFY msg timeout (2001) is invalid"));
}

TEST_F(timing, touch_keeps_a_message_alive_past_its_timeout) {
    raw_client c = sub("touch", "c", 1, timeout_1s);
    ASSERT_TRUE(pub("touch", "kept"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    auto delivered = steady::now();
    while (ms_since(delivered) < 2500) {
        std::this_thread::sleep_for(400ms);
        c.send(cmd("TOUCH " + m->id));
    }
    // Still in flight to us: no redelivery and no TOUCH error meanwhile, and the FIN works.
    c.send(cmd("FIN " + m->id));
    c.send(cmd_with_body("PUB other", "x"));
    EXPECT_TRUE(c.expect_response("OK"));  // an error or a message frame would come first
    EXPECT_TRUE(c.quiet_for(1500ms));
}

TEST_F(timing, dpub_delays_delivery) {
    raw_client c = sub("dp", "c", 5);
    raw_client p = connect();
    auto start = steady::now();
    p.send(cmd_with_body("DPUB dp 1000", "deferred"));
    ASSERT_TRUE(p.expect_response("OK"));
    p.send(cmd_with_body("PUB dp", "now"));
    ASSERT_TRUE(p.expect_response("OK"));

    auto first = c.read_message(1s);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->body, "now");
    auto second = c.read_message(4s);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->body, "deferred");
    EXPECT_EQ(second->attempts, 1);
    EXPECT_GE(ms_since(start), 900);
    EXPECT_LE(ms_since(start), 3500);
}

TEST_F(timing, message_timestamp_is_publish_time_not_delivery_time) {
    raw_client c = sub("ts", "c", 1);
    raw_client p = connect();
    int64_t before = unix_now_ns();
    p.send(cmd_with_body("DPUB ts 1000", "x"));
    ASSERT_TRUE(p.expect_response("OK"));
    int64_t after = unix_now_ns();
    auto m = c.read_message(4s);
    ASSERT_TRUE(m.has_value());
    EXPECT_GE(m->timestamp, before);
    EXPECT_LE(m->timestamp, after);
}

// §2.7 write deadline: a consumer that keeps sending NOPs (so the read deadline never fires)
// but stops reading is closed once a write has been stalled for a heartbeat interval.
TEST_F(timing, consumer_that_stops_reading_is_closed_by_the_write_deadline) {
    raw_client c = sub("stall", "c", 100, hb_1s);
    std::vector<std::string> big(20, std::string(500 * 1024, 'x'));  // 10 MB: fills the buffers
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(
            mpub("stall", std::vector<std::string>(big.begin() + i * 4, big.begin() + i * 4 + 4)));
    }
    auto clients = [&] {
        auto r = http_get("/stats?format=json&topic=stall");
        auto pos = r.body.find("\"client_count\":");
        return pos == std::string::npos ? -1 : std::atoi(r.body.c_str() + pos + 15);
    };
    EXPECT_EQ(clients(), 1);
    auto deadline = steady::now() + 6s;
    int count = 1;
    while (steady::now() < deadline && count != 0) {
        c.try_send(cmd("NOP"));  // keeps the read deadline away; fails once nsqd has closed
        std::this_thread::sleep_for(300ms);
        count = clients();
    }
    EXPECT_EQ(count, 0) << "the stalled consumer is still connected";
}

}  // namespace
}  // namespace nsqpp::test
