// TLS (spec §3.2, §6.1): the tls_v1 upgrade after IDENTIFY, --tls-required (true and
// tcp-https) on TCP and HTTP, client certificate policies, HTTPS, start-up validation.
#include "tests/integration/transport/transport_fixture.h"

namespace nsqpp::test {
namespace {

constexpr std::string_view want_tls = R"({"feature_negotiation":true,"tls_v1":true})";

class tls_fixture : public nsqd_fixture {
  protected:
    nsqd::options options() const override { return tls_options(); }

    // A connection upgraded to TLS (with an optional client certificate).
    raw_client tls_client(const std::string& cert = "", const std::string& key = "") {
        raw_client c = connect();
        auto n = identify_negotiate(c, want_tls);
        EXPECT_TRUE(n && n->tls);
        if (n) EXPECT_TRUE(upgrade(c, *n, cert, key));
        return c;
    }
};

TEST_F(tls_fixture, publish_and_consume_over_tls) {
    raw_client pub = tls_client();
    raw_client sub = tls_client();
    sub.send(cmd("SUB t c"));
    ASSERT_TRUE(sub.expect_response("OK"));
    sub.send(cmd("RDY 1"));
    expect_round_trip(pub, sub, "hello over tls");
    expect_round_trip(pub, sub, std::string(300000, 'x'));  // many TLS records
}

TEST_F(tls_fixture, stats_report_the_tls_session) {
    raw_client sub = tls_client();
    sub.send(cmd("SUB t c"));
    ASSERT_TRUE(sub.expect_response("OK"));
    auto r = http::fetch("GET", "127.0.0.1", http_port_, "/stats?format=json");
    auto client = boost::json::parse(r.body)
                      .at("topics")
                      .as_array()
                      .at(0)
                      .at("channels")
                      .as_array()
                      .at(0)
                      .at("clients")
                      .as_array()
                      .at(0)
                      .as_object();
    EXPECT_TRUE(client.at("tls").as_bool());
    EXPECT_EQ(client.at("tls_version").as_string(), "TLS1.3");
    EXPECT_THAT(std::string(client.at("tls_cipher_suite").as_string()),
                ::testing::StartsWith("Unknown "));
}

TEST_F(tls_fixture, no_upgrade_unless_asked_with_feature_negotiation) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", R"({"tls_v1":true})"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("PUB t", "plain"));  // still plain text
    EXPECT_TRUE(c.expect_response("OK"));

