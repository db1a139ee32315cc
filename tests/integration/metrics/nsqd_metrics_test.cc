// GET /metrics on nsqd over real sockets: values after known traffic, pause, deletion,
// per-client series behind --metrics-per-client, e2e summaries, and agreement with /stats.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "scrape.h"
#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

using metrics_test::eventually;
using metrics_test::scrape;
using metrics_test::well_formed;

class nsqd_metrics : public nsqd_fixture {
  protected:
    scrape get_metrics() {
        auto r = http_get("/metrics");
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
        EXPECT_TRUE(well_formed(r.body)) << r.body;
        return scrape::parse(r.body);
    }
    // POST /topic/create then /channel/create.
    ::testing::AssertionResult create_channel(const std::string& topic,
                                              const std::string& channel) {
        auto t = http_post("/topic/create?topic=" + topic);
        auto c = http_post("/channel/create?topic=" + topic + "&channel=" + channel);
        if (t.status == 200 && c.status == 200) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << t.status << " " << t.body << " / " << c.status << " " << c.body;
    }
    // Polls /metrics until `series` has `want` (10 s); the last value seen otherwise.
    ::testing::AssertionResult metric_becomes(const std::string& series, double want) {
        std::optional<double> last;
        bool ok = eventually(
            [&] {
                last = get_metrics().value(series);
                return last && *last == want;
            },
            10s);
        if (ok) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << series << " = " << (last ? std::to_string(*last) : "<absent>") << ", want "
               << want;
    }
};

std::string ch(const std::string& topic, const std::string& channel) {
    return "{topic=\"" + topic + "\",channel=\"" + channel + "\"}";
}

TEST_F(nsqd_metrics, values_after_known_traffic) {
    raw_client consumer = sub("orders", "billing");
    ASSERT_TRUE(mpub("orders", {"a", "bb", "ccc", "dddd", "eeeee"}));
    consumer.send(cmd("RDY 3"));
    auto m1 = consumer.read_message();
    auto m2 = consumer.read_message();
    auto m3 = consumer.read_message();
    ASSERT_TRUE(m1 && m2 && m3);
    consumer.send(cmd("RDY 0"));
    consumer.send(cmd("FIN " + m1->id));
    consumer.send(cmd("REQ " + m2->id + " 60000"));  // deferred for a minute

    const std::string c = ch("orders", "billing");
    EXPECT_TRUE(metric_becomes("nsq_channel_in_flight" + c, 1));
    EXPECT_TRUE(metric_becomes("nsq_channel_deferred" + c, 1));
    scrape s = get_metrics();
    EXPECT_EQ(s.value("nsq_topic_messages_total{topic=\"orders\"}"), 5);
    EXPECT_EQ(s.value("nsq_topic_message_bytes_total{topic=\"orders\"}"), 15);
    EXPECT_EQ(s.value("nsq_topic_depth{topic=\"orders\"}"), 0);
    EXPECT_EQ(s.value("nsq_topic_backend_depth{topic=\"orders\"}"), 0);
    EXPECT_EQ(s.value("nsq_topic_paused{topic=\"orders\"}"), 0);
    EXPECT_EQ(s.value("nsq_topic_channels{topic=\"orders\"}"), 1);
    EXPECT_EQ(s.value("nsq_channel_messages_total" + c), 5);
    EXPECT_EQ(s.value("nsq_channel_depth" + c), 2);
    EXPECT_EQ(s.value("nsq_channel_backend_depth" + c), 0);
    EXPECT_EQ(s.value("nsq_channel_requeues_total" + c), 1);
    EXPECT_EQ(s.value("nsq_channel_timeouts_total" + c), 0);
    EXPECT_EQ(s.value("nsq_channel_clients" + c), 1);
    EXPECT_EQ(s.value("nsq_channel_paused" + c), 0);
    EXPECT_EQ(s.value("nsq_topics"), 1);
    EXPECT_EQ(s.value("nsq_channels"), 1);
    EXPECT_EQ(s.value("nsq_healthy"), 1);
    // per-client series are off by default
    EXPECT_FALSE(s.any_contains("nsq_client_"));

    // the consumer leaves: the client gauge follows
    consumer.close();
    EXPECT_TRUE(metric_becomes("nsq_channel_clients" + c, 0));
}

