// AUTH on TLS connections (spec §3.3): the auth request says tls=true and carries the client
// certificate's common name.
#include "net/tls.h"
#include "tests/integration/auth/auth_server.h"
#include "tests/integration/transport/transport_fixture.h"

namespace nsqpp::test {
namespace {

constexpr std::string_view want_tls = R"({"feature_negotiation":true,"tls_v1":true})";

class auth_tls : public nsqd_fixture {
  protected:
    nsqd::options options() const override {
        auto o = tls_options();
        o.tls_client_auth_policy = "require-verify";
        o.tls_root_ca_file = shared_test_certs().ca_cert;
        o.auth_http_addresses = {server_.address()};
        return o;
    }
    auth_server server_;
};

TEST_F(auth_tls, request_has_tls_true_and_the_certificate_common_name) {
    const auto& certs = shared_test_certs();
    server_.respond(answer(60, {entry(".*", R"([".*"])", R"(["publish"])")}, "tls-user"));
    raw_client c = connect();
    auto n = identify_negotiate(c, want_tls);
    ASSERT_TRUE(n && n->tls);
    ASSERT_TRUE(upgrade(c, *n, certs.client_cert, certs.client_key));
    c.send(cmd_with_body("AUTH", "s"));
    EXPECT_TRUE(c.expect_response(
        R"({"identity":"tls-user","identity_url":"","permission_count":1})", 10s));
    c.send(cmd_with_body("PUB t", "over tls"));
    EXPECT_TRUE(c.expect_response("OK"));
    auto reqs = server_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].raw_query, "common_name=client1&remote_ip=127.0.0.1&secret=s&tls=true");
}

// A 403 from a plain-HTTP auth server carrying "https_port" makes nsqd retry over HTTPS, whose
// certificate is verified against --tls-root-ca-file.
class auth_https_retry : public nsqd_fixture {
  protected:
    static std::shared_ptr<boost::asio::ssl::context> server_tls() {
        const auto& certs = shared_test_certs();
        return net::make_tls_server_context(
            {certs.server_cert, certs.server_key, "", "", "tls1.2"});
    }
    nsqd::options options() const override {
        nsqd::options o;
        o.tls_root_ca_file = shared_test_certs().ca_cert;
        o.auth_http_addresses = {plain_.address()};
        return o;
    }
    auth_server https_{server_tls()};
    auth_server plain_;
};

TEST_F(auth_https_retry, a_403_with_https_port_is_retried_over_https) {
    plain_.respond(
        R"({"message": "TLS_REQUIRED", "https_port": )" + std::to_string(https_.port()) + "}", 403);
    https_.respond(answer(60, {entry(".*", R"([".*"])", R"(["publish"])")}, "via-https"));
    raw_client c = connect();
    c.send(cmd_with_body("AUTH", "s"));
    EXPECT_TRUE(c.expect_response(
        R"({"identity":"via-https","identity_url":"","permission_count":1})", 10s));
    EXPECT_EQ(plain_.request_count(), 1u);
    EXPECT_EQ(https_.request_count(), 1u);
}

}  // namespace
}  // namespace nsqpp::test
