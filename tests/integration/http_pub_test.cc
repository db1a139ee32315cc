// nsqd's HTTP API (spec §6.1, §6.3–§6.6): /ping, /info, /pub, /mpub, method routing, errors.
// Published messages are checked by consuming them over TCP.
#include <unistd.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class http_api : public nsqd_fixture {
  protected:
    // The response is `status` with JSON body {"message":"<text>"} and NSQ's headers.
    static ::testing::AssertionResult is_error(const http::client_response& r, int status,
                                               std::string_view text) {
        std::string body = R"({"message":")" + std::string(text) + R"("})";
        if (r.status != status || r.body != body) {
            return ::testing::AssertionFailure()
                   << "expected " << status << " " << body << ", got " << r.status << " " << r.body;
        }
        if (r.header("Content-Type") != "application/json; charset=utf-8") {
            return ::testing::AssertionFailure()
                   << "Content-Type: " << r.header("Content-Type").value_or("<none>");
        }
        if (r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure()
                   << "X-NSQ-Content-Type: " << r.header("X-NSQ-Content-Type").value_or("<none>");
        }
        return ::testing::AssertionSuccess();
    }
    static ::testing::AssertionResult is_ok_text(const http::client_response& r) {
        if (r.status != 200 || r.body != "OK") {
            return ::testing::AssertionFailure()
                   << "expected 200 OK, got " << r.status << " " << r.body;
        }
        if (r.header("Content-Type") != "text/plain; charset=utf-8") {
            return ::testing::AssertionFailure()
                   << "Content-Type: " << r.header("Content-Type").value_or("<none>");
        }
        return ::testing::AssertionSuccess();
    }
};

// ---- /ping, /info ----

TEST_F(http_api, ping) {
    auto r = http_get("/ping");
    EXPECT_TRUE(is_ok_text(r));
    EXPECT_FALSE(r.header("X-NSQ-Content-Type").has_value());  // plain-text endpoint
}

TEST_F(http_api, info_has_nsqs_keys_in_order) {
    int64_t now_s = unix_now_ns() / 1000000000;
    auto r = http_get("/info");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    ASSERT_TRUE(v.is_object()) << r.body;
    const auto& o = v.as_object();
    std::vector<std::string> keys;
    for (const auto& kv : o) keys.emplace_back(kv.key());
    EXPECT_THAT(keys,
                ElementsAre("version", "broadcast_address", "hostname", "http_port", "tcp_port",
                            "start_time", "max_heartbeat_interval", "max_output_buffer_size",
                            "max_output_buffer_timeout", "max_deflate_level"));
    if (keys.size() != 10) return;
    EXPECT_EQ(o.at("version"), "1.3.0");
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    EXPECT_EQ(o.at("hostname"), host);
    EXPECT_EQ(o.at("broadcast_address"), host);  // --broadcast-address defaults to the hostname
    EXPECT_EQ(o.at("http_port"), http_port_);
    EXPECT_EQ(o.at("tcp_port"), tcp_port_);
    ASSERT_TRUE(o.at("start_time").is_int64());
    EXPECT_LE(o.at("start_time").as_int64(), now_s + 1);
    EXPECT_GE(o.at("start_time").as_int64(), now_s - 120);
    EXPECT_EQ(o.at("max_heartbeat_interval"), 60000000000LL);  // nanoseconds
    EXPECT_EQ(o.at("max_output_buffer_size"), 65536);
    EXPECT_EQ(o.at("max_output_buffer_timeout"), 30000000000LL);
    EXPECT_EQ(o.at("max_deflate_level"), 6);
}

// ---- routing ----

TEST_F(http_api, unknown_path_is_404) {
    EXPECT_TRUE(is_error(http_get("/nope"), 404, "NOT_FOUND"));
    EXPECT_TRUE(is_error(http_post("/put?topic=t", "x"), 404, "NOT_FOUND"));  // removed in 1.0
    EXPECT_TRUE(is_error(http_post("/mput?topic=t", "x"), 404, "NOT_FOUND"));
}

