#include "tools/http_publish.h"

#include <gtest/gtest.h>

#include "tools/record_reader.h"

namespace nsqpp::tools {
namespace {

TEST(HttpPublish, ParseUrl) {
    auto u = parse_http_url("http://127.0.0.1:8080/a/b?x=1");
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->tls);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->target, "/a/b?x=1");
    u = parse_http_url("https://example.com?q");
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->port, 443);
    EXPECT_EQ(u->target, "/?q");
    u = parse_http_url("http://[::1]:1/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_FALSE(parse_http_url("ftp://x/"));
    EXPECT_FALSE(parse_http_url("http://:80/"));
    EXPECT_FALSE(parse_http_url("http://h:99999/"));
}

TEST(HttpPublish, GetTemplate) {
    EXPECT_EQ(count_percent_s("http://h/?m=%s"), 1);
    EXPECT_EQ(count_percent_s("http://h/?m=%s&n=%s"), 2);
    EXPECT_EQ(count_percent_s("http://h/"), 0);
    EXPECT_EQ(expand_get_template("http://h/?m=%s&p=100%%", "a b&c/é"),
              "http://h/?m=a+b%26c%2F%C3%A9&p=100%");
}

TEST(HttpPublish, CustomHeaders) {
    auto h = parse_custom_headers({"X-A: 1", " X-B :two: three "});
    ASSERT_TRUE(h);
    ASSERT_EQ(h->size(), 2u);
    EXPECT_EQ((*h)[0], (std::pair<std::string, std::string>{"X-A", "1"}));
    EXPECT_EQ((*h)[1], (std::pair<std::string, std::string>{"X-B", "two: three"}));
    EXPECT_FALSE(parse_custom_headers({"novalue"}));
    EXPECT_FALSE(parse_custom_headers({"X-A:  "}));
    EXPECT_FALSE(parse_custom_headers({": v"}));
}

TEST(RecordSplitter, SplitsAcrossChunksAndSkipsEmpty) {
    std::vector<std::string> got;
    auto emit = [&](const std::string& r) { got.push_back(r); };
    record_splitter s('\n');
    s.feed("a\n\nbc", emit);
    s.feed("d\ne", emit);
    s.finish(emit);
    EXPECT_EQ(got, (std::vector<std::string>{"a", "bcd", "e"}));
    got.clear();
    record_splitter comma(',');
    comma.feed("x,y,", emit);
    comma.finish(emit);
    EXPECT_EQ(got, (std::vector<std::string>{"x", "y"}));
}

TEST(TokenBucket, LimitsRate) {
    auto t0 = token_bucket::clock::now();
    token_bucket b(10, t0);
    EXPECT_EQ(b.take(t0), token_bucket::clock::duration::zero());  // starts with one token
    auto wait = b.take(t0);
    EXPECT_NEAR(std::chrono::duration<double>(wait).count(), 0.1, 1e-6);
    // after a long pause the bucket holds at most `rate` tokens
    auto later = t0 + std::chrono::seconds(10);
    int free = 0;
    while (b.take(later) == token_bucket::clock::duration::zero()) ++free;
    EXPECT_EQ(free, 10);
}

}  // namespace
}  // namespace nsqpp::tools
