// /stats rendering (spec §7) on hand-built nsqd_stats: the exact JSON text (key order, null vs
// [], omitted fields, Go number formats) and the text format, plus GET /stats query parsing
// with a fake collector.
#include "nsqd/http_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>

#include "base/log.h"
#include "http/url.h"

namespace nsqpp::nsqd {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// Sets the process time zone for the duration of a test (the text format prints local time).
class scoped_tz {
  public:
    explicit scoped_tz(const char* tz) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        setenv("TZ", tz, 1);
        tzset();
    }
    ~scoped_tz() {
        if (old_.empty()) {
            unsetenv("TZ");
        } else {
            setenv("TZ", old_.c_str(), 1);
        }
        tzset();
    }

  private:
    std::string old_;
};

e2e_latency_stats e2e_example() {
    return {
        1, std::vector<std::pair<double, double>>{{1.0, 1735074}, {0.99, 1735074}, {0.5, 1735074}}};
}

client_stats client_base(std::string id, std::string host, std::string addr) {
    client_stats c;
    c.client_id = std::move(id);
    c.hostname = std::move(host);
    c.remote_address = std::move(addr);
    c.connect_ts = 1795593617;
    c.user_agent = "py/1.0";
    return c;
}

// The capture of spec §7.3 (percentiles 1.0,0.99,0.5 configured).
nsqd_stats example_stats() {
    client_stats cons = client_base("cons1", "conshost", "127.0.0.1:37328");
    cons.state = 3;
    cons.ready_count = 3;
    cons.in_flight_count = 3;
    cons.message_count = 5;
    cons.finish_count = 1;
    cons.requeue_count = 1;

    channel_stats ch;
    ch.channel_name = "ch1";
    ch.in_flight_count = 3;
    ch.deferred_count = 1;
    ch.message_count = 5;
    ch.requeue_count = 1;
    ch.client_count = 1;
    ch.clients = std::vector<client_stats>{cons};
    ch.e2e_processing_latency = e2e_example();

    topic_stats t;
    t.topic_name = "stats_topic";
    t.channels = {ch};
    t.message_count = 5;
    t.message_bytes = 35;
    t.e2e_processing_latency = e2e_example();

    client_stats prod = client_base("producer1", "prodhost", "127.0.0.1:37326");
    prod.pub_counts = {{"stats_topic", 5}};

    nsqd_stats s;
    s.version = "1.3.0";
    s.health = "OK";
    s.start_time = 1795593572;
    s.topics = std::vector<topic_stats>{t};
    s.memory = memory_stats{2600, 4120576, 3743744, 3039232, 38, 38, 38, 4212416, 1};
    s.producers = std::vector<client_stats>{prod};
    return s;
}

// ---- JSON ----

TEST(stats_json, matches_nsqs_capture_byte_for_byte) {
    const std::string expected =
        R"({"version":"1.3.0","health":"OK","start_time":1795593572,"topics":[{"topic_name":)"
        R"("stats_topic","channels":[{"channel_name":"ch1","depth":0,"backend_depth":0,)"
        R"("in_flight_count":3,"deferred_count":1,"message_count":5,"requeue_count":1,)"
        R"("timeout_count":0,"client_count":1,"clients":[{"client_id":"cons1","hostname":)"
        R"("conshost","version":"V2","remote_address":"127.0.0.1:37328","state":3,)"
        R"("ready_count":3,"in_flight_count":3,"message_count":5,"finish_count":1,)"
        R"("requeue_count":1,"connect_ts":1795593617,"sample_rate":0,"deflate":false,)"
        R"("snappy":false,"user_agent":"py/1.0","tls":false,"tls_cipher_suite":"",)"
        R"("tls_version":"","tls_negotiated_protocol":"",)"
        R"("tls_negotiated_protocol_is_mutual":false}],"paused":false,)"
        R"("e2e_processing_latency":{"count":1,"percentiles":[{"quantile":1,"value":1735074},)"
        R"({"quantile":0.99,"value":1735074},{"quantile":0.5,"value":1735074}]}}],"depth":0,)"
        R"("backend_depth":0,"message_count":5,"message_bytes":35,"paused":false,)"
        R"("e2e_processing_latency":{"count":1,"percentiles":[{"quantile":1,"value":1735074},)"
        R"({"quantile":0.99,"value":1735074},{"quantile":0.5,"value":1735074}]}}],)"
        R"("memory":{"heap_objects":2600,"heap_idle_bytes":4120576,"heap_in_use_bytes":3743744,)"
        R"("heap_released_bytes":3039232,"gc_pause_usec_100":38,"gc_pause_usec_99":38,)"
        R"("gc_pause_usec_95":38,"next_gc_bytes":4212416,"gc_total_runs":1},"producers":[{)"
        R"("client_id":"producer1","hostname":"prodhost","version":"V2","remote_address":)"
        R"("127.0.0.1:37326","state":0,"ready_count":0,"in_flight_count":0,"message_count":0,)"
        R"("finish_count":0,"requeue_count":0,"connect_ts":1795593617,"sample_rate":0,)"
        R"("deflate":false,"snappy":false,"user_agent":"py/1.0","pub_counts":[{"topic":)"
        R"("stats_topic","count":5}],"tls":false,"tls_cipher_suite":"","tls_version":"",)"
        R"("tls_negotiated_protocol":"","tls_negotiated_protocol_is_mutual":false}]})";
    EXPECT_EQ(render_stats_json(example_stats()), expected);
}

