// Routes, settings, the TOML file and the command line.
#include "gateway/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/route.h"

namespace nsqpp::gateway {
namespace {

TEST(Routes, HostBeatsAnyHostThenLongestPrefix) {
    route_table t;
    route any;
    any.pool_name = "any";
    route api;
    api.path_prefix = "/api/";
    api.pool_name = "api";
    route host;
    host.host = "nsq.example.com";
    host.pool_name = "host";
    route wild;
    wild.host = "*.example.org";
    wild.path_prefix = "/pub";
    wild.pool_name = "wild";
    t.add(any);
    t.add(api);
    t.add(host);
    t.add(wild);
    EXPECT_EQ(t.match("x", "/")->pool_name, "any");
    EXPECT_EQ(t.match("x", "/api/v1")->pool_name, "api");
    EXPECT_EQ(t.match("NSQ.example.com:4180", "/api/v1")->pool_name, "host");
    EXPECT_EQ(t.match("eu.example.org", "/pub?x")->pool_name, "wild");
    EXPECT_EQ(t.match("example.org", "/pub")->pool_name, "any");
    route_table only;
    only.add(api);
    EXPECT_EQ(only.match("x", "/other"), nullptr);
}

TEST(Routes, RewriteReplacesThePrefix) {
    route r;
    r.path_prefix = "/nsq/";
    EXPECT_EQ(rewrite_target(r, "/nsq/pub?topic=a"), "/nsq/pub?topic=a");
    r.rewrite = "/";
    EXPECT_EQ(rewrite_target(r, "/nsq/pub?topic=a"), "/pub?topic=a");
    r.rewrite = "/v2/";
    EXPECT_EQ(rewrite_target(r, "/nsq/stats"), "/v2/stats");
}

TEST(Settings, TypedGettersWithClearErrors) {
    settings s("middleware_settings.rate_limit");
    s.set("rate", int64_t{5});
    s.set("name", std::string("x"));
    s.set("list", std::string("a, b,c"));
    s.set("wait", std::string("1.5s"));
    s.set("ms", int64_t{250});
    EXPECT_EQ(s.get_double("rate", 0), 5.0);
    EXPECT_EQ(s.get_int("missing", 7), 7);
    EXPECT_EQ(s.get_strings("list", {}), (std::vector<std::string>{"a", " b", "c"}));
    EXPECT_EQ(s.get_duration("wait", {}), std::chrono::milliseconds(1500));
    EXPECT_EQ(s.get_duration("ms", {}), std::chrono::milliseconds(250));
    try {
        s.get_int("name", 0);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "invalid value for middleware_settings.rate_limit.name - expected an integer");
    }
    EXPECT_THROW(s.get_duration("name", {}), std::invalid_argument);
}

const char* example_toml = R"(
http_address = "127.0.0.1:0"
admin_address = ""
worker_threads = 2
middleware = ["request_id", "api_key", "metrics"]

[middleware_settings.api_key]
keys = ["k1"]
header = "X-Key"

[pools.nsqd]
balancer = "consistent_hash"
hash_key = "query:topic"
members = [{ address = "127.0.0.1:4151", weight = 2 }, "127.0.0.1:4152"]
connect_timeout = "500ms"
read_timeout = 2000
max_fails = 5
retries = 1
[pools.nsqd.health]
path = "/ping"
interval = "1s"
[pools.nsqd.lookupd]
http_addresses = ["127.0.0.1:4161"]
interval = "10s"

[pools.pair]
mode = "mirror"
members = ["127.0.0.1:4151", "127.0.0.1:4152"]

[[routes]]
path_prefix = "/"
pool = "nsqd"

[[routes]]
host = "mirror.local"
path_prefix = "/pub"
rewrite = "/pub"
pool = "pair"
pass_host = false
set_headers = { "X-Via" = "nsqgw" }
remove_headers = ["Cookie"]
)";

std::string write_temp(const std::string& text) {
    std::string path = ::testing::TempDir() + "/nsqgw_" + std::to_string(::getpid()) + "_" +
                       std::to_string(std::hash<std::string>{}(text)) + ".toml";
    std::ofstream(path) << text;
    return path;
}

