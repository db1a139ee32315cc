// nsqadmin as a server: partial failures (unreachable nsqd / lookupd), nsqd mode, ACL,
// notifications, base path, UI pages and static assets, /config, start-up validation.
#include "http/server.h"

#include <gmock/gmock.h>

#include <mutex>

#include "net/worker_pool.h"
#include "tests/integration/nsqadmin/admin_cluster.h"

namespace nsqpp::nsqadmin_test {
namespace {
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class nsqadmin_server : public admin_cluster {};

TEST_F(nsqadmin_server, unreachable_nsqd_is_reported_and_the_page_still_served) {
    nsqadmin::options o;
    uint16_t dead = dead_port();
    o.nsqd_http_addresses = {node_id(0), "127.0.0.1:" + std::to_string(dead)};
    o.history_interval = 0s;
    admin_ = start_admin(o);
    create_on(0, "nsqd_mode", "c");
    publish(0, "nsqd_mode", "m");

    auto nodes = get("/api/nodes");
    ASSERT_EQ(nodes.status, 200) << nodes.body;
    EXPECT_EQ(nodes.obj().at("nodes").as_array().size(), 1u);
    EXPECT_THAT(nodes.message(),
                StartsWith("WARNING: Get \"http://127.0.0.1:" + std::to_string(dead)));
    const auto& n = nodes.obj().at("nodes").as_array()[0].as_object();
    EXPECT_TRUE(n.at("remote_addresses").is_null());
    EXPECT_EQ(json::serialize(n.at("topics")), R"([{"topic":"nsqd_mode","tombstoned":false}])");

    auto topics = get("/api/topics");
    EXPECT_EQ(topics.status, 200);
    EXPECT_EQ(topics.obj().at("topics").as_array().size(), 1u);
    EXPECT_THAT(topics.message(), HasSubstr(std::to_string(dead)));

    auto topic = get("/api/topics/nsqd_mode");
    ASSERT_EQ(topic.status, 200) << topic.body;
    EXPECT_EQ(topic.obj().at("message_count").to_number<int64_t>(), 1);
    EXPECT_THAT(topic.message(), StartsWith("WARNING: "));

    auto counter = get("/api/counter");
    EXPECT_EQ(counter.status, 200);
    EXPECT_EQ(get("/").status, 200);  // the UI page is still served
    EXPECT_EQ(get("/api/topics?inactive=true").body, R"({"topics":{},"message":""})");
}

TEST_F(nsqadmin_server, every_upstream_down_is_502) {
    nsqadmin::options o;
    o.nsqd_http_addresses = {"127.0.0.1:" + std::to_string(dead_port())};
    o.history_interval = 0s;
    admin_ = start_admin(o);
    auto r = get("/api/nodes");
    EXPECT_EQ(r.status, 502);
    EXPECT_THAT(r.message(), StartsWith("UPSTREAM_ERROR: failed to query any nsqd: Get \"http://"));
    EXPECT_EQ(get("/ping").body, "OK");
}

TEST_F(nsqadmin_server, one_of_two_lookupds_down_is_a_warning) {
    nsqadmin::options o;
    o.nsqlookupd_http_addresses = {"127.0.0.1:" + std::to_string(lookupd_->http_port()),
                                   "127.0.0.1:" + std::to_string(dead_port())};
    o.history_interval = 0s;
    admin_ = start_admin(o);
    create_on(0, "two");
    auto r = get("/api/topics");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.obj().at("topics").as_array().size(), 1u);
    EXPECT_THAT(r.message(), StartsWith("WARNING: Get \"http://127.0.0.1:"));
    auto a = post("/api/topics/two", R"({"action":"pause"})");
    EXPECT_EQ(a.status, 200) << a.body;
}

TEST_F(nsqadmin_server, admin_users_restrict_actions_by_acl_header) {
    nsqadmin::options o;
    o.admin_users = {"alice"};
    start_admin_with(o);
    create_on(0, "acl");
    auto denied = post("/api/topics/acl", R"({"action":"pause"})");
    EXPECT_EQ(denied.status, 403);
    EXPECT_EQ(denied.message(), "FORBIDDEN");
    EXPECT_EQ(
        post("/api/topics/acl", R"({"action":"pause"})", {{"X-Forwarded-User", "bob"}}).status,
        403);
    EXPECT_EQ(del("/api/topics/acl").status, 403);
    EXPECT_EQ(post("/api/topics", R"({"topic":"x"})").status, 403);
    auto ok = post("/api/topics/acl", R"({"action":"pause"})", {{"X-Forwarded-User", "alice"}});
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(get("/api/topics").status, 200);  // reads are never restricted

    auto page = call(admin_port(), "GET", "/", "", {{"X-Forwarded-User", "alice"}});
    EXPECT_THAT(page.body, HasSubstr("var IS_ADMIN = true;"));
    EXPECT_THAT(get("/").body, HasSubstr("var IS_ADMIN = false;"));
}

// A local HTTP endpoint recording the notification POSTs.
class notification_sink {
  public:
    notification_sink() : pool_(1) {
        http::router r;
        r.add("POST", "/notify", [this](http::request& req) {
            std::lock_guard lock(mu_);
            bodies_.push_back(req.body);
            content_types_.push_back(req.header("Content-Type").value_or(""));
            return http::response::empty();
        });
        server_ = std::make_unique<http::server>(pool_.executors(), r, 1 << 20);
        port_ = server_->listen("127.0.0.1", 0);
        server_->start();
        pool_.start();
    }
    ~notification_sink() {
        server_->stop();
        pool_.join();
    }
    std::vector<json::object> received() {
        std::lock_guard lock(mu_);
        std::vector<json::object> out;
        for (const auto& b : bodies_) out.push_back(json::parse(b).as_object());
        return out;
    }
    std::string content_type(size_t i) {
        std::lock_guard lock(mu_);
        return content_types_.at(i);
    }
    uint16_t port() const { return port_; }

