#include "wire/identify.h"

#include <gtest/gtest.h>

#include <string>

namespace nsqpp::wire {
namespace {

// nsqd's defaults: 60 s, 64 KiB, 25 ms, 30 s, 15 min.
const identify_limits limits{60000, 65536, 25, 30000, 900000};

std::string error_of(std::string_view body) { return parse_identify(body, limits).error; }

identify_data ok(std::string_view body) {
    identify_result r = parse_identify(body, limits);
    EXPECT_EQ(r.error, "") << body;
    EXPECT_TRUE(r.data) << body;
    return r.data.value_or(identify_data{});
}

TEST(identify, empty_object_gives_defaults) {
    const identify_data d = ok("{}");
    EXPECT_FALSE(d.client_id);
    EXPECT_FALSE(d.hostname);
    EXPECT_FALSE(d.user_agent);
    EXPECT_FALSE(d.feature_negotiation || d.tls_v1 || d.snappy || d.deflate);
    EXPECT_EQ(d.heartbeat_interval, 0);
    EXPECT_EQ(d.output_buffer_size, 0);
    EXPECT_EQ(d.output_buffer_timeout, 0);
    EXPECT_EQ(d.deflate_level, 0);
    EXPECT_EQ(d.sample_rate, 0);
    EXPECT_EQ(d.msg_timeout, 0);
}

TEST(identify, go_nsq_body) {
    const identify_data d = ok(R"({"client_id":"c1","deflate":false,"deflate_level":6,
        "feature_negotiation":true,"heartbeat_interval":30000,"hostname":"host.local",
        "long_id":"host.local","msg_timeout":0,"output_buffer_size":16384,
        "output_buffer_timeout":250,"sample_rate":0,"short_id":"host","snappy":true,
        "tls_v1":false,"user_agent":"go-nsq/1.1.0"})");
    EXPECT_EQ(d.client_id, "c1");
    EXPECT_EQ(d.hostname, "host.local");
    EXPECT_EQ(d.user_agent, "go-nsq/1.1.0");
    EXPECT_TRUE(d.feature_negotiation);
    EXPECT_TRUE(d.snappy);
    EXPECT_FALSE(d.deflate);
    EXPECT_FALSE(d.tls_v1);
    EXPECT_EQ(d.deflate_level, 6);
    EXPECT_EQ(d.heartbeat_interval, 30000);
    EXPECT_EQ(d.output_buffer_size, 16384);
    EXPECT_EQ(d.output_buffer_timeout, 250);
}

TEST(identify, all_fields) {
    const identify_data d = ok(R"({"tls_v1":true,"deflate":true,"deflate_level":-3,"sample_rate":99,
               "msg_timeout":900000,"client_id":"","hostname":"h","user_agent":"u"})");
    EXPECT_TRUE(d.tls_v1);
    EXPECT_TRUE(d.deflate);
    EXPECT_EQ(d.deflate_level, -3);
    EXPECT_EQ(d.sample_rate, 99);
    EXPECT_EQ(d.msg_timeout, 900000);
    EXPECT_EQ(d.client_id, "");
}

TEST(identify, heartbeat_interval_validation) {
    for (int64_t v : {-1, 0, 1000, 60000}) {
        EXPECT_EQ(error_of(R"({"heartbeat_interval":)" + std::to_string(v) + "}"), "") << v;
    }
    EXPECT_EQ(error_of(R"({"heartbeat_interval":100})"), "heartbeat interval (100) is invalid");
    EXPECT_EQ(error_of(R"({"heartbeat_interval":999})"), "heartbeat interval (999) is invalid");
    EXPECT_EQ(error_of(R"({"heartbeat_interval":60001})"), "heartbeat interval (60001) is invalid");
    EXPECT_EQ(error_of(R"({"heartbeat_interval":300001})"),
              "heartbeat interval (300001) is invalid");
    EXPECT_EQ(error_of(R"({"heartbeat_interval":-2})"), "heartbeat interval (-2) is invalid");
}

