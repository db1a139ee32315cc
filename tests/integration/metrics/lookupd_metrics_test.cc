// GET /metrics on nsqlookupd over real sockets: producers, topics, channels and tombstones from
// its registration DB, driven by V1 clients acting as nsqd.
#include <string>

#include "nsqlookupd/context.h"
#include "scrape.h"
#include "tests/integration/nsqlookupd/fixture.h"

namespace nsqpp::lookupd_test {
namespace {

using metrics_test::scrape;
using metrics_test::well_formed;

class lookupd_metrics : public lookupd_fixture {
  protected:
    scrape get_metrics() {
        auto r = get("/metrics");
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
        EXPECT_TRUE(well_formed(r.body)) << r.body;
        return scrape::parse(r.body);
    }
};

TEST_F(lookupd_metrics, empty_registry) {
    scrape s = get_metrics();
    EXPECT_EQ(s.value("nsq_lookupd_producers"), 0);
    EXPECT_EQ(s.value("nsq_lookupd_topics"), 0);
    EXPECT_EQ(s.value("nsq_lookupd_channels"), 0);
    EXPECT_EQ(s.value("nsq_lookupd_tombstones"), 0);
    EXPECT_FALSE(s.any_contains("topic="));
    EXPECT_EQ(s.value("nsq_build_info{version=\"1.3.0\",implementation=\"nsqpp\"}"), 1);
    EXPECT_TRUE(s.value("process_resident_memory_bytes"));
}

TEST_F(lookupd_metrics, producers_topics_channels_tombstones) {
    v1_client n1 = nsqd("n1.example", 4150, 4151);
    v1_client n2 = nsqd("n2.example", 5150, 5151);
    ASSERT_TRUE(command(n1, "REGISTER t1"));
    ASSERT_TRUE(command(n1, "REGISTER t1 c1"));
    ASSERT_TRUE(command(n1, "REGISTER t1 c2"));
    ASSERT_TRUE(command(n2, "REGISTER t1"));
    ASSERT_TRUE(command(n2, "REGISTER t2 c1"));

    scrape s = get_metrics();
    EXPECT_EQ(s.value("nsq_lookupd_producers"), 2);
    EXPECT_EQ(s.value("nsq_lookupd_active_producers"), 2);
    EXPECT_EQ(s.value("nsq_lookupd_topics"), 2);
    EXPECT_EQ(s.value("nsq_lookupd_channels"), 3);  // t1/c1, t1/c2, t2/c1
    EXPECT_EQ(s.value("nsq_lookupd_tombstones"), 0);
    EXPECT_EQ(s.value("nsq_lookupd_topic_producers{topic=\"t1\"}"), 2);
    EXPECT_EQ(s.value("nsq_lookupd_topic_producers{topic=\"t2\"}"), 1);
    EXPECT_EQ(s.value("nsq_lookupd_topic_channels{topic=\"t1\"}"), 2);
    EXPECT_EQ(s.value("nsq_lookupd_topic_channels{topic=\"t2\"}"), 1);
    std::string n1_series =
        "nsq_lookupd_producer_last_update_timestamp_seconds{node=\"n1."
        "example:4151\",remote_address=\"" +
        n1.local_address() + "\",hostname=\"nsqd-host\",version=\"1.3.0\"}";
    ASSERT_TRUE(s.value(n1_series)) << s.text;
    double now_s = static_cast<double>(nsqlookupd::system_unix_nanos()) / 1e9;
    EXPECT_NEAR(*s.value(n1_series), now_s, 60);

    ASSERT_EQ(post("/topic/tombstone?topic=t1&node=n1.example:4151").status, 200);
    s = get_metrics();
    EXPECT_EQ(s.value("nsq_lookupd_tombstones"), 1);
    EXPECT_EQ(s.value("nsq_lookupd_topic_tombstones{topic=\"t1\"}"), 1);
    EXPECT_EQ(s.value("nsq_lookupd_topic_producers{topic=\"t1\"}"), 1);  // hidden from /lookup

    // deleting a topic removes its series
    ASSERT_EQ(post("/topic/delete?topic=t2").status, 200);
    s = get_metrics();
    EXPECT_FALSE(s.any_contains("topic=\"t2\"")) << s.text;
    EXPECT_EQ(s.value("nsq_lookupd_topics"), 1);
    EXPECT_EQ(s.value("nsq_lookupd_channels"), 2);

    // a producer disconnecting leaves the counts
    n2.close();
    ASSERT_TRUE(eventually([&] { return get_metrics().value("nsq_lookupd_producers") == 1; }, 10s));
    s = get_metrics();
    EXPECT_EQ(s.value("nsq_lookupd_topic_producers{topic=\"t1\"}"), 0);  // n1 is tombstoned
    EXPECT_FALSE(s.any_contains("n2.example"));
}

}  // namespace
}  // namespace nsqpp::lookupd_test