TEST_F(http_api, wrong_method_is_405_with_allow) {
    auto r = http_get("/pub?topic=t");
    EXPECT_TRUE(is_error(r, 405, "METHOD_NOT_ALLOWED"));
    ASSERT_TRUE(r.header("Allow").has_value());
    EXPECT_THAT(*r.header("Allow"), HasSubstr("POST"));
    EXPECT_THAT(*r.header("Allow"), ::testing::Not(HasSubstr("GET")));

    auto m = http_get("/mpub?topic=t");
    EXPECT_TRUE(is_error(m, 405, "METHOD_NOT_ALLOWED"));

    auto p = http_post("/ping");
    EXPECT_EQ(p.status, 405);
    ASSERT_TRUE(p.header("Allow").has_value());
    EXPECT_THAT(*p.header("Allow"), HasSubstr("GET"));
}

TEST_F(http_api, head_is_not_routed_to_get) {
    auto r = http_request("HEAD", "/ping");
    EXPECT_EQ(r.status, 405);
}

TEST_F(http_api, options_lists_allowed_methods) {
    auto r = http_request("OPTIONS", "/pub");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "");
    ASSERT_TRUE(r.header("Allow").has_value());
    EXPECT_THAT(*r.header("Allow"), HasSubstr("POST"));
    EXPECT_THAT(*r.header("Allow"), HasSubstr("OPTIONS"));
}

TEST_F(http_api, trailing_slash_and_case_are_redirected) {
    auto r = http_get("/ping/");
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location"), "/ping");
    auto p = http_post("/pub/?topic=t", "x");
    EXPECT_EQ(p.status, 307);
    EXPECT_EQ(p.header("Location"), "/pub?topic=t");
    auto c = http_get("/PING");
    EXPECT_EQ(c.status, 301);
    EXPECT_EQ(c.header("Location"), "/ping");
}

// ---- /pub ----

TEST_F(http_api, pub_delivers_to_tcp_consumers) {
    raw_client c = sub("hp", "c", 5);
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=hp", "hello")));
    const std::string binary("a\nb\0c", 5);
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=hp", binary)));
    auto bodies = receive_bodies(c, 2);
    EXPECT_THAT(bodies, UnorderedElementsAre("hello", binary));
}

TEST_F(http_api, pub_message_has_an_id_attempts_and_timestamp) {
    raw_client c = sub("hp2", "c", 1);
    int64_t before = unix_now_ns();
    ASSERT_TRUE(is_ok_text(http_post("/pub?topic=hp2", "x")));
    int64_t after = unix_now_ns();
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(is_wire_id(m->id)) << m->id;
    EXPECT_EQ(m->attempts, 1);
    EXPECT_GE(m->timestamp, before);
    EXPECT_LE(m->timestamp, after);
}

TEST_F(http_api, pub_errors) {
    EXPECT_TRUE(is_error(http_post("/pub?topic=t", ""), 400, "MSG_EMPTY"));
    EXPECT_TRUE(is_error(http_post("/pub", "x"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/pub?channel=t", "x"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=bad!", "x"), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=", "x"), 400, "INVALID_TOPIC"));
    EXPECT_TRUE(
        is_error(http_post("/pub?topic=" + std::string(65, 'a'), "x"), 400, "INVALID_TOPIC"));
    // Body checks come before the topic checks.
    EXPECT_TRUE(is_error(http_post("/pub", ""), 400, "MSG_EMPTY"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=bad!", ""), 400, "MSG_EMPTY"));
    EXPECT_TRUE(
        is_error(http_post("/pub?topic=bad!", std::string(1048577, 'x')), 413, "MSG_TOO_BIG"));
}

TEST_F(http_api, pub_defer_validation) {
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=abc", "x"), 400, "INVALID_DEFER"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=-1", "x"), 400, "INVALID_DEFER"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=3600001", "x"), 400, "INVALID_DEFER"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=1.5", "x"), 400, "INVALID_DEFER"));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=", "x"), 400, "INVALID_DEFER"));
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=t&defer=3600000", "x")));
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=t&defer=0", "x")));
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=t&defer=%2B5", "x")));  // ParseInt takes "+5"
    // In a query string "+" is a space: " 5" does not parse.
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=+5", "x"), 400, "INVALID_DEFER"));
}