TEST(stats_json, empty_node_has_empty_topics_and_null_producers) {
    nsqd_stats s;
    s.version = "1.3.0";
    s.health = "OK";
    s.start_time = 7;
    s.topics.emplace();
    s.memory = memory_stats{};
    EXPECT_EQ(render_stats_json(s),
              R"({"version":"1.3.0","health":"OK","start_time":7,"topics":[],"memory":)"
              R"({"heap_objects":0,"heap_idle_bytes":0,"heap_in_use_bytes":0,)"
              R"("heap_released_bytes":0,"gc_pause_usec_100":0,"gc_pause_usec_99":0,)"
              R"("gc_pause_usec_95":0,"next_gc_bytes":0,"gc_total_runs":0},"producers":null})");
    s.producers.emplace();  // an empty list is nil in Go: still null
    EXPECT_NE(render_stats_json(s).find(R"("producers":null})"), std::string::npos);
}

TEST(stats_json, unknown_topic_is_null_and_memory_key_is_omitted) {
    nsqd_stats s;
    s.version = "1.3.0";
    s.health = "NOK - disk \"full\"";
    s.start_time = 1;
    EXPECT_EQ(render_stats_json(s),
              R"({"version":"1.3.0","health":"NOK - disk \"full\"","start_time":1,)"
              R"("topics":null,"producers":null})");
}

TEST(stats_json, channel_clients_null_or_empty_and_no_percentiles) {
    channel_stats excluded;
    excluded.channel_name = "a";
    excluded.client_count = 2;  // filled even when clients are excluded
    excluded.paused = true;
    channel_stats none;
    none.channel_name = "b#ephemeral";
    none.clients.emplace();
    topic_stats t;
    t.topic_name = "t";
    t.paused = true;
    t.depth = 12;
    t.backend_depth = 10;
    t.channels = {excluded, none};
    topic_stats empty_topic;
    empty_topic.topic_name = "u";
    nsqd_stats s;
    s.version = "1.3.0";
    s.health = "OK";
    s.topics = std::vector<topic_stats>{t, empty_topic};
    EXPECT_EQ(
        render_stats_json(s),
        R"({"version":"1.3.0","health":"OK","start_time":0,"topics":[{"topic_name":"t",)"
        R"("channels":[{"channel_name":"a","depth":0,"backend_depth":0,"in_flight_count":0,)"
        R"("deferred_count":0,"message_count":0,"requeue_count":0,"timeout_count":0,)"
        R"("client_count":2,"clients":null,"paused":true,"e2e_processing_latency":{"count":0,)"
        R"("percentiles":null}},{"channel_name":"b#ephemeral","depth":0,"backend_depth":0,)"
        R"("in_flight_count":0,"deferred_count":0,"message_count":0,"requeue_count":0,)"
        R"("timeout_count":0,"client_count":0,"clients":[],"paused":false,)"
        R"("e2e_processing_latency":{"count":0,"percentiles":null}}],"depth":12,)"
        R"("backend_depth":10,"message_count":0,"message_bytes":0,"paused":true,)"
        R"("e2e_processing_latency":{"count":0,"percentiles":null}},{"topic_name":"u",)"
        R"("channels":[],"depth":0,"backend_depth":0,"message_count":0,"message_bytes":0,)"
        R"("paused":false,"e2e_processing_latency":{"count":0,"percentiles":null}}],)"
        R"("producers":null})");
}

