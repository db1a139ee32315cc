// GET /stats over HTTP (spec §7): after known sequences of publishes and consumer actions, every
// field of the JSON is checked (key order included), then the filters and the text format.
#include <boost/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

namespace json = boost::json;

const std::vector<std::string> client_keys = {"client_id",
                                              "hostname",
                                              "version",
                                              "remote_address",
                                              "state",
                                              "ready_count",
                                              "in_flight_count",
                                              "message_count",
                                              "finish_count",
                                              "requeue_count",
                                              "connect_ts",
                                              "sample_rate",
                                              "deflate",
                                              "snappy",
                                              "user_agent",
                                              "tls",
                                              "tls_cipher_suite",
                                              "tls_version",
                                              "tls_negotiated_protocol",
                                              "tls_negotiated_protocol_is_mutual"};

std::vector<std::string> keys_of(const json::value& v) {
    std::vector<std::string> out;
    if (!v.is_object()) return out;
    for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
    return out;
}

int64_t unix_now_s() { return unix_now_ns() / 1000000000; }

class http_stats : public nsqd_fixture {
  protected:
    json::value stats(const std::string& query = "") {
        auto r = http_get("/stats?format=json" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
        EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return ec ? json::value() : v;
    }
    // Polls /stats until `done(stats)` holds (the server applies FIN/REQ asynchronously).
    template <typename Pred>
    json::value stats_when(Pred done, const std::string& query = "",
                           std::chrono::milliseconds timeout = 5s) {
        auto deadline = steady::now() + timeout;
        json::value s = stats(query);
        while (!done(s) && steady::now() < deadline) {
            std::this_thread::sleep_for(20ms);
            s = stats(query);
        }
        return s;
    }
    static const json::value& topic_of(const json::value& s, std::string_view name) {
        static const json::value none;
        if (!s.is_object() || !s.at("topics").is_array()) return none;
        for (const auto& t : s.at("topics").as_array()) {
            if (t.at("topic_name").as_string() == name) return t;
        }
        return none;
    }
    static const json::value& channel_of(const json::value& t, std::string_view name) {
        static const json::value none;
        if (!t.is_object()) return none;
        for (const auto& c : t.at("channels").as_array()) {
            if (c.at("channel_name").as_string() == name) return c;
        }
        return none;
    }
    static int64_t num(const json::value& obj, const char* key) {
        if (!obj.is_object() || !obj.as_object().contains(key)) return -1;
        return obj.at(key).to_number<int64_t>();
    }
    // A TCP connection that IDENTIFYs with these names (no feature negotiation).
    raw_client identified(const std::string& client_id, const std::string& hostname) {
        raw_client c = connect();
        c.send(cmd_with_body("IDENTIFY", R"({"client_id":")" + client_id + R"(","hostname":")" +
                                             hostname + R"(","user_agent":"test/1.0"})"));
        EXPECT_TRUE(c.expect_response("OK"));
        return c;
    }
};

// ---- an empty node ----

TEST_F(http_stats, empty_node_json) {
    int64_t now = unix_now_s();
    auto r = http_get("/stats?format=json");
    ASSERT_EQ(r.status, 200);
    EXPECT_THAT(r.body, MatchesRegex(R"(\{"version":"1\.3\.0","health":"OK","start_time":[0-9]+,)"
                                     R"("topics":\[\],"memory":\{[^{}]*\},"producers":null\})"));
    auto s = stats();
    EXPECT_THAT(keys_of(s),
                ElementsAre("version", "health", "start_time", "topics", "memory", "producers"));
    EXPECT_LE(num(s, "start_time"), now + 1);
    EXPECT_GE(num(s, "start_time"), now - 120);
    EXPECT_THAT(keys_of(s.at("memory")),
                ElementsAre("heap_objects", "heap_idle_bytes", "heap_in_use_bytes",
                            "heap_released_bytes", "gc_pause_usec_100", "gc_pause_usec_99",
                            "gc_pause_usec_95", "next_gc_bytes", "gc_total_runs"));
    for (const auto& kv : s.at("memory").as_object()) {
        EXPECT_TRUE(kv.value().is_int64() || kv.value().is_uint64()) << kv.key();
    }
}

