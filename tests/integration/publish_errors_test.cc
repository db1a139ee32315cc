// PUB, MPUB and DPUB over real TCP (spec §2.6.10–§2.6.12): every error text in check order,
// fatal closes, and what a valid publish may contain.
#include <string>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class publish_errors : public protocol_fixture {};

// ---- §2.6.10 PUB ----

TEST_F(publish_errors, pub_errors) {
    EXPECT_TRUE(fatal_after(cmd("PUB"), "E_INVALID PUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd_with_body("PUB bad!t", "x"),
                            "E_BAD_TOPIC PUB topic name \"bad!t\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd_with_body("PUB  t", "x"), "E_BAD_TOPIC PUB topic name \"\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd("PUB t") + be32(0), "E_BAD_MESSAGE PUB invalid message body size 0"));
    EXPECT_TRUE(
        fatal_after(cmd("PUB t") + be32(-1), "E_BAD_MESSAGE PUB invalid message body size -1"));
    EXPECT_TRUE(fatal_after(cmd("PUB t") + be32(1048577),
                            "E_BAD_MESSAGE PUB message too big 1048577 > 1048576"));
    // Topic validated before the body size.
    EXPECT_TRUE(
        fatal_after(cmd("PUB bad!") + be32(0), "E_BAD_TOPIC PUB topic name \"bad!\" is not valid"));
}

// On EOF in the middle of a body NSQ sends its "failed to read" error frame (the client only
// half-closed) before closing. Spec §2.6.10 steps 3 and 6, §2.6.11.
TEST_F(publish_errors, truncated_bodies) {
    auto truncated = [&](const std::string& bytes, const std::string& error) {
        raw_client c = connect();
        c.send(bytes);
        c.shutdown_write();  // EOF for nsqd, but it can still answer
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(
        truncated(cmd("PUB t") + "\0\0"s, "E_BAD_MESSAGE PUB failed to read message body size"));
    EXPECT_TRUE(truncated(cmd("PUB t") + be32(10) + "abc",
                          "E_BAD_MESSAGE PUB failed to read message body"));
    EXPECT_TRUE(
        truncated(cmd("DPUB t 10") + "\0"s, "E_BAD_MESSAGE DPUB failed to read message body size"));
    EXPECT_TRUE(truncated(cmd("DPUB t 10") + be32(10) + "abc",
                          "E_BAD_MESSAGE DPUB failed to read message body"));
    EXPECT_TRUE(
        truncated(cmd("IDENTIFY") + "\0\0\0"s, "E_BAD_BODY IDENTIFY failed to read body size"));
    EXPECT_TRUE(
        truncated(cmd("IDENTIFY") + be32(10) + "{}", "E_BAD_BODY IDENTIFY failed to read body"));
    EXPECT_TRUE(truncated(cmd("AUTH") + "\0"s, "E_BAD_BODY AUTH failed to read body size"));
    EXPECT_TRUE(truncated(cmd("AUTH") + be32(10) + "se", "E_BAD_BODY AUTH failed to read body"));
}

TEST_F(publish_errors, pub_accepts_max_size_and_binary_bodies) {
    raw_client c = connect();
    c.send(cmd_with_body("PUB t", std::string(1048576, 'x')));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("PUB t", std::string("a\nb\0c\r\n", 7)));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("PUB t#ephemeral", "e"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("PUB t extra params", "e"));
    EXPECT_TRUE(c.expect_response("OK"));
}

// ---- §2.6.11 MPUB ----

TEST_F(publish_errors, mpub_errors) {
    EXPECT_TRUE(fatal_after(cmd("MPUB"), "E_INVALID MPUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd_with_body("MPUB bad!t", mpub_body({"a"})),
                            "E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"bad!t\" is not valid"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(0), "E_BAD_BODY MPUB invalid body size 0"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(-4), "E_BAD_BODY MPUB invalid body size -4"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(5242881),
                            "E_BAD_BODY MPUB body too big 5242881 > 5242880"));
    EXPECT_TRUE(
        fatal_after(cmd("MPUB t") + be32(4) + be32(0), "E_BAD_BODY MPUB invalid message count 0"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(4) + be32(-1),
                            "E_BAD_BODY MPUB invalid message count -1"));
    // (5242880 - 4) / 5 = 1048575 is the largest count accepted.
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(100) + be32(1048576),
                            "E_BAD_BODY MPUB invalid message count 1048576"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(100) + be32(2) + be32(1) + "a" + be32(0),
                            "E_BAD_MESSAGE MPUB invalid message(1) body size 0"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(100) + be32(2) + be32(-3),
                            "E_BAD_MESSAGE MPUB invalid message(0) body size -3"));
    EXPECT_TRUE(fatal_after(cmd("MPUB t") + be32(100) + be32(1) + be32(1048577),
                            "E_BAD_MESSAGE MPUB message too big 1048577 > 1048576"));
}

