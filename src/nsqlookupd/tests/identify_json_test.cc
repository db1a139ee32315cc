// The lookupd IDENTIFY body decoded as Go's json.Unmarshal into PeerInfo.
#include "nsqlookupd/identify_json.h"

#include <gtest/gtest.h>

namespace nsqpp::nsqlookupd {
namespace {

TEST(identify_json, decodes_every_field) {
    auto b = decode_identify(
        R"({"broadcast_address":"b","hostname":"h","http_port":4151,"tcp_port":4150,)"
        R"("version":"1.3.0","remote_address":"x"})");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->broadcast_address, "b");
    EXPECT_EQ(b->hostname, "h");
    EXPECT_EQ(b->http_port, 4151);
    EXPECT_EQ(b->tcp_port, 4150);
    EXPECT_EQ(b->version, "1.3.0");
    EXPECT_EQ(b->remote_address, "x");
    EXPECT_TRUE(b->complete());
}

TEST(identify_json, go_decoding_rules) {
    // keys are case-insensitive; the last duplicate wins
    auto b = decode_identify(R"({"TCP_PORT":1,"tcp_port":2,"Broadcast_Address":"x"})");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->tcp_port, 2);
    EXPECT_EQ(b->broadcast_address, "x");
    // unknown keys at any depth, nulls, whitespace
    b = decode_identify(R"( {"x":{"tcp_port":"no"},"y":[1,true],"hostname":null,"tcp_port":7} )");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->tcp_port, 7);
    EXPECT_EQ(b->hostname, "");
    // topology hints of later NSQ versions are ignored
    EXPECT_TRUE(decode_identify(R"({"topology_zone":"z","topology_region":"r"})"));
    // top-level null: an empty body (then "missing fields")
    b = decode_identify("null");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->complete());
    // invalid UTF-8 becomes U+FFFD
    b = decode_identify("{\"hostname\":\"a\xff\"}");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->hostname, "a\xef\xbf\xbd");
    // large and negative integers
    b = decode_identify(R"({"tcp_port":-9223372036854775808})");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->tcp_port, INT64_MIN);
}

TEST(identify_json, decode_failures) {
    const char* bad[] = {
        "",
        "{",
        "[]",
        "1",
        "\"s\"",
        "{}x",
        R"({"tcp_port":"4150"})",
        R"({"tcp_port":4150.0})",
        R"({"tcp_port":1e3})",
        R"({"tcp_port":9223372036854775808})",
        R"({"tcp_port":true})",
        R"({"hostname":1})",
        R"({"version":{}})",
        R"({"broadcast_address":["a"]})",
        R"({"remote_address":5})",
    };
    for (const char* body : bad) EXPECT_FALSE(decode_identify(body)) << body;
}

}  // namespace
}  // namespace nsqpp::nsqlookupd