TEST_F(http_stats, empty_node_text) {
    auto r = http_get("/stats");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    EXPECT_THAT(r.body, MatchesRegex("nsqd v1\\.3\\.0 \\(built w/nsqpp\\)\n"
                                     "start_time [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}"
                                     "(Z|[+-][0-9]{2}:[0-9]{2})\n"
                                     "uptime [0-9.]+(ns|µs|ms|s)\n"
                                     "\n"
                                     "Health: OK\n"
                                     "\n"
                                     "Memory:\n"
                                     "(   [a-z_0-9 ]{25}\t[0-9]+\n){9}"
                                     "\n"
                                     "Topics: None\n"
                                     "\n"
                                     "Producers: None\n"));
    auto no_mem = http_get("/stats?include_mem=false");
    EXPECT_THAT(no_mem.body, ::testing::Not(HasSubstr("Memory:")));
    EXPECT_THAT(no_mem.body, HasSubstr("\nHealth: OK\n\nTopics: None\n\nProducers: None\n"));
}

TEST_F(http_stats, method_and_query_errors) {
    auto r = http_post("/stats?format=json");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.body, R"({"message":"METHOD_NOT_ALLOWED"})");
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS");
    auto bad = http_get("/stats?format=json&topic=%zz");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body, R"({"message":"INVALID_REQUEST"})");
}

// ---- the capture of spec §7.3, reproduced ----

