// nsqd AUTH over real sockets (spec §2.6.2, §3.3) against an in-test auth server: the request
// nsqd sends, AUTH replies and errors, publish/subscribe permissions, TTL re-queries, several
// auth servers, /stats, and commands pipelined behind AUTH.
#include <boost/json.hpp>
#include <string>
#include <thread>

#include "tests/integration/auth/auth_server.h"
#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

namespace json = boost::json;

const std::string pub_all = entry(".*", R"([".*"])", R"(["publish"])");
const std::string pub_sub_all = entry(".*", R"([".*"])", R"(["publish","subscribe"])");

class auth : public nsqd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.auth_http_addresses = addresses();
        o.http_client_request_timeout = std::chrono::seconds(5);
        return o;
    }
    virtual std::vector<std::string> addresses() const { return {server_.address()}; }

    // A connection that sent AUTH with `secret` and got the JSON reply.
    raw_client authed(std::string_view secret = "s3cret") {
        raw_client c = connect();
        c.send(cmd_with_body("AUTH", secret));
        auto f = c.read_frame(5s);
        if (!f || f->type != wire::frame_type::response || f->data.empty() || f->data[0] != '{') {
            ADD_FAILURE() << "AUTH reply: " << (f ? describe(*f) : "none");
        }
        return c;
    }
    ::testing::AssertionResult auth_fails(std::string_view error) {
        raw_client c = connect();
        c.send(cmd_with_body("AUTH", "x"));
        return c.expect_fatal(error, 10s);
    }
    json::object producer_stats() {
        auto r = http_get("/stats?format=json");
        auto v = json::parse(r.body);
        auto& producers = v.as_object()["producers"];
        if (!producers.is_array() || producers.as_array().empty()) return {};
        return producers.as_array()[0].as_object();
    }

    auth_server server_;
};

TEST_F(auth, identify_reports_auth_required) {
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", R"({"feature_negotiation":true})"));
    auto f = c.read_frame();
    ASSERT_TRUE(f);
    EXPECT_NE(f->data.find(R"("auth_required":true)"), std::string::npos) << f->data;
}

