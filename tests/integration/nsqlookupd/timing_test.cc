// Time-based filters over real sockets with short settings: tombstone-lifetime and
// inactive-producer-timeout (spec/nsqlookupd.md §2.3). Each test is bounded to a few seconds.
#include <gmock/gmock.h>

#include "fixture.h"

namespace nsqpp::lookupd_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class tombstone_lifetime : public lookupd_fixture {
  protected:
    nsqlookupd::options options() const override {
        nsqlookupd::options o;
        o.tombstone_lifetime = 1s;
        return o;
    }
};

TEST_F(tombstone_lifetime, hides_the_producer_from_lookup_until_it_expires) {
    v1_client c = nsqd("n1", 4150, 4151);
    const std::string me = c.local_address();
    ASSERT_TRUE(command(c, "REGISTER t"));
    ASSERT_TRUE(command(c, "REGISTER u"));
    auto start = steady::now();
    ASSERT_EQ(post("/topic/tombstone?topic=t&node=n1:4151").status, 200);
    EXPECT_THAT(lookup_producers("t"), IsEmpty());
    EXPECT_THAT(lookup_producers("u"), ElementsAre(me));  // per topic
    EXPECT_THAT(node_addresses(), ElementsAre(me));       // /nodes still shows it
    EXPECT_NE(get("/nodes").body.find(R"("tombstones":[true,false])"), std::string::npos);

    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(command(c, "PING"));
    if (steady::now() - start < 900ms) {
        EXPECT_THAT(lookup_producers("t"), IsEmpty());
    }

    EXPECT_TRUE(eventually([&] { return lookup_producers("t") == std::vector<std::string>{me}; }))
        << get("/lookup?topic=t").body;
    EXPECT_GE(steady::now() - start, 1s);
    EXPECT_NE(get("/nodes").body.find(R"("tombstones":[false,false])"), std::string::npos);
    // /debug keeps the raw flag
    EXPECT_NE(get("/debug").body.find(R"("tombstoned":true)"), std::string::npos);
}

class inactive_producer_timeout : public lookupd_fixture {
  protected:
    nsqlookupd::options options() const override {
        nsqlookupd::options o;
        o.inactive_producer_timeout = 1s;
        return o;
    }
};

TEST_F(inactive_producer_timeout, only_ping_and_identify_keep_a_producer_active) {
    v1_client c = nsqd("n1");
    const std::string me = c.local_address();
    auto identified = steady::now();
    ASSERT_TRUE(command(c, "REGISTER t"));
    EXPECT_THAT(lookup_producers("t"), ElementsAre(me));
    EXPECT_THAT(node_addresses(), ElementsAre(me));

    // REGISTER does not refresh the producer: it goes inactive ~1 s after IDENTIFY
    bool hidden = eventually(
        [&] {
            EXPECT_TRUE(command(c, "REGISTER t"));
            return lookup_producers("t").empty();
        },
        3s);
    ASSERT_TRUE(hidden);
    EXPECT_GE(steady::now() - identified, 1s);
    EXPECT_THAT(node_addresses(), IsEmpty());
    // hidden, not removed: the registration is still there
    EXPECT_NE(get("/debug").body.find("\"topic:t:\""), std::string::npos);

    ASSERT_TRUE(command(c, "PING"));
    EXPECT_THAT(lookup_producers("t"), ElementsAre(me));
    EXPECT_THAT(node_addresses(), ElementsAre(me));
}

TEST_F(inactive_producer_timeout, regular_pings_keep_it_visible) {
    v1_client c = nsqd("n1");
    ASSERT_TRUE(command(c, "REGISTER t"));
    for (int i = 0; i < 8; ++i) {  // 2 s, well past the timeout
        std::this_thread::sleep_for(250ms);
        ASSERT_TRUE(command(c, "PING"));
        EXPECT_THAT(lookup_producers("t"), ElementsAre(c.local_address())) << i;
    }
}

}  // namespace
}  // namespace nsqpp::lookupd_test
