// IDENTIFY over real TCP (spec §2.6.1, §3.1, §3.2): reply with and without feature
// negotiation, the JSON reply's keys and values in order, field validation and its order.
#include <string>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class identify : public nsqd_fixture {
  protected:
    // IDENTIFY on a fresh connection; returns the reply frame's data ("" when none).
    std::string reply_to(std::string_view json, raw_client* keep = nullptr) {
        raw_client c = connect();
        c.send(cmd_with_body("IDENTIFY", json));
        auto f = c.read_frame();
        std::string out;
        if (!f) {
            ADD_FAILURE() << "no reply to IDENTIFY " << json;
        } else if (f->type != wire::frame_type::response) {
            ADD_FAILURE() << "IDENTIFY " << json << " → " << describe(*f);
        } else {
            out = f->data;
        }
        if (keep) *keep = std::move(c);
        return out;
    }
    ::testing::AssertionResult invalid(std::string_view json, std::string_view error) {
        raw_client c = connect();
        c.send(cmd_with_body("IDENTIFY", json));
        return c.expect_fatal(error);
    }
};

constexpr std::string_view default_reply =
    R"({"max_rdy_count":2500,"version":"1.3.0","max_msg_timeout":900000,"msg_timeout":60000,)"
    R"("tls_v1":false,"deflate":false,"deflate_level":6,"max_deflate_level":6,"snappy":false,)"
    R"("sample_rate":0,"auth_required":false,"output_buffer_size":16384,)"
    R"("output_buffer_timeout":250})";

TEST_F(identify, without_feature_negotiation_replies_ok) {
    EXPECT_EQ(reply_to("{}"), "OK");
    EXPECT_EQ(reply_to(R"({"feature_negotiation":false})"), "OK");
    EXPECT_EQ(reply_to(R"({"client_id":"x","hostname":"h","user_agent":"test/1.0"})"), "OK");
    // No upgrade happens without negotiation, even when asked for.
    raw_client c;
    EXPECT_EQ(reply_to(R"({"snappy":true,"deflate":true,"tls_v1":true})", &c), "OK");
    c.send(cmd_with_body("PUB t", "plain"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(identify, feature_negotiation_reply_has_every_key_in_order) {
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true})"), default_reply);
}

TEST_F(identify, reply_reflects_the_connection_settings) {
    EXPECT_EQ(
        reply_to(
            R"({"feature_negotiation":true,"msg_timeout":5000,"sample_rate":50,)"
            R"("output_buffer_size":64,"output_buffer_timeout":1000,"heartbeat_interval":2000})"),
        R"({"max_rdy_count":2500,"version":"1.3.0","max_msg_timeout":900000,"msg_timeout":5000,)"
        R"("tls_v1":false,"deflate":false,"deflate_level":6,"max_deflate_level":6,"snappy":false,)"
        R"("sample_rate":50,"auth_required":false,"output_buffer_size":64,)"
        R"("output_buffer_timeout":1000})");
}

TEST_F(identify, disabled_output_buffer_is_reported_as_1_byte_and_0_ms) {
    const std::string expected =
        R"({"max_rdy_count":2500,"version":"1.3.0","max_msg_timeout":900000,"msg_timeout":60000,)"
        R"("tls_v1":false,"deflate":false,"deflate_level":6,"max_deflate_level":6,"snappy":false,)"
        R"("sample_rate":0,"auth_required":false,"output_buffer_size":1,)"
        R"("output_buffer_timeout":0})";
    // -1 size forces the timeout to 0 as well.
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"output_buffer_size":-1})"), expected);
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"output_buffer_size":-1,)"
                       R"("output_buffer_timeout":100})"),
              expected);
    // -1 timeout alone only disables the timer.
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"output_buffer_timeout":-1})"),
              R"({"max_rdy_count":2500,"version":"1.3.0","max_msg_timeout":900000,)"
              R"("msg_timeout":60000,"tls_v1":false,"deflate":false,"deflate_level":6,)"
              R"("max_deflate_level":6,"snappy":false,"sample_rate":0,"auth_required":false,)"
              R"("output_buffer_size":16384,"output_buffer_timeout":0})");
}

TEST_F(identify, zero_values_keep_the_defaults) {
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"msg_timeout":0,"output_buffer_size":0,)"
                       R"("output_buffer_timeout":0,"heartbeat_interval":0,"sample_rate":0})"),
              default_reply);
}

TEST_F(identify, nulls_and_unknown_keys_are_ignored) {
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"msg_timeout":null,"short_id":"x",)"
                       R"("long_id":"y","something":[1,2,{"a":null}]})"),
              default_reply);
}

