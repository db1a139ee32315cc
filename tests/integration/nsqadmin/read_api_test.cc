// nsqadmin's read API (spec/nsqadmin.md §5) over a real lookupd + 2 nsqd cluster.
#include <gmock/gmock.h>

#include "tests/integration/nsqadmin/admin_cluster.h"
#include "tests/support/raw_client.h"

namespace nsqpp::nsqadmin_test {
namespace {
namespace json = boost::json;

int64_t i64(const json::object& o, const char* key) { return o.at(key).to_number<int64_t>(); }
std::string s(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

class nsqadmin_read_api : public admin_cluster {};

TEST_F(nsqadmin_read_api, topics_lists_the_union_of_lookupd_topics_sorted) {
    start_admin_with();
    auto empty = get("/api/topics");
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_EQ(empty.body, R"({"topics":null,"message":""})");
    create_on(0, "zeta");
    create_on(1, "alpha");
    auto r = get("/api/topics");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"topics":["alpha","zeta"],"message":""})");
    EXPECT_EQ(r.status, 200);
}

TEST_F(nsqadmin_read_api, topic_detail_aggregates_both_nodes) {
    start_admin_with();
    create_on(0, "orders", "billing");
    create_on(1, "orders", "billing");
    publish(0, "orders", "a");
    publish(0, "orders", "b");
    publish(1, "orders", "c");
    auto r = get("/api/topics/orders");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& o = r.obj();
    EXPECT_EQ(s(o, "node"), "*");
    EXPECT_EQ(s(o, "topic_name"), "orders");
    EXPECT_EQ(i64(o, "message_count"), 3);
    ASSERT_EQ(o.at("nodes").as_array().size(), 2u);
    std::set<std::string> nodes;
    for (const auto& n : o.at("nodes").as_array()) {
        nodes.insert(s(n.as_object(), "node"));
        EXPECT_EQ(s(n.as_object(), "topic_name"), "orders");
    }
    EXPECT_EQ(nodes, (std::set<std::string>{node_id(0), node_id(1)}));
    ASSERT_EQ(o.at("channels").as_array().size(), 1u);
    const auto& ch = o.at("channels").as_array()[0].as_object();
    EXPECT_EQ(s(ch, "channel_name"), "billing");
    EXPECT_EQ(i64(ch, "depth"), 3);
    EXPECT_EQ(i64(ch, "memory_depth"), 3);
    EXPECT_EQ(i64(ch, "message_count"), 3);
    EXPECT_EQ(o.at("paused").as_bool(), false);
    EXPECT_TRUE(o.at("e2e_processing_latency").is_object());
    EXPECT_EQ(r.message(), "");
}

TEST_F(nsqadmin_read_api, topic_without_producers_is_an_upstream_error) {
    start_admin_with();
    ASSERT_EQ(cluster_test::post(lookupd_->http_port(), "/topic/create?topic=ghost").status, 200);
    auto r = get("/api/topics/ghost");
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.message(), "UPSTREAM_ERROR: failed to query any nsqd: ");
}

TEST_F(nsqadmin_read_api, channel_detail_includes_client_connections) {
    start_admin_with();
    create_on(0, "events", "archive");
    create_on(1, "events", "archive");
    publish(1, "events", "x");
    auto consumer = test::subscribe(nsqds_[1]->tcp_port(), "events", "archive", 1);
    ASSERT_TRUE(consumer.read_message().has_value());
    api_reply r;
    ASSERT_TRUE(eventually([&] {
        r = get("/api/topics/events/archive");
        return r.status == 200 && i64(r.obj(), "client_count") == 1 &&
               i64(r.obj(), "in_flight_count") == 1;
    })) << r.body;
    const auto& o = r.obj();
    EXPECT_EQ(s(o, "channel_name"), "archive");
    EXPECT_EQ(o.at("nodes").as_array().size(), 2u);
    ASSERT_EQ(o.at("clients").as_array().size(), 1u);
    const auto& c = o.at("clients").as_array()[0].as_object();
    EXPECT_EQ(s(c, "node"), node_id(1));
    EXPECT_EQ(i64(c, "in_flight_count"), 1);
    EXPECT_EQ(i64(c, "ready_count"), 1);
    EXPECT_TRUE(c.contains("connected"));
    EXPECT_THAT(s(c, "remote_address"), ::testing::StartsWith("127.0.0.1:"));
}

TEST_F(nsqadmin_read_api, unknown_channel_answers_only_the_message) {
    start_admin_with();
    create_on(0, "events");
    auto r = get("/api/topics/events/nope");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"message":""})");
}