TEST_F(nsqd_metrics, same_numbers_as_stats) {
    raw_client consumer = sub("t", "c");
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(pub("t", "m" + std::to_string(i)));
    ASSERT_TRUE(pub("other", "x"));
    auto r = http_get("/stats?format=json");
    ASSERT_EQ(r.status, 200);
    auto v = boost::json::parse(r.body);
    scrape s = get_metrics();
    for (const auto& tv : v.at("topics").as_array()) {
        const auto& t = tv.as_object();
        std::string name(t.at("topic_name").as_string());
        std::string tl = "{topic=\"" + name + "\"}";
        EXPECT_EQ(s.value("nsq_topic_messages_total" + tl),
                  t.at("message_count").to_number<double>());
        EXPECT_EQ(s.value("nsq_topic_depth" + tl), t.at("depth").to_number<double>());
        for (const auto& cv : t.at("channels").as_array()) {
            const auto& c = cv.as_object();
            std::string cl = ch(name, std::string(c.at("channel_name").as_string()));
            EXPECT_EQ(s.value("nsq_channel_depth" + cl), c.at("depth").to_number<double>());
            EXPECT_EQ(s.value("nsq_channel_messages_total" + cl),
                      c.at("message_count").to_number<double>());
        }
    }
    EXPECT_EQ(s.value("nsq_topic_messages_total{topic=\"t\"}"), 7);
    EXPECT_EQ(s.value("nsq_channel_depth" + ch("t", "c")), 7);
    EXPECT_EQ(s.value("nsq_topic_depth{topic=\"other\"}"), 1);  // no channel: kept in the topic
    EXPECT_EQ(s.value("nsq_topics"), 2);
}

TEST_F(nsqd_metrics, paused_topic_and_channel) {
    ASSERT_TRUE(create_channel("p", "c"));
    ASSERT_TRUE(create_channel("p", "d"));
    scrape before = get_metrics();
    EXPECT_EQ(before.value("nsq_topic_paused{topic=\"p\"}"), 0);
    EXPECT_EQ(before.value("nsq_channel_paused" + ch("p", "c")), 0);
    ASSERT_EQ(http_post("/topic/pause?topic=p").status, 200);
    ASSERT_EQ(http_post("/channel/pause?topic=p&channel=c").status, 200);
    scrape s = get_metrics();
    EXPECT_EQ(s.value("nsq_topic_paused{topic=\"p\"}"), 1);
    EXPECT_EQ(s.value("nsq_channel_paused" + ch("p", "c")), 1);
    EXPECT_EQ(s.value("nsq_channel_paused" + ch("p", "d")), 0);
    ASSERT_EQ(http_post("/topic/unpause?topic=p").status, 200);
    EXPECT_EQ(get_metrics().value("nsq_topic_paused{topic=\"p\"}"), 0);
}

TEST_F(nsqd_metrics, deleted_topics_and_channels_disappear) {
    ASSERT_TRUE(create_channel("keep", "c"));
    ASSERT_TRUE(create_channel("gone", "c1"));
    ASSERT_TRUE(create_channel("gone", "c2"));
    ASSERT_TRUE(pub("gone", "x"));
    scrape s = get_metrics();
    EXPECT_TRUE(s.any_contains("channel=\"c1\""));
    EXPECT_EQ(s.value("nsq_channels"), 3);

    ASSERT_EQ(http_post("/channel/delete?topic=gone&channel=c1").status, 200);
    s = get_metrics();
    EXPECT_FALSE(s.any_contains("channel=\"c1\"")) << s.text;
    EXPECT_EQ(s.value("nsq_channel_depth" + ch("gone", "c2")), 1);
    EXPECT_EQ(s.value("nsq_topic_channels{topic=\"gone\"}"), 1);
    EXPECT_EQ(s.value("nsq_channels"), 2);

    ASSERT_EQ(http_post("/topic/delete?topic=gone").status, 200);
    s = get_metrics();
    EXPECT_FALSE(s.any_contains("topic=\"gone\"")) << s.text;
    EXPECT_EQ(s.value("nsq_topic_depth{topic=\"keep\"}"), 0);
    EXPECT_EQ(s.value("nsq_topics"), 1);
    EXPECT_EQ(s.value("nsq_channels"), 1);

    ASSERT_EQ(http_post("/topic/delete?topic=keep").status, 200);
    s = get_metrics();
    EXPECT_FALSE(s.any_contains("topic=")) << s.text;
    EXPECT_EQ(s.text.find("nsq_channel_depth"), std::string::npos);  // no orphan HELP/TYPE
    EXPECT_EQ(s.value("nsq_topics"), 0);
}