// Same as truncated_bodies, for MPUB (§2.6.11 5, 8, 10).
TEST_F(publish_errors, mpub_truncated_reads) {
    auto truncated = [&](const std::string& bytes, const std::string& error) {
        raw_client c = connect();
        c.send(bytes);
        c.shutdown_write();
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(truncated(cmd("MPUB t") + "\0\0"s, "E_BAD_BODY MPUB failed to read body size"));
    EXPECT_TRUE(truncated(cmd("MPUB t") + be32(10) + "\0"s,
                          "E_BAD_BODY MPUB failed to read message count"));
    EXPECT_TRUE(truncated(cmd("MPUB t") + be32(20) + be32(2) + be32(1) + "a",
                          "E_BAD_MESSAGE MPUB failed to read message(1) body size"));
    EXPECT_TRUE(truncated(cmd("MPUB t") + be32(20) + be32(1) + be32(5) + "ab",
                          "E_BAD_MESSAGE MPUB failed to read message body"));
}

TEST_F(publish_errors, mpub_body_length_is_only_range_checked) {
    raw_client c = connect();
    // body_len says 1000 but count/lengths describe 9 bytes: nsqd reads exactly those.
    c.send(cmd("MPUB t") + be32(1000) + be32(1) + be32(1) + "a" + cmd_with_body("PUB t", "b"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(publish_errors, invalid_mpub_enqueues_nothing) {
    raw_client consumer = sub("mpubv", "c", 10);
    EXPECT_TRUE(fatal_after(
        cmd("MPUB mpubv") + be32(100) + be32(3) + be32(1) + "a" + be32(1) + "b" + be32(0),
        "E_BAD_MESSAGE MPUB invalid message(2) body size 0"));
    EXPECT_TRUE(consumer.quiet_for(500ms));
    ASSERT_TRUE(mpub("mpubv", {"x", "y"}));
    EXPECT_THAT(receive_bodies(consumer, 2), ::testing::UnorderedElementsAre("x", "y"));
    EXPECT_TRUE(consumer.quiet_for(200ms));
}

// ---- §2.6.12 DPUB ----

TEST_F(publish_errors, dpub_errors) {
    EXPECT_TRUE(fatal_after(cmd("DPUB"), "E_INVALID DPUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd("DPUB t"), "E_INVALID DPUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB bad! 0", "x"),
                            "E_BAD_TOPIC DPUB topic name \"bad!\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd_with_body("DPUB t x", "x"), "E_INVALID DPUB could not parse timeout x"));
    EXPECT_TRUE(
        fatal_after(cmd_with_body("DPUB t -5", "x"), "E_INVALID DPUB could not parse timeout -5"));
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 3600001", "x"),
                            "E_INVALID DPUB timeout 3600001 out of range 0-3600000"));
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 3600100", "x"),
                            "E_INVALID DPUB timeout 3600100 out of range 0-3600000"));
    EXPECT_TRUE(
        fatal_after(cmd("DPUB t 10") + be32(0), "E_BAD_MESSAGE DPUB invalid message body size 0"));
    EXPECT_TRUE(fatal_after(cmd("DPUB t 10") + be32(1048577),
                            "E_BAD_MESSAGE DPUB message too big 1048577 > 1048576"));
    // The timeout is an unsigned 64-bit value in the error text (ByteToBase10 wraps).
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 99999999999999999999", "x"),
                            "E_INVALID DPUB timeout 7766279631452241919 out of range 0-3600000"));
    // The timeout is checked before the body.
    EXPECT_TRUE(fatal_after(cmd("DPUB t 3600001") + be32(0),
                            "E_INVALID DPUB timeout 3600001 out of range 0-3600000"));
}

// NSQ prints ByteToBase10's uint64 (§2.6.12 step 4, %d of the parsed value), never "-1".
TEST_F(publish_errors, dpub_timeout_is_reported_unsigned) {
    EXPECT_TRUE(fatal_after(cmd_with_body("DPUB t 18446744073709551615", "x"),
                            "E_INVALID DPUB timeout 18446744073709551615 out of range 0-3600000"));
}

TEST_F(publish_errors, dpub_accepts_the_full_range) {
    raw_client c = connect();
    c.send(cmd_with_body("DPUB t 3600000", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("DPUB t 0", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
}

}  // namespace
}  // namespace nsqpp::test
