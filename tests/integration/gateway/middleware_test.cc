// Every middleware through a running gateway, the onion order, and /metrics on the admin
// listener.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "http/client.h"
#include "tests/integration/gateway/fixture.h"

namespace nsqpp::gateway_test {
namespace {

gateway::gateway_config with(const backend& b, std::vector<std::string> chain,
                             std::map<std::string, gateway::settings> s = {}) {
    auto cfg = one_pool({b.address()});
    cfg.middleware = std::move(chain);
    cfg.middleware_settings = std::move(s);
    return cfg;
}

gateway::settings keys_k1() {
    gateway::settings s;
    s.set("keys", std::vector<std::string>{"k1", "k2"});
    return s;
}

TEST(MiddlewareE2E, RequestIdReachesUpstreamAndClient) {
    backend b("b");
    auto g = start_gateway(with(b, {"request_id"}));
    auto r = call(g->http_port(), "GET", "/echo");
    ASSERT_TRUE(r);
    std::string id = r->header("x-request-id");
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(echo(*r)["h:x-request-id"], id);
    auto kept = call(g->http_port(), "GET", "/echo", "", {{"X-Request-Id", "from-client"}});
    EXPECT_EQ(kept->header("x-request-id"), "from-client");
}

TEST(MiddlewareE2E, ApiKeyAuth) {
    backend b("b");
    auto g = start_gateway(with(b, {"api_key"}, {{"api_key", keys_k1()}}));
    auto missing = call(g->http_port(), "POST", "/pub?topic=t", "m");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 401);
    EXPECT_EQ(missing->body, "{\"message\":\"MISSING_API_KEY\"}");
    auto wrong = call(g->http_port(), "POST", "/pub?topic=t", "m", {{"X-Api-Key", "zzz"}});
    EXPECT_EQ(wrong->status, 401);
    EXPECT_EQ(b.hits.load(), 0);
    auto ok = call(g->http_port(), "POST", "/pub?topic=t", "m", {{"X-Api-Key", "k1"}});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(echo(*ok).count("h:x-api-key"), 0u);  // not leaked upstream
    // A refused request with a body: the answer arrives, then the connection closes.
    client c(g->http_port());
    ASSERT_TRUE(c.send("POST /pub HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                       std::string(50000, 'x')));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
}

TEST(MiddlewareE2E, RateLimitPerClient) {
    backend b("b");
    gateway::settings s;
    s.set("rate", 0.001);
    s.set("burst", int64_t{5});
    auto g = start_gateway(with(b, {"rate_limit"}, {{"rate_limit", s}}));
    client c(g->http_port());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c.request("GET", "/echo")->status, 200) << i;
    auto limited = c.request("GET", "/echo");
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429);
    EXPECT_NE(limited->header("retry-after"), "");
    EXPECT_EQ(b.hits.load(), 5);
    EXPECT_EQ(c.request("GET", "/echo")->status, 429);  // connection kept after a 429
}

TEST(MiddlewareE2E, OnionOrderDecidesWhatCountsAgainstTheLimit) {
    backend b("b");
    gateway::settings rl;
    rl.set("rate", 0.001);
    rl.set("burst", int64_t{2});
    rl.set("key", std::string("api_key"));
    // api_key outside rate_limit: rejected requests never reach the bucket.
    auto auth_first = start_gateway(
        with(b, {"api_key", "rate_limit"}, {{"api_key", keys_k1()}, {"rate_limit", rl}}));
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(call(auth_first->http_port(), "GET", "/echo")->status, 401);
    EXPECT_EQ(call(auth_first->http_port(), "GET", "/echo", "", {{"X-Api-Key", "k1"}})->status,
              200);
    // rate_limit outside api_key: unauthenticated requests use up the client's bucket.
    auto limit_first = start_gateway(
        with(b, {"rate_limit", "api_key"}, {{"api_key", keys_k1()}, {"rate_limit", rl}}));
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(call(limit_first->http_port(), "GET", "/echo")->status, 401);
    EXPECT_EQ(call(limit_first->http_port(), "GET", "/echo")->status, 429);
}

TEST(MiddlewareE2E, CorsPreflightAndResponses) {
    backend b("b");
    gateway::settings s;
    s.set("allow_origins", std::vector<std::string>{"https://ui.example"});
    auto g = start_gateway(with(b, {"cors"}, {{"cors", s}}));
    auto pre = call(g->http_port(), "OPTIONS", "/pub", "",
                    {{"Origin", "https://ui.example"}, {"Access-Control-Request-Method", "POST"}});
    ASSERT_TRUE(pre);
    EXPECT_EQ(pre->status, 204);
    EXPECT_EQ(pre->header("access-control-allow-origin"), "https://ui.example");
    EXPECT_EQ(b.hits.load(), 0);
    auto get = call(g->http_port(), "GET", "/echo", "", {{"Origin", "https://ui.example"}});
    EXPECT_EQ(get->header("access-control-allow-origin"), "https://ui.example");
    auto other = call(g->http_port(), "GET", "/echo", "", {{"Origin", "https://other.example"}});
    EXPECT_EQ(other->header("access-control-allow-origin"), "");
}

TEST(MiddlewareE2E, BodyLimitForDeclaredAndChunkedBodies) {
    backend b("b");
    gateway::settings s;
    s.set("max_bytes", int64_t{1000});
    auto g = start_gateway(with(b, {"body_limit"}, {{"body_limit", s}}));
    EXPECT_EQ(call(g->http_port(), "POST", "/echo", std::string(1000, 'a'))->status, 200);
    auto big = call(g->http_port(), "POST", "/echo", std::string(1001, 'a'));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413);
    EXPECT_EQ(big->body, "{\"message\":\"BODY_TOO_BIG\"}");
    client c(g->http_port());
    std::string chunk(600, 'z');
    ASSERT_TRUE(
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
               chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
}

TEST(MiddlewareE2E, AccessLogFile) {
    backend b("b");
    std::string path =
        ::testing::TempDir() + "/nsqgw_e2e_access_" + std::to_string(::getpid()) + ".log";
    std::remove(path.c_str());
    gateway::settings s;
    s.set("path", path);
    auto g = start_gateway(with(b, {"request_id", "access_log"}, {{"access_log", s}}));
    call(g->http_port(), "GET", "/echo?logged=1");
    call(g->http_port(), "GET", "/status/503");
    std::string text;
    ASSERT_TRUE(eventually([&] {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        return text.find("/status/503") != std::string::npos;
    }));
    EXPECT_NE(text.find("127.0.0.1 \"GET /echo?logged=1 HTTP/1.1\" 200 "), std::string::npos)
        << text;
    EXPECT_NE(text.find("\"GET /status/503 HTTP/1.1\" 503 "), std::string::npos) << text;
    EXPECT_NE(text.find("upstream=" + b.address()), std::string::npos) << text;
    std::remove(path.c_str());
}

TEST(MiddlewareE2E, PrometheusMetricsOnTheAdminListener) {
    backend b("b");
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    auto cfg = with(b, {"metrics"});
    cfg.pools[0].members.push_back({dead, 1});
    cfg.pools[0].max_fails = 1;
    cfg.pools[0].fail_timeout = 60s;
    auto g = start_gateway(cfg);
    for (int i = 0; i < 4; ++i) call(g->http_port(), "GET", "/echo");
    call(g->http_port(), "GET", "/status/404");
    // An exchange is counted once its response is written: the client may read it first.
    http::client_response m;
    ASSERT_TRUE(eventually([&] {
        m = http::fetch("GET", "127.0.0.1", g->admin_port(), "/metrics");
        return m.body.find("nsqgw_request_duration_seconds_count{pool=\"default\"} 5\n") !=
               std::string::npos;
    })) << m.body;
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.header("Content-Type")->find("text/plain; version=0.0.4"), std::string::npos);
    EXPECT_NE(m.body.find("nsqgw_requests_total{pool=\"default\",code=\"200\"} 4\n"),
              std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("nsqgw_requests_total{pool=\"default\",code=\"404\"} 1\n"),
              std::string::npos);
    EXPECT_NE(m.body.find("nsqgw_request_duration_seconds_count{pool=\"default\"} 5\n"),
              std::string::npos);
    EXPECT_NE(m.body.find("nsqgw_upstream_up{pool=\"default\",member=\"" + b.address() + "\"} 1\n"),
              std::string::npos);
    EXPECT_NE(m.body.find("nsqgw_upstream_up{pool=\"default\",member=\"" + dead + "\"} 0\n"),
              std::string::npos);
    auto stats = http::fetch("GET", "127.0.0.1", g->admin_port(), "/stats");
    EXPECT_EQ(stats.status, 200);
    EXPECT_NE(stats.body.find("\"name\":\"default\""), std::string::npos) << stats.body;
    EXPECT_EQ(http::fetch("GET", "127.0.0.1", g->admin_port(), "/ping").body, "OK");
}

}  // namespace
}  // namespace nsqpp::gateway_test
