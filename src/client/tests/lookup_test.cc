// lookupd address normalisation and /lookup response parsing.
#include "client/lookup.h"

#include <gtest/gtest.h>

namespace nsqpp::client::detail {
namespace {

TEST(Lookup, AddressFormsBecomeLookupUrls) {
    lookupd_endpoint ep;
    ASSERT_FALSE(parse_lookupd_address("127.0.0.1:4161", "events", ep));
    EXPECT_EQ(ep.host, "127.0.0.1");
    EXPECT_EQ(ep.port, 4161);
    EXPECT_EQ(ep.target, "/lookup?topic=events");
    EXPECT_EQ(ep.url, "http://127.0.0.1:4161/lookup?topic=events");
    ASSERT_FALSE(parse_lookupd_address("http://lookupd:80/", "a#ephemeral", ep));
    EXPECT_EQ(ep.target, "/lookup?topic=a%23ephemeral");
    ASSERT_FALSE(parse_lookupd_address("http://h:1/custom/path?x=1", "t", ep));
    EXPECT_EQ(ep.target, "/custom/path?x=1&topic=t");
    ASSERT_FALSE(parse_lookupd_address("https://secure.example", "t", ep));
    EXPECT_TRUE(ep.tls);
    EXPECT_EQ(ep.port, 443);
    ASSERT_FALSE(parse_lookupd_address("[::1]:4161", "t", ep));
    EXPECT_EQ(ep.host, "::1");
    EXPECT_EQ(ep.url, "http://[::1]:4161/lookup?topic=t");
}

TEST(Lookup, BadAddressesAreRejected) {
    lookupd_endpoint ep;
    EXPECT_EQ(parse_lookupd_address("127.0.0.1", "t", ep).message(), "missing port");
    EXPECT_TRUE(parse_lookupd_address("ftp://h:1", "t", ep));
    EXPECT_TRUE(parse_lookupd_address("h:99999", "t", ep));
    EXPECT_TRUE(parse_lookupd_address("h:abc", "t", ep));
}

TEST(Lookup, V1BodyAndLegacyEnvelopeGiveProducers) {
    std::vector<std::string> out;
    ASSERT_FALSE(parse_lookup_response(
        200, true,
        R"({"channels":["c"],"producers":[{"broadcast_address":"10.0.0.1","tcp_port":4150,)"
        R"("http_port":4151},{"broadcast_address":"::1","tcp_port":4250}]})",
        out));
    EXPECT_EQ(out, (std::vector<std::string>{"10.0.0.1:4150", "[::1]:4250"}));
    out.clear();
    ASSERT_FALSE(parse_lookup_response(
        200, false,
        R"({"status_code":200,"status_txt":"OK","data":{"producers":[{"broadcast_address":"h","tcp_port":1}]}})",
        out));
    EXPECT_EQ(out, std::vector<std::string>{"h:1"});
    out.clear();
    // No header but a v1 body (nsqjs accepts it too); hostname fallback.
    ASSERT_FALSE(parse_lookup_response(200, false,
                                       R"({"producers":[{"hostname":"n1","tcp_port":2}]})", out));
    EXPECT_EQ(out, std::vector<std::string>{"n1:2"});
}

TEST(Lookup, ErrorsAndEmptyBodies) {
    std::vector<std::string> out;
    EXPECT_FALSE(parse_lookup_response(200, true, "", out));
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(parse_lookup_response(404, true, R"({"message":"TOPIC_NOT_FOUND"})", out));
    EXPECT_TRUE(parse_lookup_response(200, true, "not json", out));
    ASSERT_FALSE(parse_lookup_response(200, true, R"({"producers":[{"tcp_port":"x"},1]})", out));
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace nsqpp::client::detail