TEST_F(http_api, pub_defer_delays_delivery) {
    raw_client c = sub("hd", "c", 5);
    auto start = steady::now();
    ASSERT_TRUE(is_ok_text(http_post("/pub?topic=hd&defer=1000", "later")));
    ASSERT_TRUE(is_ok_text(http_post("/pub?topic=hd", "now")));
    auto first = c.read_message(1s);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->body, "now");
    auto second = c.read_message(4s);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->body, "later");
    EXPECT_GE(ms_since(start), 900);
    EXPECT_LE(ms_since(start), 3500);
}

TEST_F(http_api, pub_uses_the_first_of_repeated_parameters) {
    raw_client a = sub("first", "c", 1);
    raw_client b = sub("second", "c", 1);
    ASSERT_TRUE(is_ok_text(http_post("/pub?topic=first&topic=second", "x")));
    EXPECT_TRUE(a.read_message().has_value());
    EXPECT_TRUE(b.quiet_for(300ms));
}

TEST_F(http_api, pub_ignores_form_bodies_for_parameters) {
    auto r = http::fetch("POST", "127.0.0.1", http_port_, "/pub", "topic=t",
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_TRUE(is_error(r, 400, "MISSING_ARG_TOPIC"));
}

TEST_F(http_api, pub_to_ephemeral_topic) {
    raw_client c = sub("he#ephemeral", "c", 1);
    ASSERT_TRUE(is_ok_text(http_post("/pub?topic=he%23ephemeral", "e")));
    auto m = c.read_message();
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, "e");
}

// ---- /mpub ----

TEST_F(http_api, mpub_text_mode_splits_on_newlines) {
    raw_client c = sub("mt", "c", 10);
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mt", "a\nb\n\nc")));
    EXPECT_THAT(receive_bodies(c, 3), UnorderedElementsAre("a", "b", "c"));
    EXPECT_TRUE(c.quiet_for(300ms));  // the empty segment was skipped

    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mt&binary=false", "x\r\ny\n")));
    EXPECT_THAT(receive_bodies(c, 2), UnorderedElementsAre("x\r", "y"));  // \r is kept
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mt&binary=0", "z")));
    EXPECT_THAT(receive_bodies(c, 1), ElementsAre("z"));
    EXPECT_TRUE(c.quiet_for(300ms));
}

TEST_F(http_api, mpub_empty_text_body_is_ok_with_no_messages) {
    raw_client c = sub("me", "c", 10);
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=me", "")));
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=me", "\n\n")));
    EXPECT_TRUE(c.quiet_for(400ms));
}

TEST_F(http_api, mpub_binary_mode) {
    raw_client c = sub("mb", "c", 10);
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mb&binary=true", mpub_body({"a", "b\nc"}))));
    EXPECT_THAT(receive_bodies(c, 2), UnorderedElementsAre("a", "b\nc"));
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mb&binary=1", mpub_body({"d"}))));
    EXPECT_THAT(receive_bodies(c, 1), ElementsAre("d"));
    // Any other value also means binary (deprecated).
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=mb&binary=yes", mpub_body({"e"}))));
    EXPECT_THAT(receive_bodies(c, 1), ElementsAre("e"));
    EXPECT_TRUE(c.quiet_for(300ms));
}