TEST(identify, output_buffer_timeout_validation) {
    for (int64_t v : {-1, 0, 25, 30000}) {
        EXPECT_EQ(error_of(R"({"output_buffer_timeout":)" + std::to_string(v) + "}"), "") << v;
    }
    EXPECT_EQ(error_of(R"({"output_buffer_timeout":24})"), "output buffer timeout (24) is invalid");
    EXPECT_EQ(error_of(R"({"output_buffer_timeout":30001})"),
              "output buffer timeout (30001) is invalid");
    EXPECT_EQ(error_of(R"({"output_buffer_timeout":-5})"), "output buffer timeout (-5) is invalid");
}

TEST(identify, output_buffer_size_validation) {
    for (int64_t v : {-1, 0, 64, 65536}) {
        EXPECT_EQ(error_of(R"({"output_buffer_size":)" + std::to_string(v) + "}"), "") << v;
    }
    EXPECT_EQ(error_of(R"({"output_buffer_size":63})"), "output buffer size (63) is invalid");
    EXPECT_EQ(error_of(R"({"output_buffer_size":65537})"), "output buffer size (65537) is invalid");
    EXPECT_EQ(error_of(R"({"output_buffer_size":-2})"), "output buffer size (-2) is invalid");
}

TEST(identify, sample_rate_validation) {
    EXPECT_EQ(error_of(R"({"sample_rate":0})"), "");
    EXPECT_EQ(error_of(R"({"sample_rate":99})"), "");
    EXPECT_EQ(error_of(R"({"sample_rate":100})"), "sample rate (100) is invalid");
    EXPECT_EQ(error_of(R"({"sample_rate":-1})"), "sample rate (-1) is invalid");
    EXPECT_EQ(error_of(R"({"sample_rate":2147483647})"), "sample rate (2147483647) is invalid");
    // Go decodes sample_rate into an int32: out of its range is a decoding error.
    EXPECT_EQ(error_of(R"({"sample_rate":2147483648})"), identify_decode_error);
    EXPECT_EQ(error_of(R"({"sample_rate":-2147483649})"), identify_decode_error);
}

TEST(identify, msg_timeout_validation) {
    for (int64_t v : {0, 1000, 900000}) {
        EXPECT_EQ(error_of(R"({"msg_timeout":)" + std::to_string(v) + "}"), "") << v;
    }
    EXPECT_EQ(error_of(R"({"msg_timeout":-1})"), "msg timeout (-1) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":999})"), "msg timeout (999) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":900001})"), "msg timeout (900001) is invalid");
}

TEST(identify, validation_order) {
    const std::string all_bad = R"({"msg_timeout":1,"sample_rate":100,"output_buffer_size":1,
        "output_buffer_timeout":1,"heartbeat_interval":1})";
    EXPECT_EQ(error_of(all_bad), "heartbeat interval (1) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":1,"sample_rate":100,"output_buffer_size":1,
        "output_buffer_timeout":1})"),
              "output buffer timeout (1) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":1,"sample_rate":100,"output_buffer_size":1})"),
              "output buffer size (1) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":1,"sample_rate":100})"), "sample rate (100) is invalid");
    EXPECT_EQ(error_of(R"({"msg_timeout":1})"), "msg timeout (1) is invalid");
}

TEST(identify, validation_uses_limits) {
    const identify_limits tight{2000, 100, 50, 60, 5000};
    EXPECT_EQ(parse_identify(R"({"heartbeat_interval":2001})", tight).error,
              "heartbeat interval (2001) is invalid");
    EXPECT_EQ(parse_identify(R"({"output_buffer_timeout":25})", tight).error,
              "output buffer timeout (25) is invalid");
    EXPECT_EQ(parse_identify(R"({"output_buffer_size":101})", tight).error,
              "output buffer size (101) is invalid");
    EXPECT_EQ(parse_identify(R"({"msg_timeout":5001})", tight).error,
              "msg timeout (5001) is invalid");
    EXPECT_TRUE(parse_identify(R"({"msg_timeout":5000,"output_buffer_timeout":60})", tight).data);
}

