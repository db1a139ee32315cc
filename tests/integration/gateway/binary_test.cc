// The nsqgw binary: flags, NSQ-style log lines, proxying, clean exit on SIGTERM/SIGINT,
// clear errors for bad flags.
#include <gtest/gtest.h>

#include <csignal>

#include "tests/integration/gateway/fixture.h"
#include "tests/support/process.h"

namespace nsqpp::gateway_test {
namespace {

std::string log_path(const std::string& name) {
    return ::testing::TempDir() + "/nsqgw_bin_" + name + "_" + std::to_string(::getpid()) + ".log";
}

TEST(Binary, ProxiesAndExitsCleanlyOnSignals) {
    backend b("b");
    for (int sig : {SIGTERM, SIGINT}) {
        test::child_process p(
            NSQGW_BINARY,
            {"--http-address=127.0.0.1:0", "--admin-address=127.0.0.1:0", "--worker-threads=2",
             "--upstream=" + b.address(), "--middleware=request_id,metrics"},
            log_path("sig" + std::to_string(sig)));
        auto port = p.wait_for_port("HTTP", 20s);
        ASSERT_TRUE(port) << p.log();
        auto r = call(*port, "GET", "/echo");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->header("x-request-id").size(), 32u);
        p.signal(sig);
        EXPECT_EQ(p.wait(10s), 0) << p.log();
        EXPECT_NE(p.log().find("[nsqgw] "), std::string::npos);
        EXPECT_NE(p.log().find("INFO: signal " + std::to_string(sig) + " received, exiting"),
                  std::string::npos)
            << p.log();
    }
}

TEST(Binary, BadFlagsAndConfigFailWithClearMessages) {
    {
        test::child_process p(NSQGW_BINARY, {"--balancer=fastest", "--upstream=127.0.0.1:1"},
                              log_path("bal"));
        EXPECT_EQ(p.wait(10s), 1);
        EXPECT_NE(p.log().find("unknown balancer \"fastest\""), std::string::npos) << p.log();
    }
    {
        test::child_process p(NSQGW_BINARY, {"--nope"}, log_path("flag"));
        EXPECT_EQ(p.wait(10s), 2);
        EXPECT_NE(p.log().find("flag provided but not defined: -nope"), std::string::npos)
            << p.log();
    }
    {
        test::child_process p(NSQGW_BINARY,
                              {"--upstream=127.0.0.1:1", "--http-address=256.0.0.1:1"},
                              log_path("listen"));
        EXPECT_EQ(p.wait(10s), 1);
        EXPECT_NE(p.log().find("failed to instantiate nsqgw - listen (256.0.0.1:1) failed"),
                  std::string::npos)
            << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::gateway_test
