// NSQ-aware gateway: members from nsqlookupd /nodes, consistent hash by topic (key → node
// affinity), 30,000 publishes delivered exactly once, mirror mode (every message on two nodes,
// partial failure reported).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "gateway/pool.h"
#include "tests/integration/cluster/cluster.h"
#include "tests/integration/gateway/fixture.h"
#include "tests/support/raw_client.h"

namespace nsqpp::gateway_test {
namespace {

namespace ct = cluster_test;

struct nsq_cluster {
    std::unique_ptr<nsqlookupd::nsqlookupd> lookupd = ct::start_lookupd();
    std::vector<std::unique_ptr<nsqd::nsqd>> nodes;

    explicit nsq_cluster(int n) {
        for (int i = 0; i < n; ++i) add_node();
    }
    void add_node() {
        nodes.push_back(ct::start_nsqd_with({ct::tcp_address(*lookupd)}));
        size_t want = nodes.size();
        EXPECT_TRUE(ct::eventually([&] { return ct::nodes(lookupd->http_port()).size() == want; }));
    }
    std::string lookupd_http() const { return "127.0.0.1:" + std::to_string(lookupd->http_port()); }
    // message_count of `topic` on node i (0 when the topic does not exist there).
    int64_t message_count(size_t i, const std::string& topic) const {
        auto v = ct::get_json(nodes[i]->http_port(), "/stats?format=json&topic=" + topic);
        if (!v || !v->is_object()) return -1;
        const auto* ts = v->as_object().if_contains("topics");
        if (!ts || !ts->is_array()) return 0;
        for (const auto& t : ts->as_array()) {
            const auto& o = t.as_object();
            if (o.at("topic_name").as_string() == topic) return o.at("message_count").as_int64();
        }
        return 0;
    }
};

gateway::gateway_config lookupd_pool(const nsq_cluster& c, std::string balancer,
                                     gateway::pool_mode mode = gateway::pool_mode::proxy) {
    gateway::gateway_config cfg;
    gateway::pool_config p;
    p.name = "nsqd";
    p.balancer = std::move(balancer);
    p.hash_key = "query:topic";
    p.mode = mode;
    p.lookupd.http_addresses = {c.lookupd_http()};
    p.lookupd.interval = 100ms;
    cfg.pools.push_back(p);
    return cfg;
}

// Publishes `per_topic` messages to each topic over `threads` keep-alive connections;
// returns the number of 200 "OK" answers.
int publish_all(uint16_t port, const std::vector<std::string>& topics, int per_topic, int threads) {
    std::atomic<int> ok{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([&, t] {
            client c(port);
            for (size_t i = static_cast<size_t>(t); i < topics.size();
                 i += static_cast<size_t>(threads)) {
                for (int j = 0; j < per_topic; ++j) {
                    auto r = c.request("POST", "/pub?topic=" + topics[i],
                                       topics[i] + "-" + std::to_string(j));
                    if (r && r->status == 200 && r->body == "OK") ++ok;
                }
            }
        });
    }
    for (auto& t : ts) t.join();
    return ok.load();
}

TEST(NsqAware, MembersComeFromLookupdAndFollowIt) {
    nsq_cluster c(2);
    auto g = start_gateway(lookupd_pool(c, "round_robin"));
    auto* p = g->find_pool("nsqd");
    std::set<std::string> want;
    for (const auto& n : c.nodes) want.insert("127.0.0.1:" + std::to_string(n->http_port()));
    auto members = [&] {
        std::set<std::string> out;
        const auto balancer = p->current();  // alive while iterating
        for (const auto& m : balancer->members()) out.insert(m->address());
        return out;
    };
    EXPECT_EQ(members(), want);
    c.add_node();
    want.insert("127.0.0.1:" + std::to_string(c.nodes.back()->http_port()));
    EXPECT_TRUE(eventually([&] { return members() == want; }));
    want.erase("127.0.0.1:" + std::to_string(c.nodes.front()->http_port()));
    c.nodes.front()->stop();
    EXPECT_TRUE(eventually([&] { return members() == want; }, 20s));
}

TEST(NsqAware, ThirtyThousandPublishesHashedByTopicAreDeliveredExactlyOnce) {
    nsq_cluster c(3);
    auto g = start_gateway(lookupd_pool(c, "consistent_hash"), 2);
    ASSERT_EQ(g->find_pool("nsqd")->current()->members().size(), 3u);
    std::vector<std::string> topics;
    for (int i = 0; i < 30; ++i) topics.push_back("gw_topic_" + std::to_string(i));
    EXPECT_EQ(publish_all(g->http_port(), topics, 1000, 6), 30000);

    int64_t total = 0;
    std::set<size_t> nodes_used;
    for (const auto& t : topics) {
        int holders = 0;
        int64_t sum = 0;
        for (size_t i = 0; i < c.nodes.size(); ++i) {
            int64_t n = c.message_count(i, t);
            if (n > 0) {
                ++holders;
                nodes_used.insert(i);
            }
            sum += n;
        }
        EXPECT_EQ(sum, 1000) << t;
        EXPECT_EQ(holders, 1) << t << ": a topic's messages all go to one node";
        total += sum;
    }
    EXPECT_EQ(total, 30000);
    EXPECT_GE(nodes_used.size(), 2u) << "topics spread over the nodes";
}

TEST(NsqAware, MirrorModePutsEveryMessageOnTwoNodes) {
    nsq_cluster c(3);
    auto g = start_gateway(lookupd_pool(c, "round_robin", gateway::pool_mode::mirror), 2);
    const int n = 1500;
    std::vector<test::raw_client> subs;
    for (const auto& node : c.nodes)
        subs.push_back(test::subscribe(node->tcp_port(), "mirrored", "ch", 2500));
    client cl(g->http_port());
    for (int i = 0; i < n; ++i) {
        auto r = cl.request("POST", "/pub?topic=mirrored", "m-" + std::to_string(i));
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body;
        EXPECT_EQ(r->body, "OK");
        EXPECT_NE(r->header("x-nsqgw-mirror"), "");
    }
    int64_t total = 0;
    for (size_t i = 0; i < c.nodes.size(); ++i) total += c.message_count(i, "mirrored");
    EXPECT_EQ(total, 2 * n);
    std::map<std::string, std::set<size_t>> where;
    for (size_t i = 0; i < subs.size(); ++i) {
        for (const auto& body : ct::drain(subs[i], 1500ms)) {
            EXPECT_TRUE(where[body].insert(i).second) << body << " twice on node " << i;
        }
    }
    ASSERT_EQ(where.size(), static_cast<size_t>(n));
    for (const auto& [body, nodes] : where) EXPECT_EQ(nodes.size(), 2u) << body;
}

TEST(NsqAware, MirrorPartialFailureIsReported) {
    nsq_cluster c(1);
    gateway::gateway_config cfg;
    gateway::pool_config p;
    p.name = "pair";
    p.mode = gateway::pool_mode::mirror;
    p.retries = 0;
    std::string live = "127.0.0.1:" + std::to_string(c.nodes[0]->http_port());
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    p.members = {{live, 1}, {dead, 1}};
    p.max_fails = 1000;
    cfg.pools.push_back(p);
    auto g = start_gateway(cfg);
    auto r = call(g->http_port(), "POST", "/pub?topic=half", "msg");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
    EXPECT_NE(r->body.find("MIRROR_PARTIAL_FAILURE"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\"accepted\":[{\"member\":\"" + live), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\"failed\":[{\"member\":\"" + dead), std::string::npos) << r->body;
    EXPECT_EQ(c.message_count(0, "half"), 1);

    // With one member only, mirror mode refuses instead of writing one copy.
    gateway::gateway_config single = cfg;
    single.pools[0].members = {{live, 1}};
    auto g1 = start_gateway(single);
    auto r1 = call(g1->http_port(), "POST", "/pub?topic=half", "msg");
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->status, 503);
    EXPECT_NE(r1->body.find("MIRROR_NEEDS_TWO_MEMBERS"), std::string::npos);
    EXPECT_EQ(c.message_count(0, "half"), 1);
}

}  // namespace
}  // namespace nsqpp::gateway_test
