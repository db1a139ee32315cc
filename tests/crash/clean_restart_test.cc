// The default mode (--durability=none): a clean restart keeps deferred messages' due times
// (NSQ delivers them at once). DPUB and REQ with a delay, SIGTERM, restart: nothing before the
// due time, everything after it, with its attempts.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "tests/crash/daemon.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"

#ifndef NSQD_BIN
#error "NSQD_BIN must be defined"
#endif

namespace nsqpp::test {
namespace {
using namespace std::chrono_literals;

TEST(clean_restart, default_mode_keeps_deferred_due_times) {
    std::string dir = make_temp_dir() + "/data";
    std::filesystem::create_directories(dir);
    auto d = start_durable(NSQD_BIN, dir, 0, {}, "none");
    ASSERT_NE(d.port, 0);
    raw_client c = subscribe(d.port, "t", "ch", 0);
    c.send(cmd_with_body("PUB t", "requeued"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd("RDY 1"));
    auto m = c.read_message(5s);
    ASSERT_TRUE(m);
    c.send(cmd("RDY 0"));
    c.send(cmd("REQ " + m->id + " 6000"));
    c.send(cmd_with_body("DPUB t 6000", "deferred"));
    ASSERT_TRUE(c.expect_response("OK"));
    c.close();
    auto stopped = std::chrono::steady_clock::now();
    d.proc->signal(SIGTERM);
    ASSERT_EQ(d.proc->wait(10s), 0) << d.proc->log();

    d = start_durable(NSQD_BIN, dir, 1, {}, "none");
    ASSERT_NE(d.port, 0);
    raw_client r = subscribe(d.port, "t", "ch", 10);
    auto early_until = stopped + 4s;
    std::set<std::string> got;
    while (got.size() < 2) {
        auto msg = r.read_message(15s);
        ASSERT_TRUE(msg) << "got " << got.size();
        EXPECT_GE(std::chrono::steady_clock::now(), early_until)
            << msg->body << " delivered before its due time";
        EXPECT_EQ(msg->attempts, msg->body == "requeued" ? 2 : 1) << msg->body;
        got.insert(msg->body);
        r.send(cmd("FIN " + msg->id));
    }
    EXPECT_TRUE(got.count("requeued") && got.count("deferred"));
}

}  // namespace
}  // namespace nsqpp::test
