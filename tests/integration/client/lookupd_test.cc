// Consumer discovery through in-process nsqlookupd: two nsqd found via one lookupd, several
// lookupds merged, a producer appearing later found by polling.
#include "tests/integration/client/client_fixture.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::client_test {
namespace {

using client::error;
using client::message;

void publish_one(const nsqd::nsqd& n, const std::string& topic, const std::string& body) {
    client::producer p(tcp_address(n), quiet_config());
    ASSERT_FALSE(p.publish(topic, body));
}

bool registered(const nsqlookupd::nsqlookupd& l, const std::string& topic, size_t producers) {
    return cluster_test::lookup_keys(l.http_port(), topic).size() == producers;
}

TEST(Lookupd, DiscoversTwoNsqdThroughOneLookupd) {
    auto lookupd = cluster_test::start_lookupd();
    auto a = cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd)});
    auto b = cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd)});
    publish_one(*a, "disc", "from-a");
    publish_one(*b, "disc", "from-b");
    ASSERT_TRUE(eventually([&] { return registered(*lookupd, "disc", 2); }));

    auto cfg = quiet_config();
    cfg.max_in_flight = 10;
    collector got;
    client::consumer c("disc", "ch", cfg);
    c.add_handler([&](message& m) {
        got.add(m.body());
        return error{};
    });
    // The first lookupd is queried synchronously: both connections exist on return.
    ASSERT_FALSE(c.connect_to_nsqlookupd(http_address(*lookupd)));
    EXPECT_EQ(c.stats().connections, 2);
    ASSERT_TRUE(got.wait_for_total(2));
    EXPECT_EQ(got.counts(), (std::map<std::string, int>{{"from-a", 1}, {"from-b", 1}}));
    EXPECT_EQ(
        c.disconnect_from_nsqlookupd(http_address(*lookupd)).message(),
        "cannot disconnect from only remaining nsqlookupd HTTP address " + http_address(*lookupd));
}

TEST(Lookupd, SeveralLookupdsAreMergedByPolling) {
    auto l1 = cluster_test::start_lookupd();
    auto l2 = cluster_test::start_lookupd();
    auto a = cluster_test::start_nsqd_with({cluster_test::tcp_address(*l1)});
    auto b = cluster_test::start_nsqd_with({cluster_test::tcp_address(*l2)});
    publish_one(*a, "merge", "a");
    publish_one(*b, "merge", "b");
    ASSERT_TRUE(eventually([&] { return registered(*l1, "merge", 1); }));
    ASSERT_TRUE(eventually([&] { return registered(*l2, "merge", 1); }));

    auto cfg = quiet_config();
    cfg.max_in_flight = 4;
    cfg.lookupd_poll_interval = 200ms;
    collector got;
    client::consumer c("merge", "ch", cfg);
    c.add_handler([&](message& m) {
        got.add(m.body());
        return error{};
    });
    ASSERT_FALSE(
        c.connect_to_nsqlookupds({http_address(*l1), "http://" + http_address(*l2) + "/lookup"}));
    ASSERT_TRUE(got.wait_for_total(2));
    EXPECT_EQ(got.distinct(), 2u);
    EXPECT_TRUE(eventually([&] { return c.stats().connections == 2; }));
}

TEST(Lookupd, ProducersAppearingLaterAreFoundByPolling) {
    auto lookupd = cluster_test::start_lookupd();
    auto a = cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd)});
    auto cfg = quiet_config();
    cfg.lookupd_poll_interval = 100ms;
    collector got;
    client::consumer c("later", "ch", cfg);
    c.add_handler([&](message& m) {
        got.add(m.body());
        return error{};
    });
    // Unknown topic: lookupd answers 404, the consumer keeps polling.
    ASSERT_FALSE(c.connect_to_nsqlookupd(http_address(*lookupd)));
    EXPECT_EQ(c.stats().connections, 0);
    publish_one(*a, "later", "hello");
    ASSERT_TRUE(got.wait_for_total(1));
    EXPECT_EQ(c.stats().connections, 1);
}

TEST(Lookupd, FilterDropsAddresses) {
    auto lookupd = cluster_test::start_lookupd();
    auto a = cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd)});
    auto b = cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd)});
    publish_one(*a, "filter", "a");
    publish_one(*b, "filter", "b");
    ASSERT_TRUE(eventually([&] { return registered(*lookupd, "filter", 2); }));
    client::consumer c("filter", "ch", quiet_config());
    c.add_handler([](message&) { return error{}; });
    std::string keep = tcp_address(*b);
    c.set_nsqd_filter([keep](const std::string& addr) { return addr == keep; });
    ASSERT_FALSE(c.connect_to_nsqlookupd(http_address(*lookupd)));
    EXPECT_EQ(c.stats().connections, 1);
    EXPECT_TRUE(eventually([&] { return stats_of(*b, "filter", "ch").depth == 0; }));
    EXPECT_EQ(stats_of(*a, "filter", "ch").depth, -1);  // never subscribed
}

}  // namespace
}  // namespace nsqpp::client_test