TEST_F(http_stats, known_sequence_field_by_field) {
    int64_t before = unix_now_s();
    raw_client cons = sub("stats_topic", "ch1", -1,
                          R"({"client_id":"cons1","hostname":"conshost","user_agent":"test/1.0"})");
    raw_client prod = identified("producer1", "prodhost");
    for (int i = 1; i <= 5; ++i) {
        prod.send(cmd_with_body("PUB stats_topic", "msg-" + std::to_string(i)));
        ASSERT_TRUE(prod.expect_response("OK"));
    }
    int64_t after = unix_now_s();

    // Before RDY: five messages queued in the channel.
    auto s = stats();
    auto t = topic_of(s, "stats_topic");
    auto c = channel_of(t, "ch1");
    EXPECT_EQ(num(t, "depth"), 0);
    EXPECT_EQ(num(t, "message_count"), 5);
    EXPECT_EQ(num(t, "message_bytes"), 25);
    EXPECT_EQ(num(c, "depth"), 5);
    EXPECT_EQ(num(c, "in_flight_count"), 0);
    EXPECT_EQ(num(c, "message_count"), 5);

    // RDY 3: three in flight; FIN one, REQ one for 60 s: two more are sent.
    cons.send(cmd("RDY 3"));
    std::vector<received_message> got;
    for (int i = 0; i < 3; ++i) {
        auto m = cons.read_message();
        ASSERT_TRUE(m);
        got.push_back(*m);
    }
    cons.send(cmd("FIN " + got[0].id));
    cons.send(cmd("REQ " + got[1].id + " 60000"));
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(cons.read_message());

    s = stats_when([](const json::value& v) {
        const auto& cl = channel_of(topic_of(v, "stats_topic"), "ch1");
        return cl.is_object() && cl.at("clients").is_array() &&
               !cl.at("clients").as_array().empty() &&
               num(cl.at("clients").as_array()[0], "finish_count") == 1 &&
               num(cl.at("clients").as_array()[0], "message_count") == 5;
    });
    EXPECT_THAT(keys_of(s),
                ElementsAre("version", "health", "start_time", "topics", "memory", "producers"));
    EXPECT_EQ(s.at("version"), "1.3.0");
    EXPECT_EQ(s.at("health"), "OK");
    ASSERT_EQ(s.at("topics").as_array().size(), 1u);

    t = topic_of(s, "stats_topic");
    EXPECT_THAT(keys_of(t),
                ElementsAre("topic_name", "channels", "depth", "backend_depth", "message_count",
                            "message_bytes", "paused", "e2e_processing_latency"));
    EXPECT_EQ(num(t, "depth"), 0);
    EXPECT_EQ(num(t, "backend_depth"), 0);
    EXPECT_EQ(num(t, "message_count"), 5);
    EXPECT_EQ(num(t, "message_bytes"), 25);
    EXPECT_EQ(t.at("paused"), false);
    EXPECT_EQ(json::serialize(t.at("e2e_processing_latency")), R"({"count":0,"percentiles":null})");
    ASSERT_EQ(t.at("channels").as_array().size(), 1u);

    c = channel_of(t, "ch1");
    EXPECT_THAT(keys_of(c),
                ElementsAre("channel_name", "depth", "backend_depth", "in_flight_count",
                            "deferred_count", "message_count", "requeue_count", "timeout_count",
                            "client_count", "clients", "paused", "e2e_processing_latency"));
    EXPECT_EQ(num(c, "depth"), 0);
    EXPECT_EQ(num(c, "backend_depth"), 0);
    EXPECT_EQ(num(c, "in_flight_count"), 3);
    EXPECT_EQ(num(c, "deferred_count"), 1);
    EXPECT_EQ(num(c, "message_count"), 5);
    EXPECT_EQ(num(c, "requeue_count"), 1);
    EXPECT_EQ(num(c, "timeout_count"), 0);
    EXPECT_EQ(num(c, "client_count"), 1);
    EXPECT_EQ(c.at("paused"), false);
    EXPECT_EQ(json::serialize(c.at("e2e_processing_latency")), R"({"count":0,"percentiles":null})");
    ASSERT_EQ(c.at("clients").as_array().size(), 1u);

    const auto& cl = c.at("clients").as_array()[0];
    EXPECT_EQ(keys_of(cl), client_keys);
    EXPECT_EQ(cl.at("client_id"), "cons1");
    EXPECT_EQ(cl.at("hostname"), "conshost");
    EXPECT_EQ(cl.at("version"), "V2");
    EXPECT_THAT(std::string(cl.at("remote_address").as_string()),
                MatchesRegex(R"(127\.0\.0\.1:[0-9]+)"));
    EXPECT_EQ(num(cl, "state"), 3);  // subscribed
    EXPECT_EQ(num(cl, "ready_count"), 3);
    EXPECT_EQ(num(cl, "in_flight_count"), 3);
    EXPECT_EQ(num(cl, "message_count"), 5);
    EXPECT_EQ(num(cl, "finish_count"), 1);
    EXPECT_EQ(num(cl, "requeue_count"), 1);
    EXPECT_GE(num(cl, "connect_ts"), before);
    EXPECT_LE(num(cl, "connect_ts"), after);
    EXPECT_EQ(num(cl, "sample_rate"), 0);
    EXPECT_EQ(cl.at("deflate"), false);
    EXPECT_EQ(cl.at("snappy"), false);
    EXPECT_EQ(cl.at("user_agent"), "test/1.0");
    EXPECT_EQ(cl.at("tls"), false);
    EXPECT_EQ(cl.at("tls_cipher_suite"), "");
    EXPECT_EQ(cl.at("tls_version"), "");
    EXPECT_EQ(cl.at("tls_negotiated_protocol"), "");
    EXPECT_EQ(cl.at("tls_negotiated_protocol_is_mutual"), false);

    ASSERT_TRUE(s.at("producers").is_array());
    ASSERT_EQ(s.at("producers").as_array().size(), 1u);
    const auto& p = s.at("producers").as_array()[0];
    std::vector<std::string> producer_keys = client_keys;
    producer_keys.insert(producer_keys.begin() + 15, "pub_counts");
    EXPECT_EQ(keys_of(p), producer_keys);
    EXPECT_EQ(p.at("client_id"), "producer1");
    EXPECT_EQ(p.at("hostname"), "prodhost");
    EXPECT_EQ(p.at("version"), "V2");
    EXPECT_NE(p.at("remote_address"), cl.at("remote_address"));
    EXPECT_EQ(num(p, "state"), 0);
    EXPECT_EQ(num(p, "ready_count"), 0);
    EXPECT_EQ(num(p, "in_flight_count"), 0);
    EXPECT_EQ(num(p, "message_count"), 0);
    EXPECT_EQ(num(p, "finish_count"), 0);
    EXPECT_EQ(num(p, "requeue_count"), 0);
    EXPECT_GE(num(p, "connect_ts"), before);
    EXPECT_LE(num(p, "connect_ts"), after);
    EXPECT_EQ(p.at("user_agent"), "test/1.0");
    EXPECT_EQ(json::serialize(p.at("pub_counts")), R"([{"topic":"stats_topic","count":5}])");

    // The same state in the text format.
    auto text = http_get("/stats?include_mem=false").body;
    EXPECT_THAT(text, HasSubstr("\nTopics:\n"
                                "   [stats_topic    ] depth: 0     be-depth: 0     msgs: 5      "
                                "  e2e%: \n"
                                "      [ch1                      ] depth: 0     be-depth: 0     "
                                "inflt: 3    def: 1    re-q: 1     timeout: 0     msgs: 5      "
                                "  e2e%: \n"
                                "        [V2 conshost:"));
    EXPECT_THAT(text, MatchesRegex("(.|\n)*\n        \\[V2 conshost:[0-9]+ test/1\\.0\\] state: 3 "
                                   "inflt: 3    rdy: 3    fin: 1        re-q: 1        msgs: 5   "
                                   "     connected: [0-9]+s\n(.|\n)*"));
    EXPECT_THAT(text, MatchesRegex("(.|\n)*\n\nProducers:\n   \\[V2 prodhost:[0-9]+ test/1\\.0\\] "
                                   "msgs: 5        topics: stats_topic=5 connected: [0-9]+s\n"));
}

