// Each middleware on plain exchanges (no sockets): what it answers, what it edits, the onion.
#include "gateway/middleware.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "gateway/metrics.h"

namespace nsqpp::gateway {
namespace {

exchange make_exchange(std::string method = "GET", std::string target = "/pub?topic=t",
                       http::header_list headers = {}) {
    exchange ex;
    ex.method = std::move(method);
    ex.target = std::move(target);
    auto q = ex.target.find('?');
    ex.path = ex.target.substr(0, q);
    if (q != std::string::npos) ex.raw_query = ex.target.substr(q + 1);
    ex.headers = std::move(headers);
    ex.client_ip = "10.0.0.7";
    return ex;
}

middleware_ptr make(const std::string& name, settings s = {}, gateway_metrics* m = nullptr) {
    return make_middleware(name, s, middleware_env{m});
}

TEST(Middleware, RegistryKnowsEveryMiddlewareAndRejectsOthers) {
    auto names = middleware_names();
    EXPECT_EQ(names.size(), 7u);
    EXPECT_THROW(make("gzip"), std::invalid_argument);
}

TEST(Middleware, RequestIdGeneratesKeepsAndEchoes) {
    auto mw = make("request_id");
    auto ex = make_exchange();
    mw->on_request(ex);
    ASSERT_EQ(ex.request_id.size(), 32u);
    EXPECT_EQ(ex.header("X-Request-Id"), ex.request_id);
    response_head res;
    mw->on_response(ex, res);
    EXPECT_EQ(res.header("X-Request-Id"), ex.request_id);
    auto ex2 = make_exchange();
    mw->on_request(ex2);
    EXPECT_NE(ex2.request_id, ex.request_id);

    auto given = make_exchange("GET", "/", {{"x-request-id", "abc-123"}});
    mw->on_request(given);
    EXPECT_EQ(given.request_id, "abc-123");
    auto bad = make_exchange("GET", "/", {{"X-Request-Id", "has space"}});
    mw->on_request(bad);
    EXPECT_NE(bad.request_id, "has space");

    settings s;
    s.set("trust_incoming", false);
    s.set("header", std::string("X-Trace"));
    auto strict = make("request_id", s);
    auto ex3 = make_exchange("GET", "/", {{"X-Trace", "client-chosen"}});
    strict->on_request(ex3);
    EXPECT_NE(ex3.request_id, "client-chosen");
    EXPECT_EQ(ex3.header("X-Trace"), ex3.request_id);
}

TEST(Middleware, ApiKeyRejectsMissingAndInvalidAndStripsTheKey) {
    settings s;
    s.set("keys", std::vector<std::string>{"k1", "k2"});
    s.set("query", std::string("api_key"));
    auto mw = make("api_key", s);
    auto none = make_exchange();
    mw->on_request(none);
    ASSERT_TRUE(none.reply);
    EXPECT_EQ(none.reply->status, 401);
    EXPECT_EQ(none.reply->body, "{\"message\":\"MISSING_API_KEY\"}");
    auto wrong = make_exchange("GET", "/", {{"X-Api-Key", "nope"}});
    mw->on_request(wrong);
    ASSERT_TRUE(wrong.reply);
    EXPECT_EQ(wrong.reply->body, "{\"message\":\"INVALID_API_KEY\"}");
    auto good = make_exchange("GET", "/", {{"x-api-key", "k2"}});
    mw->on_request(good);
    EXPECT_FALSE(good.reply);
    EXPECT_EQ(good.api_key, "k2");
    EXPECT_FALSE(good.header("X-Api-Key"));
    auto by_query = make_exchange("GET", "/pub?topic=t&api_key=k1");
    mw->on_request(by_query);
    EXPECT_FALSE(by_query.reply);
    EXPECT_THROW(make("api_key"), std::invalid_argument);  // no keys configured
}

TEST(Middleware, RateLimitIsATokenBucketPerKey) {
    settings s;
    s.set("rate", 0.001);  // effectively no refill during the test
    s.set("burst", int64_t{3});
    auto mw = make("rate_limit", s);
    for (int i = 0; i < 3; ++i) {
        auto ex = make_exchange();
        mw->on_request(ex);
        EXPECT_FALSE(ex.reply) << i;
    }
    auto limited = make_exchange();
    mw->on_request(limited);
    ASSERT_TRUE(limited.reply);
    EXPECT_EQ(limited.reply->status, 429);
    EXPECT_EQ(limited.reply->body, "{\"message\":\"RATE_LIMITED\"}");
    EXPECT_TRUE(limited.reply->header("Retry-After"));
    auto other = make_exchange();
    other.client_ip = "10.0.0.8";
    mw->on_request(other);
    EXPECT_FALSE(other.reply);  // another client has its own bucket

    settings fast;
    fast.set("rate", int64_t{1000});
    fast.set("burst", int64_t{1});
    auto refill = make("rate_limit", fast);
    auto a = make_exchange();
    refill->on_request(a);
    EXPECT_FALSE(a.reply);
    bool refilled = false;
    for (int i = 0; i < 200 && !refilled; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto b = make_exchange();
        refill->on_request(b);
        refilled = !b.reply;
    }
    EXPECT_TRUE(refilled);

    settings by_header;
    by_header.set("key", std::string("header:X-Tenant"));
    by_header.set("rate", 0.001);
    by_header.set("burst", int64_t{1});
    auto tenant = make("rate_limit", by_header);
    auto t1 = make_exchange("GET", "/", {{"X-Tenant", "a"}});
    auto t2 = make_exchange("GET", "/", {{"X-Tenant", "b"}});
    auto t3 = make_exchange("GET", "/", {{"X-Tenant", "a"}});
    tenant->on_request(t1);
    tenant->on_request(t2);
    tenant->on_request(t3);
    EXPECT_FALSE(t1.reply);
    EXPECT_FALSE(t2.reply);
    EXPECT_TRUE(t3.reply);
    settings bad;
    bad.set("key", std::string("cookie"));
    EXPECT_THROW(make("rate_limit", bad), std::invalid_argument);
}

TEST(Middleware, CorsPreflightAndSimpleRequests) {
    settings s;
    s.set("allow_origins", std::vector<std::string>{"https://app.example"});
    auto mw = make("cors", s);
    auto pre = make_exchange(
        "OPTIONS", "/pub",
        {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
    mw->on_request(pre);
    ASSERT_TRUE(pre.reply);
    EXPECT_EQ(pre.reply->status, 204);
    EXPECT_EQ(pre.reply->header("Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_NE(pre.reply->header("Access-Control-Allow-Methods")->find("POST"), std::string::npos);
    auto evil = make_exchange(
        "OPTIONS", "/pub",
        {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    mw->on_request(evil);
    ASSERT_TRUE(evil.reply);
    EXPECT_EQ(evil.reply->status, 403);
    auto simple = make_exchange("GET", "/stats", {{"Origin", "https://app.example"}});
    mw->on_request(simple);
    EXPECT_FALSE(simple.reply);
    response_head res;
    mw->on_response(simple, res);
    EXPECT_EQ(res.header("Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(res.header("Vary"), "Origin");
    auto plain_options = make_exchange("OPTIONS", "/pub");  // not a preflight: proxied
    mw->on_request(plain_options);
    EXPECT_FALSE(plain_options.reply);
}

TEST(Middleware, BodyLimitRejectsDeclaredLengthAndBoundsStreams) {
    settings s;
    s.set("max_bytes", int64_t{100});
    auto mw = make("body_limit", s);
    auto big = make_exchange("POST", "/pub");
    big.content_length = 101;
    mw->on_request(big);
    ASSERT_TRUE(big.reply);
    EXPECT_EQ(big.reply->status, 413);
    EXPECT_EQ(big.reply->body, "{\"message\":\"BODY_TOO_BIG\"}");
    auto ok = make_exchange("POST", "/pub");
    ok.content_length = 100;
    mw->on_request(ok);
    EXPECT_FALSE(ok.reply);
    auto chunked = make_exchange("POST", "/pub");
    chunked.chunked = true;
    mw->on_request(chunked);
    EXPECT_FALSE(chunked.reply);
    EXPECT_EQ(chunked.max_body, 100u);  // enforced by the proxy while streaming
}

TEST(Middleware, AccessLogWritesOneLinePerRequest) {
    std::string path =
        ::testing::TempDir() + "/nsqgw_access_" + std::to_string(::getpid()) + ".log";
    std::remove(path.c_str());
    settings s;
    s.set("path", path);
    auto mw = make("access_log", s);
    auto ex = make_exchange("POST", "/pub?topic=t");
    ex.status = 200;
    ex.bytes_out = 2;
    ex.upstream_address = "127.0.0.1:4151";
    ex.request_id = "rid";
    mw->on_complete(ex);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("10.0.0.7 \"POST /pub?topic=t HTTP/1.1\" 200 2 "), std::string::npos)
        << text.str();
    EXPECT_NE(text.str().find("upstream=127.0.0.1:4151 request_id=rid\n"), std::string::npos);
    std::remove(path.c_str());
}

TEST(Middleware, MetricsCountsRequestsAndLatency) {
    gateway_metrics m;
    auto mw = make("metrics", {}, &m);
    auto ex = make_exchange();
    ex.status = 200;
    ex.bytes_out = 10;
    mw->on_complete(ex);
    mw->on_complete(ex);
    ex.status = 502;
    mw->on_complete(ex);
    std::string out;
    m.write(out);
    EXPECT_NE(out.find("nsqgw_requests_total{pool=\"\",code=\"200\"} 2\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("nsqgw_requests_total{pool=\"\",code=\"502\"} 1\n"), std::string::npos);
    EXPECT_NE(out.find("nsqgw_request_duration_seconds_count{pool=\"\"} 3\n"), std::string::npos);
    EXPECT_NE(out.find("nsqgw_request_duration_seconds_bucket{pool=\"\",le=\"+Inf\"} 3\n"),
              std::string::npos);
    EXPECT_NE(out.find("nsqgw_response_bytes_total{pool=\"\"} 30\n"), std::string::npos);
    EXPECT_THROW(make("metrics"), std::invalid_argument);  // needs the registry
}

// A middleware recording the order of its calls.
class tracer final : public middleware {
  public:
    tracer(std::string n, std::string* log, bool answer)
        : n_(std::move(n)), log_(log), answer_(answer) {}
    std::string_view name() const override { return n_; }
    void on_request(exchange& ex) override {
        *log_ += "req:" + n_ + " ";
        if (answer_) ex.reply = http::response::error(418, "TEAPOT");
    }
    void on_response(exchange&, response_head&) override { *log_ += "res:" + n_ + " "; }
    void on_complete(const exchange&) override { *log_ += "done:" + n_ + " "; }

  private:
    std::string n_;
    std::string* log_;
    bool answer_;
};

TEST(Middleware, OnionOrderAndShortCircuit) {
    std::string log;
    std::vector<middleware_ptr> chain = {std::make_shared<tracer>("a", &log, false),
                                         std::make_shared<tracer>("b", &log, true),
                                         std::make_shared<tracer>("c", &log, false)};
    auto ex = make_exchange();
    size_t entered = run_on_request(chain, ex);
    EXPECT_EQ(entered, 2u);
    response_head res;
    run_on_response(chain, entered, ex, res);
    run_on_complete(chain, entered, ex);
    EXPECT_EQ(log, "req:a req:b res:b res:a done:b done:a ");
}

}  // namespace
}  // namespace nsqpp::gateway