TEST(identify, error_result_has_no_data) {
    const identify_result r = parse_identify(R"({"sample_rate":100})", limits);
    EXPECT_FALSE(r.data);
    const identify_result bad = parse_identify("[]", limits);
    EXPECT_FALSE(bad.data);
    EXPECT_EQ(bad.error, "failed to decode JSON body");
}

TEST(identify, keys_are_case_insensitive) {
    identify_data d = ok(R"({"Heartbeat_Interval":5000,"CLIENT_ID":"x","Snappy":true,
                             "FEATURE_negotiation":true,"mSg_TiMeOuT":2000})");
    EXPECT_EQ(d.heartbeat_interval, 5000);
    EXPECT_EQ(d.client_id, "x");
    EXPECT_TRUE(d.snappy);
    EXPECT_TRUE(d.feature_negotiation);
    EXPECT_EQ(d.msg_timeout, 2000);
    EXPECT_EQ(error_of(R"({"Heartbeat_Interval":100})"), "heartbeat interval (100) is invalid");
    // Go folds U+017F (long s) to 's'.
    EXPECT_TRUE(ok("{\"\xC5\xBFnappy\":true}").snappy);
    // Escaped keys are unescaped before matching.
    EXPECT_TRUE(ok(R"({"\u0073nappy":true})").snappy);
}

TEST(identify, duplicate_keys_last_wins) {
    EXPECT_EQ(ok(R"({"heartbeat_interval":100,"heartbeat_interval":2000})").heartbeat_interval,
              2000);
    EXPECT_FALSE(ok(R"({"snappy":true,"Snappy":false})").snappy);
    EXPECT_TRUE(ok(R"({"snappy":true,"Snappy":false,"snappy":true})").snappy);
    EXPECT_EQ(ok(R"({"client_id":"a","client_id":null})").client_id, "a");
    // A wrong type anywhere fails, even if a later duplicate is well typed.
    EXPECT_EQ(error_of(R"({"snappy":1,"snappy":true})"), identify_decode_error);
}

TEST(identify, null_values_leave_defaults) {
    const identify_data d = ok(R"({"client_id":null,"hostname":null,"user_agent":null,
        "snappy":null,"heartbeat_interval":null,"sample_rate":null,"msg_timeout":null})");
    EXPECT_FALSE(d.client_id);
    EXPECT_FALSE(d.hostname);
    EXPECT_FALSE(d.user_agent);
    EXPECT_FALSE(d.snappy);
    EXPECT_EQ(d.heartbeat_interval, 0);
    // Go's json.Unmarshal of a top-level null into a struct is a no-op, not an error.
    EXPECT_TRUE(parse_identify("null", limits).data);
    EXPECT_TRUE(parse_identify(" null\n", limits).data);
}

TEST(identify, unknown_keys_ignored) {
    const identify_data d = ok(R"({"short_id":"h","long_id":"h.l","x":{"heartbeat_interval":"s",
        "y":[1,2.5,"z",null,true,{"a":[]}]},"n":1e400,"f":-0.5,"big":99999999999999999999999,
        "client_id":"after"})");
    EXPECT_EQ(d.client_id, "after");
    EXPECT_EQ(d.heartbeat_interval, 0);
}

TEST(identify, deep_nesting_in_unknown_key) {
    const std::string deep = std::string(200, '[') + std::string(200, ']');
    EXPECT_TRUE(ok(R"({"x":)" + deep + R"(,"snappy":true})").snappy);
}

