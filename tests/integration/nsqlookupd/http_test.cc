// nsqlookupd's HTTP API over real sockets (spec/nsqlookupd.md §4), 1 and 3 workers.
#include <gmock/gmock.h>

#include "fixture.h"

namespace nsqpp::lookupd_test {
namespace {

using ::testing::ElementsAre;

class http_api : public lookupd_workers_fixture {
  protected:
    // Status, body and the V1 JSON headers.
    static ::testing::AssertionResult is_json(const http::client_response& r, int status,
                                              std::string_view body) {
        if (r.status != status || r.body != body) {
            return ::testing::AssertionFailure() << r.status << " " << r.body;
        }
        if (r.header("Content-Type") != "application/json; charset=utf-8") {
            return ::testing::AssertionFailure()
                   << "Content-Type " << r.header("Content-Type").value_or("-");
        }
        if (r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure() << "no X-NSQ-Content-Type";
        }
        return ::testing::AssertionSuccess();
    }
    // 200, empty body, X-NSQ-Content-Type and no Content-Type (every POST success).
    static ::testing::AssertionResult is_empty_ok(const http::client_response& r) {
        if (r.status != 200 || !r.body.empty()) {
            return ::testing::AssertionFailure() << r.status << " " << r.body;
        }
        if (r.header("Content-Type")) {
            return ::testing::AssertionFailure() << "Content-Type " << *r.header("Content-Type");
        }
        if (r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure() << "no X-NSQ-Content-Type";
        }
        return ::testing::AssertionSuccess();
    }
};

INSTANTIATE_TEST_SUITE_P(workers, http_api, ::testing::Values(1, 3));

TEST_P(http_api, ping) {
    auto r = get("/ping");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_FALSE(r.header("X-NSQ-Content-Type"));
}

TEST_P(http_api, info) { EXPECT_TRUE(is_json(get("/info"), 200, R"({"version":"1.3.0"})")); }

TEST_P(http_api, lookup_errors) {
    EXPECT_TRUE(is_json(get("/lookup"), 400, R"({"message":"MISSING_ARG_TOPIC"})"));
    EXPECT_TRUE(is_json(get("/lookup?topic=none"), 404, R"({"message":"TOPIC_NOT_FOUND"})"));
    EXPECT_TRUE(is_json(get("/lookup?topic=%zz"), 400, R"({"message":"INVALID_REQUEST"})"));
}

TEST_P(http_api, topic_and_channel_lifecycle) {
    EXPECT_TRUE(is_json(get("/topics"), 200, R"({"topics":[]})"));
    EXPECT_TRUE(is_empty_ok(post("/topic/create?topic=t1")));
    EXPECT_TRUE(is_empty_ok(post("/topic/create?topic=t1")));  // idempotent
    EXPECT_TRUE(is_json(get("/lookup?topic=t1"), 200, R"({"channels":[],"producers":[]})"));
    EXPECT_TRUE(is_empty_ok(post("/channel/create?topic=t2&channel=c1")));  // creates t2 too
    EXPECT_TRUE(is_empty_ok(post("/channel/create?topic=t2&channel=c2")));
    EXPECT_TRUE(is_json(get("/topics"), 200, R"({"topics":["t1","t2"]})"));
    EXPECT_TRUE(is_json(get("/channels?topic=t2"), 200, R"({"channels":["c1","c2"]})"));
    EXPECT_TRUE(is_json(get("/channels?topic=none"), 200, R"({"channels":[]})"));
    EXPECT_TRUE(is_empty_ok(post("/channel/delete?topic=t2&channel=c1")));
    EXPECT_TRUE(is_json(post("/channel/delete?topic=t2&channel=c1"), 404,
                        R"({"message":"CHANNEL_NOT_FOUND"})"));
    EXPECT_TRUE(is_json(get("/channels?topic=t2"), 200, R"({"channels":["c2"]})"));
    EXPECT_TRUE(is_empty_ok(post("/topic/delete?topic=t2")));
    EXPECT_TRUE(is_empty_ok(post("/topic/delete?topic=never")));
    EXPECT_TRUE(is_json(get("/topics"), 200, R"({"topics":["t1"]})"));
    EXPECT_TRUE(is_json(get("/channels?topic=t2"), 200, R"({"channels":[]})"));
}

TEST_P(http_api, argument_errors) {
    struct error_case {
        const char* target;
        int status;
        const char* message;
    } cases[] = {
        {"/channels", 400, "MISSING_ARG_TOPIC"},
        {"/topic/create", 400, "MISSING_ARG_TOPIC"},
        {"/topic/create?topic=a*b", 400, "INVALID_ARG_TOPIC"},
        {"/topic/create?topic=", 400, "INVALID_ARG_TOPIC"},
        {"/topic/delete", 400, "MISSING_ARG_TOPIC"},
        {"/topic/tombstone", 400, "MISSING_ARG_TOPIC"},
        {"/topic/tombstone?topic=t", 400, "MISSING_ARG_NODE"},
        {"/channel/create?channel=c", 400, "MISSING_ARG_TOPIC"},
        {"/channel/create?topic=bad!&channel=c", 400, "INVALID_ARG_TOPIC"},
        {"/channel/create?topic=t", 400, "MISSING_ARG_CHANNEL"},
        {"/channel/create?topic=t&channel=bad!", 400, "INVALID_ARG_CHANNEL"},
        {"/channel/delete", 400, "MISSING_ARG_TOPIC"},
        {"/channel/delete?topic=t&channel=c%23x", 400, "INVALID_ARG_CHANNEL"},
        {"/topic/create?topic=%", 400, "INVALID_REQUEST"},
    };
    for (const auto& k : cases) {
        bool is_get = std::string_view(k.target).rfind("/channels", 0) == 0;
        auto r = is_get ? get(k.target) : post(k.target);
        EXPECT_TRUE(is_json(r, k.status, std::string("{\"message\":\"") + k.message + "\"}"))
            << k.target;
    }
    EXPECT_TRUE(is_json(get("/topics"), 200, R"({"topics":[]})"));  // nothing was created
}

TEST_P(http_api, request_bodies_are_ignored) {
    EXPECT_TRUE(is_empty_ok(post("/topic/create?topic=from_query", "topic=from_body")));
    EXPECT_TRUE(is_json(post("/topic/create", "topic=from_body"), 400,
                        R"({"message":"MISSING_ARG_TOPIC"})"));
    EXPECT_TRUE(is_json(get("/topics"), 200, R"({"topics":["from_query"]})"));
}

TEST_P(http_api, routing) {
    EXPECT_TRUE(is_json(get("/nope"), 404, R"({"message":"NOT_FOUND"})"));
    EXPECT_TRUE(is_json(post("/create_topic?topic=t"), 404, R"({"message":"NOT_FOUND"})"));
    EXPECT_TRUE(is_json(post("/delete_topic?topic=t"), 404, R"({"message":"NOT_FOUND"})"));
    EXPECT_TRUE(is_json(post("/tombstone_topic_producer?topic=t&node=n"), 404,
                        R"({"message":"NOT_FOUND"})"));

    auto r = post("/lookup?topic=t");
    EXPECT_TRUE(is_json(r, 405, R"({"message":"METHOD_NOT_ALLOWED"})"));
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS");
    r = get("/channel/delete?topic=t&channel=c");
    EXPECT_TRUE(is_json(r, 405, R"({"message":"METHOD_NOT_ALLOWED"})"));
    EXPECT_EQ(r.header("Allow"), "OPTIONS, POST");
    EXPECT_EQ(request("HEAD", "/ping").status, 405);

    r = request("OPTIONS", "/topic/tombstone");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.header("Allow"), "OPTIONS, POST");

