#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "http/url.h"

namespace nsqpp::http {
namespace {

request make(std::string method, std::string_view target) {
    request req;
    req.method = std::move(method);
    EXPECT_TRUE(parse_target(target, req));
    return req;
}

handler reply(std::string text) {
    return [text](request&) { return response::text(200, text); };
}

class RouterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        r.add("GET", "/ping", reply("pong"));
        r.add("POST", "/pub", reply("pub"));
        r.add("PUT", "/pub", reply("put"));
        r.add("GET", "/config/:opt", [](request& req) {
            return response::text(200, "get " + req.param("opt").value_or("?"));
        });
        r.add("PUT", "/config/:opt", reply("put config"));
        r.add("GET", "/config/special", reply("special"));
        r.add("GET", "/debug/pprof/", reply("pprof"));
    }
    response go(std::string method, std::string_view target) {
        auto req = make(std::move(method), target);
        return r.dispatch(req);
    }
    router r;
};

TEST_F(RouterTest, RoutesByMethodAndPath) {
    EXPECT_EQ(go("GET", "/ping").body, "pong");
    EXPECT_EQ(go("POST", "/pub").body, "pub");
    EXPECT_EQ(go("PUT", "/pub").body, "put");
}

TEST_F(RouterTest, UnknownPathIs404) {
    auto res = go("GET", "/nope");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.body, R"({"message":"NOT_FOUND"})");
    EXPECT_EQ(res.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    EXPECT_EQ(go("DELETE", "/nope").status, 404);  // a method with no routes at all
}

TEST_F(RouterTest, WrongMethodIs405WithSortedAllow) {
    auto res = go("GET", "/pub");
    EXPECT_EQ(res.status, 405);
    EXPECT_EQ(res.body, R"({"message":"METHOD_NOT_ALLOWED"})");
    EXPECT_EQ(res.header("Allow"), "OPTIONS, POST, PUT");
    EXPECT_EQ(go("POST", "/ping").header("Allow"), "GET, OPTIONS");
    EXPECT_EQ(go("DELETE", "/config/x").header("Allow"), "GET, OPTIONS, PUT");
}

TEST_F(RouterTest, HeadIsNotRoutedToGet) {
    auto res = go("HEAD", "/ping");
    EXPECT_EQ(res.status, 405);
    EXPECT_EQ(res.header("Allow"), "GET, OPTIONS");
}

TEST_F(RouterTest, OptionsListsMethodsWithEmptyBody) {
    auto res = go("OPTIONS", "/pub");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "");
    EXPECT_EQ(res.header("Allow"), "OPTIONS, POST, PUT");
    EXPECT_EQ(res.header("Content-Type"), std::nullopt);
    EXPECT_EQ(go("OPTIONS", "/nope").status, 404);
}