TEST(identify, wrong_types) {
    for (const char* body : {
             R"({"heartbeat_interval":"1000"})",
             R"({"heartbeat_interval":1000.5})",
             R"({"heartbeat_interval":1000.0})",
             R"({"heartbeat_interval":1e3})",
             R"({"heartbeat_interval":-0.0})",
             R"({"heartbeat_interval":true})",
             R"({"heartbeat_interval":[1000]})",
             R"({"heartbeat_interval":{}})",
             R"({"heartbeat_interval":9223372036854775808})",
             R"({"heartbeat_interval":-9223372036854775809})",
             R"({"msg_timeout":18446744073709551615})",
             R"({"snappy":1})",
             R"({"snappy":"true"})",
             R"({"snappy":[]})",
             R"({"client_id":1})",
             R"({"client_id":false})",
             R"({"client_id":["a"]})",
             R"({"client_id":{"a":"b"}})",
             R"({"user_agent":0})",
         }) {
        EXPECT_EQ(error_of(body), identify_decode_error) << body;
    }
}

TEST(identify, integer_literals_accepted) {
    EXPECT_EQ(ok(R"({"heartbeat_interval":-0})").heartbeat_interval, 0);
    EXPECT_EQ(ok(R"({"deflate_level":9223372036854775807})").deflate_level, INT64_MAX);
    EXPECT_EQ(ok(R"({"deflate_level":-9223372036854775808})").deflate_level, INT64_MIN);
}

TEST(identify, not_an_object) {
    for (const char* body : {"", " ", "[]", "[{}]", R"("x")", "{", "}", "1", "true", "false", "{}x",
                             "{} {}", R"({"a":1,})", R"({"a" 1})", "{/*c*/}", "{'a':1}", "nul",
                             "\xEF\xBB\xBF{}", R"({"client_id":"a)"}) {
        EXPECT_EQ(error_of(body), identify_decode_error) << body;
    }
    EXPECT_EQ(error_of(" \t\r\n{} \t\r\n"), "");
}

TEST(identify, every_truncation_of_a_body_fails) {
    const std::string body = R"({"client_id":"c\n1","heartbeat_interval":2000,"x":[1,{"y":null}]})";
    ASSERT_EQ(error_of(body), "");
    for (size_t n = 0; n < body.size(); ++n) {
        EXPECT_EQ(error_of(body.substr(0, n)), identify_decode_error) << n;
    }
}

TEST(identify, strings_decode_like_go) {
    EXPECT_EQ(ok(R"({"client_id":"a\"b\\c\/d\n\u00e9"})").client_id, "a\"b\\c/d\n\xC3\xA9");
    EXPECT_EQ(ok("{\"hostname\":\"h\xC3\xA9\"}").hostname, "h\xC3\xA9");
    // Invalid UTF-8 bytes become U+FFFD, one per byte.
    EXPECT_EQ(ok("{\"hostname\":\"a\xFF\xFE\"}").hostname, "a\xEF\xBF\xBD\xEF\xBF\xBD");
    // Escaped surrogates: a valid pair decodes, a lone one becomes U+FFFD.
    EXPECT_EQ(ok(R"({"client_id":"\ud83d\ude00"})").client_id, "\xF0\x9F\x98\x80");
    EXPECT_EQ(ok(R"({"client_id":"\ud800x"})").client_id, "\xEF\xBF\xBDx");
    EXPECT_EQ(ok(R"({"client_id":"\udc00\ud800"})").client_id, "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(ok(R"({"client_id":"\ud800\u0041"})").client_id,
              "\xEF\xBF\xBD"
              "A");
    EXPECT_EQ(ok(R"({"client_id":"\\ud800"})").client_id, "\\ud800");
    // Raw control characters are not allowed inside JSON strings.
    EXPECT_EQ(error_of("{\"client_id\":\"a\nb\"}"), identify_decode_error);
    EXPECT_EQ(error_of(R"({"client_id":"\x"})"), identify_decode_error);
}

}  // namespace
}  // namespace nsqpp::wire