TEST_F(http_stats, timeouts_are_counted_and_the_message_redelivered) {
    raw_client c = sub("to", "ch", 1, R"({"msg_timeout":1000})");
    ASSERT_TRUE(pub("to", "slow"));
    auto first = c.read_message();
    ASSERT_TRUE(first);
    auto again = c.read_message(10s);  // not FINed: times out and comes back
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(again->attempts, 2);

    auto s = stats_when([](const json::value& v) {
        return num(channel_of(topic_of(v, "to"), "ch"), "timeout_count") == 1;
    });
    const auto& ch = channel_of(topic_of(s, "to"), "ch");
    EXPECT_EQ(num(ch, "timeout_count"), 1);
    EXPECT_EQ(num(ch, "requeue_count"), 0);  // a timeout is not a REQ
    EXPECT_EQ(num(ch, "message_count"), 1);  // copies from the topic, not redeliveries
    EXPECT_EQ(num(ch, "in_flight_count"), 1);
    EXPECT_EQ(num(ch, "depth"), 0);
    ASSERT_TRUE(ch.at("clients").is_array());
    ASSERT_EQ(ch.at("clients").as_array().size(), 1u);
    const auto& cl = ch.at("clients").as_array()[0];
    EXPECT_EQ(num(cl, "message_count"), 2);  // sent twice
    EXPECT_EQ(num(cl, "in_flight_count"), 1);
    EXPECT_EQ(num(cl, "requeue_count"), 0);
    EXPECT_EQ(num(cl, "finish_count"), 0);
}

TEST_F(http_stats, requeue_without_delay_goes_back_to_the_queue) {
    raw_client c = sub("rq", "ch", 1);
    ASSERT_TRUE(pub("rq", "x"));
    auto m = c.read_message();
    ASSERT_TRUE(m);
    c.send(cmd("RDY 0"));
    c.send(cmd("REQ " + m->id + " 0"));
    auto s = stats_when([](const json::value& v) {
        return num(channel_of(topic_of(v, "rq"), "ch"), "requeue_count") == 1;
    });
    const auto& ch = channel_of(topic_of(s, "rq"), "ch");
    EXPECT_EQ(num(ch, "requeue_count"), 1);
    EXPECT_EQ(num(ch, "depth"), 1);
    EXPECT_EQ(num(ch, "in_flight_count"), 0);
    EXPECT_EQ(num(ch, "deferred_count"), 0);
    EXPECT_EQ(num(ch.at("clients").as_array()[0], "ready_count"), 0);
    EXPECT_EQ(num(ch.at("clients").as_array()[0], "requeue_count"), 1);
}