    r = get("/lookup/?topic=a");
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location"), "/lookup?topic=a");
    r = get("/NODES");
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location"), "/nodes");
    r = post("/topic/create/?topic=a");
    EXPECT_EQ(r.status, 307);
    EXPECT_EQ(r.header("Location"), "/topic/create?topic=a");
}

TEST_P(http_api, nodes_and_tombstones_with_a_real_producer) {
    v1_client c = nsqd("n1.example", 4150, 4151);
    const std::string me = c.local_address();
    ASSERT_TRUE(command(c, "REGISTER t1 c"));
    ASSERT_TRUE(command(c, "REGISTER t2"));
    EXPECT_TRUE(is_json(
        get("/nodes"), 200,
        R"({"producers":[{"remote_address":")" + me +
            R"(","hostname":"nsqd-host","broadcast_address":"n1.example","tcp_port":4150,)"
            R"("http_port":4151,"version":"1.3.0","tombstones":[false,false],"topics":["t1","t2"]}]})"));
    EXPECT_TRUE(is_empty_ok(post("/topic/tombstone?topic=t2&node=n1.example:4151")));
    EXPECT_NE(get("/nodes").body.find(R"("tombstones":[false,true],"topics":["t1","t2"])"),
              std::string::npos);
    EXPECT_THAT(lookup_producers("t1"), ElementsAre(me));
    EXPECT_TRUE(lookup_producers("t2").empty());  // hidden for the lifetime (45 s)
    // the wrong node string (tcp port instead of http port) tombstones nothing
    EXPECT_TRUE(is_empty_ok(post("/topic/tombstone?topic=t1&node=n1.example:4150")));
    EXPECT_THAT(lookup_producers("t1"), ElementsAre(me));
    // UNREGISTER drops the tombstoned entry; a new REGISTER starts untombstoned
    ASSERT_TRUE(command(c, "UNREGISTER t2"));
    ASSERT_TRUE(command(c, "REGISTER t2"));
    EXPECT_THAT(lookup_producers("t2"), ElementsAre(me));
}

