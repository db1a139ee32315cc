// A real Prometheus server (Debian package `prometheus`) scrapes an in-process nsqd every
// second; its HTTP query API must report the published traffic, load contrib/'s alert rules,
// and lose the series of a deleted topic. Fails when prometheus is not installed.
#include <boost/json.hpp>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "http/client.h"
#include "scrape.h"
#include "tests/support/process.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"
#include "tools.h"

namespace nsqpp::metrics_test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class prometheus_server {
  public:
    prometheus_server(const std::string& binary, uint16_t nsqd_http_port) {
        dir_ = test::make_temp_dir();
        port_ = free_port();
        std::ofstream(dir_ + "/prometheus.yml") << "global:\n"
                                                   "  scrape_interval: 1s\n"
                                                   "  evaluation_interval: 1s\n"
                                                   "rule_files:\n"
                                                   "  - "
                                                << source_dir()
                                                << "/contrib/prometheus/nsqpp-alerts.yml\n"
                                                   "scrape_configs:\n"
                                                   "  - job_name: nsqd\n"
                                                   "    scrape_interval: 1s\n"
                                                   "    scrape_timeout: 1s\n"
                                                   "    static_configs:\n"
                                                   "      - targets: ['127.0.0.1:"
                                                << nsqd_http_port << "']\n";
        process_ = std::make_unique<test::child_process>(
            binary,
            std::vector<std::string>{"--config.file=" + dir_ + "/prometheus.yml",
                                     "--storage.tsdb.path=" + dir_ + "/data",
                                     "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--log.level=warn"},
            dir_ + "/prometheus.log");
    }
    ~prometheus_server() {
        process_->signal(SIGTERM);
        process_->wait(20s);  // the destructor SIGKILLs after that
    }

    std::string log() const { return process_->log(); }

    // GET `target` on Prometheus' web port; status 0 when it does not answer.
    http::client_response get(const std::string& target) {
        try {
            return http::fetch("GET", "127.0.0.1", port_, target, "", {}, 5s);
        } catch (const std::exception&) {
            return {};
        }
    }
    bool ready(std::chrono::milliseconds timeout) {
        return eventually([&] { return get("/-/ready").status == 200; }, timeout);
    }
    // The instant query's result vector (empty on any error).
    json::array query(const std::string& promql) {
        auto r = get("/api/v1/query?query=" + url_encode(promql));
        if (r.status != 200) return {};
        boost::system::error_code ec;
        json::value v = json::parse(r.body, ec);
        if (ec || !v.is_object()) return {};
        const auto* data = v.as_object().if_contains("data");
        if (!data || !data->is_object()) return {};
        const auto* result = data->as_object().if_contains("result");
        if (!result || !result->is_array()) return {};
        return result->as_array();
    }
    // The value of the single sample `promql` returns, as Prometheus prints it.
    std::optional<std::string> value(const std::string& promql) {
        json::array a = query(promql);
        if (a.size() != 1) return std::nullopt;
        const auto& pair = a[0].as_object().at("value").as_array();
        return std::string(pair.at(1).as_string());
    }

  private:
    std::string dir_;
    uint16_t port_ = 0;
    std::unique_ptr<test::child_process> process_;
};

TEST(prometheus, scrapes_nsqd) {
    auto binary = find_in_path("prometheus");
    ASSERT_TRUE(binary) << "prometheus not found in PATH (install Debian package `prometheus`)";
    auto d = test::start_nsqd();
    test::raw_client consumer = test::subscribe(d->tcp_port(), "prom_topic", "prom_channel");
    std::vector<std::string> bodies;
    for (int i = 0; i < 42; ++i) bodies.push_back("message " + std::to_string(i));
    ASSERT_TRUE(test::publish_many(d->tcp_port(), "prom_topic", bodies));
    ASSERT_TRUE(test::publish(d->tcp_port(), "prom_topic", "one more"));

    prometheus_server prom(*binary, d->http_port());
    ASSERT_TRUE(prom.ready(60s)) << prom.log();

    std::optional<std::string> v;
    EXPECT_TRUE(eventually(
        [&] {
            v = prom.value("nsq_topic_messages_total{topic=\"prom_topic\"}");
            return v == "43";
        },
        60s))
        << (v ? *v : "<no sample>") << "\n"
        << prom.log();
    EXPECT_EQ(prom.value("nsq_channel_depth{topic=\"prom_topic\",channel=\"prom_channel\"}"), "43");
    EXPECT_EQ(prom.value("nsq_channel_clients{topic=\"prom_topic\",channel=\"prom_channel\"}"),
              "1");
    EXPECT_EQ(prom.value("up{job=\"nsqd\"}"), "1");
    EXPECT_EQ(prom.value("nsq_build_info{job=\"nsqd\"}"), "1");

    // the alert rules from contrib/ are loaded
    auto rules = prom.get("/api/v1/rules");
    EXPECT_EQ(rules.status, 200);
    EXPECT_NE(rules.body.find("NSQChannelDepthHigh"), std::string::npos) << rules.body;

    // a deleted topic's series go stale: instant queries stop returning them
    consumer.close();
    ASSERT_EQ(
        http::fetch("POST", "127.0.0.1", d->http_port(), "/topic/delete?topic=prom_topic").status,
        200);
    EXPECT_TRUE(eventually(
        [&] { return prom.query("nsq_topic_depth{topic=\"prom_topic\"}").empty(); }, 60s))
        << prom.log();
    EXPECT_TRUE(prom.query("nsq_channel_depth{topic=\"prom_topic\"}").empty());
    EXPECT_EQ(prom.value("up{job=\"nsqd\"}"), "1");
    d->stop();
}

}  // namespace
}  // namespace nsqpp::metrics_test
