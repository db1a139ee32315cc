#include "http/url.h"

#include <gtest/gtest.h>

#include "http/request.h"

namespace nsqpp::http {
namespace {

using kv = std::vector<std::pair<std::string, std::string>>;

TEST(Url, UnescapePathKeepsPlus) {
    EXPECT_EQ(unescape_path("/a%20b+c"), "/a b+c");
    EXPECT_EQ(unescape_path("/%2F%2f"), "///");
    EXPECT_EQ(unescape_path("/bad%zz"), std::nullopt);
    EXPECT_EQ(unescape_path("/bad%2"), std::nullopt);
    EXPECT_EQ(unescape_path("/bad%"), std::nullopt);
}

TEST(Url, UnescapeQueryDecodesPlus) {
    EXPECT_EQ(unescape_query("a+b%2Bc"), "a b+c");
    EXPECT_EQ(unescape_query("%e2%82%ac"), "\xe2\x82\xac");
    EXPECT_EQ(unescape_query("%g0"), std::nullopt);
}

TEST(Url, ParseQueryKeepsOrderAndDuplicates) {
    kv out;
    EXPECT_TRUE(parse_query("topic=a&topic=b&x&=v&&y=1=2", out));
    EXPECT_EQ(out, (kv{{"topic", "a"}, {"topic", "b"}, {"x", ""}, {"", "v"}, {"y", "1=2"}}));
}

TEST(Url, ParseQueryRejectsBadEscapeButKeepsGoodPairs) {
    kv out;
    EXPECT_FALSE(parse_query("a=1&b=%zz&c=3", out));
    EXPECT_EQ(out, (kv{{"a", "1"}, {"c", "3"}}));
}

TEST(Url, ParseQueryRejectsSemicolons) {
    kv out;
    EXPECT_FALSE(parse_query("a=1;b=2&c=3", out));
    EXPECT_EQ(out, (kv{{"c", "3"}}));
}

TEST(Url, ParseTargetOriginForm) {
    request req;
    ASSERT_TRUE(parse_target("/pub%20x?topic=t%21&defer=1", req));
    EXPECT_EQ(req.path, "/pub x");
    EXPECT_EQ(req.raw_query, "topic=t%21&defer=1");
    EXPECT_TRUE(req.query_valid);
    EXPECT_EQ(req.query_value("topic"), "t!");
}

TEST(Url, ParseTargetAbsoluteForm) {
    request req;
    ASSERT_TRUE(parse_target("http://example.com:4151/stats?format=json", req));
    EXPECT_EQ(req.path, "/stats");
    EXPECT_EQ(req.query_value("format"), "json");
}

TEST(Url, ParseTargetRejectsBadPathAndControlChars) {
    request req;
    EXPECT_FALSE(parse_target("/a%zz", req));
    EXPECT_FALSE(parse_target("/a\x01", req));
    EXPECT_FALSE(parse_target("relative", req));
    EXPECT_TRUE(parse_target("/ok?q=%zz", req));  // a bad query is the handler's business
    EXPECT_FALSE(req.query_valid);
}

TEST(Url, CleanPathLikeHttprouter) {
    EXPECT_EQ(clean_path(""), "/");
    EXPECT_EQ(clean_path("/"), "/");
    EXPECT_EQ(clean_path("//a//b"), "/a/b");
    EXPECT_EQ(clean_path("/a/b/"), "/a/b/");
    EXPECT_EQ(clean_path("/a/./b/."), "/a/b/");
    EXPECT_EQ(clean_path("/a/../b"), "/b");
    EXPECT_EQ(clean_path("/a/b/.."), "/a");
    EXPECT_EQ(clean_path("/../a"), "/a");
    EXPECT_EQ(clean_path("a/b"), "/a/b");
}

TEST(Url, EscapePathLikeGo) {
    EXPECT_EQ(escape_path("/a b/c+d:e@f"), "/a%20b/c+d:e@f");
    EXPECT_EQ(escape_path("/x?y#z!"), "/x%3Fy%23z%21");
    EXPECT_EQ(escape_path("/\xe2\x82\xac"), "/%E2%82%AC");
}

TEST(Json, QuoteEscapesLikeGo) {
    EXPECT_EQ(json_quote("MSG_TOO_BIG"), "\"MSG_TOO_BIG\"");
    EXPECT_EQ(json_quote("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
    EXPECT_EQ(json_quote("<&>"), "\"\\u003c\\u0026\\u003e\"");
    EXPECT_EQ(json_quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
    EXPECT_EQ(json_quote("\xe2\x80\xa8"), "\"\\u2028\"");
    EXPECT_EQ(json_quote("a\xffz"), "\"a\\ufffdz\"");
    EXPECT_EQ(json_quote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(Response, Helpers) {
    auto t = response::text(200, "OK");
    EXPECT_EQ(t.header("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(t.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    auto p = response::plain(500, "NOK - x");
    EXPECT_EQ(p.status, 500);
    EXPECT_EQ(p.header("X-NSQ-Content-Type"), std::nullopt);
    auto j = response::json(200, "{}");
    EXPECT_EQ(j.header("Content-Type"), "application/json; charset=utf-8");
    auto e = response::empty();
    EXPECT_EQ(e.status, 200);
    EXPECT_TRUE(e.body.empty());
    EXPECT_EQ(e.header("Content-Type"), std::nullopt);
    EXPECT_EQ(e.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    auto err = response::error(400, "MISSING_ARG_TOPIC");
    EXPECT_EQ(err.status, 400);
    EXPECT_EQ(err.body, R"({"message":"MISSING_ARG_TOPIC"})");
    EXPECT_EQ(err.header("content-type"), "application/json; charset=utf-8");
    err.set_header("content-type", "x");
    EXPECT_EQ(err.header("Content-Type"), "x");
    EXPECT_EQ(std::count_if(err.headers.begin(), err.headers.end(),
                            [](auto& h) { return iequals(h.first, "Content-Type"); }),
              1);
}

TEST(Request, Accessors) {
    request req;
    req.query = {{"a", "1"}, {"a", "2"}};
    req.headers = {{"X-Thing", "v"}};
    req.params = {{"opt", "log_level"}};
    EXPECT_EQ(req.query_value("a"), "1");
    EXPECT_EQ(req.query_value("b"), std::nullopt);
    EXPECT_EQ(req.header("x-thing"), "v");
    EXPECT_EQ(req.param("opt"), "log_level");
    EXPECT_EQ(req.param("other"), std::nullopt);
}

}  // namespace
}  // namespace nsqpp::http
