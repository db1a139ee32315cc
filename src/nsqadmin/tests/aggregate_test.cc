// Stats aggregation (spec/nsqadmin.md §4.6) on hand-written nsqd /stats answers.
#include "nsqadmin/aggregate.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "nsqadmin/history.h"

namespace nsqpp::nsqadmin {
namespace {
namespace json = boost::json;

node_stats node(const std::string& host, int64_t port, const std::string& stats) {
    node_stats s;
    s.node.hostname = host;
    s.node.broadcast_address = "10.0.0.1";
    s.node.http_port = port;
    s.stats = json::parse(stats).as_object();
    return s;
}

const char* stats_a =
    R"({"topics":[{"topic_name":"t","depth":5,"backend_depth":2,"message_count":10,
 "paused":false,"channels":[{"channel_name":"c","depth":3,"backend_depth":1,"in_flight_count":1,
 "deferred_count":0,"message_count":10,"requeue_count":2,"timeout_count":1,"client_count":1,
 "clients":[{"client_id":"x","hostname":"zhost","remote_address":"1.2.3.4:5","connect_ts":100,
 "ready_count":4,"in_flight_count":1,"message_count":10,"finish_count":9,"requeue_count":0}],
 "paused":true,"e2e_processing_latency":{"count":2,"percentiles":[{"quantile":0.99,"value":100}]}}],
 "e2e_processing_latency":{"count":2,"percentiles":[{"quantile":0.99,"value":100}]}},
 {"topic_name":"other","depth":0,"backend_depth":0,"message_count":0,"paused":false,"channels":[],
 "e2e_processing_latency":{"count":0,"percentiles":null}}]})";
const char* stats_b = R"({"topics":[{"topic_name":"t","depth":1,"backend_depth":0,"message_count":4,
 "paused":false,"channels":[{"channel_name":"c","depth":1,"backend_depth":0,"in_flight_count":0,
 "deferred_count":2,"message_count":4,"requeue_count":0,"timeout_count":0,"client_count":1,
 "clients":[{"client_id":"y","hostname":"ahost","remote_address":"1.2.3.4:6","connect_ts":90}],
 "paused":false,"e2e_processing_latency":{"count":6,"percentiles":[{"quantile":0.99,"value":300}]}}],
 "e2e_processing_latency":{"count":6,"percentiles":[{"quantile":0.99,"value":300}]}}]})";

TEST(nsqadmin_aggregate, topic_sums_counters_across_nodes) {
    std::vector<node_stats> nodes{node("h2", 4151, stats_a), node("h1", 4152, stats_b)};
    json::object t = aggregate_topic("t", nodes, 200);
    EXPECT_EQ(t.at("node").as_string(), "*");
    EXPECT_EQ(t.at("depth").as_int64(), 6);
    EXPECT_EQ(t.at("memory_depth").as_int64(), 4);
    EXPECT_EQ(t.at("backend_depth").as_int64(), 2);
    EXPECT_EQ(t.at("message_count").as_int64(), 14);
    const auto& per_node = t.at("nodes").as_array();
    ASSERT_EQ(per_node.size(), 2u);
    EXPECT_EQ(per_node[0].as_object().at("hostname").as_string(), "h1");  // sorted by hostname
    EXPECT_EQ(per_node[0].as_object().at("node").as_string(), "10.0.0.1:4152");
    const auto& c = t.at("channels").as_array().at(0).as_object();
    EXPECT_EQ(c.at("depth").as_int64(), 4);
    EXPECT_EQ(c.at("in_flight_count").as_int64(), 1);
    EXPECT_EQ(c.at("deferred_count").as_int64(), 2);
    EXPECT_EQ(c.at("requeue_count").as_int64(), 2);
    EXPECT_EQ(c.at("client_count").as_int64(), 2);
    EXPECT_TRUE(c.at("paused").as_bool());  // paused on one node
    const auto& e2e = t.at("e2e_processing_latency").as_object();
    EXPECT_EQ(e2e.at("count").as_int64(), 8);
    EXPECT_EQ(e2e.at("host").as_string(), "*");
    const auto& p = e2e.at("percentiles").as_array().at(0).as_object();
    EXPECT_EQ(p.at("max").as_int64(), 300);
    EXPECT_EQ(p.at("min").as_int64(), 100);
    EXPECT_EQ(p.at("average").as_int64(), 250);  // (100*2 + 300*6) / 8
}