std::optional<gateway_config> parse(std::vector<std::string> args, std::string* err_out = nullptr,
                                    int* code_out = nullptr) {
    std::vector<const char*> argv = {"nsqgw"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    int code = -1;
    auto cfg = parse_command_line(static_cast<int>(argv.size()), argv.data(), &code, out, err);
    if (err_out) *err_out = err.str();
    if (code_out) *code_out = code;
    return cfg;
}

TEST(Config, CompleteTomlFile) {
    std::string err;
    auto cfg = parse({"--config=" + write_temp(example_toml)}, &err);
    EXPECT_EQ(err, "");
    ASSERT_TRUE(cfg);
    EXPECT_EQ(cfg->http_address, "127.0.0.1:0");
    EXPECT_EQ(cfg->admin_address, "");
    EXPECT_EQ(cfg->worker_threads, 2);
    EXPECT_EQ(cfg->middleware, (std::vector<std::string>{"request_id", "api_key", "metrics"}));
    EXPECT_EQ(cfg->middleware_settings.at("api_key").get_string("header", ""), "X-Key");
    ASSERT_EQ(cfg->pools.size(), 2u);
    const auto& p = cfg->pools[0];
    EXPECT_EQ(p.name, "nsqd");
    EXPECT_EQ(p.balancer, "consistent_hash");
    EXPECT_EQ(p.hash_key, "query:topic");
    ASSERT_EQ(p.members.size(), 2u);
    EXPECT_EQ(p.members[0].weight, 2);
    EXPECT_EQ(p.members[1].address, "127.0.0.1:4152");
    EXPECT_EQ(p.limits.connect_timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(p.limits.read_timeout, std::chrono::milliseconds(2000));
    EXPECT_EQ(p.max_fails, 5);
    EXPECT_EQ(p.retries, 1);
    EXPECT_EQ(p.health.path, "/ping");
    EXPECT_EQ(p.health.interval, std::chrono::seconds(1));
    EXPECT_EQ(p.lookupd.http_addresses, std::vector<std::string>{"127.0.0.1:4161"});
    EXPECT_EQ(cfg->pools[1].mode, pool_mode::mirror);
    ASSERT_EQ(cfg->routes.size(), 2u);
    const auto& r = cfg->routes[1];
    EXPECT_EQ(r.host, "mirror.local");
    EXPECT_EQ(r.rewrite, "/pub");
    EXPECT_FALSE(r.pass_host);
    EXPECT_EQ(r.set_headers, (http::header_list{{"X-Via", "nsqgw"}}));
    EXPECT_EQ(r.remove_headers, std::vector<std::string>{"Cookie"});
}

TEST(Config, FlagsForTheCommonCase) {
    auto cfg = parse({"--upstream=127.0.0.1:4151", "--upstream", "127.0.0.1:4152=3",
                      "--balancer=weighted_round_robin", "--api-key=s3cret", "--rate-limit=50",
                      "--max-body-size=1024", "--health-path=/ping", "--read-timeout=5s"});
    ASSERT_TRUE(cfg);
    ASSERT_EQ(cfg->pools.size(), 1u);
    EXPECT_EQ(cfg->pools[0].members[1].weight, 3);
    EXPECT_EQ(cfg->pools[0].balancer, "weighted_round_robin");
    EXPECT_EQ(cfg->pools[0].limits.read_timeout, std::chrono::seconds(5));
    EXPECT_EQ(cfg->middleware,
              (std::vector<std::string>{"metrics", "api_key", "rate_limit", "body_limit"}));
    EXPECT_EQ(cfg->middleware_settings.at("rate_limit").get_string("key", ""), "api_key");
    auto none = parse({"--upstream=127.0.0.1:1", "--middleware="});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->middleware.empty());
    auto list =
        parse({"--upstream=127.0.0.1:1", "--middleware=request_id, cors", "--middleware=metrics"});
    ASSERT_TRUE(list);
    EXPECT_EQ(list->middleware, (std::vector<std::string>{"request_id", "cors", "metrics"}));
    auto lk = parse({"--lookupd-http-address=127.0.0.1:4161", "--mode=mirror"});
    ASSERT_TRUE(lk);
    EXPECT_EQ(lk->pools[0].mode, pool_mode::mirror);
    EXPECT_TRUE(lk->pools[0].members.empty());
}

TEST(Config, BadInputGivesClearErrors) {
    std::string err;
    int code = 0;
    EXPECT_FALSE(parse({}, &err, &code));
    EXPECT_EQ(code, 1);
    EXPECT_NE(err.find("no upstream"), std::string::npos) << err;
    EXPECT_FALSE(parse({"--upstream=127.0.0.1:1", "--balancer=fastest"}, &err));
    EXPECT_NE(err.find("unknown balancer \"fastest\""), std::string::npos) << err;
    EXPECT_FALSE(parse({"--upstream=127.0.0.1:1", "--middleware=gzip"}, &err));
    EXPECT_NE(err.find("unknown middleware \"gzip\""), std::string::npos) << err;
    EXPECT_FALSE(parse({"--upstream=127.0.0.1:1", "--hash-key=cookie"}, &err));
    EXPECT_NE(err.find("invalid hash key source"), std::string::npos) << err;
    EXPECT_FALSE(parse({"--bogus"}, &err, &code));
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("flag provided but not defined: -bogus"), std::string::npos) << err;
    EXPECT_FALSE(
        parse({"--config=" + write_temp("[pools.a]\nbalancer = \"random\"\nmembrs = []\n")}, &err));
    EXPECT_NE(err.find("unknown key pools.a.membrs"), std::string::npos) << err;
    EXPECT_FALSE(parse(
        {"--config=" + write_temp("[pools.a]\nmembers = [\"x:1\"]\n[[routes]]\npool = \"b\"\n")},
        &err));
    EXPECT_NE(err.find("unknown pool b"), std::string::npos) << err;
    EXPECT_FALSE(parse({"--config=" + write_temp("[pools.a\n")}, &err));
    EXPECT_NE(err.find("toml"), std::string::npos) << err;
    EXPECT_FALSE(parse({"--config=/nonexistent/nsqgw.toml"}, &err));
    EXPECT_NE(err.find("no such file"), std::string::npos) << err;
    EXPECT_FALSE(parse({"--version"}, &err, &code));
    EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace nsqpp::gateway