TEST_F(identify, deflate_level_without_deflate_is_6) {
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"deflate_level":3})"), default_reply);
}

TEST_F(identify, keys_match_case_insensitively) {
    EXPECT_TRUE(invalid(R"({"HEARTBEAT_INTERVAL":100})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (100) is invalid"));
    EXPECT_TRUE(
        invalid(R"({"Msg_Timeout":999})", "E_BAD_BODY IDENTIFY msg timeout (999) is invalid"));
    EXPECT_EQ(reply_to(R"({"Feature_Negotiation":true})"), default_reply);
}

TEST_F(identify, repeated_identify_is_allowed_before_sub) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", "{}"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("IDENTIFY", R"({"feature_negotiation":true})"));
    EXPECT_TRUE(c.expect_response(default_reply));
    c.send(cmd("SUB t c"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(identify, surrounding_whitespace_is_fine) {
    EXPECT_EQ(reply_to(" \n{\"feature_negotiation\" : true}\r\n "), default_reply);
}

// §3.1: each IDENTIFY updates the stored values (and the JSON reply), but only the first one
// re-configures the timers, sampling and delivery timeout.
TEST_F(identify, a_repeated_identify_updates_the_reported_values) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", R"({"msg_timeout":5000,"sample_rate":10})"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("IDENTIFY",
                         R"({"feature_negotiation":true,"msg_timeout":7000,"sample_rate":3})"));
    EXPECT_TRUE(c.expect_response(
        R"({"max_rdy_count":2500,"version":"1.3.0","max_msg_timeout":900000,"msg_timeout":7000,)"
        R"("tls_v1":false,"deflate":false,"deflate_level":6,"max_deflate_level":6,"snappy":false,)"
        R"("sample_rate":3,"auth_required":false,"output_buffer_size":16384,)"
        R"("output_buffer_timeout":250})"));
}

TEST_F(identify, undecodable_bodies) {
    const char* bad[] = {
        "not json",
        "[]",
        "\"string\"",
        "{",
        R"({"heartbeat_interval":"1000"})",
        R"({"feature_negotiation":"true"})",
        R"({"msg_timeout":1.5})",
        R"({"client_id":5})",
        R"({"sample_rate":true})",
        "{}x",                               // trailing garbage
        R"({"heartbeat_interval":1000.0})",  // integers only
        R"({"heartbeat_interval":1e3})",
        R"({"msg_timeout":99999999999999999999})",  // overflow
    };
    for (const char* body : bad) {
        EXPECT_TRUE(invalid(body, "E_BAD_BODY IDENTIFY failed to decode JSON body")) << body;
    }
}

TEST_F(identify, heartbeat_interval_validation) {
    EXPECT_TRUE(invalid(R"({"heartbeat_interval":100})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (100) is invalid"));
    EXPECT_TRUE(invalid(R"({"heartbeat_interval":999})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (999) is invalid"));
    EXPECT_TRUE(invalid(R"({"heartbeat_interval":60001})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (60001) is invalid"));
    EXPECT_TRUE(invalid(R"({"heartbeat_interval":-2})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (-2) is invalid"));
    EXPECT_EQ(reply_to(R"({"heartbeat_interval":1000})"), "OK");
    EXPECT_EQ(reply_to(R"({"heartbeat_interval":60000})"), "OK");
    EXPECT_EQ(reply_to(R"({"heartbeat_interval":-1})"), "OK");
}

TEST_F(identify, output_buffer_validation) {
    EXPECT_TRUE(invalid(R"({"output_buffer_size":63})",
                        "E_BAD_BODY IDENTIFY output buffer size (63) is invalid"));
    EXPECT_TRUE(invalid(R"({"output_buffer_size":65537})",
                        "E_BAD_BODY IDENTIFY output buffer size (65537) is invalid"));
    EXPECT_TRUE(invalid(R"({"output_buffer_size":-2})",
                        "E_BAD_BODY IDENTIFY output buffer size (-2) is invalid"));
    EXPECT_EQ(reply_to(R"({"output_buffer_size":64})"), "OK");
    EXPECT_EQ(reply_to(R"({"output_buffer_size":65536})"), "OK");

    EXPECT_TRUE(invalid(R"({"output_buffer_timeout":24})",
                        "E_BAD_BODY IDENTIFY output buffer timeout (24) is invalid"));
    EXPECT_TRUE(invalid(R"({"output_buffer_timeout":30001})",
                        "E_BAD_BODY IDENTIFY output buffer timeout (30001) is invalid"));
    EXPECT_TRUE(invalid(R"({"output_buffer_timeout":-5})",
                        "E_BAD_BODY IDENTIFY output buffer timeout (-5) is invalid"));
    EXPECT_EQ(reply_to(R"({"output_buffer_timeout":25})"), "OK");
    EXPECT_EQ(reply_to(R"({"output_buffer_timeout":30000})"), "OK");
}

