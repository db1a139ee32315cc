// V2 protocol errors over real TCP (spec §2.1–§2.6): exact error texts, which errors are fatal
// (nsqd closes the connection after the frame) and which keep the connection usable, and the
// state table of §2.4. PUB/MPUB/DPUB errors are in publish_errors_test.cc, limits set by options
// in limits_test.cc.
#include <string>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class protocol_errors : public protocol_fixture {};

// ---- §2.1 magic and §2.2 command syntax ----

TEST_F(protocol_errors, bad_magic_gets_bare_code_and_close) {
    raw_client c;
    ASSERT_TRUE(c.connect(tcp_port_));
    c.send("  V1");
    auto f = c.read_frame();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->type, wire::frame_type::error);
    EXPECT_EQ(f->data, "E_BAD_PROTOCOL");
    EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(protocol_errors, correct_magic_gets_no_reply) {
    raw_client c = connect();
    EXPECT_TRUE(c.quiet_for(300ms));
    EXPECT_FALSE(c.peer_closed());
    EXPECT_TRUE(still_usable(c));
}

TEST_F(protocol_errors, error_frame_bytes_are_exact) {
    raw_client c = connect();
    c.send(cmd("FOO"));
    // spec §2.3: 00 00 00 21 00 00 00 01 "E_INVALID invalid command FOO"
    const std::string expected =
        std::string("\x00\x00\x00\x21\x00\x00\x00\x01", 8) + "E_INVALID invalid command FOO";
    EXPECT_EQ(c.read_bytes(expected.size()), expected);
    EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(protocol_errors, ok_frame_bytes_are_exact) {
    raw_client c = connect();
    c.send(cmd_with_body("PUB t", "x"));
    // spec §2.3: 00 00 00 06 00 00 00 00 4f 4b
    EXPECT_EQ(c.read_bytes(10), std::string("\x00\x00\x00\x06\x00\x00\x00\x00OK", 10));
}

TEST_F(protocol_errors, unknown_commands_are_fatal) {
    EXPECT_TRUE(fatal_after(cmd("FOO"), "E_INVALID invalid command FOO"));
    EXPECT_TRUE(fatal_after(cmd("pub t"), "E_INVALID invalid command pub"));  // case-sensitive
    EXPECT_TRUE(fatal_after(cmd(""), "E_INVALID invalid command "));          // empty line
    EXPECT_TRUE(fatal_after(cmd(" NOP"), "E_INVALID invalid command "));      // leading space
}

TEST_F(protocol_errors, trailing_carriage_return_is_stripped) {
    raw_client c = connect();
    c.send("NOP\r\n");
    c.send("PUB t\r\n" + be32(1) + "x");
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(protocol_errors, over_long_line_closes_without_error_frame) {
    raw_client c = connect();
    c.send(std::string(20000, 'A') + "\n");
    std::string frames;
    EXPECT_TRUE(c.closed_by_peer(3s, &frames));
    EXPECT_EQ(frames, "");
}

TEST_F(protocol_errors, line_length_limit_is_16384_bytes_including_newline) {
    // 16383 bytes + '\n' fit nsqd's read buffer: an ordinary (fatal) unknown-command error.
    const std::string fits(16383, 'A');
    EXPECT_TRUE(fatal_after(fits + "\n", "E_INVALID invalid command " + fits));
    // One more byte and the read fails: closed without an error frame.
    raw_client c = connect();
    c.send(std::string(16384, 'A') + "\n");
    std::string frames;
    EXPECT_TRUE(c.closed_by_peer(3s, &frames));
    EXPECT_EQ(frames, "");
}

TEST_F(protocol_errors, pipelined_commands_reply_in_order) {
    raw_client c = connect();
    c.send(cmd_with_body("PUB t", "a") + cmd("NOP") + cmd_with_body("PUB t", "b") +
           cmd_with_body("MPUB t", mpub_body({"c", "d"})) + cmd("FOO"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID invalid command FOO"));
}

TEST_F(protocol_errors, nop_has_no_reply) {
    raw_client c = connect();
    c.send(cmd("NOP"));
    EXPECT_TRUE(c.quiet_for(300ms));
    EXPECT_TRUE(still_usable(c));
}

// ---- §2.4 state table ----

TEST_F(protocol_errors, consumer_commands_are_refused_before_sub) {
    EXPECT_TRUE(fatal_after(cmd("RDY 1"), "E_INVALID cannot RDY in current state"));
    EXPECT_TRUE(fatal_after(cmd("FIN 0123456789abcdef"), "E_INVALID cannot FIN in current state"));
    EXPECT_TRUE(fatal_after(cmd("FIN"), "E_INVALID cannot FIN in current state"));
    EXPECT_TRUE(
        fatal_after(cmd("REQ 0123456789abcdef 0"), "E_INVALID cannot REQ in current state"));
    EXPECT_TRUE(
        fatal_after(cmd("TOUCH 0123456789abcdef"), "E_INVALID cannot TOUCH in current state"));
    EXPECT_TRUE(fatal_after(cmd("CLS"), "E_INVALID cannot CLS in current state"));
}

TEST_F(protocol_errors, init_commands_are_refused_after_sub) {
    {
        raw_client c = subscribed();
        c.send(cmd_with_body("IDENTIFY", "{}"));
        EXPECT_TRUE(c.expect_fatal("E_INVALID cannot IDENTIFY in current state"));
    }
    {
        raw_client c = subscribed();
        c.send(cmd("SUB t c2"));
        EXPECT_TRUE(c.expect_fatal("E_INVALID cannot SUB in current state"));
    }
    {
        raw_client c = subscribed();
        c.send(cmd_with_body("AUTH", "secret"));
        EXPECT_TRUE(c.expect_fatal("E_INVALID cannot AUTH in current state"));
    }
}

TEST_F(protocol_errors, publishing_and_nop_work_when_subscribed) {
    raw_client c = subscribed();
    c.send(cmd("NOP"));
    c.send(cmd_with_body("PUB other", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("MPUB other", mpub_body({"a", "b"})));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("DPUB other 0", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(protocol_errors, closing_state_rules) {
    raw_client c = subscribed();
    c.send(cmd("CLS"));
    EXPECT_TRUE(c.expect_response("CLOSE_WAIT"));
    c.send(cmd("RDY 10"));   // silently ignored
    c.send(cmd("RDY abc"));  // ignored too: the state check comes first
    c.send(cmd("NOP"));
    EXPECT_TRUE(c.quiet_for(300ms));
    c.send(cmd("FIN 0123456789abcdef"));  // FIN still processed (non-fatal failure)
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight"));
    EXPECT_TRUE(still_usable(c));
    c.send(cmd("CLS"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID cannot CLS in current state"));
}

TEST_F(protocol_errors, sub_and_identify_refused_when_closing) {
    {
        raw_client c = subscribed();
        c.send(cmd("CLS"));
        ASSERT_TRUE(c.expect_response("CLOSE_WAIT"));
        c.send(cmd("SUB t c"));
        EXPECT_TRUE(c.expect_fatal("E_INVALID cannot SUB in current state"));
    }
    {
        raw_client c = subscribed();
        c.send(cmd("CLS"));
        ASSERT_TRUE(c.expect_response("CLOSE_WAIT"));
        c.send(cmd_with_body("IDENTIFY", "{}"));
        EXPECT_TRUE(c.expect_fatal("E_INVALID cannot IDENTIFY in current state"));
    }
}

// ---- §2.6.3 SUB ----

TEST_F(protocol_errors, sub_errors) {
    EXPECT_TRUE(fatal_after(cmd("SUB"), "E_INVALID SUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd("SUB t"), "E_INVALID SUB insufficient number of parameters"));
    EXPECT_TRUE(fatal_after(cmd("SUB bad!topic c"),
                            "E_BAD_TOPIC SUB topic name \"bad!topic\" is not valid"));
    EXPECT_TRUE(fatal_after(cmd("SUB  c"), "E_BAD_TOPIC SUB topic name \"\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd("SUB t bad!ch"), "E_BAD_CHANNEL SUB channel name \"bad!ch\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd("SUB t#ephemeral c#ephemeral#ephemeral"),
                    "E_BAD_CHANNEL SUB channel name \"c#ephemeral#ephemeral\" is not valid"));
    const std::string long65(65, 'a');
    EXPECT_TRUE(fatal_after(cmd("SUB " + long65 + " c"),
                            "E_BAD_TOPIC SUB topic name \"" + long65 + "\" is not valid"));
    // Topic checked before channel.
    EXPECT_TRUE(
        fatal_after(cmd("SUB bad! bad!"), "E_BAD_TOPIC SUB topic name \"bad!\" is not valid"));
}

TEST_F(protocol_errors, sub_quotes_names_go_style) {
    EXPECT_TRUE(
        fatal_after(cmd("SUB a\tb c"), "E_BAD_TOPIC SUB topic name \"a\\tb\" is not valid"));
    EXPECT_TRUE(
        fatal_after(cmd("SUB t a\"b"), "E_BAD_CHANNEL SUB channel name \"a\\\"b\" is not valid"));
    EXPECT_TRUE(fatal_after(cmd(std::string("SUB t a") + '\x01'),
                            "E_BAD_CHANNEL SUB channel name \"a\\x01\" is not valid"));
}

TEST_F(protocol_errors, sub_accepts_64_byte_names_and_extra_parameters) {
    const std::string long64(64, 'a');
    raw_client c = connect();
    c.send(cmd("SUB " + long64 + " " + long64 + " extra params"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(protocol_errors, sub_with_heartbeats_disabled) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", R"({"heartbeat_interval":-1})"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd("SUB"));  // the heartbeat check comes before the parameter count
    EXPECT_TRUE(c.expect_fatal("E_INVALID cannot SUB with heartbeats disabled"));
}

// ---- §2.6.4 RDY ----

TEST_F(protocol_errors, rdy_parse_and_range_errors) {
    auto rdy_fatal = [&](const std::string& line, const std::string& error) {
        raw_client c = subscribed();
        c.send(cmd(line));
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(rdy_fatal("RDY abc", "E_INVALID RDY could not parse count abc"));
    EXPECT_TRUE(rdy_fatal("RDY -1", "E_INVALID RDY could not parse count -1"));
    EXPECT_TRUE(rdy_fatal("RDY +1", "E_INVALID RDY could not parse count +1"));
    EXPECT_TRUE(rdy_fatal("RDY 1.5", "E_INVALID RDY could not parse count 1.5"));
    EXPECT_TRUE(rdy_fatal("RDY 2501", "E_INVALID RDY count 2501 out of range 0-2500"));
    // Overflow wraps (NSQ's ByteToBase10), then is range-checked as int64.
    EXPECT_TRUE(rdy_fatal("RDY 99999999999999999999",
                          "E_INVALID RDY count 7766279631452241919 out of range 0-2500"));
    EXPECT_TRUE(
        rdy_fatal("RDY 18446744073709551615", "E_INVALID RDY count -1 out of range 0-2500"));
}

TEST_F(protocol_errors, rdy_in_range_has_no_reply) {
    raw_client c = subscribed();
    c.send(cmd("RDY 2500"));
    c.send(cmd("RDY 0"));
    c.send(cmd("RDY"));
    c.send(cmd("RDY "));
    c.send(cmd("RDY 0007"));
    EXPECT_TRUE(c.quiet_for(300ms));
    EXPECT_TRUE(still_usable(c));
}

// ---- §2.6.5–2.6.7 FIN / REQ / TOUCH ----

TEST_F(protocol_errors, fin_errors) {
    auto fin_fatal = [&](const std::string& line, const std::string& error) {
        raw_client c = subscribed();
        c.send(cmd(line));
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(fin_fatal("FIN", "E_INVALID FIN insufficient number of params"));
    EXPECT_TRUE(fin_fatal("FIN abc", "E_INVALID invalid message ID"));
    EXPECT_TRUE(fin_fatal("FIN 0123456789abcdef0", "E_INVALID invalid message ID"));
    EXPECT_TRUE(fin_fatal("FIN ", "E_INVALID invalid message ID"));
}

TEST_F(protocol_errors, fin_req_touch_failures_are_not_fatal) {
    raw_client c = subscribed();
    c.send(cmd("FIN 0123456789abcdef"));
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN 0123456789abcdef failed ID not in flight"));
    c.send(cmd("FIN zzzzzzzzzzzzzzzz"));  // any 16 bytes are a syntactically valid ID
    EXPECT_TRUE(c.expect_error("E_FIN_FAILED FIN zzzzzzzzzzzzzzzz failed ID not in flight"));
    c.send(cmd("REQ 0123456789abcdef 0"));
    EXPECT_TRUE(c.expect_error("E_REQ_FAILED REQ 0123456789abcdef failed ID not in flight"));
    c.send(cmd("REQ 0123456789abcdef 1000"));
    EXPECT_TRUE(c.expect_error("E_REQ_FAILED REQ 0123456789abcdef failed ID not in flight"));
    c.send(cmd("TOUCH 0123456789abcdef"));
    EXPECT_TRUE(c.expect_error("E_TOUCH_FAILED TOUCH 0123456789abcdef failed ID not in flight"));
    EXPECT_FALSE(c.peer_closed());
    EXPECT_TRUE(still_usable(c));
}

TEST_F(protocol_errors, req_errors) {
    auto req_fatal = [&](const std::string& line, const std::string& error) {
        raw_client c = subscribed();
        c.send(cmd(line));
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(req_fatal("REQ", "E_INVALID REQ insufficient number of params"));
    EXPECT_TRUE(req_fatal("REQ 0123456789abcdef", "E_INVALID REQ insufficient number of params"));
    EXPECT_TRUE(req_fatal("REQ abc 0", "E_INVALID invalid message ID"));
    EXPECT_TRUE(req_fatal("REQ abc x", "E_INVALID invalid message ID"));  // ID checked first
    EXPECT_TRUE(req_fatal("REQ 0123456789abcdef x", "E_INVALID REQ could not parse timeout x"));
    EXPECT_TRUE(req_fatal("REQ 0123456789abcdef -1", "E_INVALID REQ could not parse timeout -1"));
}

// NSQ's ByteToBase10 wraps on overflow: a 20-digit REQ timeout is not a parse error (§2.6.6
// step 4: only non-digits fail); it is clamped to --max-req-timeout.
TEST_F(protocol_errors, req_timeout_overflow_is_not_a_parse_error) {
    // Only non-digits fail to parse (NSQ's ByteToBase10 wraps); the value is then clamped.
    raw_client c = sub("reqov", "c", 1);
    ASSERT_TRUE(pub("reqov", "m"));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    c.send(cmd("REQ " + m->id + " 99999999999999999999"));
    c.send(cmd_with_body("PUB other", "x"));
    EXPECT_TRUE(c.expect_response("OK"));  // no error frame before it
    EXPECT_FALSE(c.peer_closed());
}

TEST_F(protocol_errors, touch_errors) {
    auto touch_fatal = [&](const std::string& line, const std::string& error) {
        raw_client c = subscribed();
        c.send(cmd(line));
        return c.expect_fatal(error);
    };
    EXPECT_TRUE(touch_fatal("TOUCH", "E_INVALID TOUCH insufficient number of params"));
    EXPECT_TRUE(touch_fatal("TOUCH abc", "E_INVALID invalid message ID"));
}

TEST_F(protocol_errors, fin_req_touch_of_a_message_owned_by_another_client) {
    raw_client a = sub("own", "c", 1);
    raw_client b = sub("own", "c", 0);
    ASSERT_TRUE(pub("own", "m"));
    auto m = a.read_message();
    ASSERT_TRUE(m.has_value());

    b.send(cmd("FIN " + m->id));
    EXPECT_TRUE(
        b.expect_error("E_FIN_FAILED FIN " + m->id + " failed client does not own message"));
    b.send(cmd("REQ " + m->id + " 0"));
    EXPECT_TRUE(
        b.expect_error("E_REQ_FAILED REQ " + m->id + " failed client does not own message"));
    b.send(cmd("TOUCH " + m->id));
    EXPECT_TRUE(
        b.expect_error("E_TOUCH_FAILED TOUCH " + m->id + " failed client does not own message"));
    EXPECT_TRUE(still_usable(b));

    // The owner is unaffected: its FIN succeeds silently, a second FIN fails.
    a.send(cmd("FIN " + m->id));
    a.send(cmd("FIN " + m->id));
    EXPECT_TRUE(a.expect_error("E_FIN_FAILED FIN " + m->id + " failed ID not in flight"));
}

TEST_F(protocol_errors, fin_on_another_channel_is_not_in_flight) {
    raw_client a = sub("chans", "c1", 1);
    raw_client b = sub("chans", "c2", 0);
    ASSERT_TRUE(pub("chans", "m"));
    auto m = a.read_message();
    ASSERT_TRUE(m.has_value());
    b.send(cmd("FIN " + m->id));
    EXPECT_TRUE(b.expect_error("E_FIN_FAILED FIN " + m->id + " failed ID not in flight"));
}

// ---- §2.6.8 CLS ----

TEST_F(protocol_errors, cls_replies_close_wait_and_keeps_the_connection) {
    raw_client c = subscribed();
    c.send(cmd("CLS"));
    EXPECT_TRUE(c.expect_response("CLOSE_WAIT"));
    EXPECT_FALSE(c.closed_by_peer(500ms));
}

// ---- §2.6.1 / §2.6.2 IDENTIFY and AUTH framing errors ----

TEST_F(protocol_errors, identify_body_errors) {
    EXPECT_TRUE(fatal_after(cmd("IDENTIFY") + be32(0), "E_BAD_BODY IDENTIFY invalid body size 0"));
    EXPECT_TRUE(
        fatal_after(cmd("IDENTIFY") + be32(-2), "E_BAD_BODY IDENTIFY invalid body size -2"));
    EXPECT_TRUE(fatal_after(cmd("IDENTIFY") + be32(5242881),
                            "E_BAD_BODY IDENTIFY body too big 5242881 > 5242880"));
    EXPECT_TRUE(fatal_after(cmd_with_body("IDENTIFY", "not json"),
                            "E_BAD_BODY IDENTIFY failed to decode JSON body"));
}

TEST_F(protocol_errors, auth_errors) {
    EXPECT_TRUE(fatal_after(cmd_with_body("AUTH", "secret"), "E_AUTH_DISABLED AUTH disabled"));
    EXPECT_TRUE(fatal_after(cmd_with_body("AUTH x", "secret"),
                            "E_INVALID AUTH invalid number of parameters"));
    EXPECT_TRUE(fatal_after(cmd("AUTH") + be32(0), "E_BAD_BODY AUTH invalid body size 0"));
    EXPECT_TRUE(
        fatal_after(cmd("AUTH") + be32(5242881), "E_BAD_BODY AUTH body too big 5242881 > 5242880"));
}

}  // namespace
}  // namespace nsqpp::test
