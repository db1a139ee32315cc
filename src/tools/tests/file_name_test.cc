#include "tools/file_name.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nsqpp::tools {
namespace {

std::tm sample_time() {
    std::tm tm{};
    tm.tm_year = 2024 - 1900;
    tm.tm_mon = 2;  // March
    tm.tm_mday = 5;
    tm.tm_hour = 14;
    tm.tm_min = 7;
    tm.tm_sec = 9;
    tm.tm_wday = 2;  // Tuesday
    return tm;
}

TEST(FileName, DefaultFormatDropsRev) {
    file_name_settings s;
    EXPECT_EQ(compute_filename_format(s, "clicks", "web01.example", 42),
              "clicks.web01.<DATETIME>.log");
}

TEST(FileName, GzipKeepsRevAndAppendsGz) {
    file_name_settings s;
    s.gzip = true;
    EXPECT_EQ(compute_filename_format(s, "clicks", "web01.example", 42),
              "clicks.web01<REV>.<DATETIME>.log.gz");
    s.filename_format = "<TOPIC><REV>.gz";
    EXPECT_EQ(compute_filename_format(s, "t", "h", 1), "t<REV>.gz");
}

TEST(FileName, RevRequiredWithRotationOrGzip) {
    file_name_settings s;
    s.filename_format = "<TOPIC>.<DATETIME>.log";
    s.rotation_or_work_dir = true;
    EXPECT_THROW(compute_filename_format(s, "t", "h", 1), std::runtime_error);
    s.rotation_or_work_dir = false;
    s.gzip = true;
    EXPECT_THROW(compute_filename_format(s, "t", "h", 1), std::runtime_error);
}

TEST(FileName, HostIdentifierAndPid) {
    file_name_settings s;
    s.filename_format = "<TOPIC>/<HOST>.<PID>.log";
    s.host_identifier = "x-<SHORT_HOST>-<HOSTNAME>";
    EXPECT_EQ(compute_filename_format(s, "t#ephemeral", "web01.example", 77),
              "t#ephemeral/x-web01-web01.example.77.log");
}

TEST(FileName, DatetimeCodes) {
    std::tm tm = sample_time();
    EXPECT_EQ(format_datetime("%Y-%m-%d_%H", tm), "2024-03-05_14");
    EXPECT_EQ(format_datetime("%y%M%S %I%p %b %B %a %A %%", tm),
              "240709 02PM Mar March Tue Tuesday %");
    EXPECT_EQ(format_datetime("%q-%", tm), "%q-%");
}

TEST(FileName, Revision) {
    EXPECT_EQ(with_revision("a<REV>.log", 0), "a-000000.log");
    EXPECT_EQ(with_revision("a<REV>.log", 12), "a-000012.log");
    EXPECT_EQ(with_revision("plain.log", 3), "plain.log");
}

}  // namespace
}  // namespace nsqpp::tools