TEST_P(http_api, debug_dump) {
    EXPECT_TRUE(is_json(get("/debug"), 200, "{}"));
    v1_client c = nsqd("n1", 4150, 4151);
    ASSERT_TRUE(command(c, "REGISTER t c"));
    ASSERT_TRUE(is_empty_ok(post("/topic/create?topic=empty")));
    ASSERT_TRUE(is_empty_ok(post("/topic/tombstone?topic=t&node=n1:4151")));
    boost::json::value v = get_json("/debug");
    ASSERT_TRUE(v.is_object());
    const auto& o = v.as_object();
    std::vector<std::string> keys;
    for (const auto& kv : o) keys.emplace_back(kv.key());
    EXPECT_THAT(keys, ElementsAre("channel:t:c", "client::", "topic:t:"));  // "empty" omitted
    const auto& entry = o.at("channel:t:c").as_array().at(0).as_object();
    std::vector<std::string> fields;
    for (const auto& kv : entry) fields.emplace_back(kv.key());
    EXPECT_THAT(fields,
                ElementsAre("broadcast_address", "hostname", "http_port", "id", "last_update",
                            "tcp_port", "tombstoned", "tombstoned_at", "version"));
    EXPECT_EQ(entry.at("id").as_string(), c.local_address());
    EXPECT_EQ(entry.at("tombstoned").as_bool(), false);
    EXPECT_EQ(entry.at("tombstoned_at").as_int64(), -6795364578871345152);
    int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    EXPECT_NEAR(static_cast<double>(entry.at("last_update").as_int64()),
                static_cast<double>(now_ns), 60e9);
    const auto& topic_entry = o.at("topic:t:").as_array().at(0).as_object();
    EXPECT_EQ(topic_entry.at("tombstoned").as_bool(), true);
    EXPECT_NEAR(static_cast<double>(topic_entry.at("tombstoned_at").as_int64()),
                static_cast<double>(now_ns), 60e9);
}

TEST_P(http_api, several_producers_of_one_topic) {
    v1_client a = nsqd("a", 4150, 4151);
    v1_client b = nsqd("b", 4250, 4251);
    ASSERT_TRUE(command(a, "REGISTER t c"));
    ASSERT_TRUE(command(b, "REGISTER t d"));
    std::vector<std::string> both{a.local_address(), b.local_address()};
    std::sort(both.begin(), both.end());
    EXPECT_EQ(lookup_producers("t"), both);
    EXPECT_EQ(node_addresses(), both);
    EXPECT_TRUE(is_json(get("/channels?topic=t"), 200, R"({"channels":["c","d"]})"));
    EXPECT_TRUE(is_empty_ok(post("/topic/tombstone?topic=t&node=a:4151")));
    EXPECT_EQ(lookup_producers("t"), std::vector<std::string>{b.local_address()});
    EXPECT_EQ(node_addresses(), both);  // tombstones do not hide nodes
}

}  // namespace
}  // namespace nsqpp::lookupd_test
