// nsq_stat (the binary) against in-process nsqd / nsqlookupd: NSQ's columns for known traffic,
// --count, errors.
#include <gtest/gtest.h>

#include "http/client.h"
#include "tests/integration/tools/tool_test_support.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

const std::string header1 =
    "------rate------+----------------depth----------------+--------------metadata"
    "---------------";
const std::string header2 =
    "ingress  egress |   total     mem    disk inflt   def |     req     t-o         msgs "
    "clients";

TEST(NsqStat, PrintsHeaderAndCountRowsForKnownTraffic) {
    auto d = start_nsqd();
    create_channel(*d, "stat_t", "c");
    http_mpub(*d, "stat_t", {"a", "b", "c", "d"});
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_STAT_BIN,
                              {"--topic", "stat_t", "--channel", "c", "--nsqd-http-address",
                               http_address(*d), "--interval", "100ms", "--count", "2"},
                              "", dir + "/out", dir + "/log");
    auto rc = p->wait(60s);
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(*rc, 0) << p->log();
    auto lines = split_lines(read_file(dir + "/out"));
    const std::string row =
        "      0       0 |       4       4       0     0     0 |       0       0            4  "
        "     0";
    EXPECT_EQ(lines, (std::vector<std::string>{header1, header2, row, row}));
}

TEST(NsqStat, ShowsInFlightAndClients) {
    auto d = start_nsqd();
    create_channel(*d, "stat_c", "c");
    http_mpub(*d, "stat_c", {"a", "b", "c", "d", "e"});
    raw_client consumer;
    ASSERT_TRUE(consumer.connect(d->tcp_port()));
    consumer.send_magic();
    consumer.send(cmd("SUB stat_c c"));
    ASSERT_TRUE(consumer.expect_response("OK"));
    consumer.send(cmd("RDY 2"));
    ASSERT_TRUE(consumer.read_message().has_value());
    ASSERT_TRUE(consumer.read_message().has_value());
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_STAT_BIN,
                              {"-topic", "stat_c", "-channel", "c", "-nsqd-http-address",
                               http_address(*d), "-interval", "50ms", "-count", "1"},
                              "", dir + "/out", dir + "/log");
    auto rc = p->wait(60s);
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(*rc, 0) << p->log();
    auto lines = split_lines(read_file(dir + "/out"));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2],
              "      0       0 |       3       3       0     2     0 |       0       0            "
              "5       1");
}

TEST(NsqStat, SumsNodesFoundThroughLookupd) {
    auto l = start_lookupd();
    auto d1 = start_nsqd_for(*l);
    auto d2 = start_nsqd_for(*l);
    create_channel(*d1, "stat_l", "c");
    create_channel(*d2, "stat_l", "c");
    http_mpub(*d1, "stat_l", {"1", "2"});
    http_mpub(*d2, "stat_l", {"3", "4", "5"});
    ASSERT_TRUE(wait_until([&] {
        auto res = http::fetch("GET", "127.0.0.1", l->http_port(), "/lookup?topic=stat_l");
        return res.status == 200 &&
               res.body.find(std::to_string(d1->http_port())) != std::string::npos &&
               res.body.find(std::to_string(d2->http_port())) != std::string::npos;
    }));
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_STAT_BIN,
                              {"--topic=stat_l", "--channel=c", "--lookupd-http-address",
                               http_address(*l), "--interval=100ms", "--count=1"},
                              "", dir + "/out", dir + "/log");
    auto rc = p->wait(60s);
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(*rc, 0) << p->log();
    auto lines = split_lines(read_file(dir + "/out"));
    ASSERT_EQ(lines.size(), 3u) << read_file(dir + "/out");
    EXPECT_EQ(lines[2],
              "      0       0 |       5       5       0     0     0 |       0       0            "
              "5       0");
}

TEST(NsqStat, MissingChannelIsFatal) {
    auto d = start_nsqd();
    http_pub(*d, "stat_m", "x");
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_STAT_BIN,
                              {"--topic", "stat_m", "--channel", "nope", "--nsqd-http-address",
                               http_address(*d), "--count", "1"},
                              "", dir + "/out", dir + "/log");
    auto rc = p->wait(60s);
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(*rc, 1);
    EXPECT_NE(p->log().find("ERROR: failed to find channel(nope) in stats metadata for "
                            "topic(stat_m)"),
              std::string::npos)
        << p->log();
}

TEST(NsqStat, ValidationErrors) {
    struct tc {
        std::vector<std::string> args;
        int code;
        std::string text;
    };
    std::vector<tc> cases = {
        {{"--topic", "t"}, 1, "--topic and --channel are required"},
        {{"--topic", "t", "--channel", "c"},
         1,
         "--nsqd-http-address or --lookupd-http-address required"},
        {{"--topic", "t", "--channel", "c", "--nsqd-http-address", "a:1", "--lookupd-http-address",
          "b:1"},
         1,
         "use --nsqd-http-address or --lookupd-http-address not both"},
        {{"--topic", "t", "--channel", "c", "--nsqd-http-address", "http://a:1"},
         1,
         "--nsqd-http-address error - address should not contain scheme"},
        {{"--topic", "t", "--channel", "c", "--nsqd-http-address", "a:1", "--count", "0"},
         1,
         "--count should be positive"},
        {{"--topic", "t", "--channel", "c", "--interval", "0s"},
         1,
         "--interval should be positive"},
        {{"--bogus"}, 2, "flag provided but not defined: -bogus"},
        {{"--version"}, 0, "nsq_stat v1.3.0"},
    };
    std::string dir = temp_dir();
    for (const auto& c : cases) {
        child_process p(NSQ_STAT_BIN, c.args, dir + "/log");
        auto rc = p.wait(30s);
        ASSERT_TRUE(rc.has_value());
        EXPECT_EQ(*rc, c.code) << c.text;
        EXPECT_NE(p.log().find(c.text), std::string::npos) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::test