TEST_F(http_stats, deferred_publish_counts_as_deferred_not_depth) {
    ASSERT_EQ(http_post("/topic/create?topic=dp").status, 200);
    ASSERT_EQ(http_post("/channel/create?topic=dp&channel=ch").status, 200);
    auto r = http_post("/pub?topic=dp&defer=60000", "later");
    ASSERT_EQ(r.status, 200);
    auto s = stats_when([](const json::value& v) {
        return num(channel_of(topic_of(v, "dp"), "ch"), "deferred_count") == 1;
    });
    const auto& ch = channel_of(topic_of(s, "dp"), "ch");
    EXPECT_EQ(num(ch, "deferred_count"), 1);
    EXPECT_EQ(num(ch, "depth"), 0);
    EXPECT_EQ(num(ch, "message_count"), 1);
    EXPECT_EQ(num(topic_of(s, "dp"), "depth"), 0);
}

// ---- filters ----

class http_stats_filters : public http_stats {
  protected:
    void SetUp() override {
        http_stats::SetUp();
        for (const char* t : {"b", "a", "e"}) {
            ASSERT_EQ(http_post(std::string("/topic/create?topic=") + t).status, 200);
        }
        for (const char* tc : {"topic=a&channel=d", "topic=a&channel=c", "topic=b&channel=c"}) {
            ASSERT_EQ(http_post(std::string("/channel/create?") + tc).status, 200);
        }
    }
    static std::vector<std::string> layout(const json::value& s) {
        std::vector<std::string> out;
        if (!s.at("topics").is_array()) return {"null"};
        for (const auto& t : s.at("topics").as_array()) {
            std::string line(t.at("topic_name").as_string());
            line += ":";
            for (const auto& c : t.at("channels").as_array()) {
                line += std::string(c.at("channel_name").as_string()) + ",";
            }
            out.push_back(line);
        }
        return out;
    }
};

TEST_F(http_stats_filters, topics_and_channels_are_sorted_by_name) {
    EXPECT_THAT(layout(stats()), ElementsAre("a:c,d,", "b:c,", "e:"));
}

TEST_F(http_stats_filters, topic_filter) {
    EXPECT_THAT(layout(stats("&topic=a")), ElementsAre("a:c,d,"));
    EXPECT_THAT(layout(stats("&topic=")), ElementsAre("a:c,d,", "b:c,", "e:"));  // no filter
    EXPECT_THAT(layout(stats("&topic=zzz")), ElementsAre("null"));
    EXPECT_THAT(layout(stats("&topic=a&channel=zzz")), ElementsAre());
    EXPECT_THAT(layout(stats("&topic=e&channel=c")), ElementsAre());
}

TEST_F(http_stats_filters, channel_filter_applies_to_every_topic) {
    EXPECT_THAT(layout(stats("&channel=c")), ElementsAre("a:c,", "b:c,"));
    EXPECT_THAT(layout(stats("&channel=d")), ElementsAre("a:d,"));
    EXPECT_THAT(layout(stats("&channel=zzz")), ElementsAre());
}

TEST_F(http_stats_filters, include_clients_and_include_mem) {
    raw_client c = sub("a", "c");
    ASSERT_TRUE(pub("b", "x"));
    raw_client producer = connect();
    producer.send(cmd_with_body("PUB a", "y"));
    ASSERT_TRUE(producer.expect_response("OK"));

    // pub()'s own connection closes after its PUB: wait until only `producer` is listed
    auto all = stats_when([](const json::value& v) {
        return v.at("producers").is_array() && v.at("producers").as_array().size() == 1;
    });
    const auto& ac = channel_of(topic_of(all, "a"), "c");
    EXPECT_EQ(num(ac, "client_count"), 1);
    ASSERT_TRUE(ac.at("clients").is_array());
    EXPECT_EQ(ac.at("clients").as_array().size(), 1u);
    EXPECT_TRUE(channel_of(topic_of(all, "a"), "d").at("clients").is_array());
    EXPECT_TRUE(channel_of(topic_of(all, "a"), "d").at("clients").as_array().empty());
    ASSERT_TRUE(all.at("producers").is_array());
    EXPECT_EQ(all.at("producers").as_array().size(), 1u);

    for (const char* off : {"false", "0"}) {
        auto s = stats(std::string("&include_clients=") + off);
        const auto& ch = channel_of(topic_of(s, "a"), "c");
        EXPECT_EQ(num(ch, "client_count"), 1) << off;  // always filled
        EXPECT_TRUE(ch.at("clients").is_null()) << off;
        EXPECT_TRUE(s.at("producers").is_null()) << off;
        EXPECT_TRUE(s.as_object().contains("memory"));
    }
    for (const char* on : {"true", "1", "yes", ""}) {
        auto s = stats(std::string("&include_clients=") + on);
        EXPECT_TRUE(channel_of(topic_of(s, "a"), "c").at("clients").is_array()) << on;
    }
    for (const char* off : {"false", "0"}) {
        auto s = stats(std::string("&include_mem=") + off);
        EXPECT_THAT(keys_of(s),
                    ElementsAre("version", "health", "start_time", "topics", "producers"))
            << off;
    }
    EXPECT_TRUE(stats("&include_mem=no").as_object().contains("memory"));
}

