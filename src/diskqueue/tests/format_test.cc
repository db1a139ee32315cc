// Byte-level compatibility with go-diskqueue 1.1.0: meta text, file names, record layout.
#include <gtest/gtest.h>

#include "diskqueue/disk_queue.h"
#include "diskqueue/meta.h"
#include "diskqueue/tests/test_util.h"

namespace nsqpp::diskqueue {
namespace {

using namespace testing;

TEST(DiskQueueMeta, FormatIsGoFprintf) {
    EXPECT_EQ(format_meta({10, 0, 32, 0, 361}), "10\n0,32\n0,361\n");
    EXPECT_EQ(format_meta({}), "0\n0,0\n0,0\n");
    EXPECT_EQ(format_meta({-3, 12, 0, 1234567, 104857600}), "-3\n12,0\n1234567,104857600\n");
}

TEST(DiskQueueMeta, ParsesWhatGoFscanfAccepts) {
    const queue_state expected{10, 0, 32, 0, 361};
    EXPECT_EQ(parse_meta("10\n0,32\n0,361\n"), expected);
    EXPECT_EQ(parse_meta("10\n0,32\n0,361"), expected);           // no final newline
    EXPECT_EQ(parse_meta("10\n0,32\n0,361\ngarbage"), expected);  // rest ignored
    EXPECT_EQ(parse_meta("+10\n 0, 32\n\t0,+361\n"), expected);   // signs, blanks
    EXPECT_EQ(parse_meta("10\r\n0,32\r\n0,361\r\n"), expected);   // CRLF
    EXPECT_EQ(parse_meta("-1\n0,0\n0,0\n"), (queue_state{-1, 0, 0, 0, 0}));
    EXPECT_EQ(parse_meta("9223372036854775807\n0,0\n0,0\n")->depth, INT64_MAX);
    EXPECT_EQ(parse_meta("-9223372036854775808\n0,0\n0,0\n")->depth, INT64_MIN);
}

TEST(DiskQueueMeta, RejectsMalformedText) {
    for (const char* text :
         {"", "\n", "10", "10\n", "10\n0,32", "10\n0,32\n", "10\n0,32\n0", "10\n0 32\n0,361\n",
          "10\r0,32\r0,361\r", "x\n0,0\n0,0\n", "1\n0,0\n0,0x\n", "9223372036854775808\n0,0\n0,0\n",
          "1\n-\n0,0\n", "1\n0,,0\n0,0\n", "0x1\n0,0\n0,0\n"}) {
        EXPECT_EQ(parse_meta(text), std::nullopt) << text;
    }
}

TEST(DiskQueueMeta, FileNames) {
    EXPECT_EQ(data_file_path("/data", "t", 0), "/data/t.diskqueue.000000.dat");
    EXPECT_EQ(data_file_path("/data", "t:c", 42), "/data/t:c.diskqueue.000042.dat");
    EXPECT_EQ(data_file_path("d", "t", 1234567), "d/t.diskqueue.1234567.dat");
    EXPECT_EQ(meta_file_path("/data", "t:c"), "/data/t:c.diskqueue.meta.dat");
}

// The record observed from NSQ in spec §5.2: length 0x1c = 26 + "m3".
std::string observed_message() {
    return std::string("\x18\xeb\x3a\xf5\xf2\x5c\x91\x0d", 8) + std::string("\x00\x00", 2) +
           "18a7c89735669003" + "m3";
}

TEST(DiskQueueFormat, ReadsAFileWrittenByGo) {
    temp_dir dir;
    const std::string m1 = observed_message();
    const std::string m2 = std::string(8, '\x01') + std::string("\x00\x05", 2) +
                           "18a7c89735669004" + std::string(300, 'b');
    std::string file = std::string("\x00\x00\x00\x1c", 4) + m1 + framed(m2);
    ASSERT_EQ(file.size(), 4 + 28 + 4 + 326u);
    write_bytes(dir.path() / "t:c.diskqueue.000000.dat", file);
    write_bytes(dir.path() / "t:c.diskqueue.meta.dat", "2\n0,0\n0,362\n");

    disk_queue q(make_config(dir, "t:c"), nullptr);
    EXPECT_EQ(q.depth(), 2);
    EXPECT_EQ(q.read_next(), m1);
    EXPECT_EQ(q.read_next(), m2);
    EXPECT_EQ(q.read_next(), std::nullopt);
    ASSERT_FALSE(q.close());
    EXPECT_EQ(read_bytes(dir.path() / "t:c.diskqueue.meta.dat"), "0\n0,362\n0,362\n");
}

TEST(DiskQueueFormat, ReadsSeveralGoFilesAndAppendsAfterWritePos) {
    temp_dir dir;
    std::string f0, f1;
    for (int i = 0; i < 3; ++i) f0 += framed(make_record(i, 40));
    for (int i = 3; i < 5; ++i) f1 += framed(make_record(i, 40));
    write_bytes(dir.path() / "t.diskqueue.000003.dat", f0);
    write_bytes(dir.path() / "t.diskqueue.000004.dat", f1);
    // Go had read one record of file 3 and writes at the end of file 4.
    write_bytes(dir.path() / "t.diskqueue.meta.dat", "4\n3,44\n4,88\n");

    disk_queue q(make_config(dir, "t"), nullptr);
    EXPECT_EQ(q.depth(), 4);
    ASSERT_FALSE(q.put(make_record(5, 40)));
    EXPECT_EQ(read_bytes(dir.path() / "t.diskqueue.000004.dat"), f1 + framed(make_record(5, 40)));
    for (int i = 1; i < 6; ++i) EXPECT_EQ(q.read_next(), make_record(i, 40));
    EXPECT_FALSE(fs::exists(dir.path() / "t.diskqueue.000003.dat"));
    ASSERT_FALSE(q.close());
    EXPECT_EQ(read_bytes(dir.path() / "t.diskqueue.meta.dat"), "0\n4,132\n4,132\n");
}

TEST(DiskQueueFormat, WritesTheBytesGoWrites) {
    temp_dir dir;
    const std::string m1 = observed_message();
    const std::string m2 = make_record(7, 1000);
    {
        disk_queue q(make_config(dir, "topic"), nullptr);
        ASSERT_FALSE(q.put(m1));
        ASSERT_FALSE(q.put(m2));
        q.read_next();
    }
    std::string expected =
        std::string("\x00\x00\x00\x1c", 4) + m1 + std::string("\x00\x00\x03\xe8", 4) + m2;
    EXPECT_EQ(read_bytes(dir.path() / "topic.diskqueue.000000.dat"), expected);
    EXPECT_EQ(read_bytes(dir.path() / "topic.diskqueue.meta.dat"), "1\n0,32\n0,1036\n");
}

TEST(DiskQueueFormat, RecordOfMaxMsgSize) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_msg_size = 1048576 + 26;
    disk_queue q(c, nullptr);
    const std::string big(1048576 + 26, 'z');
    ASSERT_FALSE(q.put(big));
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.000000.dat").substr(0, 4),
              std::string("\x00\x10\x00\x1a", 4));
    EXPECT_EQ(q.read_next(), big);
}

}  // namespace
}  // namespace nsqpp::diskqueue
