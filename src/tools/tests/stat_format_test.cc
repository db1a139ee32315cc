#include "tools/stat_format.h"

#include <gtest/gtest.h>

namespace nsqpp::tools {
namespace {

TEST(StatFormat, HeaderMatchesNsq) {
    EXPECT_EQ(stat_header(),
              "------rate------+----------------depth----------------+--------------metadata"
              "---------------\n"
              "ingress  egress |   total     mem    disk inflt   def |     req     t-o         "
              "msgs clients\n");
}

TEST(StatFormat, RowColumnsAndRates) {
    channel_counters prev;
    prev.message_count = 10;
    prev.depth = 4;
    channel_counters cur;
    cur.message_count = 30;
    cur.depth = 8;
    cur.backend_depth = 3;
    cur.in_flight_count = 2;
    cur.deferred_count = 1;
    cur.requeue_count = 5;
    cur.timeout_count = 6;
    cur.client_count = 7;
    // ingress = 20 / 2 s = 10; egress = (20 - 4) / 2 = 8
    EXPECT_EQ(stat_row(prev, cur, 2.0),
              "     10       8 |       8       5       3     2     1 |       5       6           "
              "30       7\n");
}

TEST(StatFormat, RatesTruncate) {
    channel_counters prev, cur;
    cur.message_count = 5;
    EXPECT_EQ(stat_row(prev, cur, 2.0).substr(0, 16), "      2       2 ");
}

TEST(StatFormat, FindChannelInStatsJson) {
    const char* body = R"({"version":"1.3.0","topics":[
        {"topic_name":"other","channels":[{"channel_name":"c","depth":99}]},
        {"topic_name":"t","channels":[
          {"channel_name":"x","depth":1},
          {"channel_name":"c","depth":4,"backend_depth":1,"in_flight_count":2,
           "deferred_count":3,"message_count":9,"requeue_count":5,"timeout_count":6,
           "client_count":1,"clients":null}]}]})";
    auto c = find_channel(body, "t", "c");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->depth, 4);
    EXPECT_EQ(c->backend_depth, 1);
    EXPECT_EQ(c->in_flight_count, 2);
    EXPECT_EQ(c->deferred_count, 3);
    EXPECT_EQ(c->message_count, 9);
    EXPECT_EQ(c->requeue_count, 5);
    EXPECT_EQ(c->timeout_count, 6);
    EXPECT_EQ(c->client_count, 1);
    EXPECT_FALSE(find_channel(body, "t", "missing").has_value());
    EXPECT_FALSE(find_channel(R"({"topics":null})", "t", "c").has_value());
    EXPECT_THROW(find_channel("not json", "t", "c"), std::runtime_error);
}

TEST(StatFormat, CountersAdd) {
    channel_counters a, b;
    a.depth = 1;
    a.client_count = 2;
    b.depth = 3;
    b.client_count = 4;
    a += b;
    EXPECT_EQ(a.depth, 4);
    EXPECT_EQ(a.client_count, 6);
}

}  // namespace
}  // namespace nsqpp::tools
