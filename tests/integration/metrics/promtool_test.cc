// `promtool check metrics` on nsqd's and nsqlookupd's real /metrics output (every family
// present: traffic, per-client series, e2e quantiles, tombstones), and `promtool check rules`
// on contrib/'s alert rules. Fails when promtool is not installed (package `prometheus`).
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "http/client.h"
#include "nsqlookupd/nsqlookupd.h"
#include "scrape.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"
#include "tools.h"

namespace nsqpp::metrics_test {
namespace {

using namespace std::chrono_literals;

// Writes `body` to a temp file and runs `promtool check metrics` on it.
::testing::AssertionResult promtool_accepts(const std::string& body) {
    auto promtool = find_in_path("promtool");
    if (!promtool) {
        return ::testing::AssertionFailure()
               << "promtool not found in PATH (install Debian package `prometheus`)";
    }
    std::string file = test::make_temp_dir() + "/metrics.txt";
    std::ofstream(file) << body;
    run_result r = run(*promtool, {"check", "metrics"}, file, 60s);
    if (r.exit_code == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "promtool check metrics exit " << (r.exit_code ? *r.exit_code : -999) << ": "
           << r.output << "\n--- input ---\n"
           << body.substr(0, 4000);
}

TEST(promtool, accepts_nsqd_metrics) {
    nsqd::options o;
    o.metrics_per_client = true;
    o.e2e_processing_latency_percentiles = {1.0, 0.99, 0.5};
    auto d = test::start_nsqd(o);
    test::raw_client consumer = test::subscribe(d->tcp_port(), "topic.a", "ch_1", 1,
                                                R"({"client_id":"c\"x\\y","hostname":"h\nn"})");
    ASSERT_TRUE(test::publish(d->tcp_port(), "topic.a", "hello"));
    ASSERT_TRUE(test::publish(d->tcp_port(), "topic-b#ephemeral", "x"));
    auto m = consumer.read_message();
    ASSERT_TRUE(m);
    consumer.send(test::cmd("FIN " + m->id));
    ASSERT_EQ(http::fetch("POST", "127.0.0.1", d->http_port(),
                          "/channel/pause?topic=topic.a&"
                          "channel=ch_1")
                  .status,
              200);
    auto r = http::fetch("GET", "127.0.0.1", d->http_port(), "/metrics");
    ASSERT_EQ(r.status, 200);
    ASSERT_NE(r.body.find("nsq_client_ready{"), std::string::npos) << r.body;
    ASSERT_NE(r.body.find("quantile=\"0.99\""), std::string::npos) << r.body;
    EXPECT_TRUE(promtool_accepts(r.body));
    d->stop();
}

TEST(promtool, accepts_nsqlookupd_metrics) {
    nsqlookupd::options o;
    o.tcp_address = "127.0.0.1:0";
    o.http_address = "127.0.0.1:0";
    o.worker_threads = 1;
    nsqlookupd::nsqlookupd lookupd(o);
    lookupd.start();
    // one real nsqd registering its topic and channel
    nsqd::options no;
    no.lookupd_tcp_addresses = {"127.0.0.1:" + std::to_string(lookupd.tcp_port())};
    auto d = test::start_nsqd(no);
    for (std::string target : {"/topic/create?topic=t", "/channel/create?topic=t&channel=c"}) {
        ASSERT_EQ(http::fetch("POST", "127.0.0.1", d->http_port(), target).status, 200);
    }
    std::string body;
    ASSERT_TRUE(eventually(
        [&] {
            body = http::fetch("GET", "127.0.0.1", lookupd.http_port(), "/metrics").body;
            auto s = scrape::parse(body);
            return s.value("nsq_lookupd_topic_channels{topic=\"t\"}") == 1 &&
                   s.value("nsq_lookupd_topic_producers{topic=\"t\"}") == 1;
        },
        20s))
        << body;
    EXPECT_TRUE(promtool_accepts(body));
    d->stop();
    lookupd.stop();
}

TEST(promtool, contrib_alert_rules_are_valid) {
    auto promtool = find_in_path("promtool");
    ASSERT_TRUE(promtool) << "promtool not found in PATH (install Debian package `prometheus`)";
    std::string rules = source_dir() + "/contrib/prometheus/nsqpp-alerts.yml";
    run_result r = run(*promtool, {"check", "rules", rules}, "", 60s);
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

// Every PromQL expression of the Grafana dashboard parses: the panels' queries, with Grafana's
// variables substituted, are checked by promtool as recording rules.
TEST(promtool, contrib_dashboard_queries_parse) {
    auto promtool = find_in_path("promtool");
    ASSERT_TRUE(promtool) << "promtool not found in PATH (install Debian package `prometheus`)";
    std::ifstream in(source_dir() + "/contrib/grafana/nsqpp-dashboard.json");
    std::stringstream text;
    text << in.rdbuf();
    boost::json::value dash = boost::json::parse(text.str());
    std::vector<std::string> exprs;
    for (const auto& p : dash.at("panels").as_array()) {
        const auto* targets = p.as_object().if_contains("targets");
        if (!targets) continue;
        for (const auto& t : targets->as_array()) {
            exprs.emplace_back(t.at("expr").as_string());
        }
    }
    ASSERT_GE(exprs.size(), 20u);
    auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
            s.replace(at, from.size(), to);
        }
        return s;
    };
    std::string rules = "groups:\n  - name: dashboard\n    rules:\n";
    for (size_t i = 0; i < exprs.size(); ++i) {
        std::string e = replace_all(exprs[i], "$__rate_interval", "1m");
        for (std::string var : {"$job", "$instance", "$topic", "$channel"}) {
            e = replace_all(e, var, ".*");
        }
        rules += "      - record: dashboard:q" + std::to_string(i) +
                 "\n        expr: " + boost::json::serialize(boost::json::value(e)) + "\n";
    }
    std::string file = test::make_temp_dir() + "/dashboard-rules.yml";
    std::ofstream(file) << rules;
    run_result r = run(*promtool, {"check", "rules", file}, "", 60s);
    EXPECT_EQ(r.exit_code, 0) << r.output << "\n" << rules;
}

}  // namespace
}  // namespace nsqpp::metrics_test
