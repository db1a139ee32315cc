// nsqd as a client of nsqlookupd (spec nsqd.md §9, §4.2), both daemons in-process on loopback:
// what each nsqd event makes lookupd show, channel pre-creation, switching lookupds at run time,
// and recovery after a lookupd restart.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/cluster/cluster.h"
#include "tests/support/raw_client.h"

namespace nsqpp::cluster_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string os_hostname() {
    char buf[256] = {0};
    ::gethostname(buf, sizeof(buf) - 1);
    return buf;
}

// The producer id (remote address) of `n` in lookupd `l`'s /nodes ("" when absent).
std::string producer_id(uint16_t lookupd_http, const nsqd::nsqd& n) {
    auto all = nodes(lookupd_http);
    auto it = all.find(producer_key(n));
    return it == all.end() ? "" : it->second.remote_address;
}

bool has_node(uint16_t lookupd_http, const nsqd::nsqd& n) {
    return nodes(lookupd_http).count(producer_key(n)) == 1;
}

class registration : public ::testing::TestWithParam<int> {
  protected:
    void SetUp() override {
        lookupd_ = start_lookupd();
        lhttp_ = lookupd_->http_port();
    }
    std::unique_ptr<nsqd::nsqd> nsqd_registered(nsqd::options o = {}) {
        auto n = start_nsqd_with({tcp_address(*lookupd_)}, std::move(o), GetParam());
        EXPECT_TRUE(eventually([&] { return has_node(lhttp_, *n); }))
            << "nsqd never appeared in /nodes";
        return n;
    }
    std::unique_ptr<nsqlookupd::nsqlookupd> lookupd_;
    uint16_t lhttp_ = 0;
};

TEST_P(registration, identify_announces_addresses_ports_hostname_and_version) {
    auto n = nsqd_registered();
    auto node = nodes(lhttp_).at(producer_key(*n));
    EXPECT_EQ(node.broadcast_address, "127.0.0.1");
    EXPECT_EQ(node.tcp_port, n->tcp_port());
    EXPECT_EQ(node.http_port, n->http_port());
    EXPECT_EQ(node.hostname, os_hostname());
    EXPECT_EQ(node.version, "1.3.0");
    EXPECT_THAT(node.topics, IsEmpty());
}

TEST_P(registration, broadcast_ports_override_the_bound_ports) {
    nsqd::options o;
    o.broadcast_tcp_port = 4150;
    o.broadcast_http_port = 4151;
    auto n = start_nsqd_with({tcp_address(*lookupd_)}, o, GetParam());
    ASSERT_TRUE(eventually([&] { return nodes(lhttp_).count("127.0.0.1:4150") == 1; }));
    EXPECT_EQ(nodes(lhttp_).at("127.0.0.1:4150").http_port, 4151);
}

TEST_P(registration, topics_and_channels_appear_in_lookup_topics_channels_and_nodes) {
    auto n = nsqd_registered();
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=t1").status, 200);
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=t1&channel=c1").status, 200);
    ASSERT_TRUE(test::publish(n->tcp_port(), "t2", "hello"));  // topic by PUB
    auto sub = test::subscribe(n->tcp_port(), "t3", "c3");     // topic + channel by SUB
    ASSERT_TRUE(eventually([&] {
        auto l = lookup(lhttp_, "t3");
        return l && l->channels == std::vector<std::string>{"c3"};
    }));

    EXPECT_THAT(topics(lhttp_), ElementsAre("t1", "t2", "t3"));
    EXPECT_THAT(channels(lhttp_, "t1"), ElementsAre("c1"));
    EXPECT_THAT(channels(lhttp_, "t2"), IsEmpty());
    for (const char* t : {"t1", "t2", "t3"}) {
        EXPECT_EQ(lookup_keys(lhttp_, t), std::set<std::string>{producer_key(*n)}) << t;
    }
    auto l1 = lookup(lhttp_, "t1");
    ASSERT_TRUE(l1);
    EXPECT_THAT(l1->channels, ElementsAre("c1"));
    ASSERT_EQ(l1->producers.size(), 1u);
    EXPECT_EQ(l1->producers[0].http_port, n->http_port());
    auto node = nodes(lhttp_).at(producer_key(*n));
    std::sort(node.topics.begin(), node.topics.end());
    EXPECT_THAT(node.topics, ElementsAre("t1", "t2", "t3"));
}

