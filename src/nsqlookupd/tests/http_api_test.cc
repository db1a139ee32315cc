// The HTTP API through the router, without sockets: exact bodies, statuses and headers of
// spec §4, with an injected clock for the inactivity and tombstone filters.
#include "nsqlookupd/http_api.h"

#include <gtest/gtest.h>

#include "base/log.h"
#include "http/url.h"

namespace nsqpp::nsqlookupd {
namespace {

constexpr int64_t sec = 1'000'000'000;

class http_api_test : public ::testing::Test {
  protected:
    http_api_test() : ctx_(make_options(), base::get_logger("nsqlookupd")) {
        ctx_.clock = [this] { return now_; };
        register_http_api(router_, ctx_);
    }
    static options make_options() {
        options o;
        o.inactive_producer_timeout = std::chrono::seconds(300);
        o.tombstone_lifetime = std::chrono::seconds(45);
        return o;
    }

    http::response go(std::string method, std::string_view target) {
        http::request req;
        req.method = std::move(method);
        req.remote_address = "127.0.0.1:9";
        EXPECT_TRUE(http::parse_target(target, req)) << target;
        return router_.dispatch(req);
    }
    http::response get(std::string_view target) { return go("GET", target); }
    http::response post(std::string_view target) { return go("POST", target); }

    // An identified nsqd: in the client key, last update = now.
    std::shared_ptr<peer_info> add_node(std::string id, std::string broadcast, int64_t tcp,
                                        int64_t http) {
        auto p = std::make_shared<peer_info>();
        p->id = id;
        p->remote_address = id;
        p->hostname = broadcast + "-host";
        p->broadcast_address = broadcast;
        p->tcp_port = tcp;
        p->http_port = http;
        p->version = "1.3.0";
        p->last_update = now_;
        ctx_.db.add_producer({"client", "", ""}, p);
        return p;
    }
    void reg(const std::shared_ptr<peer_info>& p, std::string topic, std::string channel = "") {
        if (!channel.empty()) ctx_.db.add_producer({"channel", topic, channel}, p);
        ctx_.db.add_producer({"topic", topic, ""}, p);
    }

    static void expect_json(const http::response& r, int status, std::string_view body) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.body, body);
        EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
        EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    }
    static void expect_empty_ok(const http::response& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.body, "");
        EXPECT_FALSE(r.header("Content-Type"));
        EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    }

    unix_nanos now_ = 1'700'000'000 * sec;
    context ctx_;
    http::router router_;
};

const char* const peer_a =
    R"({"remote_address":"10.0.0.1:1","hostname":"a-host","broadcast_address":"a",)"
    R"("tcp_port":4150,"http_port":4151,"version":"1.3.0"})";

TEST_F(http_api_test, ping_and_info) {
    auto r = get("/ping");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_FALSE(r.header("X-NSQ-Content-Type"));
    expect_json(get("/info"), 200, R"({"version":"1.3.0"})");
}

