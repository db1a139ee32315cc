// statsd line formatting and datagram packing (spec §10.1) on hand-built /stats snapshots.
#include "nsqd/statsd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nsqpp::nsqd {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

channel_stats make_channel(std::string name, uint64_t msgs, uint64_t requeues, uint64_t timeouts) {
    channel_stats c;
    c.channel_name = std::move(name);
    c.message_count = msgs;
    c.depth = 4;
    c.backend_depth = 1;
    c.in_flight_count = 2;
    c.deferred_count = 3;
    c.requeue_count = requeues;
    c.timeout_count = timeouts;
    c.client_count = 5;
    return c;
}

nsqd_stats snapshot(uint64_t msgs, uint64_t bytes, bool with_e2e) {
    nsqd_stats s;
    topic_stats t;
    t.topic_name = "st";
    t.message_count = msgs;
    t.message_bytes = bytes;
    t.depth = 7;
    t.backend_depth = 6;
    t.channels.push_back(make_channel("c", msgs, msgs / 2, 1));
    if (with_e2e) {
        t.e2e_processing_latency = {3, std::vector<std::pair<double, double>>{{0.99, 1735074.9}}};
        t.channels[0].e2e_processing_latency = {
            3, std::vector<std::pair<double, double>>{{0.99, 1500.0}}};
    }
    s.topics.emplace();
    s.topics->push_back(std::move(t));
    return s;
}

TEST(statsd_lines, first_push_sends_totals_in_nsq_order) {
    auto lines = statsd_lines("nsq.host_a_64151.", snapshot(10, 50, true), nullptr, false);
    EXPECT_THAT(lines,
                ElementsAre("nsq.host_a_64151.topic.st.message_count:10|c\n",
                            "nsq.host_a_64151.topic.st.message_bytes:50|c\n",
                            "nsq.host_a_64151.topic.st.depth:7|g\n",
                            "nsq.host_a_64151.topic.st.backend_depth:6|g\n",
                            "nsq.host_a_64151.topic.st.e2e_processing_latency_99:1735074|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.message_count:10|c\n",
                            "nsq.host_a_64151.topic.st.channel.c.depth:4|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.backend_depth:1|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.in_flight_count:2|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.deferred_count:3|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.requeue_count:5|c\n",
                            "nsq.host_a_64151.topic.st.channel.c.timeout_count:1|c\n",
                            "nsq.host_a_64151.topic.st.channel.c.clients:5|g\n",
                            "nsq.host_a_64151.topic.st.channel.c.e2e_processing_latency_99:"
                            "1500|g\n"));
}

TEST(statsd_lines, counters_are_deltas_gauges_are_current) {
    auto first = snapshot(10, 50, false);
    auto second = snapshot(16, 80, false);
    auto lines = statsd_lines("p.", second, &first, false);
    EXPECT_THAT(
        lines,
        ElementsAre(
            "p.topic.st.message_count:6|c\n", "p.topic.st.message_bytes:30|c\n",
            "p.topic.st.depth:7|g\n", "p.topic.st.backend_depth:6|g\n",
            "p.topic.st.channel.c.message_count:6|c\n", "p.topic.st.channel.c.depth:4|g\n",
            "p.topic.st.channel.c.backend_depth:1|g\n",
            "p.topic.st.channel.c.in_flight_count:2|g\n",
            "p.topic.st.channel.c.deferred_count:3|g\n", "p.topic.st.channel.c.requeue_count:3|c\n",
            "p.topic.st.channel.c.timeout_count:0|c\n", "p.topic.st.channel.c.clients:5|g\n"));
}

TEST(statsd_lines, a_recreated_topic_goes_negative_as_nsq) {
    auto first = snapshot(10, 50, false);
    auto second = snapshot(4, 20, false);
    auto lines = statsd_lines("", second, &first, false);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], "topic.st.message_count:-6|c\n");
}

TEST(statsd_lines, memory_metrics_with_gc_runs_delta) {
    nsqd_stats s;
    s.topics.emplace();
    s.memory = memory_stats{1, 2, 3, 4, 5, 6, 7, 8, 9};
    nsqd_stats last = s;
    last.memory->gc_total_runs = 4;
    EXPECT_THAT(statsd_lines("x.", s, &last, false),
                ElementsAre("x.mem.heap_objects:1|g\n", "x.mem.heap_idle_bytes:2|g\n",
                            "x.mem.heap_in_use_bytes:3|g\n", "x.mem.heap_released_bytes:4|g\n",
                            "x.mem.gc_pause_usec_100:5|g\n", "x.mem.gc_pause_usec_99:6|g\n",
                            "x.mem.gc_pause_usec_95:7|g\n", "x.mem.next_gc_bytes:8|g\n",
                            "x.mem.gc_runs:5|c\n"));
}

TEST(statsd_lines, exclude_ephemeral_skips_topics_and_channels) {
    nsqd_stats s = snapshot(1, 1, false);
    s.topics->front().channels.push_back(make_channel("tmp#ephemeral", 1, 0, 0));
    topic_stats eph;
    eph.topic_name = "e#ephemeral";
    s.topics->push_back(eph);
    auto all = statsd_lines("", s, nullptr, false);
    auto some = statsd_lines("", s, nullptr, true);
    EXPECT_EQ(all.size(), 4u + 8u + 8u + 4u);
    EXPECT_EQ(some.size(), 4u + 8u);
    for (const auto& l : some) EXPECT_EQ(l.find("ephemeral"), std::string::npos) << l;
}

TEST(quantile_suffix, rounds_percent) {
    EXPECT_EQ(quantile_suffix(0.99), "99");
    EXPECT_EQ(quantile_suffix(0.5), "50");
    EXPECT_EQ(quantile_suffix(1.0), "100");
    EXPECT_EQ(quantile_suffix(0.999), "100");
    EXPECT_EQ(quantile_suffix(0.95), "95");
}

TEST(pack_datagrams, never_splits_lines_nor_exceeds_the_size) {
    std::vector<std::string> lines;
    for (int i = 0; i < 50; ++i) lines.push_back("metric." + std::to_string(i) + ":1|g\n");
    auto packets = pack_datagrams(lines, 40);
    std::string joined;
    for (const auto& p : packets) {
        EXPECT_LE(p.size(), 40u);
        EXPECT_EQ(p.back(), '\n');
        joined += p;
    }
    std::string all;
    for (const auto& l : lines) all += l;
    EXPECT_EQ(joined, all);  // same lines, same order
    // greedy: every packet but the last could not take the next line
    for (size_t i = 0; i + 1 < packets.size(); ++i) {
        auto next_line = packets[i + 1].substr(0, packets[i + 1].find('\n') + 1);
        EXPECT_GT(packets[i].size() + next_line.size(), 40u);
    }
}

TEST(pack_datagrams, an_oversized_line_goes_alone) {
    std::string big(30, 'x');
    big += "\n";
    auto packets = pack_datagrams({"a:1|g\n", big, "b:1|g\n"}, 20);
    EXPECT_THAT(packets, ElementsAreArray({std::string("a:1|g\n"), big, std::string("b:1|g\n")}));
    EXPECT_TRUE(pack_datagrams({}, 508).empty());
    EXPECT_THAT(pack_datagrams({"a:1|g\n", "b:1|g\n"}, 508), ElementsAre("a:1|g\nb:1|g\n"));
}

}  // namespace
}  // namespace nsqpp::nsqd