TEST(stats_json, client_optional_fields_in_go_order_and_escaped_strings) {
    client_stats c = client_base("id<1>", "h\"st", "[::1]:5");
    c.authed = true;
    c.auth_identity = "me";
    c.auth_identity_url = "http://a/&b";
    c.pub_counts = {{"t1", 3}, {"t2", 4}};
    c.tls = true;
    c.tls_cipher_suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    c.tls_version = "TLS1.2";
    c.deflate = true;
    c.sample_rate = 25;
    nsqd_stats s;
    s.topics.emplace();
    s.producers = std::vector<client_stats>{c};
    std::string json = render_stats_json(s);
    EXPECT_NE(
        json.find(
            R"("producers":[{"client_id":"id\u003c1\u003e","hostname":"h\"st","version":"V2",)"
            R"("remote_address":"[::1]:5","state":0,"ready_count":0,"in_flight_count":0,)"
            R"("message_count":0,"finish_count":0,"requeue_count":0,"connect_ts":1795593617,)"
            R"("sample_rate":25,"deflate":true,"snappy":false,"user_agent":"py/1.0",)"
            R"("authed":true,"auth_identity":"me","auth_identity_url":"http://a/\u0026b",)"
            R"("pub_counts":[{"topic":"t1","count":3},{"topic":"t2","count":4}],"tls":true,)"
            R"("tls_cipher_suite":"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",)"
            R"("tls_version":"TLS1.2","tls_negotiated_protocol":"",)"
            R"("tls_negotiated_protocol_is_mutual":false}]})"),
        std::string::npos)
        << json;
}

TEST(stats_json, configured_percentiles_without_samples_are_listed_with_zero) {
    topic_stats t;
    t.topic_name = "t";
    t.e2e_processing_latency = {0, std::vector<std::pair<double, double>>{{0.999, 0}, {0.5, 0}}};
    nsqd_stats s;
    s.topics = std::vector<topic_stats>{t};
    EXPECT_NE(render_stats_json(s).find(R"("e2e_processing_latency":{"count":0,"percentiles":)"
                                        R"([{"quantile":0.999,"value":0},)"
                                        R"({"quantile":0.5,"value":0}]}})"),
              std::string::npos);
}

TEST(go_format, json_float_like_encoding_json) {
    EXPECT_EQ(go_json_float(1.0), "1");
    EXPECT_EQ(go_json_float(0.99), "0.99");
    EXPECT_EQ(go_json_float(0.5), "0.5");
    EXPECT_EQ(go_json_float(0), "0");
    EXPECT_EQ(go_json_float(1735074.0), "1735074");
    EXPECT_EQ(go_json_float(1735074.25), "1735074.25");
    EXPECT_EQ(go_json_float(0.000001), "0.000001");
    EXPECT_EQ(go_json_float(1e20), "100000000000000000000");
    EXPECT_EQ(go_json_float(1e21), "1e+21");
    EXPECT_EQ(go_json_float(1e-7), "1e-7");
    EXPECT_EQ(go_json_float(2.5e-7), "2.5e-7");
    EXPECT_EQ(go_json_float(1.5e-10), "1.5e-10");
    EXPECT_EQ(go_json_float(1.5e300), "1.5e+300");
    EXPECT_EQ(go_json_float(-0.25), "-0.25");
}

TEST(go_format, duration_like_time_duration_string) {
    EXPECT_EQ(go_duration(0ns), "0s");
    EXPECT_EQ(go_duration(1ns), "1ns");
    EXPECT_EQ(go_duration(999ns), "999ns");
    EXPECT_EQ(go_duration(1000ns), "1\u00b5s");
    EXPECT_EQ(go_duration(1500ns), "1.5\u00b5s");
    EXPECT_EQ(go_duration(1500us), "1.5ms");
    EXPECT_EQ(go_duration(250ms), "250ms");
    EXPECT_EQ(go_duration(1s), "1s");
    EXPECT_EQ(go_duration(45409104593ns), "45.409104593s");
    EXPECT_EQ(go_duration(60s), "1m0s");
    EXPECT_EQ(go_duration(65s), "1m5s");
    EXPECT_EQ(go_duration(7210s), "2h0m10s");
    EXPECT_EQ(go_duration(1h), "1h0m0s");
    EXPECT_EQ(go_duration(-1500ms), "-1.5s");
    EXPECT_EQ(go_duration(3723500ms), "1h2m3.5s");
}

// ---- text ----

