#pragma once
// Helpers for the transport tests: IDENTIFY with feature negotiation and the upgrade steps as
// a client performs them (go-nsq's order: TLS, then deflate or snappy, each followed by OK).
#include <boost/json.hpp>

#include "tests/integration/fixture.h"
#include "tests/support/test_certs.h"

namespace nsqpp::test {

struct negotiated {
    bool tls = false, snappy = false, deflate = false;
    int64_t deflate_level = 0;
};

// Sends IDENTIFY `json` and parses the JSON reply. Fails the test on another reply.
inline std::optional<negotiated> identify_negotiate(raw_client& c, std::string_view json) {
    c.send(cmd_with_body("IDENTIFY", json));
    auto f = c.read_frame();
    if (!f || f->type != wire::frame_type::response || f->data.empty() || f->data[0] != '{') {
        ADD_FAILURE() << "IDENTIFY " << json << " → " << (f ? describe(*f) : "nothing");
        return std::nullopt;
    }
    auto v = boost::json::parse(f->data).as_object();
    return negotiated{v.at("tls_v1").as_bool(), v.at("snappy").as_bool(), v.at("deflate").as_bool(),
                      v.at("deflate_level").as_int64()};
}

// Performs the negotiated upgrades (TLS with the given client certificate) and expects each OK.
inline ::testing::AssertionResult upgrade(raw_client& c, const negotiated& n,
                                          const std::string& cert = "",
                                          const std::string& key = "") {
    if (n.tls) {
        auto err = c.start_tls(shared_test_certs().ca_cert, cert, key);
        if (!err.empty()) return ::testing::AssertionFailure() << "TLS: " << err;
        auto ok = c.expect_response("OK");
        if (!ok) return ok;
    }
    if (n.deflate) c.use_deflate(static_cast<int>(n.deflate_level));
    if (n.snappy) c.use_snappy();
    if (n.deflate || n.snappy) return c.expect_response("OK");
    return ::testing::AssertionSuccess();
}

inline nsqd::options tls_options() {
    const auto& certs = shared_test_certs();
    nsqd::options o;
    o.tls_cert = certs.server_cert;
    o.tls_key = certs.server_key;
    return o;
}

// PUB then SUB + RDY on the same upgraded connection pair: the message comes back intact.
inline void expect_round_trip(raw_client& pub, raw_client& sub, const std::string& body) {
    pub.send(cmd_with_body("PUB t", body));
    ASSERT_TRUE(pub.expect_response("OK"));
    auto m = sub.read_message();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body.size(), body.size());
    EXPECT_TRUE(m->body == body);
    sub.send(cmd("FIN " + m->id));
}

}  // namespace nsqpp::test
