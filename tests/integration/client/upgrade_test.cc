// Negotiated connection upgrades: snappy, deflate and TLS (alone and with compression), for a
// producer and a consumer, against nsqd with TLS configured (certificates from openssl at test
// time).
#include <cstdlib>

#include "tests/integration/client/client_fixture.h"
#include "tests/support/test_certs.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::client_test {
namespace {

using client::error;
using client::message;

struct upgrade_case {
    const char* name;
    bool tls, snappy, deflate;
};

void PrintTo(const upgrade_case& c, std::ostream* os) { *os << c.name; }

class Upgrade : public ::testing::TestWithParam<upgrade_case> {};

std::unique_ptr<nsqd::nsqd> start_tls_nsqd() {
    const auto& certs = test::shared_test_certs();
    nsqd::options o;
    o.tls_cert = certs.server_cert;
    o.tls_key = certs.server_key;
    return test::start_nsqd(o);
}

client::config upgraded_config(const upgrade_case& c) {
    auto cfg = quiet_config();
    cfg.snappy = c.snappy;
    cfg.deflate = c.deflate;
    cfg.deflate_level = 3;
    if (c.tls) {
        cfg.tls_v1 = true;
        cfg.tls.root_ca_file = test::shared_test_certs().ca_cert;  // verified against 127.0.0.1
    }
    return cfg;
}

TEST_P(Upgrade, PublishAndConsumeOverTheUpgradedConnection) {
    const auto& c = GetParam();
    auto nsqd = start_tls_nsqd();
    auto cfg = upgraded_config(c);
    client::producer p(tcp_address(*nsqd), cfg);
    std::vector<std::string> batch;
    for (int i = 0; i < 300; ++i)
        batch.push_back(std::string(200, 'a' + i % 26) + std::to_string(i));
    ASSERT_FALSE(p.multi_publish("up", batch));
    ASSERT_FALSE(p.publish("up", "single"));

    cfg.max_in_flight = 50;
    collector got;
    client::consumer cons("up", "ch", cfg);
    cons.add_handler([&](message& m) {
        got.add(m.body());
        return error{};
    });
    ASSERT_FALSE(cons.connect_to_nsqd(tcp_address(*nsqd)));
    ASSERT_TRUE(got.wait_for_total(301));
    EXPECT_EQ(got.distinct(), 301u);
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "up", "ch");
        return s.depth == 0 && s.in_flight == 0;
    }));
}

INSTANTIATE_TEST_SUITE_P(Client, Upgrade,
                         ::testing::Values(upgrade_case{"snappy", false, true, false},
                                           upgrade_case{"deflate", false, false, true},
                                           upgrade_case{"tls", true, false, false},
                                           upgrade_case{"tls_snappy", true, true, false},
                                           upgrade_case{"tls_deflate", true, false, true}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(UpgradeErrors, TlsVerificationFailureIsAnError) {
    auto nsqd = start_tls_nsqd();
    auto cfg = quiet_config();
    cfg.tls_v1 = true;
    cfg.tls.root_ca_file = test::shared_test_certs().rogue_cert;  // not the server's CA
    client::producer p(tcp_address(*nsqd), cfg);
    auto err = p.publish("t", "x");
    ASSERT_TRUE(err);
    EXPECT_NE(err.message().find("TLS handshake failed"), std::string::npos) << err.message();
    cfg.tls.insecure_skip_verify = true;
    client::producer insecure(tcp_address(*nsqd), cfg);
    EXPECT_FALSE(insecure.publish("t", "x"));
}

TEST(UpgradeErrors, ConsumerRejectsBothCompressions) {
    auto cfg = quiet_config();
    cfg.snappy = cfg.deflate = true;
    EXPECT_THROW(client::consumer("t", "c", cfg), std::invalid_argument);
}

}  // namespace
}  // namespace nsqpp::client_test