TEST(stats_text, matches_nsqs_observed_output) {
    scoped_tz tz("UTC");
    auto now = system_clock::time_point(1795593617s + 409104593ns);  // start + 45.409104593s
    std::string expected =
        "nsqd v1.3.0 (built w/nsqpp)\n"
        "start_time 2026-11-25T07:59:32Z\n"
        "uptime 45.409104593s\n"
        "\n"
        "Health: OK\n"
        "\n"
        "Memory:\n"
        "   heap_objects             \t2600\n"
        "   heap_idle_bytes          \t4120576\n"
        "   heap_in_use_bytes        \t3743744\n"
        "   heap_released_bytes      \t3039232\n"
        "   gc_pause_usec_100        \t38\n"
        "   gc_pause_usec_99         \t38\n"
        "   gc_pause_usec_95         \t38\n"
        "   next_gc_bytes            \t4212416\n"
        "   gc_total_runs            \t1\n"
        "\n"
        "Topics:\n"
        "   [stats_topic    ] depth: 0     be-depth: 0     msgs: 5        e2e%: 1.7ms, 1.7ms, "
        "1.7ms\n"
        "      [ch1                      ] depth: 0     be-depth: 0     inflt: 3    def: 1    "
        "re-q: 1     timeout: 0     msgs: 5        e2e%: 1.7ms, 1.7ms, 1.7ms\n"
        "        [V2 conshost:37328 py/1.0] state: 3 inflt: 3    rdy: 3    fin: 1        re-q: "
        "1        msgs: 5        connected: 0s\n"
        "\n"
        "Producers:\n"
        "   [V2 prodhost:37326 py/1.0] msgs: 5        topics: stats_topic=5 connected: 0s\n";
    EXPECT_EQ(render_stats_text(example_stats(), now), expected);
}

TEST(stats_text, empty_node_without_memory) {
    scoped_tz tz("UTC");
    nsqd_stats s;
    s.version = "1.3.0";
    s.health = "NOK - boom";
    s.start_time = 0;
    s.topics.emplace();
    EXPECT_EQ(render_stats_text(s, system_clock::time_point(65s)),
              "nsqd v1.3.0 (built w/nsqpp)\n"
              "start_time 1970-01-01T00:00:00Z\n"
              "uptime 1m5s\n"
              "\n"
              "Health: NOK - boom\n"
              "\n"
              "Topics: None\n"
              "\n"
              "Producers: None\n");
    s.topics.reset();  // unknown topic= renders like no topics
    EXPECT_NE(render_stats_text(s, system_clock::time_point(65s)).find("\nTopics: None\n"),
              std::string::npos);
}

TEST(stats_text, start_time_in_local_zone_with_offset) {
    scoped_tz tz("XYZ-02:30");  // POSIX: 2h30 east of UTC
    nsqd_stats s;
    s.start_time = 1795593572;
    s.topics.emplace();
    std::string text = render_stats_text(s, system_clock::time_point(1795593572s));
    EXPECT_NE(text.find("start_time 2026-11-25T10:29:32+02:30\nuptime 0s\n"), std::string::npos)
        << text;
}

TEST(stats_text, paused_prefixes_blank_lines_units_and_long_names) {
    scoped_tz tz("UTC");
    client_stats cl = client_base("c", "h\u00e9", "10.0.0.1:4000");  // é: one rune, two bytes
    cl.connect_ts = 100;
    cl.state = 3;
    channel_stats paused_ch;
    paused_ch.channel_name = "paused";
    paused_ch.paused = true;
    paused_ch.clients = std::vector<client_stats>{cl};
    channel_stats hidden;
    hidden.channel_name = "a-very-long-channel-name-over-25";
    hidden.requeue_count = 123456;
    hidden.e2e_processing_latency = {
        3, std::vector<std::pair<double, double>>{
               {1, 2.5e9}, {0.9, 1e9}, {0.5, 1500}, {0.1, 500}, {0.01, 0}}};
    topic_stats t1;
    t1.topic_name = "t1";
    t1.paused = true;
    t1.depth = 123456;
    t1.channels = {paused_ch, hidden};
    topic_stats t2;
    t2.topic_name = "t2";
    t2.e2e_processing_latency = {0, std::vector<std::pair<double, double>>{}};
    client_stats prod = client_base("p", "ph", "[::1]:6000");
    prod.connect_ts = 100;
    prod.pub_counts = {{"t1", 2}};
    nsqd_stats s;
    s.start_time = 100;
    s.topics = std::vector<topic_stats>{t1, t2};
    s.producers = std::vector<client_stats>{prod};
    std::string text = render_stats_text(s, system_clock::time_point(165s + 700ms));
    EXPECT_NE(
        text.find(
            "\nTopics:\n"
            "*P [t1             ] depth: 123456 be-depth: 0     msgs: 0        e2e%: \n"
            "   *P [paused                   ] depth: 0     be-depth: 0     inflt: 0    def: 0 "
            "   re-q: 0     timeout: 0     msgs: 0        e2e%: \n"
            "        [V2 h\u00e9:4000 py/1.0       ] state: 3 inflt: 0    rdy: 0    fin: 0      "
            "  re-q: 0        msgs: 0        connected: 1m5s\n"
            "      [a-very-long-channel-name-over-25] depth: 0     be-depth: 0     inflt: 0    "
            "def: 0    re-q: 123456 timeout: 0     msgs: 0        e2e%: 2.5s, 1000.0ms, 1.5us, "
            "500.0ns, 0.0ns\n"
            "\n"
            "   [t2             ] depth: 0     be-depth: 0     msgs: 0        e2e%: \n"
            "\n"
            "Producers:\n"
            "   [V2 ph:6000 py/1.0       ] msgs: 2        topics: t1=2 connected: 1m5s\n"),
        std::string::npos)
        << text;
}

