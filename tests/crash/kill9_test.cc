// Crash suite (1): kill -9 of the real nsqd binary (--durability=fsync) under concurrent
// publishing. Every acknowledged message is delivered after a restart; nothing that was never
// published appears; FINs, attempts and deferred due times survive.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "tests/crash/daemon.h"
#include "tests/crash/workload.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"
#include "wire/frame.h"

#ifndef NSQD_BIN
#error "NSQD_BIN must be defined"
#endif

namespace nsqpp::test {
namespace {
using namespace std::chrono_literals;

std::string data_dir() {
    std::string dir = make_temp_dir() + "/data";
    std::filesystem::create_directories(dir);
    return dir;
}

TEST(crash_kill9, acknowledged_messages_survive_kill_9_loops) {
    const int cycles = env_cycles(3);
    const uint64_t seed = env_seed();
    std::printf("[crash kill9] cycles=%d seed=%llu (CRASH_CYCLES, CRASH_SEED)\n", cycles,
                static_cast<unsigned long long>(seed));
    std::string dir = data_dir();
    std::mt19937_64 rng(seed);
    ledger l;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        auto d = start_durable(NSQD_BIN, dir, cycle);
        ASSERT_NE(d.port, 0);
        workload w(d.port, l, seed + static_cast<uint64_t>(cycle), 4, "c" + std::to_string(cycle));
        std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 900));
        d.proc->signal(SIGKILL);
        EXPECT_EQ(d.proc->wait(10s), -SIGKILL);
        w.stop();
    }
    auto d = start_durable(NSQD_BIN, dir, cycles);
    ASSERT_NE(d.port, 0);
    drain(d.port, l, 2s);
    d.proc->signal(SIGTERM);
    EXPECT_EQ(d.proc->wait(10s), 0) << d.proc->log();
    std::printf("[crash kill9] sent=%zu acked=%zu delivered=%zu deliveries=%llu\n",
                l.attempted.size(), l.acked.size(), l.delivered.size(),
                static_cast<unsigned long long>(l.deliveries));
    EXPECT_GT(l.acked.size(), 0u);
    EXPECT_TRUE(l.check()) << "seed " << seed;
}

// Publishes 100, FINs 40, REQs 20 with a 4 s delay, leaves 40 in flight, kill -9: the restart
// redelivers exactly the 60 unfinished ones — the in-flight ones at once with attempts 2, the
// requeued ones only after their due time — and none of the finished ones.
TEST(crash_kill9, fin_in_flight_and_deferred_state_survive) {
    std::string dir = data_dir();
    auto d = start_durable(NSQD_BIN, dir, 0);
    ASSERT_NE(d.port, 0);
    raw_client c = subscribe(d.port, "t", "ch", 0);
    std::vector<std::string> bodies;
    for (int i = 0; i < 100; ++i) bodies.push_back("m" + std::to_string(i));
    c.send(cmd_with_body("MPUB t", mpub_body(bodies)));
    ASSERT_TRUE(c.expect_response("OK"));
    c.send(cmd("RDY 100"));
    std::set<std::string> finished, requeued, in_flight;
    for (int i = 0; i < 100; ++i) {
        auto m = c.read_message(5s);
        ASSERT_TRUE(m);
        ASSERT_EQ(m->attempts, 1);
        if (i < 40) {
            c.send(cmd("FIN " + m->id));
            finished.insert(m->body);
        } else if (i < 60) {
            c.send(cmd("REQ " + m->id + " 4000"));
            requeued.insert(m->body);
        } else {
            in_flight.insert(m->body);
        }
    }
    // A publish on the same connection: once it is acknowledged, the FINs and REQs logged
    // before it are on disk too.
    c.send(cmd_with_body("PUB other", "x"));
    ASSERT_TRUE(c.expect_response("OK"));
    d.proc->signal(SIGKILL);
    EXPECT_EQ(d.proc->wait(10s), -SIGKILL);

    auto started = std::chrono::steady_clock::now();
    d = start_durable(NSQD_BIN, dir, 1);
    ASSERT_NE(d.port, 0);
    raw_client r = subscribe(d.port, "t", "ch", 100);
    std::set<std::string> early, late;
    while (early.size() + late.size() < 60) {
        auto m = r.read_message(10s);
        ASSERT_TRUE(m) << "got " << early.size() + late.size() << " of 60";
        bool is_late = std::chrono::steady_clock::now() - started >= 3s;
        EXPECT_FALSE(finished.count(m->body)) << m->body << " was finished";
        if (in_flight.count(m->body)) {
            EXPECT_EQ(m->attempts, 2) << m->body;
            early.insert(m->body);
        } else {
            EXPECT_TRUE(requeued.count(m->body)) << m->body;
            EXPECT_EQ(m->attempts, 2) << m->body;
            EXPECT_TRUE(is_late) << m->body << " deferred message delivered before its due time";
            late.insert(m->body);
        }
        r.send(cmd("FIN " + m->id));
    }
    EXPECT_EQ(early, in_flight);
    EXPECT_EQ(late, requeued);
    EXPECT_TRUE(r.quiet_for(1s));
}

// A data directory written by the default mode (go-diskqueue files, as NSQ writes them) is read
// in durable mode, moved into the journal and its disk queues removed: a kill -9 after that
// loses nothing.
TEST(crash_kill9, disk_queues_from_the_default_mode_are_imported) {
    std::string dir = data_dir();
    auto d = start_durable(NSQD_BIN, dir, 0, {"--mem-queue-size=0"}, "none");
    ASSERT_NE(d.port, 0);
    {
        raw_client c = subscribe(d.port, "t", "ch", 0);  // creates the channel
    }
    std::vector<std::string> bodies;
    for (int i = 0; i < 300; ++i) bodies.push_back("legacy" + std::to_string(i));
    ASSERT_TRUE(publish_many(d.port, "t", bodies));
    d.proc->signal(SIGTERM);
    ASSERT_EQ(d.proc->wait(10s), 0) << d.proc->log();
    ASSERT_TRUE(std::filesystem::exists(dir + "/t:ch.diskqueue.meta.dat"));

    d = start_durable(NSQD_BIN, dir, 1);
    ASSERT_NE(d.port, 0);
    EXPECT_NE(d.proc->log().find("DURABLE: imported 300 messages"), std::string::npos)
        << d.proc->log();
    EXPECT_FALSE(std::filesystem::exists(dir + "/t:ch.diskqueue.meta.dat"));
    d.proc->signal(SIGKILL);
    EXPECT_EQ(d.proc->wait(10s), -SIGKILL);

    d = start_durable(NSQD_BIN, dir, 2);
    ASSERT_NE(d.port, 0);
    raw_client r = subscribe(d.port, "t", "ch", 500);
    std::set<std::string> got;
    while (got.size() < bodies.size()) {
        auto m = r.read_message(10s);
        ASSERT_TRUE(m) << got.size();
        got.insert(m->body);
    }
    EXPECT_EQ(got, std::set<std::string>(bodies.begin(), bodies.end()));
}

}  // namespace
}  // namespace nsqpp::test