TEST_F(http_api_test, lookup) {
    expect_json(get("/lookup"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    expect_json(get("/lookup?topic=t"), 404, R"({"message":"TOPIC_NOT_FOUND"})");
    expect_json(get("/lookup?topic=*"), 404, R"({"message":"TOPIC_NOT_FOUND"})");  // no topics
    expect_json(get("/lookup?topic="), 404, R"({"message":"TOPIC_NOT_FOUND"})");
    expect_json(get("/lookup?topic=%zz"), 400, R"({"message":"INVALID_REQUEST"})");
    expect_empty_ok(post("/topic/create?topic=t"));
    expect_json(get("/lookup?topic=t"), 200, R"({"channels":[],"producers":[]})");

    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    reg(a, "t", "c2");
    reg(a, "t", "c1");
    expect_json(get("/lookup?topic=t&topic=ignored"), 200,
                std::string(R"({"channels":["c1","c2"],"producers":[)") + peer_a + "]}");
}

TEST_F(http_api_test, lookup_hides_inactive_and_tombstoned_producers) {
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    auto b = add_node("10.0.0.2:1", "b", 4150, 4151);
    reg(a, "t");
    reg(b, "t");
    now_ += 300 * sec;  // exactly the timeout: still active
    b->last_update = now_;
    EXPECT_NE(get("/lookup?topic=t").body.find("10.0.0.1:1"), std::string::npos);
    now_ += 1;
    auto body = get("/lookup?topic=t").body;
    EXPECT_EQ(body.find("10.0.0.1:1"), std::string::npos) << body;
    EXPECT_NE(body.find("10.0.0.2:1"), std::string::npos) << body;

    expect_empty_ok(post("/topic/tombstone?topic=t&node=b:4151"));
    expect_json(get("/lookup?topic=t"), 200, R"({"channels":[],"producers":[]})");
    now_ += 45 * sec - 1;
    b->last_update = now_;
    expect_json(get("/lookup?topic=t"), 200, R"({"channels":[],"producers":[]})");
    now_ += 1;  // the lifetime passed: visible again
    body = get("/lookup?topic=t").body;
    EXPECT_NE(body.find("10.0.0.2:1"), std::string::npos) << body;
}

TEST_F(http_api_test, lookup_wildcard_matches_every_topic) {
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    reg(a, "t", "c");
    reg(a, "u", "c");
    // spec §2.5: "*" matches every topic; each producer appears once
    expect_json(get("/lookup?topic=*"), 200,
                std::string(R"({"channels":["c","c"],"producers":[)") + peer_a + "]}");
}

TEST_F(http_api_test, topics_and_channels) {
    expect_json(get("/topics"), 200, R"({"topics":[]})");
    expect_json(get("/channels"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    expect_json(get("/channels?topic=t"), 200, R"({"channels":[]})");
    expect_empty_ok(post("/channel/create?topic=t&channel=c"));
    expect_empty_ok(post("/topic/create?topic=e%23ephemeral"));
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    reg(a, "u", "c");
    expect_json(get("/topics"), 200, R"({"topics":["e#ephemeral","t","u"]})");
    expect_json(get("/channels?topic=t"), 200, R"({"channels":["c"]})");
    expect_json(get("/channels?topic=*"), 200, R"({"channels":["c","c"]})");
    expect_json(get("/channels?topic=bad!"), 200, R"({"channels":[]})");  // not validated
}

TEST_F(http_api_test, nodes) {
    expect_json(get("/nodes"), 200, R"({"producers":[]})");
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    expect_json(get("/nodes"), 200,
                R"({"producers":[{"remote_address":"10.0.0.1:1","hostname":"a-host",)"
                R"("broadcast_address":"a","tcp_port":4150,"http_port":4151,"version":"1.3.0",)"
                R"("tombstones":[],"topics":[]}]})");
    reg(a, "t1", "c");
    reg(a, "t2");
    expect_empty_ok(post("/topic/tombstone?topic=t2&node=a:4151"));
    expect_json(get("/nodes"), 200,
                R"({"producers":[{"remote_address":"10.0.0.1:1","hostname":"a-host",)"
                R"("broadcast_address":"a","tcp_port":4150,"http_port":4151,"version":"1.3.0",)"
                R"("tombstones":[false,true],"topics":["t1","t2"]}]})");
    now_ += 45 * sec;  // the tombstone expired
    a->last_update = now_;
    EXPECT_NE(get("/nodes").body.find(R"("tombstones":[false,false])"), std::string::npos);
    now_ += 300 * sec + 1;  // inactive: hidden
    expect_json(get("/nodes"), 200, R"({"producers":[]})");
}

TEST_F(http_api_test, debug_dumps_the_registrations) {
    expect_json(get("/debug"), 200, "{}");
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    reg(a, "t.x");
    reg(a, "t", "c");
    expect_empty_ok(post("/topic/create?topic=empty"));
    expect_empty_ok(post("/topic/tombstone?topic=t&node=a:4151"));
    now_ += 100 * sec;  // past the lifetime: the raw flag stays true
    const std::string entry =
        R"({"broadcast_address":"a","hostname":"a-host","http_port":4151,"id":"10.0.0.1:1",)"
        R"("last_update":1700000000000000000,"tcp_port":4150,"tombstoned":false,)"
        R"("tombstoned_at":-6795364578871345152,"version":"1.3.0"})";
    const std::string tombstoned =
        R"({"broadcast_address":"a","hostname":"a-host","http_port":4151,"id":"10.0.0.1:1",)"
        R"("last_update":1700000000000000000,"tcp_port":4150,"tombstoned":true,)"
        R"("tombstoned_at":1700000000000000000,"version":"1.3.0"})";
    // Go sorts the member names: "topic:t.x:" < "topic:t:" ('.' < ':')
    expect_json(get("/debug"), 200,
                "{\"channel:t:c\":[" + entry + "],\"client::\":[" + entry + "],\"topic:t.x:\":[" +
                    entry + "],\"topic:t:\":[" + tombstoned + "]}");
}

TEST_F(http_api_test, topic_create_and_delete) {
    expect_json(post("/topic/create"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    expect_json(post("/topic/create?topic=bad!"), 400, R"({"message":"INVALID_ARG_TOPIC"})");
    expect_json(post("/topic/create?topic=%"), 400, R"({"message":"INVALID_REQUEST"})");
    expect_empty_ok(post("/topic/create?topic=t"));
    expect_empty_ok(post("/topic/create?topic=t"));
    expect_empty_ok(post("/channel/create?topic=t&channel=c"));
    expect_empty_ok(post("/channel/create?topic=u&channel=c"));
    expect_json(post("/topic/delete"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    expect_empty_ok(post("/topic/delete?topic=t"));
    expect_json(get("/topics"), 200, R"({"topics":["u"]})");
    expect_json(get("/channels?topic=t"), 200, R"({"channels":[]})");
    expect_empty_ok(post("/topic/delete?topic=never"));
    expect_empty_ok(post("/topic/delete?topic=*"));  // NSQ's wildcard deletes everything
    expect_json(get("/topics"), 200, R"({"topics":[]})");
    expect_json(get("/debug"), 200, "{}");
}

TEST_F(http_api_test, topic_tombstone_arguments) {
    expect_json(post("/topic/tombstone"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    expect_json(post("/topic/tombstone?topic=t"), 400, R"({"message":"MISSING_ARG_NODE"})");
    expect_empty_ok(post("/topic/tombstone?topic=t&node=x:1"));  // nothing matched: still 200
    expect_empty_ok(post("/topic/tombstone?topic=bad!&node="));  // not validated
}

TEST_F(http_api_test, channel_create_and_delete) {
    for (const char* path : {"/channel/create", "/channel/delete"}) {
        std::string p(path);
        expect_json(post(p), 400, R"({"message":"MISSING_ARG_TOPIC"})");
        expect_json(post(p + "?topic=bad!&channel=c"), 400, R"({"message":"INVALID_ARG_TOPIC"})");
        expect_json(post(p + "?topic=t"), 400, R"({"message":"MISSING_ARG_CHANNEL"})");
        expect_json(post(p + "?topic=t&channel="), 400, R"({"message":"INVALID_ARG_CHANNEL"})");
        expect_json(post(p + "?channel=c"), 400, R"({"message":"MISSING_ARG_TOPIC"})");
    }
    expect_json(post("/channel/delete?topic=t&channel=c"), 404,
                R"({"message":"CHANNEL_NOT_FOUND"})");
    expect_empty_ok(post("/channel/create?topic=t&channel=c"));
    expect_empty_ok(post("/channel/create?topic=t&channel=c"));
    expect_json(get("/topics"), 200, R"({"topics":["t"]})");
    auto a = add_node("10.0.0.1:1", "a", 4150, 4151);
    reg(a, "t", "c");
    expect_empty_ok(post("/channel/delete?topic=t&channel=c"));
    expect_json(get("/channels?topic=t"), 200, R"({"channels":[]})");
    // the topic key (and its producer) stay
    EXPECT_NE(get("/lookup?topic=t").body.find("10.0.0.1:1"), std::string::npos);
}

TEST_F(http_api_test, routing_errors) {
    expect_json(get("/nope"), 404, R"({"message":"NOT_FOUND"})");
    for (const char* old : {"/delete_topic", "/delete_channel", "/tombstone_topic_producer",
                            "/create_topic", "/create_channel", "/debug/pprof"}) {
        EXPECT_EQ(get(old).status, 404) << old;
    }
    auto r = post("/lookup?topic=t");
    expect_json(r, 405, R"({"message":"METHOD_NOT_ALLOWED"})");
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS");
    r = get("/topic/create?topic=t");
    expect_json(r, 405, R"({"message":"METHOD_NOT_ALLOWED"})");
    EXPECT_EQ(r.header("Allow"), "OPTIONS, POST");
    EXPECT_EQ(go("HEAD", "/ping").status, 405);
    r = go("OPTIONS", "/nodes");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS");
    r = get("/lookup/?topic=a");
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location"), "/lookup?topic=a");
    r = post("/TOPIC/CREATE?topic=a");
    EXPECT_EQ(r.status, 307);
    EXPECT_EQ(r.header("Location"), "/topic/create?topic=a");
}

}  // namespace
}  // namespace nsqpp::nsqlookupd