TEST_P(registration, deleting_a_channel_or_topic_unregisters_it) {
    auto n = nsqd_registered();
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=t").status, 200);
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=t&channel=c1").status, 200);
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=t&channel=c2").status, 200);
    std::string id = producer_id(lhttp_, *n);
    auto registered = [&](const std::string& key) { return debug_keys(lhttp_)[key].count(id); };
    ASSERT_TRUE(
        eventually([&] { return registered("channel:t:c1") && registered("channel:t:c2"); }));

    ASSERT_EQ(post(n->http_port(), "/channel/delete?topic=t&channel=c1").status, 200);
    ASSERT_TRUE(eventually([&] { return !registered("channel:t:c1"); }));
    EXPECT_TRUE(registered("channel:t:c2"));
    EXPECT_TRUE(registered("topic:t:"));
    // the key itself stays (non-ephemeral), only the producer goes
    EXPECT_THAT(channels(lhttp_, "t"), ElementsAre("c1", "c2"));

    ASSERT_EQ(post(n->http_port(), "/topic/delete?topic=t").status, 200);
    ASSERT_TRUE(eventually([&] { return !registered("topic:t:"); }));
    EXPECT_FALSE(registered("channel:t:c2"));
    auto l = lookup(lhttp_, "t");
    ASSERT_TRUE(l) << "topic key stays: /lookup answers 200";
    EXPECT_THAT(l->producers, IsEmpty());
    EXPECT_THAT(nodes(lhttp_).at(producer_key(*n)).topics, IsEmpty());
}

TEST_P(registration, ephemeral_channel_and_topic_are_unregistered_when_their_last_consumer_goes) {
    auto n = nsqd_registered();
    {
        auto c = test::subscribe(n->tcp_port(), "eph#ephemeral", "ch#ephemeral");
        auto d = test::subscribe(n->tcp_port(), "dur", "ch#ephemeral");
        ASSERT_TRUE(eventually([&] {
            return channels(lhttp_, "eph#ephemeral") == std::vector<std::string>{"ch#ephemeral"} &&
                   channels(lhttp_, "dur") == std::vector<std::string>{"ch#ephemeral"};
        }));
        EXPECT_THAT(topics(lhttp_), ElementsAre("dur", "eph#ephemeral"));
    }  // both consumers disconnect: the channels (and the ephemeral topic) are deleted
    // lookupd deletes an ephemeral key left without producers by UNREGISTER
    ASSERT_TRUE(eventually([&] {
        return channels(lhttp_, "eph#ephemeral").empty() && channels(lhttp_, "dur").empty() &&
               topics(lhttp_) == std::vector<std::string>{"dur"};
    })) << "topics: "
        << ::testing::PrintToString(topics(lhttp_));
    EXPECT_EQ(lookup_keys(lhttp_, "dur"), std::set<std::string>{producer_key(*n)});
}

TEST_P(registration, new_topic_precreates_the_channels_lookupd_knows) {
    auto a = nsqd_registered();
    ASSERT_EQ(post(a->http_port(), "/topic/create?topic=lt").status, 200);
    ASSERT_EQ(post(a->http_port(), "/channel/create?topic=lt&channel=pre1").status, 200);
    ASSERT_EQ(post(a->http_port(), "/channel/create?topic=lt&channel=tmp#ephemeral").status, 200);
    ASSERT_TRUE(eventually([&] {
        return channels(lhttp_, "lt") == std::vector<std::string>{"pre1", "tmp#ephemeral"};
    }));

    auto b = nsqd_registered();  // answered IDENTIFY: lookupd is asked
    ASSERT_TRUE(test::publish(b->tcp_port(), "lt", "first message"));
    // pre1 existed before the message was distributed; ephemeral channels are not pre-created
    EXPECT_THAT(nsqd_channels(*b, "lt"), ElementsAre("pre1"));
    auto c = test::subscribe(b->tcp_port(), "lt", "pre1", 1);
    auto m = c.read_message();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->body, "first message");
    // b announces the pre-created channel like any other
    std::string id = producer_id(lhttp_, *b);
    EXPECT_TRUE(eventually([&] { return debug_keys(lhttp_)["channel:lt:pre1"].count(id) == 1; }));
}

TEST_P(registration, precreation_merges_every_lookupd_and_skips_unreachable_ones) {
    auto second = start_lookupd();
    ASSERT_EQ(post(lhttp_, "/channel/create?topic=mt&channel=zeta").status, 200);
    ASSERT_EQ(post(lhttp_, "/channel/create?topic=mt&channel=alpha").status, 200);
    ASSERT_EQ(post(second->http_port(), "/channel/create?topic=mt&channel=alpha").status, 200);
    ASSERT_EQ(post(second->http_port(), "/channel/create?topic=mt&channel=mid").status, 200);
    auto n = start_nsqd_with({tcp_address(*lookupd_), tcp_address(*second)}, {}, GetParam());
    ASSERT_TRUE(
        eventually([&] { return has_node(lhttp_, *n) && has_node(second->http_port(), *n); }));
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=mt").status, 200);
    EXPECT_THAT(nsqd_channels(*n, "mt"), ElementsAre("alpha", "mid", "zeta"));

    // one lookupd gone: the other one still answers
    second->stop();
    ASSERT_EQ(post(lhttp_, "/channel/create?topic=mt2&channel=only").status, 200);
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=mt2").status, 200);
    EXPECT_THAT(nsqd_channels(*n, "mt2"), ElementsAre("only"));
}