TEST_F(RouterTest, TrailingSlashRedirects) {
    auto get = go("GET", "/ping/?a=1");
    EXPECT_EQ(get.status, 301);
    EXPECT_EQ(get.header("Location"), "/ping?a=1");
    EXPECT_EQ(get.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(get.body, "<a href=\"/ping?a=1\">Moved Permanently</a>.\n\n");
    auto post = go("POST", "/pub/");
    EXPECT_EQ(post.status, 307);
    EXPECT_EQ(post.header("Location"), "/pub");
    EXPECT_EQ(post.body, "");
    auto add = go("GET", "/debug/pprof");
    EXPECT_EQ(add.status, 301);
    EXPECT_EQ(add.header("Location"), "/debug/pprof/");
}

TEST_F(RouterTest, CaseAndCleanPathRedirects) {
    auto get = go("GET", "/PING");
    EXPECT_EQ(get.status, 301);
    EXPECT_EQ(get.header("Location"), "/ping");
    auto post = go("POST", "/Pub?topic=a%20b");
    EXPECT_EQ(post.status, 307);
    EXPECT_EQ(post.header("Location"), "/pub?topic=a%20b");
    EXPECT_EQ(go("GET", "/PING/").header("Location"), "/ping");
    EXPECT_EQ(go("GET", "//ping").header("Location"), "/ping");
    EXPECT_EQ(go("GET", "/x/../ping").header("Location"), "/ping");
    // parameter values keep their case
    EXPECT_EQ(go("GET", "/CONFIG/Log_Level").header("Location"), "/config/Log_Level");
    EXPECT_EQ(go("PUT", "/config/Foo/").header("Location"), "/config/Foo");
}

TEST_F(RouterTest, RedirectOnlyWithinTheRequestMethod) {
    // PUT has routes but none for /ping in any case: not a redirect but a 404 (as httprouter).
    EXPECT_EQ(go("PUT", "/PING").status, 404);
    EXPECT_EQ(go("POST", "/ping/").status, 404);
}

TEST_F(RouterTest, ParamsMatchOneNonEmptySegment) {
    EXPECT_EQ(go("GET", "/config/mem_queue_size").body, "get mem_queue_size");
    EXPECT_EQ(go("GET", "/config/a%20b").body, "get a b");
    EXPECT_EQ(go("GET", "/config/a%2Fb").status, 404);        // matched on the decoded path, as Go
    EXPECT_EQ(go("GET", "/config/special").body, "special");  // static wins
    EXPECT_EQ(go("GET", "/config/").status, 404);
    EXPECT_EQ(go("GET", "/config/a/b").status, 404);
}

TEST_F(RouterTest, OptionsForExactRoutes) {
    router rr;
    rr.add("POST", "/pub", reply("x"), {1024, "MSG_TOO_BIG"});
    rr.add("GET", "/c/:x", reply("x"), {7, ""});
    ASSERT_NE(rr.options_for("POST", "/pub"), nullptr);
    EXPECT_EQ(rr.options_for("POST", "/pub")->max_body, 1024u);
    EXPECT_EQ(rr.options_for("POST", "/pub")->too_big_message, "MSG_TOO_BIG");
    EXPECT_EQ(rr.options_for("GET", "/c/1")->max_body, 7u);
    EXPECT_EQ(rr.options_for("GET", "/pub"), nullptr);
    EXPECT_EQ(rr.options_for("POST", "/pub/"), nullptr);
}

TEST_F(RouterTest, BadRoutesAreRejected) {
    EXPECT_THROW(r.add("GET", "/ping", reply("again")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/config/:other", reply("again")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "nope", reply("x")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/a/:", reply("x")), std::invalid_argument);
    EXPECT_THROW(r.add("GET", "/x", handler{}), std::invalid_argument);
}

TEST_F(RouterTest, HandlerExceptionIs500) {
    r.add("GET", "/boom", [](request&) -> response { throw std::runtime_error("boom"); });
    r.add("GET", "/boom2", [](request&) -> response { throw 42; });
    for (auto path : {"/boom", "/boom2"}) {
        auto res = go("GET", path);
        EXPECT_EQ(res.status, 500);
        EXPECT_EQ(res.body, R"({"message":"INTERNAL_ERROR"})");
    }
}

TEST_F(RouterTest, MiddlewaresRunAsAnOnion) {
    std::vector<std::string> trace;
    auto layer = [&trace](std::string name) {
        return [&trace, name](request& req, const handler& next) {
            trace.push_back(name + ">");
            auto res = next(req);
            trace.push_back("<" + name);
            res.headers.emplace_back("X-Layer", name);
            return res;
        };
    };
    r.use(layer("outer"));
    r.use(layer("inner"));
    r.add("GET", "/trace", [&trace](request&) {
        trace.push_back("handler");
        return response::empty();
    });
    auto res = go("GET", "/trace");
    EXPECT_EQ(trace, (std::vector<std::string>{"outer>", "inner>", "handler", "<inner", "<outer"}));
    // the innermost layer adds its header first
    ASSERT_EQ(res.headers.size(), 3u);
    EXPECT_EQ(res.headers[1].second, "inner");
    EXPECT_EQ(res.headers[2].second, "outer");

    trace.clear();
    EXPECT_EQ(go("GET", "/nope").status, 404);  // built-in results are wrapped too
    EXPECT_EQ(trace, (std::vector<std::string>{"outer>", "inner>", "<inner", "<outer"}));
}

TEST_F(RouterTest, MiddlewareCanShortCircuitAndSeesExceptionsAs500) {
    r.use([](request& req, const handler& next) {
        if (req.header("X-Deny")) return response::error(403, "DENIED");
        return next(req);
    });
    int seen_status = 0;
    r.use([&seen_status](request& req, const handler& next) {
        auto res = next(req);
        seen_status = res.status;
        return res;
    });
    r.add("GET", "/boom", [](request&) -> response { throw std::runtime_error("x"); });
    auto req = make("GET", "/ping");
    req.headers.emplace_back("x-deny", "1");
    EXPECT_EQ(r.dispatch(req).status, 403);
    EXPECT_EQ(go("GET", "/boom").status, 500);
    EXPECT_EQ(seen_status, 500);  // the handler's exception became a 500 inside the chain
}

TEST_F(RouterTest, ThrowingMiddlewareIs500) {
    r.use([](request&, const handler&) -> response { throw std::logic_error("bad"); });
    auto res = go("GET", "/ping");
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.body, R"({"message":"INTERNAL_ERROR"})");
}

TEST_F(RouterTest, RejectRunsMiddlewaresAroundAFixedResult) {
    std::vector<int> seen;
    r.use([&seen](request& req, const handler& next) {
        auto res = next(req);
        seen.push_back(res.status);
        return res;
    });
    auto req = make("POST", "/pub");
    auto res = r.reject(req, response::error(413, "MSG_TOO_BIG"));
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.body, R"({"message":"MSG_TOO_BIG"})");
    EXPECT_EQ(seen, std::vector<int>{413});
}

}  // namespace
}  // namespace nsqpp::http