  private:
    net::worker_pool pool_;
    std::unique_ptr<http::server> server_;
    uint16_t port_ = 0;
    std::mutex mu_;
    std::vector<std::string> bodies_;
    std::vector<std::string> content_types_;
};

TEST_F(nsqadmin_server, every_action_posts_a_notification) {
    notification_sink sink;
    nsqadmin::options o;
    o.notification_http_endpoint = "http://127.0.0.1:" + std::to_string(sink.port()) + "/notify";
    start_admin_with(o);
    create_on(0, "nt", "c1");
    ASSERT_EQ(post("/api/topics/nt/c1", R"({"action":"pause"})",
                   {{"User-Agent", "test-agent/1"}, {"Authorization", "Basic Ym9iOnNlY3JldA=="}})
                  .status,
              200);
    ASSERT_EQ(post("/api/topics", R"({"topic":"nt2","channel":"c2"})").status, 200);
    ASSERT_EQ(del("/api/nodes/" + node_id(0), R"({"topic":"nt"})").status, 200);
    std::vector<json::object> got;
    ASSERT_TRUE(eventually([&] { return (got = sink.received()).size() == 4; }))
        << "notifications received: " << got.size();
    EXPECT_EQ(sink.content_type(0), "application/json");
    const auto& first = got[0];
    EXPECT_EQ(first.at("action").as_string(), "pause_channel");
    EXPECT_EQ(first.at("topic").as_string(), "nt");
    EXPECT_EQ(first.at("channel").as_string(), "c1");
    EXPECT_EQ(first.at("user").as_string(), "bob");
    EXPECT_EQ(first.at("user_agent").as_string(), "test-agent/1");
    EXPECT_THAT(std::string(first.at("remote_ip").as_string()), StartsWith("127.0.0.1:"));
    EXPECT_EQ(first.at("url").as_string(),
              "http://127.0.0.1:" + std::to_string(admin_port()) + "/api/topics/nt/c1");
    EXPECT_TRUE(first.at("timestamp").is_int64());
    EXPECT_FALSE(first.at("via").as_string().empty());
    EXPECT_FALSE(first.contains("node"));
    EXPECT_EQ(got[1].at("action").as_string(), "create_topic");
    EXPECT_FALSE(got[1].contains("channel"));
    EXPECT_EQ(got[2].at("action").as_string(), "create_channel");
    EXPECT_EQ(got[3].at("action").as_string(), "tombstone_topic_producer");
    EXPECT_EQ(got[3].at("node").as_string(), node_id(0));
}

TEST_F(nsqadmin_server, unreachable_notification_endpoint_does_not_break_actions) {
    nsqadmin::options o;
    o.notification_http_endpoint = "http://127.0.0.1:" + std::to_string(dead_port()) + "/x";
    start_admin_with(o);
    create_on(0, "fine");
    EXPECT_EQ(post("/api/topics/fine", R"({"action":"pause"})").status, 200);
    EXPECT_EQ(post("/api/topics/fine", R"({"action":"unpause"})").status, 200);
    EXPECT_EQ(get("/ping").status, 200);
}

// A fake graphite answering /render with one datapoint and recording what it was asked.
class fake_graphite {
  public:
    fake_graphite() : pool_(1) {
        http::router r;
        r.add("GET", "/render", [this](http::request& req) {
            std::lock_guard lock(mu_);
            queries_.push_back(req.raw_query);
            auth_ = req.header("Authorization").value_or("");
            return http::response::json(200,
                                        R"([{"target":"t","datapoints":[[120.0,1700000000]]}])");
        });
        server_ = std::make_unique<http::server>(pool_.executors(), r, 1 << 20);
        port_ = server_->listen("127.0.0.1", 0);
        server_->start();
        pool_.start();
    }
    ~fake_graphite() {
        server_->stop();
        pool_.join();
    }
    uint16_t port() const { return port_; }
    std::vector<std::string> queries() {
        std::lock_guard lock(mu_);
        return queries_;
    }
    std::string auth() {
        std::lock_guard lock(mu_);
        return auth_;
    }