TEST_F(http_stats_filters, pub_counts_follow_the_topic_filter) {
    raw_client p = connect();
    p.send(cmd_with_body("PUB a", "1"));
    ASSERT_TRUE(p.expect_response("OK"));
    p.send(cmd_with_body("PUB b", "2"));
    ASSERT_TRUE(p.expect_response("OK"));
    p.send(cmd_with_body("PUB b", "3"));
    ASSERT_TRUE(p.expect_response("OK"));

    auto counts = [](const json::value& s) {
        if (!s.at("producers").is_array() || s.at("producers").as_array().size() != 1) {
            return std::string("no single producer: ") + json::serialize(s.at("producers"));
        }
        return json::serialize(s.at("producers").as_array()[0].at("pub_counts"));
    };
    EXPECT_EQ(counts(stats("&topic=a")), R"([{"topic":"a","count":1}])");
    EXPECT_EQ(counts(stats("&topic=b")), R"([{"topic":"b","count":2}])");
    // Unfiltered: NSQ 1.3.0 reports a single entry (either topic).
    EXPECT_THAT(counts(stats()), MatchesRegex(R"(\[\{"topic":"(a","count":1|b","count":2)\}\])"));
    // A known topic the producer never published to: the producer is listed without pub_counts.
    auto e = stats("&topic=e");
    ASSERT_TRUE(e.at("producers").is_array());
    EXPECT_FALSE(e.at("producers").as_array()[0].as_object().contains("pub_counts"));
}

TEST_F(http_stats_filters, unknown_topic_has_null_topics_and_null_producers) {
    raw_client p = connect();
    p.send(cmd_with_body("PUB a", "1"));
    ASSERT_TRUE(p.expect_response("OK"));
    ASSERT_TRUE(stats().at("producers").is_array());
    // NSQ's GetStats returns before it collects producers when topic= names no topic.
    auto s = stats("&topic=zzz");
    EXPECT_TRUE(s.at("topics").is_null());
    EXPECT_TRUE(s.at("producers").is_null()) << json::serialize(s.at("producers"));
}

// ---- depth in memory and on disk ----

class http_stats_small_queue : public http_stats {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.mem_queue_size = 2;
        return o;
    }
};

TEST_F(http_stats_small_queue, backend_depth_counts_what_spilled_to_disk) {
    ASSERT_TRUE(mpub("spill", {"1", "2", "3", "4", "5"}));  // no channel: all in the topic
    auto t = topic_of(stats(), "spill");
    EXPECT_EQ(num(t, "depth"), 5);
    EXPECT_EQ(num(t, "backend_depth"), 3);

    ASSERT_EQ(http_post("/channel/create?topic=spill&channel=ch").status, 200);
    auto s = stats_when([](const json::value& v) {
        return num(channel_of(topic_of(v, "spill"), "ch"), "depth") == 5;
    });
    EXPECT_EQ(num(topic_of(s, "spill"), "depth"), 0);
    const auto& ch = channel_of(topic_of(s, "spill"), "ch");
    EXPECT_EQ(num(ch, "depth"), 5);
    EXPECT_EQ(num(ch, "backend_depth"), 3);
}

}  // namespace
}  // namespace nsqpp::test
