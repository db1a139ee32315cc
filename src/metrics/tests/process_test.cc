#include "metrics/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace nsqpp::metrics {
namespace {

TEST(ProcessStats, ReadsProcSelf) {
    process_stats s = read_process_stats();
    ASSERT_TRUE(s.resident_bytes);
    EXPECT_GT(*s.resident_bytes, 0);
    ASSERT_TRUE(s.virtual_bytes);
    EXPECT_GE(*s.virtual_bytes, *s.resident_bytes);
    ASSERT_TRUE(s.cpu_seconds);
    EXPECT_GE(*s.cpu_seconds, 0.0);
    ASSERT_TRUE(s.open_fds);
    EXPECT_GE(*s.open_fds, 3);
    ASSERT_TRUE(s.start_time_seconds);
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_LE(*s.start_time_seconds, now + 1);
    EXPECT_GT(*s.start_time_seconds, now - 24 * 3600);  // this test started recently
}

TEST(ProcessStats, OpenFdsFollowsOpens) {
    auto before = read_process_stats().open_fds;
    std::vector<int> fds;
    for (int i = 0; i < 5; ++i) fds.push_back(::open("/dev/null", O_RDONLY));
    auto during = read_process_stats().open_fds;
    for (int fd : fds) ::close(fd);
    ASSERT_TRUE(before && during);
    EXPECT_EQ(*during, *before + 5);
}

TEST(ProcessStats, CpuSecondsGrowWithWork) {
    double before = read_process_stats().cpu_seconds.value_or(-1);
    auto start = std::chrono::steady_clock::now();
    volatile uint64_t x = 0;
    double after = before;
    // busy until the kernel has accounted at least one tick (bounded: 30 s)
    while (after <= before && std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
        for (int i = 0; i < 1000000; ++i) x = x + static_cast<uint64_t>(i);
        after = read_process_stats().cpu_seconds.value_or(-1);
    }
    EXPECT_GT(after, before);
}

TEST(ProcessMetrics, Families) {
    process_stats s;
    s.cpu_seconds = 1.5;
    s.resident_bytes = 4096;
    s.open_fds = 7;
    exposition e;
    add_process_metrics(e, s);
    add_build_info(e, "1.3.0");
    EXPECT_EQ(e.render(),
              "# HELP nsq_build_info A metric with a constant '1' value labeled by the NSQ "
              "version this build implements.\n"
              "# TYPE nsq_build_info gauge\n"
              "nsq_build_info{version=\"1.3.0\",implementation=\"nsqpp\"} 1\n"
              "# HELP process_cpu_seconds_total Total user and system CPU time spent in "
              "seconds.\n"
              "# TYPE process_cpu_seconds_total counter\n"
              "process_cpu_seconds_total 1.5\n"
              "# HELP process_open_fds Number of open file descriptors.\n"
              "# TYPE process_open_fds gauge\n"
              "process_open_fds 7\n"
              "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
              "# TYPE process_resident_memory_bytes gauge\n"
              "process_resident_memory_bytes 4096\n");
}

}  // namespace
}  // namespace nsqpp::metrics
