// The nsqadmin binary: NSQ's fatal start-up errors (exit 1), serving, and a clean exit 0 on
// SIGTERM / SIGINT.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>

#include "http/client.h"
#include "tests/support/process.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::nsqadmin_test {
namespace {
using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string log_path(const std::string& name) {
    return test::make_temp_dir() + "/" + name + ".log";
}

TEST(nsqadmin_binary, missing_upstream_flags_are_fatal) {
    test::child_process p(NSQADMIN_BIN, {"--http-address=127.0.0.1:0"}, log_path("fatal"));
    EXPECT_EQ(p.wait(20s), 1);
    EXPECT_THAT(p.log(), HasSubstr("FATAL: failed to instantiate nsqadmin - --nsqd-http-address or "
                                   "--lookupd-http-address required"));
}

TEST(nsqadmin_binary, bad_flag_is_a_go_flag_error) {
    test::child_process p(NSQADMIN_BIN, {"--no-such-flag"}, log_path("badflag"));
    EXPECT_EQ(p.wait(20s), 2);
    EXPECT_THAT(p.log(), HasSubstr("flag provided but not defined: -no-such-flag"));
}

TEST(nsqadmin_binary, serves_then_exits_cleanly_on_signals) {
    for (int sig : {SIGTERM, SIGINT}) {
        test::child_process p(NSQADMIN_BIN,
                              {"--http-address=127.0.0.1:0", "--lookupd-http-address=127.0.0.1:1"},
                              log_path("serve"));
        auto port = p.wait_for_port("HTTP", 20s);
        ASSERT_TRUE(port) << p.log();
        auto ping = http::fetch("GET", "127.0.0.1", *port, "/ping");
        EXPECT_EQ(ping.body, "OK");
        auto page = http::fetch("GET", "127.0.0.1", *port, "/nodes");
        EXPECT_THAT(page.body, HasSubstr("<title>nsqadmin</title>"));
        p.signal(sig);
        EXPECT_EQ(p.wait(20s), 0) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::nsqadmin_test
