// Limits set by nsqd options, observed over real TCP: --max-rdy-count, --max-msg-size,
// --max-body-size, --max-req-timeout, --max-channel-consumers (spec §2.6, §8.2).
#include <string>
#include <thread>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class protocol_limits : public protocol_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.max_rdy_count = 5;
        o.max_msg_size = 100;
        o.max_body_size = 1000;
        o.max_req_timeout = 10s;
        o.max_channel_consumers = 1;
        return o;
    }
};

TEST_F(protocol_limits, max_rdy_count) {
    raw_client c = subscribed();
    c.send(cmd("RDY 5"));
    EXPECT_TRUE(c.quiet_for(200ms));
    c.send(cmd("RDY 6"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID RDY count 6 out of range 0-5"));
}

TEST_F(protocol_limits, max_msg_size) {
    raw_client c = connect();
    c.send(cmd_with_body("PUB t", std::string(100, 'x')));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("MPUB t", mpub_body({std::string(100, 'x'), "y"})));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("DPUB t 1", std::string(100, 'x')));
    EXPECT_TRUE(c.expect_response("OK"));

    EXPECT_TRUE(fatal_after(cmd_with_body("PUB t", std::string(101, 'x')),
                            "E_BAD_MESSAGE PUB message too big 101 > 100"));
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 1", std::string(101, 'x')),
                            "E_BAD_MESSAGE DPUB message too big 101 > 100"));
    EXPECT_TRUE(fatal_after(cmd_with_body("MPUB t", mpub_body({"a", std::string(101, 'x')})),
                            "E_BAD_MESSAGE MPUB message too big 101 > 100"));
}

TEST_F(protocol_limits, max_body_size) {
    EXPECT_TRUE(
        fatal_after(cmd("MPUB t") + be32(1001), "E_BAD_BODY MPUB body too big 1001 > 1000"));
    // (1000 - 4) / 5 = 199
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(1000) + be32(200),
                            "E_BAD_BODY MPUB invalid message count 200"));
    EXPECT_TRUE(
        fatal_after(cmd("IDENTIFY") + be32(1001), "E_BAD_BODY IDENTIFY body too big 1001 > 1000"));
    EXPECT_TRUE(fatal_after(cmd("AUTH") + be32(1001), "E_BAD_BODY AUTH body too big 1001 > 1000"));
}

TEST_F(protocol_limits, dpub_range_follows_max_req_timeout) {
    raw_client c = connect();
    c.send(cmd_with_body("DPUB t 10000", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 10001", "x"),
                            "E_INVALID DPUB timeout 10001 out of range 0-10000"));
}

TEST_F(protocol_limits, req_timeout_above_max_is_clamped_not_an_error) {
    raw_client c = sub("clamp", "c", 1);
    ASSERT_TRUE(pub("clamp", "m"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    c.send(cmd("REQ " + m->id + " 999999999"));
    EXPECT_TRUE(c.quiet_for(300ms));
    EXPECT_FALSE(c.peer_closed());
}

TEST_F(protocol_limits, max_channel_consumers) {
    raw_client first = sub("mc", "c");
    raw_client second = connect();
    second.send(cmd("SUB mc c"));
    EXPECT_TRUE(
        second.expect_fatal("E_SUB_FAILED SUB failed consumers for mc:c exceeds limit of 1"));
    raw_client other_channel = sub("mc", "c2");  // the limit is per channel
    first.close();
    // Once the first consumer is gone a new one fits (give nsqd a moment to notice).
    bool ok = false;
    for (int i = 0; i < 20 && !ok; ++i) {
        std::this_thread::sleep_for(100ms);
        raw_client again = connect();
        again.send(cmd("SUB mc c"));
        auto f = again.read_frame();
        ok = f && f->type == wire::frame_type::response && f->data == "OK";
    }
    EXPECT_TRUE(ok);
}

// PUB is limited by --max-msg-size only, even above --max-body-size (which bounds MPUB).
class protocol_big_messages : public protocol_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.max_msg_size = 2 * 1024 * 1024;
        o.max_body_size = 1024 * 1024;
        return o;
    }
};

// A PUB/DPUB body above --max-body-size but within --max-msg-size is accepted (the read buffer
// must grow to max(max-body-size, max-msg-size)).
TEST_F(protocol_big_messages, pub_above_max_body_size) {
    raw_client consumer = sub("big", "c", 1);
    const std::string body(1536 * 1024, 'b');
    raw_client c = connect();
    c.send(cmd_with_body("PUB big", body));
    EXPECT_TRUE(c.expect_response("OK"));
    auto m = consumer.read_message();
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body.size(), body.size());
    c.send(cmd_with_body("DPUB big 0", body));
    EXPECT_TRUE(c.expect_response("OK"));
}

}  // namespace
}  // namespace nsqpp::test