  private:
    net::worker_pool pool_;
    std::unique_ptr<http::server> server_;
    uint16_t port_ = 0;
    std::mutex mu_;
    std::vector<std::string> queries_;
    std::string auth_;
};

TEST_F(nsqadmin_server, graphite_proxy_and_rate) {
    fake_graphite graphite;
    nsqadmin::options o;
    o.graphite_url = "http://user:pw@127.0.0.1:" + std::to_string(graphite.port());
    o.proxy_graphite = true;
    o.base_path = "/admin";
    start_admin_with(o);
    auto proxied = http::fetch("GET", "127.0.0.1", admin_port(), "/render?target=abc&format=json");
    EXPECT_EQ(proxied.status, 200);
    EXPECT_EQ(proxied.body, R"([{"target":"t","datapoints":[[120.0,1700000000]]}])");
    EXPECT_EQ(graphite.auth(), "Basic dXNlcjpwdw==");
    auto rate = get("/admin/api/graphite?metric=rate&target=abc");
    EXPECT_EQ(rate.status, 200) << rate.body;
    EXPECT_EQ(rate.body, R"({"rate":"2.00"})");  // 120 per 60 s statsd interval
    auto q = graphite.queries();
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[0], "target=abc&format=json");
    EXPECT_EQ(q[1], "from=-120sec&until=-60sec&format=json&target=abc");
    EXPECT_EQ(get("/admin/api/graphite?metric=x&target=a").message(), "INVALID_ARG_METRIC");
    EXPECT_EQ(get("/admin/api/graphite?metric=rate").message(), "INVALID_ARG_TARGET");
    EXPECT_THAT(get("/admin").body, HasSubstr(R"(var GRAPHITE_URL = "";)"));  // proxied
}

TEST_F(nsqadmin_server, base_path_prefixes_every_route) {
    nsqadmin::options o;
    o.base_path = "admin/";
    start_admin_with(o);
    create_on(0, "bp");
    auto page = get("/admin");
    ASSERT_EQ(page.status, 200);
    EXPECT_THAT(page.body, HasSubstr(R"(<script src="/admin/static/main.js">)"));
    EXPECT_THAT(page.body, HasSubstr(R"(var BASE_PATH = "/admin";)"));
    EXPECT_EQ(get("/admin/topics/bp").status, 200);
    EXPECT_EQ(get("/admin/api/topics").body, R"({"topics":["bp"],"message":""})");
    EXPECT_EQ(get("/admin/static/main.js").status, 200);
    EXPECT_EQ(get("/api/topics").status, 404);
    EXPECT_EQ(post("/admin/api/topics/bp", R"({"action":"pause"})").status, 200);
}

TEST_F(nsqadmin_server, ui_pages_and_static_assets) {
    start_admin_with();
    for (const char* page :
         {"/", "/topics/t", "/topics/t/c", "/nodes", "/nodes/127.0.0.1:1", "/counter", "/lookup"}) {
        auto r = http::fetch("GET", "127.0.0.1", admin_port(), page);
        EXPECT_EQ(r.status, 200) << page;
        EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8") << page;
        EXPECT_THAT(r.body, HasSubstr("<title>nsqadmin</title>"));
    }
    auto js = http::fetch("GET", "127.0.0.1", admin_port(), "/static/main.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_GT(js.body.size(), 1000u);
    EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
    auto css = http::fetch("GET", "127.0.0.1", admin_port(), "/static/main.css");
    EXPECT_EQ(css.status, 200);
    auto missing = http::fetch("GET", "127.0.0.1", admin_port(), "/static/nope.js");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body, "NOT_FOUND");
}

