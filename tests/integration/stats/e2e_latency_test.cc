// End-to-end processing latency (spec §10.2) through /stats: recorded on FIN per channel, merged
// per topic, null without --e2e-processing-latency-percentile, and forgotten after the window.
#include <boost/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class e2e_stats : public nsqd_fixture {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.e2e_processing_latency_percentiles = {1.0, 0.5};
        return o;
    }

    json::value stats(const std::string& query = "") {
        auto r = http_get("/stats?format=json" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return ec ? json::value() : v;
    }
    template <typename Pred>
    json::value stats_when(Pred done, const std::string& query = "",
                           std::chrono::milliseconds timeout = 10s) {
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
    static int64_t e2e_count(const json::value& v) {
        if (!v.is_object()) return -1;
        return v.at("e2e_processing_latency").at("count").to_number<int64_t>();
    }
    // Publishes `n` messages, then consumes and FINs them on channel `channel`; returns the
    // channel's e2e count once the FINs are applied (they are asynchronous).
    int64_t publish_and_finish(const std::string& topic, const std::string& channel, int n) {
        raw_client c = sub(topic, channel, n);
        std::vector<std::string> bodies;
        for (int i = 0; i < n; ++i) bodies.push_back("m" + std::to_string(i));
        EXPECT_TRUE(mpub(topic, bodies));
        EXPECT_EQ(receive_bodies(c, static_cast<size_t>(n)).size(), static_cast<size_t>(n));
        auto s = stats_when([&](const json::value& v) {
            return e2e_count(channel_of(topic_of(v, topic), channel)) >= n;
        });
        return e2e_count(channel_of(topic_of(s, topic), channel));
    }
    // std::regex (ECMAScript: '.' stops at a newline) over the text format.
    static bool text_has(const std::string& text, const std::string& pattern) {
        return std::regex_search(text, std::regex(pattern));
    }
};

const std::string zero_e2e =
    R"("e2e_processing_latency":{"count":0,"percentiles":[{"quantile":1,"value":0},)"
    R"({"quantile":0.5,"value":0}]})";

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Every percentile entry: the configured quantile, a latency that is positive and below the
// test's own duration.
void expect_percentiles(const json::value& e2e, int64_t count) {
    ASSERT_TRUE(e2e.is_object());
    EXPECT_EQ(e2e.at("count").to_number<int64_t>(), count) << json::serialize(e2e);
    ASSERT_TRUE(e2e.at("percentiles").is_array()) << json::serialize(e2e);
    const auto& p = e2e.at("percentiles").as_array();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].at("quantile").to_number<double>(), 1.0);
    EXPECT_EQ(p[1].at("quantile").to_number<double>(), 0.5);
    for (const auto& entry : p) {
        double v = entry.at("value").to_number<double>();
        EXPECT_GT(v, 0) << json::serialize(e2e);
        EXPECT_LT(v, 60e9) << json::serialize(e2e);
    }
    EXPECT_GE(p[0].at("value").to_number<double>(), p[1].at("value").to_number<double>());
}

TEST_F(e2e_stats, percentiles_after_pub_sub_fin) {
    ASSERT_EQ(publish_and_finish("lat", "c", 5), 5);
    auto s = stats();
    const auto& t = topic_of(s, "lat");
    expect_percentiles(channel_of(t, "c").at("e2e_processing_latency"), 5);
    expect_percentiles(t.at("e2e_processing_latency"), 5);
}

TEST_F(e2e_stats, topic_merges_its_channels_even_when_filtered) {
    ASSERT_EQ(publish_and_finish("two", "a", 3), 3);
    ASSERT_EQ(publish_and_finish("two", "b", 4), 4);  // a queues these 4, unconsumed
    auto s = stats();
    const auto& t = topic_of(s, "two");
    expect_percentiles(channel_of(t, "a").at("e2e_processing_latency"), 3);
    expect_percentiles(channel_of(t, "b").at("e2e_processing_latency"), 4);
    expect_percentiles(t.at("e2e_processing_latency"), 7);

    auto only_a = stats("&topic=two&channel=a");
    const auto& ta = topic_of(only_a, "two");
    EXPECT_EQ(ta.at("channels").as_array().size(), 1u);
    EXPECT_EQ(e2e_count(ta), 7);  // as NSQ: the topic figure covers every channel
}

