// nsq_to_nsq (the binary) copying between two in-process nsqd, with JSON filtering.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "tests/integration/tools/tool_test_support.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

// Subscribes to `topic` on `d` and reads `n` message bodies (sorted).
std::vector<std::string> consume(const nsqd::nsqd& d, const std::string& topic, int n) {
    raw_client c;
    std::vector<std::string> out;
    if (!c.connect(d.tcp_port())) return out;
    c.send_magic();
    c.send(cmd("SUB " + topic + " check"));
    EXPECT_TRUE(c.expect_response("OK"));
    c.send(cmd("RDY " + std::to_string(n)));
    for (int i = 0; i < n; ++i) {
        auto m = c.read_message(10s);
        if (!m) break;
        out.push_back(m->body);
        c.send(cmd("FIN " + m->id));
    }
    std::sort(out.begin(), out.end());
    return out;
}

void stop_clean(child_process& p) {
    p.signal(SIGTERM);
    auto rc = p.wait(60s);
    ASSERT_TRUE(rc.has_value()) << p.log();
    EXPECT_EQ(*rc, 0) << p.log();
}

TEST(NsqToNsq, CopiesEveryMessageToTheDestination) {
    auto src = start_nsqd();
    auto dst = start_nsqd();
    std::vector<std::string> msgs;
    for (int i = 0; i < 50; ++i) msgs.push_back("copy-" + std::to_string(i));
    create_channel(*dst, "copied", "check");
    http_mpub(*src, "orig", msgs);
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_NSQ_BIN,
        {"--topic", "orig", "--nsqd-tcp-address", tcp_address(*src),
         "--destination-nsqd-tcp-address", tcp_address(*dst), "--destination-topic", "copied"},
        "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return topic_message_count(*dst, "copied") == 50; })) << p->log();
    ASSERT_TRUE(wait_until([&] {
        auto st = channel_stats(*src, "orig", "nsq_to_nsq");
        return st.in_flight == 0 && st.depth == 0;
    })) << p->log();
    stop_clean(*p);
    EXPECT_EQ(channel_stats(*src, "orig", "nsq_to_nsq").requeue_count, 0);
    std::sort(msgs.begin(), msgs.end());
    EXPECT_EQ(consume(*dst, "copied", 50), msgs);
}

TEST(NsqToNsq, JsonFilterAndWhitelist) {
    auto src = start_nsqd();
    auto dst = start_nsqd();
    create_channel(*dst, "flt", "check");
    http_mpub(*src, "flt",
              {R"({"kind":"a","n":1,"drop":true})", R"({"kind":"b","n":2})", R"(not json)",
               R"({"n":3})", R"({"kind":"a","n":4.5,"x":[1]})"});
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_TO_NSQ_BIN,
                              {"--topic", "flt", "--nsqd-tcp-address", tcp_address(*src),
                               "--destination-nsqd-tcp-address", tcp_address(*dst),
                               "--require-json-field", "kind", "--require-json-value", "a",
                               "--whitelist-json-field", "n", "--whitelist-json-field", "kind"},
                              "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return topic_message_count(*dst, "flt") == 2; })) << p->log();
    // {"n":3} lacks the field while a value is required: requeued (with backoff), not dropped
    ASSERT_TRUE(wait_until([&] {
        return channel_stats(*src, "flt", "nsq_to_nsq").requeue_count >= 1;
    })) << p->log();
    stop_clean(*p);
    EXPECT_EQ(consume(*dst, "flt", 2),
              (std::vector<std::string>{R"({"kind":"a","n":1})", R"({"kind":"a","n":4.5})"}));
    EXPECT_NE(p->log().find("ERROR: Unable to decode json: not json"), std::string::npos);
    EXPECT_NE(p->log().find("ERROR: missing field to check required value"), std::string::npos);
}

TEST(NsqToNsq, FlagValidation) {
    struct tc {
        std::vector<std::string> args;
        int code;
        std::string text;
    };
    std::vector<tc> cases = {
        {{"--nsqd-tcp-address", "a:1"}, 1, "--topic and --channel are required"},
        {{"--topic", "bad*", "--nsqd-tcp-address", "a:1"}, 1, "--topic is invalid"},
        {{"--topic", "t", "--destination-topic", "b*"}, 1, "--destination-topic is invalid"},
        {{"--topic", "t", "--channel", "c*"}, 1, "--channel is invalid"},
        {{"--topic", "t"}, 1, "--nsqd-tcp-address or --lookupd-http-address required"},
        {{"--topic", "t", "--nsqd-tcp-address", "a:1"},
         1,
         "--destination-nsqd-tcp-address required"},
        {{"--version"}, 0, "nsq_to_nsq v1.3.0"},
    };
    std::string dir = temp_dir();
    for (const auto& c : cases) {
        child_process p(NSQ_TO_NSQ_BIN, c.args, dir + "/log");
        auto rc = p.wait(30s);
        ASSERT_TRUE(rc.has_value()) << c.text;
        EXPECT_EQ(*rc, c.code) << c.text << "\n" << p.log();
        EXPECT_NE(p.log().find(c.text), std::string::npos) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::test