// ---- GET /stats ----

class stats_handler : public ::testing::Test {
  protected:
    stats_handler() : ctx_(options{}, 1, base::get_logger("test")) {
        ctx_.start_time = 1234;
        ctx_.collect_stats = [this](const stats_filter& f) {
            seen_ = f;
            ++calls_;
            nsqd_stats s;
            s.version = "collector";
            s.topics.emplace();
            s.memory = memory_stats{};
            return s;
        };
    }

    http::response get(std::string_view target) {
        http::request req;
        req.method = "GET";
        EXPECT_TRUE(http::parse_target(target, req));
        return handle_stats(ctx_, req);
    }

    context ctx_;
    stats_filter seen_;
    int calls_ = 0;
};

TEST_F(stats_handler, defaults_text_with_clients_and_memory) {
    auto r = get("/stats");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    EXPECT_EQ(r.body.rfind("nsqd v1.3.0 (built w/nsqpp)\n", 0), 0u) << r.body;
    EXPECT_NE(r.body.find("\nMemory:\n"), std::string::npos);
    EXPECT_FALSE(seen_.topic);
    EXPECT_FALSE(seen_.channel);
    EXPECT_TRUE(seen_.include_clients);
    EXPECT_TRUE(seen_.include_mem);
}

TEST_F(stats_handler, json_fills_version_health_start_time_from_the_context) {
    ctx_.set_health("disk gone");
    auto r = get("/stats?format=json&format=text");  // the first value counts
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.body.rfind(R"({"version":"1.3.0","health":"NOK - disk gone","start_time":1234,)"
                           R"("topics":[],"memory":{)",
                           0),
              0u)
        << r.body;
}

TEST_F(stats_handler, only_format_json_selects_json) {
    EXPECT_EQ(get("/stats?format=JSON").header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(get("/stats?format=").header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(stats_handler, filters_and_boolean_parsing) {
    get("/stats?topic=t&channel=c&include_clients=false&include_mem=0");
    EXPECT_EQ(seen_.topic, "t");
    EXPECT_EQ(seen_.channel, "c");
    EXPECT_FALSE(seen_.include_clients);
    EXPECT_FALSE(seen_.include_mem);

    auto r = get("/stats?format=json&topic=&channel=&include_clients=1&include_mem=true");
    EXPECT_FALSE(seen_.topic);  // empty means no filter
    EXPECT_FALSE(seen_.channel);
    EXPECT_TRUE(seen_.include_clients);
    EXPECT_TRUE(seen_.include_mem);
    EXPECT_NE(r.body.find(R"("memory":)"), std::string::npos);

    get("/stats?include_clients=False&include_mem=no");  // anything else is true
    EXPECT_TRUE(seen_.include_clients);
    EXPECT_TRUE(seen_.include_mem);
}

TEST_F(stats_handler, include_mem_false_drops_memory_even_if_collected) {
    auto r = get("/stats?format=json&include_mem=false");
    EXPECT_EQ(r.body.find("memory"), std::string::npos) << r.body;
    r = get("/stats?include_mem=false");
    EXPECT_EQ(r.body.find("Memory:"), std::string::npos) << r.body;
}

TEST_F(stats_handler, unparsable_query_is_invalid_request) {
    auto r = get("/stats?format=json&topic=%zz");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, R"({"message":"INVALID_REQUEST"})");
    EXPECT_EQ(calls_, 0);
}

TEST_F(stats_handler, without_a_collector_is_internal_error) {
    ctx_.collect_stats = nullptr;
    auto r = get("/stats?format=json");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, R"({"message":"INTERNAL_ERROR"})");
}

}  // namespace
}  // namespace nsqpp::nsqd