TEST_F(nsqd_metrics, process_metrics_and_build_info) {
    scrape s = get_metrics();
    EXPECT_EQ(s.value("nsq_build_info{version=\"1.3.0\",implementation=\"nsqpp\"}"), 1);
    ASSERT_TRUE(s.value("process_resident_memory_bytes"));
    EXPECT_GT(*s.value("process_resident_memory_bytes"), 1e6);
    ASSERT_TRUE(s.value("process_open_fds"));
    EXPECT_GT(*s.value("process_open_fds"), 3);  // listeners at least
    ASSERT_TRUE(s.value("process_cpu_seconds_total"));
    EXPECT_GE(*s.value("process_cpu_seconds_total"), 0);
    ASSERT_TRUE(s.value("process_start_time_seconds"));
    double now_s = static_cast<double>(unix_now_ns()) / 1e9;
    EXPECT_LE(*s.value("process_start_time_seconds"), now_s + 1);
    EXPECT_GT(*s.value("process_start_time_seconds"), now_s - 24 * 3600);
    EXPECT_TRUE(s.text.find("# TYPE process_cpu_seconds_total counter\n") != std::string::npos);
}

TEST_F(nsqd_metrics, e2e_summary_without_percentiles_has_only_count) {
    ASSERT_TRUE(create_channel("e", "c"));
    scrape s = get_metrics();
    EXPECT_TRUE(s.text.find("# TYPE nsq_channel_e2e_processing_latency_seconds summary\n") !=
                std::string::npos);
    EXPECT_TRUE(s.value("nsq_channel_e2e_processing_latency_seconds_count" + ch("e", "c")));
    EXPECT_TRUE(s.value("nsq_topic_e2e_processing_latency_seconds_count{topic=\"e\"}"));
    EXPECT_FALSE(s.any_contains("quantile="));
}

class nsqd_metrics_percentiles : public nsqd_metrics {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.e2e_processing_latency_percentiles = {0.99, 0.5};
        return o;
    }
};

TEST_F(nsqd_metrics_percentiles, e2e_summary_has_quantiles) {
    raw_client consumer = sub("e", "c", 1);
    ASSERT_TRUE(pub("e", "x"));
    auto m = consumer.read_message();
    ASSERT_TRUE(m);
    consumer.send(cmd("FIN " + m->id));
    scrape s = get_metrics();
    const std::string c = "{topic=\"e\",channel=\"c\",quantile=\"";
    auto q99 = s.value("nsq_channel_e2e_processing_latency_seconds" + c + "0.99\"}");
    auto q50 = s.value("nsq_channel_e2e_processing_latency_seconds" + c + "0.5\"}");
    ASSERT_TRUE(q99 && q50) << s.text;
    EXPECT_GE(*q99, 0);
    EXPECT_LT(*q99, 60);  // seconds, not nanoseconds
    EXPECT_TRUE(s.value("nsq_channel_e2e_processing_latency_seconds_count" + ch("e", "c")));
    EXPECT_TRUE(s.value("nsq_topic_e2e_processing_latency_seconds{topic=\"e\",quantile=\"0.99\"}"));
}

class nsqd_metrics_per_client : public nsqd_metrics {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.metrics_per_client = true;
        return o;
    }
};

TEST_F(nsqd_metrics_per_client, client_series) {
    raw_client consumer = sub("t", "c", 0, R"({"client_id":"worker\"1","hostname":"h\\ost"})");
    ASSERT_TRUE(pub("t", "a"));
    ASSERT_TRUE(pub("t", "b"));
    consumer.send(cmd("RDY 5"));
    auto m1 = consumer.read_message();
    auto m2 = consumer.read_message();
    ASSERT_TRUE(m1 && m2);
    consumer.send(cmd("FIN " + m1->id));
    std::string prefix =
        "{topic=\"t\",channel=\"c\",client_id=\"worker\\\"1\",hostname=\"h\\\\ost\"";
    auto find = [&](const scrape& s, const std::string& family) -> std::optional<double> {
        for (const auto& [series, v] : s.samples) {
            if (series.rfind(family + prefix, 0) == 0) return std::stod(v);
        }
        return std::nullopt;
    };
    std::optional<double> finishes;
    ASSERT_TRUE(eventually(
        [&] {
            finishes = find(get_metrics(), "nsq_client_finishes_total");
            return finishes && *finishes == 1;
        },
        10s))
        << get_metrics().text;
    scrape s = get_metrics();
    EXPECT_EQ(find(s, "nsq_client_ready"), 5);
    EXPECT_EQ(find(s, "nsq_client_in_flight"), 1);
    EXPECT_EQ(find(s, "nsq_client_messages_total"), 2);
    EXPECT_EQ(find(s, "nsq_client_requeues_total"), 0);
    EXPECT_TRUE(find(s, "nsq_client_connect_time_seconds"));
    consumer.close();
    EXPECT_TRUE(eventually([&] { return !get_metrics().any_contains("nsq_client_"); }, 10s));
}

}  // namespace
}  // namespace nsqpp::test