TEST_P(registration, without_identified_lookupd_topics_are_created_without_precreation) {
    auto dead = start_lookupd();
    std::string address = tcp_address(*dead);
    dead->stop();
    ASSERT_EQ(post(lhttp_, "/channel/create?topic=np&channel=c").status, 200);
    auto n = start_nsqd_with({address}, {}, GetParam());
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(test::publish(n->tcp_port(), "np", "x"));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_THAT(nsqd_channels(*n, "np"), IsEmpty());
}

TEST_P(registration, put_nsqlookupd_tcp_addresses_switches_lookupds) {
    auto n = start_nsqd_with({}, {}, GetParam());  // no lookupd yet
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=sw").status, 200);
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=sw&channel=c").status, 200);
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=bare").status, 200);

    std::string body = "[\"" + tcp_address(*lookupd_) + "\"]";
    auto r = put(n->http_port(), "/config/nsqlookupd_tcp_addresses", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, body);
    // connected: everything nsqd already had is announced
    ASSERT_TRUE(eventually([&] {
        return lookup_keys(lhttp_, "sw").count(producer_key(*n)) &&
               lookup_keys(lhttp_, "bare").count(producer_key(*n));
    }));
    EXPECT_THAT(channels(lhttp_, "sw"), ElementsAre("c"));

    auto other = start_lookupd();
    body = "[\"" + tcp_address(*other) + "\"]";
    ASSERT_EQ(put(n->http_port(), "/config/nsqlookupd_tcp_addresses", body).status, 200);
    ASSERT_TRUE(eventually([&] {
        return !has_node(lhttp_, *n) &&
               lookup_keys(other->http_port(), "sw").count(producer_key(*n));
    }));
    EXPECT_THAT(channels(other->http_port(), "sw"), ElementsAre("c"));
    EXPECT_THAT(lookup_keys(lhttp_, "sw"), IsEmpty());
    // events now go to the new lookupd only
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=sw&channel=later").status, 200);
    EXPECT_TRUE(eventually([&] { return channels(other->http_port(), "sw").size() == 2; }));
    EXPECT_THAT(channels(lhttp_, "sw"), ElementsAre("c"));

    ASSERT_EQ(put(n->http_port(), "/config/nsqlookupd_tcp_addresses", "[]").status, 200);
    EXPECT_TRUE(eventually([&] { return !has_node(other->http_port(), *n); }));
}

TEST_P(registration, lookupd_restart_on_the_same_ports_gets_every_registration_back) {
    auto n = nsqd_registered();
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=rs").status, 200);
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=rs&channel=c").status, 200);
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=rs2").status, 200);
    ASSERT_TRUE(eventually([&] { return channels(lhttp_, "rs").size() == 1; }));

    uint16_t tcp = lookupd_->tcp_port(), http = lookupd_->http_port();
    lookupd_->stop();
    lookupd_.reset();
    // meanwhile nsqd keeps changing: the reconnect announces the current state
    ASSERT_EQ(post(n->http_port(), "/channel/create?topic=rs&channel=while_down").status, 200);
    lookupd_ = start_lookupd(tcp, http);
    ASSERT_TRUE(eventually([&] {
        return lookup_keys(http, "rs").count(producer_key(*n)) &&
               lookup_keys(http, "rs2").count(producer_key(*n)) &&
               channels(http, "rs") == std::vector<std::string>{"c", "while_down"};
    })) << "nsqd did not re-register after the lookupd restart";
}

TEST_P(registration, a_stopped_nsqd_disappears_from_nodes_and_lookup) {
    auto n = nsqd_registered();
    ASSERT_EQ(post(n->http_port(), "/topic/create?topic=gone").status, 200);
    ASSERT_TRUE(eventually([&] { return lookup_keys(lhttp_, "gone").size() == 1; }));
    auto key = producer_key(*n);
    auto t0 = std::chrono::steady_clock::now();
    n->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s) << "nsqd stop must be prompt";
    EXPECT_TRUE(eventually([&] { return nodes(lhttp_).count(key) == 0; }));
    EXPECT_THAT(lookup_keys(lhttp_, "gone"), IsEmpty());
}

TEST_P(registration, stop_is_prompt_while_the_lookupd_is_unreachable) {
    auto dead = start_lookupd();
    std::string address = tcp_address(*dead);
    dead->stop();
    // a socket that listens but never accepts: IDENTIFY is never answered
    int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(silent, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
    std::string silent_address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

    auto n = start_nsqd_with({address, silent_address}, {}, GetParam());
    std::this_thread::sleep_for(300ms);  // one peer backing off, the other waiting for a reply
    auto t0 = std::chrono::steady_clock::now();
    n->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 800ms);
    ::close(silent);
}

INSTANTIATE_TEST_SUITE_P(workers, registration, ::testing::Values(1, 3),
                         [](const auto& info) { return "w" + std::to_string(info.param); });

}  // namespace
}  // namespace nsqpp::cluster_test
