// snappy and deflate (spec §3.2): negotiation results, the stream-identifier bytes, round trips
// of small and large messages, TLS underneath, refusal of both at once, bad compressed input.
#include "tests/integration/transport/transport_fixture.h"
#include "wire/stream_codec.h"

namespace nsqpp::test {
namespace {

class compression : public nsqd_fixture {
  protected:
    nsqd::options options() const override { return tls_options(); }

    raw_client negotiated_client(std::string_view json, negotiated* out = nullptr) {
        raw_client c = connect();
        auto n = identify_negotiate(c, json);
        EXPECT_TRUE(n);
        if (n) {
            EXPECT_TRUE(upgrade(c, *n));
            if (out) *out = *n;
        }
        return c;
    }

    void round_trips(std::string_view json) {
        raw_client pub = negotiated_client(json);
        raw_client sub = negotiated_client(json);
        sub.send(cmd("SUB t c"));
        ASSERT_TRUE(sub.expect_response("OK"));
        sub.send(cmd("RDY 10"));
        expect_round_trip(pub, sub, "small");
        std::string big;
        for (int i = 0; big.size() < 200000; ++i) big += std::to_string(i * 7919) + ",";
        expect_round_trip(pub, sub, big);  // several 64 KiB snappy chunks
        std::string noise(70000, '\0');
        uint32_t x = 12345;
        for (auto& ch : noise) ch = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
        expect_round_trip(pub, sub, noise);  // incompressible
        pub.send(cmd_with_body("MPUB t", mpub_body({"a", "b", "c"})));
        ASSERT_TRUE(pub.expect_response("OK"));
        for (std::string_view want : {"a", "b", "c"}) {
            auto m = sub.read_message();
            ASSERT_TRUE(m);
            EXPECT_EQ(m->body, want);
        }
    }
};

TEST_F(compression, snappy_round_trip) {
    round_trips(R"({"feature_negotiation":true,"snappy":true})");
}

TEST_F(compression, deflate_round_trip) {
    round_trips(R"({"feature_negotiation":true,"deflate":true,"deflate_level":1})");
}

TEST_F(compression, tls_with_snappy_round_trip) {
    round_trips(R"({"feature_negotiation":true,"tls_v1":true,"snappy":true})");
}

TEST_F(compression, tls_with_deflate_round_trip) {
    round_trips(R"({"feature_negotiation":true,"tls_v1":true,"deflate":true})");
}

TEST_F(compression, snappy_stream_starts_with_the_identifier_then_an_uncompressed_ok) {
    raw_client c = connect();
    auto n = identify_negotiate(c, R"({"feature_negotiation":true,"snappy":true})");
    ASSERT_TRUE(n && n->snappy);
    auto bytes = c.read_bytes(10 + 4 + 4 + 10);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->substr(0, 10), std::string("\xff\x06\x00\x00sNaPpY", 10));
    EXPECT_EQ(bytes->substr(10, 4), std::string("\x01\x0e\x00\x00", 4));
    std::string ok_frame = std::string("\x00\x00\x00\x06\x00\x00\x00\x00OK", 10);
    EXPECT_EQ(bytes->substr(18), ok_frame);
    uint32_t crc = wire::snappy_masked_crc32c(ok_frame);
    std::string crc_le{static_cast<char>(crc), static_cast<char>(crc >> 8),
                       static_cast<char>(crc >> 16), static_cast<char>(crc >> 24)};
    EXPECT_EQ(bytes->substr(14, 4), crc_le);
}

TEST_F(compression, deflate_level_is_the_clients_capped_at_the_maximum) {
    negotiated n;
    raw_client a =
        negotiated_client(R"({"feature_negotiation":true,"deflate":true,"deflate_level":3})", &n);
    EXPECT_TRUE(n.deflate);
    EXPECT_EQ(n.deflate_level, 3);
    raw_client b =
        negotiated_client(R"({"feature_negotiation":true,"deflate":true,"deflate_level":9})", &n);
    EXPECT_EQ(n.deflate_level, 6);  // --max-deflate-level default
    raw_client c = negotiated_client(R"({"feature_negotiation":true,"deflate":true})", &n);
    EXPECT_EQ(n.deflate_level, 6);
}

TEST_F(compression, both_compressions_are_refused) {
    raw_client c = connect();
    c.send(
        cmd_with_body("IDENTIFY", R"({"feature_negotiation":true,"snappy":true,"deflate":true})"));
    EXPECT_TRUE(
        c.expect_fatal("E_IDENTIFY_FAILED cannot enable both deflate and snappy compression"));
}

TEST_F(compression, corrupt_snappy_input_closes_the_connection) {
    raw_client c = negotiated_client(R"({"feature_negotiation":true,"snappy":true})");
    c.send(cmd_with_body("PUB t", "fine"));
    ASSERT_TRUE(c.expect_response("OK"));
    // an uncompressed chunk ("NOP\n") whose checksum is wrong
    c.send_uncompressed(std::string("\x01\x08\x00\x00\x00\x00\x00\x00NOP\n", 12));
    EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(compression, corrupt_deflate_input_closes_the_connection) {
    raw_client c = negotiated_client(R"({"feature_negotiation":true,"deflate":true})");
    c.send(cmd_with_body("PUB t", "fine"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send_uncompressed(std::string("\xff\xff\xff\xff", 4));  // reserved block type
    EXPECT_TRUE(c.closed_by_peer());
}

class compression_disabled : public nsqd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.snappy = false;
        o.deflate = false;
        return o;
    }
};

TEST_F(compression_disabled, nothing_is_negotiated) {
    raw_client c = connect();
    auto n = identify_negotiate(c, R"({"feature_negotiation":true,"snappy":true})");
    ASSERT_TRUE(n);
    EXPECT_FALSE(n->snappy);
    auto m = identify_negotiate(c, R"({"feature_negotiation":true,"deflate":true})");
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->deflate);
    c.send(cmd_with_body("PUB t", "plain"));
    EXPECT_TRUE(c.expect_response("OK"));
}

}  // namespace
}  // namespace nsqpp::test
