// Crash suite (2): power loss. nsqd (--durability=fsync) runs under crashsim (an LD_PRELOAD
// interposer keeping what a POSIX-strict power loss would leave: see crashsim/README.md), is
// killed under concurrent publishing, and restarted on post-crash images: clean (only synced
// data and directory entries), prefix (torn unsynced tails), zero (unsynced bytes zeroed) and
// blocks (a random subset of unsynced 4 KiB blocks). Every acknowledged message is delivered;
// nothing that was never published appears.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "tests/crash/daemon.h"
#include "tests/crash/workload.h"
#include "tests/support/test_nsqd.h"

#if !defined(NSQD_BIN) || !defined(CRASHSIM_LIB) || !defined(CRASHSIM_IMAGE)
#error "NSQD_BIN, CRASHSIM_LIB and CRASHSIM_IMAGE must be defined"
#endif

namespace nsqpp::test {
namespace {
using namespace std::chrono_literals;

// One cycle: run under crashsim, kill, build the image in `mode`, verify on it.
void power_loss_cycle(const std::string& mode, uint64_t seed, ledger& l) {
    std::string base = make_temp_dir();
    std::string live = base + "/live", shadow = base + "/shadow", image = base + "/image";
    std::filesystem::create_directories(live);
    setenv("CRASHSIM_DIR", live.c_str(), 1);
    setenv("CRASHSIM_SHADOW", shadow.c_str(), 1);
    setenv("LD_PRELOAD", CRASHSIM_LIB, 1);
    auto d = start_durable(NSQD_BIN, live, 0);
    unsetenv("LD_PRELOAD");
    unsetenv("CRASHSIM_DIR");
    unsetenv("CRASHSIM_SHADOW");
    ASSERT_NE(d.port, 0);
    {
        workload w(d.port, l, seed, 4, mode + std::to_string(seed), false);
        std::mt19937_64 rng(seed);
        std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 800));
        d.proc->signal(SIGKILL);
        EXPECT_EQ(d.proc->wait(10s), -SIGKILL);
    }
    std::string cmd = std::string("python3 ") + CRASHSIM_IMAGE + " " + shadow + " " + live + " " +
                      image + " --mode " + mode + " --seed " + std::to_string(seed);
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto v = start_durable(NSQD_BIN, image, 1);
    ASSERT_NE(v.port, 0);
    drain(v.port, l, 2s);
    v.proc->signal(SIGTERM);
    EXPECT_EQ(v.proc->wait(10s), 0) << v.proc->log();
}

class crash_power_loss : public ::testing::TestWithParam<const char*> {};

TEST_P(crash_power_loss, acknowledged_messages_survive) {
    const std::string mode = GetParam();
    const int cycles = env_cycles(1);
    const uint64_t seed = env_seed();
    std::printf("[crash crashsim %s] cycles=%d seed=%llu (CRASH_CYCLES, CRASH_SEED)\n",
                mode.c_str(), cycles, static_cast<unsigned long long>(seed));
    for (int i = 0; i < cycles; ++i) {
        ledger l;
        power_loss_cycle(mode, seed + static_cast<uint64_t>(i), l);
        std::printf("[crash crashsim %s] cycle %d: sent=%zu acked=%zu delivered=%zu\n",
                    mode.c_str(), i, l.attempted.size(), l.acked.size(), l.delivered.size());
        EXPECT_GT(l.acked.size(), 0u);
        ASSERT_TRUE(l.check()) << "mode " << mode << " seed " << seed + static_cast<uint64_t>(i);
    }
}

INSTANTIATE_TEST_SUITE_P(images, crash_power_loss,
                         ::testing::Values("clean", "prefix", "zero", "blocks"));

}  // namespace
}  // namespace nsqpp::test