TEST_F(auth, commands_before_auth_are_refused) {
    EXPECT_TRUE([&] {
        raw_client c = connect();
        c.send(cmd_with_body("PUB t", "m"));
        return c.expect_fatal("E_AUTH_FIRST AUTH required before PUB");
    }());
    EXPECT_TRUE([&] {
        raw_client c = connect();
        c.send(cmd_with_body("DPUB t 100", "m"));
        return c.expect_fatal("E_AUTH_FIRST AUTH required before DPUB");
    }());
    EXPECT_TRUE([&] {
        raw_client c = connect();
        c.send(cmd_with_body("MPUB t", mpub_body({"a"})));
        return c.expect_fatal("E_AUTH_FIRST AUTH required before MPUB");
    }());
    EXPECT_TRUE([&] {
        raw_client c = connect();
        c.send(cmd("SUB t c"));
        return c.expect_fatal("E_AUTH_FIRST AUTH required before SUB");
    }());
    // Commands that never need authorization still work.
    raw_client c = connect();
    c.send(cmd_with_body("IDENTIFY", "{}") + cmd("NOP"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(auth, request_carries_remote_ip_tls_secret_and_common_name) {
    server_.respond(answer(60, {pub_all}, "alice", "https://id.example/alice"));
    raw_client c = connect();
    c.send(cmd_with_body("AUTH", "a b&c=d"));
    EXPECT_TRUE(c.expect_response(
        R"({"identity":"alice","identity_url":"https://id.example/alice","permission_count":1})",
        10s));
    auto reqs = server_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/auth");
    EXPECT_EQ(reqs[0].raw_query, "common_name=&remote_ip=127.0.0.1&secret=a+b%26c%3Dd&tls=false");
    EXPECT_EQ(reqs[0].value("secret"), "a b&c=d");
    EXPECT_EQ(reqs[0].value("remote_ip"), "127.0.0.1");
    EXPECT_EQ(reqs[0].value("tls"), "false");
    EXPECT_EQ(reqs[0].value("common_name"), "");
    EXPECT_EQ(reqs[0].accept, "application/vnd.nsq; version=1.0");
}

TEST_F(auth, publish_allowed_on_matching_topic_denied_on_another) {
    server_.respond(answer(60, {entry("^orders\\\\..*", R"([".*"])", R"(["publish"])")}));
    raw_client c = authed();
    c.send(cmd_with_body("PUB orders.eu", "m1"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("DPUB orders.us 10", "m2"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("MPUB orders.x", mpub_body({"a", "b"})));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd_with_body("PUB other", "m3"));
    EXPECT_TRUE(c.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for PUB on "other" "")"));

    raw_client m = authed();
    m.send(cmd_with_body("MPUB ordersx", mpub_body({"a"})));
    EXPECT_TRUE(m.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for MPUB on "ordersx" "")"));
    EXPECT_EQ(server_.request_count(), 2u);  // one query per AUTH, none per command
}

TEST_F(auth, publish_needs_a_channel_regex_matching_empty) {
    server_.respond(answer(
        60, {entry(".*", "[]", R"(["publish"])"), entry(".*", R"(["^web$"])", R"(["publish"])")}));
    raw_client c = authed();
    c.send(cmd_with_body("PUB t", "m"));
    EXPECT_TRUE(c.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for PUB on "t" "")"));
}

TEST_F(auth, subscribe_permission_with_channel_regex) {
    server_.respond(answer(60, {entry("^t$", R"(["^web"])", R"(["subscribe"])"),
                                entry("^t$", R"([""])", R"(["publish"])")}));
    raw_client consumer = authed();
    consumer.send(cmd("SUB t web1") + cmd("RDY 1"));
    EXPECT_TRUE(consumer.expect_response("OK"));
    raw_client producer = authed();
    producer.send(cmd_with_body("PUB t", "hello"));
    EXPECT_TRUE(producer.expect_response("OK"));
    auto m = consumer.read_message();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body, "hello");

    raw_client denied = authed();
    denied.send(cmd("SUB t db"));
    EXPECT_TRUE(denied.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for SUB on "t" "db")"));
    raw_client other_topic = authed();
    other_topic.send(cmd("SUB u web"));
    EXPECT_TRUE(other_topic.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for SUB on "u" "web")"));
}

TEST_F(auth, failures_of_the_auth_server_are_auth_failed) {
    server_.respond(R"({"message":"boom"})", 500);
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
    server_.respond("not json");
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
    server_.respond(answer(0, {pub_all}));  // ttl must be > 0
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
    server_.respond(answer(60, {entry(".*", R"([".*"])", R"(["admin"])")}));
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
    server_.respond(answer(60, {entry("(", R"([".*"])", R"(["publish"])")}));
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
    server_.respond(answer(60, {}));
    EXPECT_TRUE(auth_fails("E_UNAUTHORIZED AUTH no authorizations found"));
    EXPECT_EQ(server_.request_count(), 6u);
}

TEST_F(auth, auth_twice_is_invalid) {
    server_.respond(answer(60, {pub_all}));
    raw_client c = authed();
    c.send(cmd_with_body("AUTH", "again"));
    EXPECT_TRUE(c.expect_fatal("E_INVALID AUTH already set"));
}

TEST_F(auth, expired_ttl_requeries_before_the_next_publish) {
    server_.respond(answer(1, {pub_all}));
    raw_client c = authed();
    c.send(cmd_with_body("PUB t", "m1"));
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_EQ(server_.request_count(), 1u);
    std::this_thread::sleep_for(1100ms);  // let the 1 s TTL expire

    // still allowed: the PUB succeeds after a second query
    c.send(cmd_with_body("PUB t", "m2"));
    EXPECT_TRUE(c.expect_response("OK", 10s));
    EXPECT_EQ(server_.request_count(), 2u);
    auto reqs = server_.requests();
    EXPECT_EQ(reqs[1].value("secret"), "s3cret");  // the stored secret is sent again

    // now the server denies: the next PUB after expiry is refused
    server_.respond(answer(60, {entry("^u$", R"([".*"])", R"(["publish"])")}));
    std::this_thread::sleep_for(1100ms);
    c.send(cmd_with_body("PUB t", "m3"));
    EXPECT_TRUE(c.expect_fatal(R"(E_UNAUTHORIZED AUTH failed for PUB on "t" "")", 10s));
    EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(auth, failed_requery_is_auth_failed) {
    server_.respond(answer(1, {pub_sub_all}));
    raw_client c = authed();
    server_.respond("{}", 503);
    std::this_thread::sleep_for(1100ms);
    c.send(cmd("SUB t c"));
    EXPECT_TRUE(c.expect_fatal("E_AUTH_FAILED AUTH failed", 10s));
}

TEST_F(auth, stats_show_the_identity) {
    server_.respond(answer(60, {pub_all}, "bob", "https://id/bob"));
    raw_client c = authed();
    c.send(cmd_with_body("PUB t", "m"));
    ASSERT_TRUE(c.expect_response("OK"));
    auto p = producer_stats();
    EXPECT_EQ(p["authed"], json::value(true));
    EXPECT_EQ(p["auth_identity"], json::value("bob"));
    EXPECT_EQ(p["auth_identity_url"], json::value("https://id/bob"));
}

TEST_F(auth, commands_pipelined_after_auth_run_once_it_answers) {
    server_.respond(answer(60, {pub_all}));
    server_.hold();
    raw_client c = connect();
    c.send(cmd_with_body("AUTH", "x") + cmd_with_body("PUB t", "a") + cmd("NOP") +
           cmd_with_body("PUB t", "b"));
    ASSERT_TRUE(server_.wait_for_requests(1));
    EXPECT_TRUE(c.quiet_for(200ms));  // nothing runs while the query is pending
    server_.release();
    auto f = c.read_frame(10s);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->data, R"({"identity":"user","identity_url":"","permission_count":1})");
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_response("OK"));
    auto r = http_get("/stats?format=json&topic=t");
    EXPECT_NE(r.body.find(R"("message_count":2)"), std::string::npos) << r.body;
}

// One worker thread: a pending auth query must not stop it serving other connections.
class auth_one_worker : public auth {
  protected:
    int workers() const override { return 1; }
};

TEST_F(auth_one_worker, pending_query_does_not_block_the_worker) {
    server_.respond(answer(60, {pub_all}));
    server_.hold();
    raw_client waiting = connect();
    waiting.send(cmd_with_body("AUTH", "x"));
    ASSERT_TRUE(server_.wait_for_requests(1));
    raw_client other = connect();
    other.send(cmd_with_body("IDENTIFY", "{}"));
    EXPECT_TRUE(other.expect_response("OK"));
    server_.release();
    EXPECT_TRUE(waiting.expect_response(
        R"({"identity":"user","identity_url":"","permission_count":1})", 10s));
}

TEST_F(auth_one_worker, commands_pipelined_after_auth_run_once_it_answers) {
    server_.respond(answer(60, {pub_all}));
    raw_client c = connect();
    c.send(cmd_with_body("AUTH", "x") + cmd_with_body("PUB t", "a") +
           cmd_with_body("MPUB t", mpub_body({"b", "c"})));
    auto f = c.read_frame(10s);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, wire::frame_type::response);
    EXPECT_TRUE(c.expect_response("OK"));
    EXPECT_TRUE(c.expect_response("OK"));
}

// Several auth servers: a down one is skipped (the start is random: run a few times).
class auth_failover : public auth {
  protected:
    std::vector<std::string> addresses() const override {
        return {"127.0.0.1:" + std::to_string(down_port_), server_.address()};
    }
    uint16_t down_port_ = closed_port();
};

TEST_F(auth_failover, a_down_server_is_skipped) {
    server_.respond(answer(60, {pub_all}));
    for (int i = 0; i < 4; ++i) {
        raw_client c = authed();
        c.send(cmd_with_body("PUB t", "m"));
        EXPECT_TRUE(c.expect_response("OK"));
    }
    EXPECT_EQ(server_.request_count(), 4u);
}

class auth_down : public auth {
  protected:
    std::vector<std::string> addresses() const override {
        return {"127.0.0.1:" + std::to_string(closed_port())};
    }
};

TEST_F(auth_down, unreachable_server_is_auth_failed) {
    EXPECT_TRUE(auth_fails("E_AUTH_FAILED AUTH failed"));
}

// A value with "://" is the full URL.
class auth_url : public auth {
  protected:
    std::vector<std::string> addresses() const override {
        return {"http://" + server_.address() + "/custom/check"};
    }
};

TEST_F(auth_url, full_url_is_used_as_given) {
    server_.respond(answer(60, {pub_all}));
    raw_client c = authed("k");
    auto reqs = server_.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path, "/custom/check");
    EXPECT_EQ(reqs[0].value("secret"), "k");
}

// Without an auth server AUTH is disabled and publishing needs no AUTH.
TEST(auth_disabled, auth_is_refused_and_publish_allowed) {
    auto d = start_nsqd();
    raw_client c = connect_v2(d->tcp_port());
    c.send(cmd_with_body("AUTH", "x"));
    EXPECT_TRUE(c.expect_fatal("E_AUTH_DISABLED AUTH disabled"));
    EXPECT_TRUE(publish(d->tcp_port(), "t", "m"));
    d->stop();
}

TEST(auth_startup, invalid_address_is_refused) {
    for (const char* bad : {"ftp://x/auth", "host:port", "http://"}) {
        nsqd::options o;
        o.auth_http_addresses = {bad};
        EXPECT_THROW(start_nsqd(o), std::exception) << bad;
    }
}

}  // namespace
}  // namespace nsqpp::test
