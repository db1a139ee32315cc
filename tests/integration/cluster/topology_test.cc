// The seed deployment's topology on loopback: 2 nsqlookupd and 3 nsqd, each nsqd registered with
// both lookupds. Producers publish distinct messages to their local nsqd; consumers that know
// only the lookupds' HTTP addresses discover every nsqd through /lookup and receive each message
// exactly once per channel. One lookupd dies (discovery goes on through the other, a new nsqd is
// found), comes back on the same ports (registrations return), and an nsqd stops (it leaves
// /nodes and /lookup).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/cluster/cluster.h"
#include "tests/support/raw_client.h"

namespace nsqpp::cluster_test {
namespace {

using ::testing::ElementsAre;

// A consumer configured with lookupd HTTP ports only, like a go-nsq/nsqjs Reader with
// lookupd_http_addresses: discover() queries /lookup?topic= on every lookupd (unreachable ones
// are skipped), merges the producers by broadcast_address:tcp_port and subscribes to new ones.
class discovering_consumer {
  public:
    discovering_consumer(std::vector<uint16_t> lookupd_http_ports, std::string topic,
                         std::string channel)
        : lookupds_(std::move(lookupd_http_ports)),
          topic_(std::move(topic)),
          channel_(std::move(channel)) {}

    void set_lookupds(std::vector<uint16_t> ports) { lookupds_ = std::move(ports); }

    // The producers found in this round; connects to the ones not connected yet.
    std::set<std::string> discover() {
        std::set<std::string> found;
        for (uint16_t port : lookupds_) {
            auto answer = lookup(port, topic_);
            if (!answer) continue;
            for (const auto& p : answer->producers) {
                EXPECT_EQ(p.broadcast_address, "127.0.0.1") << "tests set --broadcast-address";
                found.insert(p.key());
                if (conns_.count(p.key())) continue;
                conns_.emplace(p.key(), test::subscribe(static_cast<uint16_t>(p.tcp_port), topic_,
                                                        channel_, 100));
            }
        }
        return found;
    }

    // Reads from every connection until `total` messages arrived overall or `timeout` passed,
    // then listens a little longer for duplicates.
    void receive_until(size_t total, milliseconds timeout = 10s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (bodies_.size() < total && std::chrono::steady_clock::now() < deadline) {
            poll_all(20ms);
        }
        poll_all(100ms);
    }

    // ::testing assertion: every body of `expected` received exactly once, nothing else.
    ::testing::AssertionResult received_exactly_once(const std::vector<std::string>& expected) {
        std::map<std::string, int> counts;
        for (const auto& b : bodies_) ++counts[b];
        for (const auto& b : expected) {
            if (counts[b] != 1) {
                return ::testing::AssertionFailure()
                       << channel_ << ": " << b << " received " << counts[b] << " times";
            }
        }
        if (bodies_.size() != expected.size()) {
            return ::testing::AssertionFailure() << channel_ << ": received " << bodies_.size()
                                                 << " messages, expected " << expected.size();
        }
        return ::testing::AssertionSuccess();
    }

    size_t connections() const { return conns_.size(); }

  private:
    void poll_all(milliseconds each) {
        for (auto& [key, c] : conns_) {
            if (!c.is_open() || c.peer_closed()) continue;
            for (auto& b : drain(c, each)) bodies_.push_back(std::move(b));
        }
    }

