// nsqadmin's admin actions (spec/nsqadmin.md §6): each one checked by what nsqd's /stats and
// nsqlookupd show afterwards.
#include <gmock/gmock.h>

#include "tests/integration/nsqadmin/admin_cluster.h"

namespace nsqpp::nsqadmin_test {
namespace {
namespace json = boost::json;

bool paused(const json::value& v) { return v.is_object() && v.as_object().at("paused").as_bool(); }
int64_t depth(const json::value& v) {
    return v.is_object() ? v.as_object().at("depth").to_number<int64_t>() : -1;
}

class nsqadmin_actions : public admin_cluster {
  protected:
    void SetUp() override {
        admin_cluster::SetUp();
        start_admin_with();
    }
    bool lookupd_has_topic(const std::string& t) {
        auto ts = cluster_test::topics(lookupd_->http_port());
        return std::find(ts.begin(), ts.end(), t) != ts.end();
    }
};

TEST_F(nsqadmin_actions, create_topic_and_channel_through_lookupd) {
    auto r = post("/api/topics", R"({"topic":"fresh"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"message":""})");
    EXPECT_TRUE(lookupd_has_topic("fresh"));

    create_on(0, "made");  // producers get the new channel directly
    r = post("/api/topics", R"({"topic":"made","channel":"new_ch"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_THAT(cluster_test::channels(lookupd_->http_port(), "made"),
                ::testing::Contains("new_ch"));
    EXPECT_TRUE(nsqd_channel(0, "made", "new_ch").is_object());
}

TEST_F(nsqadmin_actions, create_validates_body_and_names) {
    EXPECT_EQ(post("/api/topics", "").message(), "EOF");
    EXPECT_EQ(post("/api/topics", "").status, 400);
    EXPECT_EQ(post("/api/topics", "nope").status, 400);
    auto bad = post("/api/topics", R"({"topic":"bad topic!"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.message(), "INVALID_TOPIC");
    auto badc = post("/api/topics", R"({"topic":"ok","channel":"no/way"})");
    EXPECT_EQ(badc.status, 400);
    EXPECT_EQ(badc.message(), "INVALID_CHANNEL");
}

TEST_F(nsqadmin_actions, pause_unpause_and_empty_a_topic_on_every_node) {
    create_on(0, "pt", "c");
    create_on(1, "pt", "c");
    publish(1, "pt", "1");
    auto r = post("/api/topics/pt", R"({"action":"pause"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(paused(nsqd_topic(0, "pt")));
    EXPECT_TRUE(paused(nsqd_topic(1, "pt")));
    EXPECT_TRUE(get("/api/topics/pt").obj().at("paused").as_bool());

    ASSERT_EQ(post("/api/topics/pt", R"({"action":"unpause"})").status, 200);
    EXPECT_FALSE(paused(nsqd_topic(0, "pt")));
    EXPECT_FALSE(paused(nsqd_topic(1, "pt")));

    // Empty the topic while it is paused so messages stay in the topic queue.
    ASSERT_EQ(post("/api/topics/pt", R"({"action":"pause"})").status, 200);
    publish(0, "pt", "2");
    publish(0, "pt", "3");
    EXPECT_EQ(depth(nsqd_topic(0, "pt")), 2);
    ASSERT_EQ(post("/api/topics/pt", R"({"action":"empty"})").status, 200);
    EXPECT_EQ(depth(nsqd_topic(0, "pt")), 0);
}

TEST_F(nsqadmin_actions, pause_unpause_and_empty_a_channel) {
    create_on(0, "ct", "work");
    create_on(1, "ct", "work");
    publish(0, "ct", "1");
    publish(1, "ct", "2");
    ASSERT_EQ(post("/api/topics/ct/work", R"({"action":"pause"})").status, 200);
    EXPECT_TRUE(paused(nsqd_channel(0, "ct", "work")));
    EXPECT_TRUE(paused(nsqd_channel(1, "ct", "work")));
    EXPECT_TRUE(get("/api/topics/ct/work").obj().at("paused").as_bool());
    ASSERT_EQ(post("/api/topics/ct/work", R"({"action":"unpause"})").status, 200);
    EXPECT_FALSE(paused(nsqd_channel(1, "ct", "work")));
    EXPECT_EQ(depth(nsqd_channel(0, "ct", "work")), 1);
    ASSERT_EQ(post("/api/topics/ct/work", R"({"action":"empty"})").status, 200);
    EXPECT_EQ(depth(nsqd_channel(0, "ct", "work")), 0);
    EXPECT_EQ(depth(nsqd_channel(1, "ct", "work")), 0);
}

TEST_F(nsqadmin_actions, invalid_action_is_rejected) {
    create_on(0, "ia");
    auto r = post("/api/topics/ia", R"({"action":"explode"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.message(), "INVALID_ACTION");
    EXPECT_EQ(post("/api/topics/ia/c", R"({"action":""})").message(), "INVALID_ACTION");
}

TEST_F(nsqadmin_actions, delete_channel_everywhere) {
    create_on(0, "dc", "gone");
    create_on(1, "dc", "gone");
    auto r = del("/api/topics/dc/gone");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(nsqd_channel(0, "dc", "gone").is_null());
    EXPECT_TRUE(nsqd_channel(1, "dc", "gone").is_null());
    EXPECT_THAT(cluster_test::channels(lookupd_->http_port(), "dc"),
                ::testing::Not(::testing::Contains("gone")));
}

TEST_F(nsqadmin_actions, delete_topic_everywhere) {
    create_on(0, "dt", "c");
    create_on(1, "dt");
    auto r = del("/api/topics/dt");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(nsqd_topic(0, "dt").is_null());
    EXPECT_TRUE(nsqd_topic(1, "dt").is_null());
    EXPECT_TRUE(eventually([&] { return !lookupd_has_topic("dt"); }));
}

TEST_F(nsqadmin_actions, tombstone_topic_producer_deletes_it_from_that_node_only) {
    create_on(0, "tomb");
    create_on(1, "tomb");
    auto r = del("/api/nodes/" + node_id(0), R"({"topic":"tomb"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(nsqd_topic(0, "tomb").is_null());
    EXPECT_TRUE(nsqd_topic(1, "tomb").is_object());
    EXPECT_EQ(cluster_test::lookup_keys(lookupd_->http_port(), "tomb"),
              (std::set<std::string>{cluster_test::producer_key(*nsqds_[1])}));

    EXPECT_EQ(del("/api/nodes/" + node_id(1), "junk").message(), "INVALID_BODY");
    EXPECT_EQ(del("/api/nodes/" + node_id(1), R"({"topic":"b@d"})").message(), "INVALID_TOPIC");
}

TEST_F(nsqadmin_actions, action_on_a_topic_unknown_to_lookupd_is_an_upstream_error) {
    auto r = post("/api/topics/nowhere", R"({"action":"pause"})");
    EXPECT_EQ(r.status, 502);
    EXPECT_THAT(r.message(),
                ::testing::StartsWith("UPSTREAM_ERROR: failed to query any nsqlookupd: "
                                      "got response 404 Not Found"));
}

}  // namespace
}  // namespace nsqpp::nsqadmin_test