TEST_F(nsqadmin_server, responses_are_gzipped_when_the_client_accepts_it) {
    start_admin_with();
    auto r = http::fetch("GET", "127.0.0.1", admin_port(), "/api/topics", "",
                         {{"Accept-Encoding", "gzip, deflate"}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Encoding"), "gzip");
    EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
    ASSERT_GE(r.body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(r.body[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(r.body[1]), 0x8b);
    auto plain = http::fetch("GET", "127.0.0.1", admin_port(), "/api/topics");
    EXPECT_FALSE(plain.header("Content-Encoding"));
    EXPECT_EQ(plain.body, R"({"topics":null,"message":""})");
}

TEST_F(nsqadmin_server, config_endpoint_reads_and_changes_lookupds) {
    start_admin_with();
    std::string lookupd = "127.0.0.1:" + std::to_string(lookupd_->http_port());
    EXPECT_EQ(get("/config/nsqlookupd_http_addresses").body, "[\"" + lookupd + "\"]");
    EXPECT_EQ(get("/config/base_path").body, "/");
    EXPECT_EQ(get("/config/statsd_interval").body, "60000000000");
    EXPECT_EQ(get("/config/log_level").body, "2");
    EXPECT_EQ(get("/config/nope").message(), "INVALID_OPTION");
    auto bad = call(admin_port(), "PUT", "/config/nsqlookupd_http_addresses", "not json");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.message(), "INVALID_VALUE");
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    auto put = call(admin_port(), "PUT", "/config/nsqlookupd_http_addresses", "[\"" + dead + "\"]");
    EXPECT_EQ(put.status, 200);
    EXPECT_EQ(get("/api/topics").status, 502);  // now only a dead lookupd is configured
    call(admin_port(), "PUT", "/config/nsqlookupd_http_addresses", "[\"" + lookupd + "\"]");
    EXPECT_EQ(get("/api/topics").status, 200);
}

TEST_F(nsqadmin_server, config_endpoint_is_limited_to_the_allowed_cidr) {
    nsqadmin::options o;
    o.allow_config_from_cidr = "10.0.0.0/8";
    start_admin_with(o);
    auto r = get("/config/base_path");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.message(), "FORBIDDEN");
}

#if NSQPP_NSQADMIN_METRICS
TEST_F(nsqadmin_server, metrics_report_upstream_health) {
    nsqadmin::options o;
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    o.nsqd_http_addresses = {node_id(0), dead};
    o.history_interval = 0s;
    admin_ = start_admin(o);
    EXPECT_EQ(get("/api/nodes").status, 200);
    auto r = http::fetch("GET", "127.0.0.1", admin_port(), "/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_THAT(r.body,
                HasSubstr("nsqadmin_upstream_up{address=\"" + dead + "\",kind=\"nsqd\"} 0\n"));
    EXPECT_THAT(r.body, HasSubstr("nsqadmin_upstream_up{address=\"" + node_id(0) +
                                  "\",kind=\"nsqd\"} 1\n"));
    EXPECT_THAT(r.body, HasSubstr("nsqadmin_upstream_failures_total{address=\"" + dead +
                                  "\",kind=\"nsqd\"} 2\n"));  // /info and /stats
    EXPECT_THAT(r.body, HasSubstr("nsq_build_info{"));
}
#endif

TEST(nsqadmin_startup, invalid_options_fail_with_nsq_texts) {
    auto error_of = [](nsqadmin::options o) -> std::string {
        try {
            nsqadmin::nsqadmin a(std::move(o));
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    };
    nsqadmin::options none;
    EXPECT_EQ(error_of(none), "--nsqd-http-address or --lookupd-http-address required");
    nsqadmin::options both;
    both.nsqd_http_addresses = {"127.0.0.1:4151"};
    both.nsqlookupd_http_addresses = {"127.0.0.1:4161"};
    EXPECT_EQ(error_of(both), "use --nsqd-http-address or --lookupd-http-address not both");
    nsqadmin::options cert;
    cert.nsqd_http_addresses = {"127.0.0.1:4151"};
    cert.http_client_tls_cert = "c.pem";
    EXPECT_EQ(error_of(cert),
              "--http-client-tls-key must be specified with --http-client-tls-cert");
}

}  // namespace
}  // namespace nsqpp::nsqadmin_test
