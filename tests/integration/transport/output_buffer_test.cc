// Output buffering (spec §3.1 output_buffer_size / output_buffer_timeout): message frames are
// held until the buffer fills, the timeout passes, or the client has no RDY credit left.
#include "tests/integration/transport/transport_fixture.h"

namespace nsqpp::test {
namespace {

class output_buffer : public nsqd_fixture {
  protected:
    raw_client subscriber(std::string_view identify_json, int rdy) {
        return subscribe(tcp_port_, "t", "c", rdy, identify_json);
    }
    void publish_one(std::string_view body = "m") { ASSERT_TRUE(publish(tcp_port_, "t", body)); }
};

TEST_F(output_buffer, messages_wait_for_the_timeout_while_the_client_has_credit) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":2000})", 10);
    auto start = steady::now();
    publish_one();
    EXPECT_TRUE(sub.quiet_for(700ms));
    auto m = sub.read_message(5s);
    ASSERT_TRUE(m);
    EXPECT_GE(ms_since(start), 1500);
}

TEST_F(output_buffer, no_credit_left_flushes_at_once) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":5000})", 1);
    auto start = steady::now();
    publish_one();
    ASSERT_TRUE(sub.read_message(3s));
    EXPECT_LT(ms_since(start), 4000);
}

TEST_F(output_buffer, a_full_buffer_is_flushed) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":5000,"output_buffer_size":64})", 10);
    auto start = steady::now();
    publish_one(std::string(100, 'b'));
    ASSERT_TRUE(sub.read_message(3s));
    EXPECT_LT(ms_since(start), 4000);
}

TEST_F(output_buffer, buffering_disabled_by_minus_one) {
    raw_client sub = subscriber(R"({"output_buffer_size":-1})", 10);
    auto start = steady::now();
    publish_one();
    ASSERT_TRUE(sub.read_message(3s));
    EXPECT_LT(ms_since(start), 3000);
}

TEST_F(output_buffer, responses_are_not_buffered) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":5000})", 10);
    sub.send(cmd("TOUCH 0123456789abcdef"));  // an error reply comes at once
    EXPECT_TRUE(
        sub.expect_error("E_TOUCH_FAILED TOUCH 0123456789abcdef failed ID not in flight", 3s));
}

TEST_F(output_buffer, a_reply_flushes_buffered_messages_with_it) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":5000})", 10);
    publish_one("first");
    EXPECT_TRUE(sub.quiet_for(300ms));
    sub.send(cmd("NOP"));  // no reply: still buffered
    EXPECT_TRUE(sub.quiet_for(300ms));
    sub.send(cmd_with_body("PUB other", "x"));  // the OK goes out with the buffered message
    auto f = sub.read_frame(3s);
    ASSERT_TRUE(f);
    auto g = sub.read_frame(3s);
    ASSERT_TRUE(g);
    // NSQ's order: the buffered message, then the reply written behind it
    EXPECT_THAT(describe(*f), ::testing::HasSubstr("body=\"first\""));
    EXPECT_EQ(describe(*g), "response \"OK\"");
}

TEST_F(output_buffer, close_wait_follows_the_messages_buffered_before_it) {
    raw_client sub = subscriber(R"({"output_buffer_timeout":5000})", 10);
    for (std::string_view body : {"a", "b", "c"}) publish_one(body);
    EXPECT_TRUE(sub.quiet_for(300ms));
    sub.send(cmd("CLS"));
    for (std::string_view want : {"a", "b", "c"}) {
        auto m = sub.read_message(3s);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->body, want);
    }
    EXPECT_TRUE(sub.expect_response("CLOSE_WAIT"));
}

}  // namespace
}  // namespace nsqpp::test