TEST(nsqadmin_aggregate, channel_has_clients_sorted_with_node_and_connected) {
    std::vector<node_stats> nodes{node("h2", 4151, stats_a), node("h1", 4152, stats_b)};
    json::object c = aggregate_channel("t", "c", nodes, 200);
    const auto& clients = c.at("clients").as_array();
    ASSERT_EQ(clients.size(), 2u);
    EXPECT_EQ(clients[0].as_object().at("hostname").as_string(), "ahost");
    EXPECT_EQ(clients[1].as_object().at("node").as_string(), "10.0.0.1:4151");
    EXPECT_EQ(clients[1].as_object().at("connected").as_int64(), 100'000'000'000);
    EXPECT_EQ(clients[1].as_object().at("finish_count").as_int64(), 9);
    EXPECT_TRUE(aggregate_channel("t", "missing", nodes, 200).empty());
}

TEST(nsqadmin_aggregate, node_detail_and_counter) {
    node_stats a = node("h2", 4151, stats_a);
    json::object d = node_detail(a, 200);
    EXPECT_EQ(d.at("node").as_string(), "10.0.0.1:4151");
    EXPECT_EQ(d.at("topics").as_array().size(), 2u);
    EXPECT_EQ(d.at("total_messages").as_int64(), 10);
    EXPECT_EQ(d.at("total_clients").as_int64(), 1);
    json::object counter = counter_stats({a});
    ASSERT_TRUE(counter.contains("t:c:10.0.0.1:4151"));
    EXPECT_EQ(counter.at("t:c:10.0.0.1:4151").as_object().at("message_count").as_int64(), 10);
}

TEST(nsqadmin_aggregate, garbage_stats_do_not_crash) {
    std::vector<node_stats> nodes{node("h", 1, R"({"topics":[1,"x",{"topic_name":"t"}]})"),
                                  node("h", 2, R"({"topics":null})"), node("h", 3, "{}")};
    json::object t = aggregate_topic("t", nodes, 0);
    EXPECT_EQ(t.at("depth").as_int64(), 0);
    EXPECT_TRUE(counter_stats(nodes).empty());
}

TEST(nsqadmin_history, rings_are_bounded_and_rates_computed) {
    history h(3);
    for (int i = 0; i < 5; ++i) {
        std::string s = R"({"topics":[{"topic_name":"t","depth":)" + std::to_string(i) +
                        R"(,"message_count":)" + std::to_string(i * 10) + R"(,"channels":[]}]})";
        h.record(1000 * (i + 1), {node("h", 1, s)});
    }
    auto pts = h.series("topic:t");
    ASSERT_EQ(pts.size(), 3u);
    EXPECT_EQ(pts.back().depth, 4);  // no channels: the topic depth only
    EXPECT_DOUBLE_EQ(pts.back().rate, 10.0);
    EXPECT_EQ(h.series("cluster").size(), 3u);
    EXPECT_EQ(h.series("node:10.0.0.1:1").size(), 3u);
    EXPECT_TRUE(h.series("topic:none").empty());
}

TEST(nsqadmin_history, topic_and_node_depth_include_channels) {
    history h(10);
    h.record(1000, {node("h2", 4151, stats_a)});
    EXPECT_EQ(h.series("topic:t").back().depth, 8);  // topic 5 + channel 3
    EXPECT_EQ(h.series("topic:t").back().in_flight, 1);
    EXPECT_EQ(h.series("channel:t/c").back().depth, 3);
    EXPECT_EQ(h.series("node:10.0.0.1:4151").back().depth, 8);
    EXPECT_EQ(h.series("cluster").back().message_count, 10);
}

}  // namespace
}  // namespace nsqpp::nsqadmin
