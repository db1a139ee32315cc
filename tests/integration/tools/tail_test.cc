// to_nsq → nsq_tail round trip through an in-process nsqd, with the real binaries.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "tests/integration/tools/tool_test_support.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

int run_to_nsq(const std::vector<std::string>& args, const std::string& input,
               const std::string& dir, std::string* log = nullptr) {
    write_file(dir + "/in", input);
    auto p = spawn_redirected(TO_NSQ_BIN, args, dir + "/in", "", dir + "/to_nsq.log");
    auto rc = p->wait(60s);
    if (log != nullptr) *log = p->log();
    return rc.value_or(-100);
}

TEST(ToNsqTail, RoundTripCountExit) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    std::vector<std::string> want;
    std::string input;
    for (int i = 0; i < 20; ++i) {
        want.push_back("msg " + std::to_string(i) + " with spaces | and pipes");
        input += want.back() + "\n";
        if (i % 5 == 0) input += "\n";  // empty records are skipped
    }
    std::string log;
    ASSERT_EQ(
        run_to_nsq({"--topic", "rt", "--nsqd-tcp-address", tcp_address(*d)}, input, dir, &log), 0)
        << log;
    EXPECT_EQ(topic_message_count(*d, "rt"), 20);

    auto tail = spawn_redirected(NSQ_TAIL_BIN,
                                 {"--topic=rt", "--nsqd-tcp-address", tcp_address(*d), "-n", "20"},
                                 "", dir + "/out", dir + "/tail.log");
    auto rc = tail->wait(60s);
    ASSERT_TRUE(rc.has_value()) << tail->log();
    EXPECT_EQ(*rc, 0) << tail->log();
    auto lines = split_lines(read_file(dir + "/out"));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front(), "Adding consumer for topic: rt");
    lines.erase(lines.begin());
    EXPECT_EQ(sorted(lines), sorted(want));
}

TEST(ToNsqTail, PrintTopicAndSignalExit) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto tail = spawn_redirected(
        NSQ_TAIL_BIN,
        {"--topic", "pt", "--channel", "c", "--print-topic", "--nsqd-tcp-address", tcp_address(*d)},
        "", dir + "/out", dir + "/tail.log");
    ASSERT_TRUE(wait_until([&] { return channel_stats(*d, "pt", "c").client_count == 1; }))
        << tail->log();
    http_pub(*d, "pt", "hello");
    ASSERT_TRUE(wait_until([&] {
        return read_file(dir + "/out").find("pt | hello\n") != std::string::npos;
    })) << read_file(dir + "/out");
    tail->signal(SIGTERM);
    auto rc = tail->wait(60s);
    ASSERT_TRUE(rc.has_value());
    EXPECT_EQ(*rc, 0) << tail->log();
    EXPECT_TRUE(wait_until(
        [&] {
            auto st = channel_stats(*d, "pt", "c");
            return st.in_flight == 0 && st.depth == 0;  // FIN'd, not requeued
        },
        20s));
}

TEST(ToNsqTail, ToNsqFansOutWithDelimiter) {
    auto a = start_nsqd();
    auto b = start_nsqd();
    std::string dir = temp_dir();
    std::string log;
    ASSERT_EQ(run_to_nsq({"--topic", "fan", "--delimiter", ",", "--nsqd-tcp-address",
                          tcp_address(*a), "--nsqd-tcp-address", tcp_address(*b)},
                         "x,y,,z,", dir, &log),
              0)
        << log;
    EXPECT_EQ(topic_message_count(*a, "fan"), 3);
    EXPECT_EQ(topic_message_count(*b, "fan"), 3);
}

TEST(ToNsqTail, ToNsqRateLimits) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(run_to_nsq({"--topic", "rate", "--rate", "10", "--nsqd-tcp-address", tcp_address(*d)},
                         "1\n2\n3\n4\n5\n6\n", dir),
              0);
    // 6 messages at 10/s: the first is free, the other five wait 100 ms each
    EXPECT_GE(std::chrono::steady_clock::now() - start, 450ms);
    EXPECT_EQ(topic_message_count(*d, "rate"), 6);
}

TEST(ToNsqTail, ToNsqStopsOnSigtermWhileReading) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    std::string fifo = dir + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto p =
        spawn_redirected(TO_NSQ_BIN, {"--topic", "live", "--nsqd-tcp-address", tcp_address(*d)},
                         fifo, "", dir + "/log");
    int fd = ::open(fifo.c_str(), O_WRONLY);  // meets the reader opened by the shell
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "a\nb\n", 4), 4);
    ASSERT_TRUE(wait_until([&] { return topic_message_count(*d, "live") == 2; })) << p->log();
    p->signal(SIGTERM);  // stdin still open
    auto rc = p->wait(60s);
    ::close(fd);
    ASSERT_TRUE(rc.has_value()) << p->log();
    EXPECT_EQ(*rc, 0) << p->log();
}

TEST(ToNsqTail, ToNsqPublishErrorIsFatal) {
    auto d = start_nsqd();
    std::string dir = temp_dir();
    std::string log;
    EXPECT_EQ(run_to_nsq({"--topic", "bad*topic", "--nsqd-tcp-address", tcp_address(*d)}, "x\n",
                         dir, &log),
              1);
    EXPECT_NE(log.find("E_BAD_TOPIC"), std::string::npos) << log;
}

TEST(ToNsqTail, FlagValidation) {
    struct tc {
        std::string bin;
        std::vector<std::string> args;
        int code;
        std::string text;
    };
    std::vector<tc> cases = {
        {TO_NSQ_BIN, {"--nsqd-tcp-address", "a:1"}, 1, "--topic required"},
        {TO_NSQ_BIN, {"--topic", "t", "--delimiter", "ab"}, 1, "--delimiter must be a single byte"},
        {TO_NSQ_BIN, {"--topic", "t"}, 1, "--nsqd-tcp-address required"},
        {TO_NSQ_BIN, {"--version"}, 2, "flag provided but not defined: -version"},
        {TO_NSQ_BIN,
         {"--topic", "t", "--producer-opt", "bogus,1"},
         2,
         "invalid value \"bogus,1\" for flag -producer-opt"},
        {NSQ_TAIL_BIN,
         {"--topic", "t"},
         1,
         "--nsqd-tcp-address or --lookupd-http-address required"},
        {NSQ_TAIL_BIN, {"--nsqd-tcp-address", "a:1"}, 1, "--topic required"},
        {NSQ_TAIL_BIN,
         {"--topic", "t", "--nsqd-tcp-address", "a:1", "--lookupd-http-address", "b:1"},
         1,
         "use --nsqd-tcp-address or --lookupd-http-address not both"},
        {NSQ_TAIL_BIN, {"--version"}, 0, "nsq_tail v1.3.0"},
    };
    std::string dir = temp_dir();
    for (const auto& c : cases) {
        child_process p(c.bin, c.args, dir + "/log");
        auto rc = p.wait(30s);
        ASSERT_TRUE(rc.has_value()) << c.text;
        EXPECT_EQ(*rc, c.code) << c.text << "\n" << p.log();
        EXPECT_NE(p.log().find(c.text), std::string::npos) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::test