TEST_F(http_api, mpub_binary_errors) {
    const std::string t = "/mpub?topic=t&binary=true";
    EXPECT_TRUE(is_error(http_post(t, be32(0)), 413, "BAD_BODY"));        // count 0
    EXPECT_TRUE(is_error(http_post(t, be32(-1)), 413, "BAD_BODY"));       // negative count
    EXPECT_TRUE(is_error(http_post(t, "\0\0"s), 413, "BAD_BODY"));        // count unreadable
    EXPECT_TRUE(is_error(http_post(t, be32(1048576)), 413, "BAD_BODY"));  // count too high
    EXPECT_TRUE(is_error(http_post(t, be32(2) + be32(1) + "a" + be32(0)), 413, "BAD_MESSAGE"));
    EXPECT_TRUE(is_error(http_post(t, be32(1) + be32(-1)), 413, "BAD_MESSAGE"));
    EXPECT_TRUE(is_error(http_post(t, be32(2) + be32(1) + "a"), 413, "BAD_MESSAGE"));  // truncated
    EXPECT_TRUE(is_error(http_post(t, be32(1) + be32(5) + "ab"), 413, "BAD_MESSAGE"));
    EXPECT_TRUE(is_error(http_post(t, be32(1) + be32(1048577) + std::string(1048577, 'x')), 413,
                         "BAD_MESSAGE"));
}

TEST_F(http_api, mpub_binary_error_enqueues_nothing) {
    raw_client c = sub("mbe", "c", 10);
    EXPECT_TRUE(is_error(
        http_post("/mpub?topic=mbe&binary=true", be32(3) + be32(1) + "a" + be32(1) + "b" + be32(0)),
        413, "BAD_MESSAGE"));
    EXPECT_TRUE(c.quiet_for(400ms));
}

TEST_F(http_api, mpub_topic_errors) {
    EXPECT_TRUE(is_error(http_post("/mpub", "a"), 400, "MISSING_ARG_TOPIC"));
    EXPECT_TRUE(is_error(http_post("/mpub?topic=bad!", "a"), 400, "INVALID_TOPIC"));
}

class http_limits : public http_api {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.max_msg_size = 10;
        o.max_body_size = 100;
        o.max_req_timeout = 5s;
        return o;
    }
};

TEST_F(http_limits, pub_size_limit) {
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=t", std::string(10, 'x'))));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t", std::string(11, 'x')), 413, "MSG_TOO_BIG"));
}

TEST_F(http_limits, pub_defer_limit_follows_max_req_timeout) {
    EXPECT_TRUE(is_ok_text(http_post("/pub?topic=t&defer=5000", "x")));
    EXPECT_TRUE(is_error(http_post("/pub?topic=t&defer=5001", "x"), 400, "INVALID_DEFER"));
}

TEST_F(http_limits, mpub_text_limits) {
    EXPECT_TRUE(is_ok_text(http_post("/mpub?topic=t", std::string(10, 'x') + "\nb")));
    EXPECT_TRUE(
        is_error(http_post("/mpub?topic=t", std::string(11, 'x') + "\nb"), 413, "MSG_TOO_BIG"));
    EXPECT_TRUE(is_error(http_post("/mpub?topic=t", std::string(101, '\n')), 413, "BODY_TOO_BIG"));
}

TEST_F(http_limits, mpub_binary_limits) {
    const std::string t = "/mpub?topic=t&binary=true";
    EXPECT_TRUE(is_ok_text(http_post(t, mpub_body({std::string(10, 'x')}))));
    EXPECT_TRUE(is_error(http_post(t, mpub_body({std::string(11, 'x')})), 413, "BAD_MESSAGE"));
    // (100 - 4) / 5 = 19 messages at most
    EXPECT_TRUE(is_error(http_post(t, be32(20)), 413, "BAD_BODY"));
    EXPECT_TRUE(is_error(http_post(t, std::string(101, '\0')), 413, "BODY_TOO_BIG"));
}

}  // namespace
}  // namespace nsqpp::test