TEST_F(e2e_stats, requeue_and_unfinished_messages_are_not_samples) {
    raw_client c = sub("req", "c", 2);
    ASSERT_TRUE(mpub("req", {"x", "y"}));
    auto m1 = c.read_message();
    auto m2 = c.read_message();
    ASSERT_TRUE(m1 && m2);
    c.send(cmd("REQ " + m1->id + " 0"));
    auto again = c.read_message();
    ASSERT_TRUE(again);
    c.send(cmd("FIN " + again->id));
    auto s = stats_when(
        [](const json::value& v) { return e2e_count(channel_of(topic_of(v, "req"), "c")) >= 1; });
    EXPECT_EQ(e2e_count(channel_of(topic_of(s, "req"), "c")), 1);  // m2 still in flight
}

TEST_F(e2e_stats, zero_values_before_any_sample_and_null_without_channels) {
    ASSERT_TRUE(pub("idle", "x"));
    auto s = stats();
    EXPECT_EQ(json::serialize(topic_of(s, "idle").at("e2e_processing_latency")),
              R"({"count":0,"percentiles":null})");
    ASSERT_EQ(http_post("/channel/create?topic=idle&channel=c").status, 200);
    // raw body: the numbers as nsqd writes them (1, not 1.0)
    auto body = http_get("/stats?format=json&topic=idle").body;
    EXPECT_EQ(occurrences(body, zero_e2e), 2u) << body;  // the channel and its topic
}

TEST_F(e2e_stats, text_format_lists_values_with_units) {
    ASSERT_EQ(publish_and_finish("txt", "c", 2), 2);
    auto r = http_get("/stats?topic=txt");
    ASSERT_EQ(r.status, 200);
    const std::string value = R"(\d+\.\d(ns|us|ms|s))";
    EXPECT_TRUE(text_has(r.body, R"(\[txt +\] depth: 0 .* e2e%: )" + value + ", " + value + "\n"))
        << r.body;
    EXPECT_TRUE(text_has(r.body, R"(\[c +\] depth: 0 .* e2e%: )" + value + ", " + value + "\n"))
        << r.body;
}

class e2e_off : public e2e_stats {
  protected:
    nsqd::options options() const override { return {}; }
};

TEST_F(e2e_off, null_percentiles_without_the_flag) {
    raw_client c = sub("off", "c", 3);
    ASSERT_TRUE(mpub("off", {"1", "2", "3"}));
    ASSERT_EQ(receive_bodies(c, 3).size(), 3u);
    auto s = stats_when([](const json::value& v) {
        const auto& ch = channel_of(topic_of(v, "off"), "c");
        return ch.is_object() && ch.at("in_flight_count").to_number<int64_t>() == 0;
    });
    const auto& t = topic_of(s, "off");
    const std::string null_e2e = R"({"count":0,"percentiles":null})";
    EXPECT_EQ(json::serialize(t.at("e2e_processing_latency")), null_e2e);
    EXPECT_EQ(json::serialize(channel_of(t, "c").at("e2e_processing_latency")), null_e2e);
    auto text = http_get("/stats?topic=off").body;
    EXPECT_TRUE(text_has(text, R"(\[off +\] depth: 0 .* e2e%: \n)")) << text;
    EXPECT_TRUE(text_has(text, R"(\[c +\] depth: 0 .* e2e%: \n)")) << text;
}

class e2e_small_window : public e2e_stats {
  protected:
    nsqd::options options() const override {
        nsqd::options o = e2e_stats::options();
        o.e2e_processing_latency_window_time = 4s;  // halves of 2 s
        return o;
    }
};

TEST_F(e2e_small_window, samples_expire_after_the_window) {
    ASSERT_EQ(publish_and_finish("win", "c", 3), 3);
    // gone after one to two window halves past the last sample (generous timeout: loaded CI)
    auto s = stats_when(
        [](const json::value& v) { return e2e_count(channel_of(topic_of(v, "win"), "c")) == 0; },
        "", 15s);
    const auto& ch = channel_of(topic_of(s, "win"), "c");
    EXPECT_EQ(e2e_count(ch), 0);
    EXPECT_EQ(e2e_count(topic_of(s, "win")), 0);
    auto body = http_get("/stats?format=json&topic=win").body;
    EXPECT_EQ(occurrences(body, zero_e2e), 2u) << body;

    EXPECT_EQ(publish_and_finish("win", "c", 2), 2);  // still recording after rotating
}

TEST(e2e_options, invalid_percentile_refuses_to_start) {
    for (double bad : {0.0, 1.5, -0.5}) {
        nsqd::options o;
        o.e2e_processing_latency_percentiles = {0.99, bad};
        try {
            auto d = start_nsqd(o);
            ADD_FAILURE() << "started with percentile " << bad;
        } catch (const std::runtime_error& e) {
            EXPECT_THAT(e.what(), HasSubstr("invalid E2E processing latency percentile: "));
        }
    }
}

}  // namespace
}  // namespace nsqpp::test
