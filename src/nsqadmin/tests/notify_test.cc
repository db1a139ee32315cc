// Notification bodies and endpoint URLs (spec/nsqadmin.md §8).
#include "nsqadmin/notify.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace nsqpp::nsqadmin {
namespace {

TEST(nsqadmin_notify, endpoint_url_parsing) {
    auto u = parse_endpoint_url("http://127.0.0.1:4151/pub?topic=admin_actions");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 4151);
    EXPECT_EQ(u->target, "/pub?topic=admin_actions");
    EXPECT_FALSE(u->tls);
    auto s = parse_endpoint_url("https://[::1]/x");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->host, "::1");
    EXPECT_EQ(s->port, 443);
    EXPECT_TRUE(s->tls);
    EXPECT_EQ(parse_endpoint_url("http://h")->target, "/");
    EXPECT_FALSE(parse_endpoint_url("ftp://h/"));
    EXPECT_FALSE(parse_endpoint_url("http://h:99999/"));
    EXPECT_FALSE(parse_endpoint_url("http://:80/"));
}

TEST(nsqadmin_notify, body_fields_and_omitted_empties) {
    http::request req;
    req.path = "/api/topics/t1/c1";
    req.raw_query = "a=b";
    req.remote_address = "127.0.0.1:48706";
    req.headers = {{"Host", "admin.example"},
                   {"User-Agent", "curl/7.88.1"},
                   {"X-Scheme", "https"},
                   {"Authorization", "Basic Ym9iOnB3"}};
    auto o = boost::json::parse(notification_json("pause_channel", "t1", "c1", "", req, 1795594529))
                 .as_object();
    EXPECT_EQ(o.at("action").as_string(), "pause_channel");
    EXPECT_EQ(o.at("channel").as_string(), "c1");
    EXPECT_FALSE(o.contains("node"));
    EXPECT_EQ(o.at("timestamp").as_int64(), 1795594529);
    EXPECT_EQ(o.at("user").as_string(), "bob");
    EXPECT_EQ(o.at("remote_ip").as_string(), "127.0.0.1:48706");
    EXPECT_EQ(o.at("url").as_string(), "https://admin.example/api/topics/t1/c1?a=b");
    req.headers = {{"Host", "h"}};
    auto p = boost::json::parse(notification_json("delete_topic", "t", "", "", req, 1)).as_object();
    EXPECT_FALSE(p.contains("channel"));
    EXPECT_FALSE(p.contains("user"));
    EXPECT_EQ(p.at("user_agent").as_string(), "");
    EXPECT_EQ(p.at("url").as_string(), "http://h/api/topics/t1/c1?a=b");
}

}  // namespace
}  // namespace nsqpp::nsqadmin