    raw_client d = connect();
    auto n = identify_negotiate(d, R"({"feature_negotiation":true,"tls_v1":false})");
    ASSERT_TRUE(n);
    EXPECT_FALSE(n->tls);
    d.send(cmd_with_body("PUB t", "plain"));
    EXPECT_TRUE(d.expect_response("OK"));
}

TEST_F(tls_fixture, data_sent_before_the_handshake_closes_the_connection) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", want_tls) + "NOP\n");
    auto f = c.read_frame();
    ASSERT_TRUE(f);  // the JSON reply
    EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(tls_fixture, https_listener_serves_the_api) {
    ASSERT_NE(daemon_->https_port(), 0);
    http::fetch_request req;
    req.host = "127.0.0.1";
    req.port = daemon_->https_port();
    req.target = "/ping";
    req.tls = true;
    auto r = http::fetch(req);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
}

class no_tls_configured : public nsqd_fixture {};

TEST_F(no_tls_configured, tls_v1_is_refused_and_the_connection_stays_plain) {
    raw_client c = connect();
    auto n = identify_negotiate(c, want_tls);
    ASSERT_TRUE(n);
    EXPECT_FALSE(n->tls);
    c.send(cmd_with_body("PUB t", "plain"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_EQ(daemon_->https_port(), 0);
}

class tls_required : public tls_fixture {
  protected:
    nsqd::options options() const override {
        auto o = tls_options();
        o.tls_required = "true";
        return o;
    }
};

TEST_F(tls_required, commands_before_tls_are_refused) {
    for (std::string_view command : {"NOP", "PUB t", "SUB t c", "FOO"}) {
        raw_client c = connect();
        c.send(cmd(command));
        auto name = std::string(command.substr(0, command.find(' ')));
        EXPECT_TRUE(
            c.expect_fatal("E_INVALID cannot " + name + " in current state (TLS required)"));
    }
    raw_client c = connect();  // IDENTIFY without TLS is allowed, the next command is not
    auto n = identify_negotiate(c, R"({"feature_negotiation":true})");
    ASSERT_TRUE(n);
    c.send(cmd_with_body("PUB t", "x"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID cannot PUB in current state (TLS required)"));
}

TEST_F(tls_required, commands_after_tls_work) {
    raw_client c = tls_client();
    c.send(cmd_with_body("PUB t", "x"));
    EXPECT_TRUE(c.expect_response("OK"));
}

TEST_F(tls_required, plain_http_answers_tls_required_and_https_serves) {
    auto r = http::fetch("GET", "127.0.0.1", http_port_, "/ping");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, R"({"message": "TLS_REQUIRED", "https_port": )" +
                          std::to_string(daemon_->https_port()) + "}");
    EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    http::fetch_request req;
    req.host = "127.0.0.1";
    req.port = daemon_->https_port();
    req.method = "POST";
    req.target = "/pub?topic=t";
    req.body = "over https";
    req.tls = true;
    EXPECT_EQ(http::fetch(req).body, "OK");
}

class tls_required_tcp_https : public tls_fixture {
  protected:
    nsqd::options options() const override {
        auto o = tls_options();
        o.tls_required = "tcp-https";
        return o;
    }
};

TEST_F(tls_required_tcp_https, tcp_needs_tls_but_plain_http_is_served) {
    raw_client c = connect();
    c.send(cmd("NOP"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID cannot NOP in current state (TLS required)"));
    auto r = http::fetch("GET", "127.0.0.1", http_port_, "/ping");
    EXPECT_EQ(r.status, 200);
}

// With a client-auth policy the handshake (or, in TLS 1.3, the first read after it) fails for
// a client without an acceptable certificate.
::testing::AssertionResult upgrade_refused(raw_client& c, const std::string& cert,
                                           const std::string& key) {
    auto n = identify_negotiate(c, want_tls);
    if (!n || !n->tls) return ::testing::AssertionFailure() << "no tls_v1 in the reply";
    auto err = c.start_tls(shared_test_certs().ca_cert, cert, key);
    if (!err.empty()) return ::testing::AssertionSuccess();
    if (c.read_frame()) return ::testing::AssertionFailure() << "nsqd answered after TLS";
    return ::testing::AssertionSuccess();
}

class client_cert_required : public tls_fixture {
  protected:
    nsqd::options options() const override {
        auto o = tls_options();
        o.tls_client_auth_policy = "require";
        return o;
    }
};

TEST_F(client_cert_required, any_certificate_is_accepted_none_is_refused) {
    const auto& certs = shared_test_certs();
    raw_client without = connect();
    EXPECT_TRUE(upgrade_refused(without, "", ""));
    raw_client rogue = tls_client(certs.rogue_cert, certs.rogue_key);
    rogue.send(cmd_with_body("PUB t", "x"));
    EXPECT_TRUE(rogue.expect_response("OK"));
    // the policy implies --tls-required
    raw_client plain = connect();
    plain.send(cmd("NOP"));
    EXPECT_TRUE(plain.expect_fatal("E_INVALID cannot NOP in current state (TLS required)"));
}

class client_cert_verified : public tls_fixture {
  protected:
    nsqd::options options() const override {
        auto o = tls_options();
        o.tls_client_auth_policy = "require-verify";
        o.tls_root_ca_file = shared_test_certs().ca_cert;
        return o;
    }
};

TEST_F(client_cert_verified, only_certificates_from_the_ca_are_accepted) {
    const auto& certs = shared_test_certs();
    raw_client rogue = connect();
    EXPECT_TRUE(upgrade_refused(rogue, certs.rogue_cert, certs.rogue_key));
    raw_client good = tls_client(certs.client_cert, certs.client_key);
    good.send(cmd_with_body("PUB t", "x"));
    EXPECT_TRUE(good.expect_response("OK"));
}

TEST(tls_startup, invalid_configurations_refuse_to_start) {
    nsqd::options o;
    o.tls_required = "true";
    try {
        start_nsqd(o);
        ADD_FAILURE() << "started";
    } catch (const std::exception& e) {
        EXPECT_STREQ(e.what(), "cannot require TLS client connections without TLS key and cert");
    }
    nsqd::options bad = tls_options();
    bad.tls_cert = "/nonexistent/cert.pem";
    try {
        start_nsqd(bad);
        ADD_FAILURE() << "started";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), ::testing::StartsWith("failed to build TLS config - "));
    }
}

}  // namespace
}  // namespace nsqpp::test