TEST_F(nsqadmin_read_api, nodes_lists_both_nsqd_with_their_topics) {
    start_admin_with();
    create_on(0, "t_b");
    create_on(0, "t_a");
    auto r = get("/api/nodes");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& nodes = r.obj().at("nodes").as_array();
    ASSERT_EQ(nodes.size(), 2u);
    bool saw_topics = false;
    for (const auto& nv : nodes) {
        const auto& n = nv.as_object();
        EXPECT_EQ(s(n, "broadcast_address"), "127.0.0.1");
        ASSERT_EQ(n.at("remote_addresses").as_array().size(), 1u);
        EXPECT_THAT(
            std::string(n.at("remote_addresses").as_array()[0].as_string()),
            ::testing::StartsWith("127.0.0.1:" + std::to_string(lookupd_->http_port()) + "/"));
        if (i64(n, "http_port") == nsqds_[0]->http_port()) {
            EXPECT_EQ(json::serialize(n.at("topics")),
                      R"([{"topic":"t_a","tombstoned":false},{"topic":"t_b","tombstoned":false}])");
            saw_topics = true;
        }
        EXPECT_EQ(n.at("out_of_date").as_bool(), false);
    }
    EXPECT_TRUE(saw_topics);
}

TEST_F(nsqadmin_read_api, node_detail_and_unknown_node) {
    start_admin_with();
    create_on(1, "nt", "c1");
    publish(1, "nt", "1");
    publish(1, "nt", "2");
    auto consumer = test::subscribe(nsqds_[1]->tcp_port(), "nt", "c1", 0);
    api_reply r;
    ASSERT_TRUE(eventually([&] {
        r = get("/api/nodes/" + node_id(1));
        return r.status == 200 && i64(r.obj(), "total_clients") == 1;
    })) << r.body;
    EXPECT_EQ(s(r.obj(), "node"), node_id(1));
    EXPECT_EQ(i64(r.obj(), "total_messages"), 2);
    ASSERT_EQ(r.obj().at("topics").as_array().size(), 1u);
    const auto& t = r.obj().at("topics").as_array()[0].as_object();
    EXPECT_EQ(s(t, "topic_name"), "nt");
    EXPECT_EQ(t.at("channels").as_array()[0].as_object().at("clients").as_array().size(), 1u);

    auto missing = get("/api/nodes/127.0.0.1:1");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.message(), "NODE_NOT_FOUND");
}

TEST_F(nsqadmin_read_api, counter_reports_message_count_per_topic_channel_node) {
    start_admin_with();
    create_on(0, "ct", "c1");
    create_on(1, "ct", "c1");
    publish(0, "ct", "m");
    publish(1, "ct", "m");
    publish(1, "ct", "m");
    auto r = get("/api/counter");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& stats = r.obj().at("stats").as_object();
    EXPECT_EQ(stats.size(), 2u);
    const auto& one = stats.at("ct:c1:" + node_id(1)).as_object();
    EXPECT_EQ(s(one, "node"), node_id(1));
    EXPECT_EQ(i64(one, "message_count"), 2);
    EXPECT_EQ(i64(stats.at("ct:c1:" + node_id(0)).as_object(), "message_count"), 1);
}

TEST_F(nsqadmin_read_api, inactive_topics_are_those_without_producers) {
    start_admin_with();
    create_on(0, "live");
    ASSERT_EQ(
        cluster_test::post(lookupd_->http_port(), "/channel/create?topic=idle&channel=c9").status,
        200);
    auto r = get("/api/topics?inactive=true");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"topics":{"idle":["c9"]},"message":""})");
}

TEST_F(nsqadmin_read_api, history_records_polled_samples) {
    nsqadmin::options o;
    o.history_interval = 100ms;
    start_admin_with(o);
    create_on(0, "hist", "c");
    publish(0, "hist", "1");
    api_reply r;
    ASSERT_TRUE(eventually([&] {
        r = get("/api/history?topic=hist");
        return r.status == 200 && r.obj().at("points").as_array().size() >= 2;
    })) << r.body;
    const auto& p = r.obj().at("points").as_array().back().as_object();
    EXPECT_EQ(i64(p, "message_count"), 1);
    EXPECT_EQ(s(r.obj(), "series"), "topic:hist");
    auto cluster = get("/api/history");
    EXPECT_FALSE(cluster.obj().at("points").as_array().empty());
    auto node = get("/api/history?node=" + node_id(0));
    EXPECT_FALSE(node.obj().at("points").as_array().empty()) << node.body;
}

}  // namespace
}  // namespace nsqpp::nsqadmin_test