TEST_F(identify, sample_rate_and_msg_timeout_validation) {
    EXPECT_TRUE(
        invalid(R"({"sample_rate":100})", "E_BAD_BODY IDENTIFY sample rate (100) is invalid"));
    EXPECT_TRUE(
        invalid(R"({"sample_rate":-1})", "E_BAD_BODY IDENTIFY sample rate (-1) is invalid"));
    EXPECT_EQ(reply_to(R"({"sample_rate":99})"), "OK");

    EXPECT_TRUE(
        invalid(R"({"msg_timeout":999})", "E_BAD_BODY IDENTIFY msg timeout (999) is invalid"));
    EXPECT_TRUE(invalid(R"({"msg_timeout":900001})",
                        "E_BAD_BODY IDENTIFY msg timeout (900001) is invalid"));
    EXPECT_TRUE(
        invalid(R"({"msg_timeout":-1})", "E_BAD_BODY IDENTIFY msg timeout (-1) is invalid"));
    EXPECT_EQ(reply_to(R"({"msg_timeout":1000})"), "OK");
    EXPECT_EQ(reply_to(R"({"msg_timeout":900000})"), "OK");
}

TEST_F(identify, validation_order) {
    // heartbeat interval, output buffer timeout, output buffer size, sample rate, msg timeout
    EXPECT_TRUE(invalid(R"({"msg_timeout":1,"sample_rate":200,"output_buffer_size":1,)"
                        R"("output_buffer_timeout":1,"heartbeat_interval":1})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (1) is invalid"));
    EXPECT_TRUE(invalid(R"({"msg_timeout":1,"sample_rate":200,"output_buffer_size":1,)"
                        R"("output_buffer_timeout":1})",
                        "E_BAD_BODY IDENTIFY output buffer timeout (1) is invalid"));
    EXPECT_TRUE(invalid(R"({"msg_timeout":1,"sample_rate":200,"output_buffer_size":1})",
                        "E_BAD_BODY IDENTIFY output buffer size (1) is invalid"));
    EXPECT_TRUE(invalid(R"({"msg_timeout":1,"sample_rate":200})",
                        "E_BAD_BODY IDENTIFY sample rate (200) is invalid"));
}

TEST_F(identify, both_compressions_negotiated_is_fatal) {
    EXPECT_TRUE(invalid(R"({"feature_negotiation":true,"snappy":true,"deflate":true})",
                        "E_IDENTIFY_FAILED cannot enable both deflate and snappy compression"));
}

class identify_custom : public identify {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.max_rdy_count = 100;
        o.max_msg_timeout = 120s;
        o.msg_timeout = 30s;
        o.max_deflate_level = 3;
        o.deflate = false;
        o.snappy = false;
        o.max_heartbeat_interval = 10s;
        o.max_output_buffer_size = 1000;
        o.max_output_buffer_timeout = 5s;
        o.output_buffer_timeout = 100ms;
        return o;
    }
};

TEST_F(identify_custom, reply_reflects_daemon_options) {
    EXPECT_EQ(reply_to(R"({"feature_negotiation":true,"snappy":true,"deflate":true})"),
              R"({"max_rdy_count":100,"version":"1.3.0","max_msg_timeout":120000,)"
              R"("msg_timeout":30000,"tls_v1":false,"deflate":false,"deflate_level":3,)"
              R"("max_deflate_level":3,"snappy":false,"sample_rate":0,"auth_required":false,)"
              R"("output_buffer_size":16384,"output_buffer_timeout":100})");
}

TEST_F(identify_custom, limits_follow_daemon_options) {
    EXPECT_TRUE(invalid(R"({"heartbeat_interval":10001})",
                        "E_BAD_BODY IDENTIFY heartbeat interval (10001) is invalid"));
    EXPECT_EQ(reply_to(R"({"heartbeat_interval":10000})"), "OK");
    EXPECT_TRUE(invalid(R"({"output_buffer_size":1001})",
                        "E_BAD_BODY IDENTIFY output buffer size (1001) is invalid"));
    EXPECT_TRUE(invalid(R"({"output_buffer_timeout":5001})",
                        "E_BAD_BODY IDENTIFY output buffer timeout (5001) is invalid"));
    EXPECT_TRUE(invalid(R"({"msg_timeout":120001})",
                        "E_BAD_BODY IDENTIFY msg timeout (120001) is invalid"));
    EXPECT_EQ(reply_to(R"({"msg_timeout":120000})"), "OK");
}

}  // namespace
}  // namespace nsqpp::test