    std::vector<uint16_t> lookupds_;
    std::string topic_;
    std::string channel_;
    std::map<std::string, test::raw_client> conns_;  // by producer key
    std::vector<std::string> bodies_;
};

std::vector<std::string> batch(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(prefix + "-" + std::to_string(i));
    return out;
}

bool knows_all(uint16_t lookupd_http, const std::set<std::string>& keys) {
    auto known = nodes(lookupd_http);
    for (const auto& k : keys) {
        if (!known.count(k)) return false;
    }
    return true;
}

TEST(topology, two_lookupds_three_nsqds_every_message_once_per_channel_through_failures) {
    const std::string topic = "clu";
    auto l1 = start_lookupd();
    auto l2 = start_lookupd();
    const uint16_t l1_tcp = l1->tcp_port(), l1_http = l1->http_port(), l2_http = l2->http_port();
    const std::vector<std::string> lookupds{tcp_address(*l1), tcp_address(*l2)};

    std::vector<std::unique_ptr<nsqd::nsqd>> nsqds;
    std::set<std::string> keys;
    for (int workers = 1; workers <= 3; ++workers) {
        nsqds.push_back(start_nsqd_with(lookupds, {}, workers));
        keys.insert(producer_key(*nsqds.back()));
    }
    for (uint16_t l : {l1_http, l2_http}) {
        ASSERT_TRUE(eventually([&] { return knows_all(l, keys); })) << "lookupd " << l;
    }

    // The channels exist in the cluster before any message is published (as an operator would
    // create them with nsqadmin); each nsqd pre-creates them when its topic appears.
    for (uint16_t l : {l1_http, l2_http}) {
        for (const char* ch : {"ca", "cb"}) {
            ASSERT_EQ(post(l, "/channel/create?topic=" + topic + "&channel=" + ch).status, 200);
        }
    }

    // Producers publish to their local nsqd.
    std::vector<std::string> expected;
    for (size_t i = 0; i < nsqds.size(); ++i) {
        auto msgs = batch("n" + std::to_string(i) + "-first", 40);
        ASSERT_TRUE(test::publish_many(nsqds[i]->tcp_port(), topic, msgs));
        expected.insert(expected.end(), msgs.begin(), msgs.end());
        EXPECT_THAT(nsqd_channels(*nsqds[i], topic), ElementsAre("ca", "cb"));
    }

    discovering_consumer a({l1_http, l2_http}, topic, "ca");
    discovering_consumer b({l1_http, l2_http}, topic, "cb");
    ASSERT_TRUE(eventually([&] { return a.discover() == keys; })) << "a discovers all nsqds";
    ASSERT_TRUE(eventually([&] { return b.discover() == keys; })) << "b discovers all nsqds";
    a.receive_until(expected.size());
    b.receive_until(expected.size());
    ASSERT_TRUE(a.received_exactly_once(expected));
    ASSERT_TRUE(b.received_exactly_once(expected));

    // Kill one lookupd: discovery goes on through the other, which also finds a new nsqd.
    l1->stop();
    l1.reset();
    nsqds.push_back(start_nsqd_with(lookupds, {}, 2));
    keys.insert(producer_key(*nsqds.back()));
    ASSERT_TRUE(eventually([&] { return knows_all(l2_http, keys); }));
    for (size_t i = 0; i < nsqds.size(); ++i) {
        auto msgs = batch("n" + std::to_string(i) + "-second", 30);
        ASSERT_TRUE(test::publish_many(nsqds[i]->tcp_port(), topic, msgs));
        expected.insert(expected.end(), msgs.begin(), msgs.end());
    }
    EXPECT_THAT(nsqd_channels(*nsqds.back(), topic), ElementsAre("ca", "cb"))
        << "pre-created from the surviving lookupd";
    ASSERT_TRUE(eventually([&] { return a.discover() == keys; })) << "through l2 only";
    ASSERT_TRUE(eventually([&] { return b.discover() == keys; }));
    EXPECT_EQ(a.connections(), 4u);
    a.receive_until(expected.size());
    b.receive_until(expected.size());
    ASSERT_TRUE(a.received_exactly_once(expected));
    ASSERT_TRUE(b.received_exactly_once(expected));

    // Restart it on the same ports: every nsqd reconnects and re-registers.
    l1 = start_lookupd(l1_tcp, l1_http);
    ASSERT_TRUE(eventually([&] {
        return knows_all(l1_http, keys) && lookup_keys(l1_http, topic) == keys &&
               channels(l1_http, topic) == std::vector<std::string>{"ca", "cb"};
    })) << "registrations came back to the restarted lookupd";
    EXPECT_EQ(lookup_keys(l2_http, topic), keys);

    // Stop one nsqd: it leaves /nodes and /lookup on both lookupds.
    std::string gone = producer_key(*nsqds[2]);
    nsqds[2]->stop();
    keys.erase(gone);
    for (uint16_t l : {l1_http, l2_http}) {
        EXPECT_TRUE(eventually([&] { return nodes(l).count(gone) == 0; })) << "lookupd " << l;
        EXPECT_EQ(lookup_keys(l, topic), keys) << "lookupd " << l;
    }
    EXPECT_EQ(a.discover(), keys);

    // Nothing was delivered twice meanwhile.
    a.receive_until(expected.size(), 200ms);
    b.receive_until(expected.size(), 200ms);
    EXPECT_TRUE(a.received_exactly_once(expected));
    EXPECT_TRUE(b.received_exactly_once(expected));
}

}  // namespace
}  // namespace nsqpp::cluster_test
