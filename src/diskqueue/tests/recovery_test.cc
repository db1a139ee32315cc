// Recovery after crashes (stale meta), and corruption handling (spec nsqd.md §5.5, §4.9).
#include <gtest/gtest.h>

#include "diskqueue/disk_queue.h"
#include "diskqueue/tests/test_util.h"

namespace nsqpp::diskqueue {
namespace {

using namespace testing;

// What a power cut leaves of a running queue: its files as they are now, meta not rewritten.
void crash_copy(const temp_dir& from, const temp_dir& to) {
    fs::copy(from.path(), to.path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

std::string file_path(const temp_dir& dir, int n) { return data_file_path(dir.str(), "test", n); }

bool has_bad_file(const temp_dir& dir, int n) { return fs::exists(file_path(dir, n) + ".bad"); }

std::vector<std::string> read_all(disk_queue& q) {
    std::vector<std::string> out;
    while (auto r = q.read_next()) out.push_back(*r);
    return out;
}

std::vector<std::string> records(int first, int last, size_t size = 32) {
    std::vector<std::string> out;
    for (int i = first; i < last; ++i) out.push_back(make_record(i, size));
    return out;
}

TEST(DiskQueueRecovery, StaleMetaContinuesWritingInANewFile) {
    temp_dir dir, crashed;
    {
        disk_queue q(make_config(dir), nullptr);
        for (const auto& r : records(0, 5)) ASSERT_FALSE(q.put(r));
        ASSERT_FALSE(q.sync());
        for (const auto& r : records(5, 8)) ASSERT_FALSE(q.put(r));
        crash_copy(dir, crashed);
    }
    EXPECT_EQ(read_bytes(crashed.path() / "test.diskqueue.meta.dat"), "5\n0,0\n0,180\n");
    disk_queue q(make_config(crashed), nullptr);
    EXPECT_EQ(q.depth(), 5);
    for (const auto& r : records(8, 10)) ASSERT_FALSE(q.put(r));
    // The old file is not appended to; new records go to file 1.
    EXPECT_EQ(fs::file_size(file_path(crashed, 0)), 8 * 36u);
    EXPECT_EQ(fs::file_size(file_path(crashed, 1)), 2 * 36u);
    EXPECT_EQ(read_all(q), records(0, 10));  // the reader reads file 0 to its real end
    EXPECT_EQ(q.depth(), 0);
    EXPECT_FALSE(fs::exists(file_path(crashed, 0)));
    EXPECT_FALSE(has_bad_file(crashed, 0));
    ASSERT_FALSE(q.close());
    EXPECT_EQ(read_bytes(crashed.path() / "test.diskqueue.meta.dat"), "0\n1,72\n1,72\n");
}

TEST(DiskQueueRecovery, ReadsSinceTheLastSyncAreRedelivered) {
    temp_dir dir, crashed;
    {
        disk_queue q(make_config(dir), nullptr);
        for (const auto& r : records(0, 5)) ASSERT_FALSE(q.put(r));
        ASSERT_FALSE(q.sync());
        for (int i = 0; i < 3; ++i) q.read_next();
        crash_copy(dir, crashed);
    }
    disk_queue q(make_config(crashed), nullptr);
    EXPECT_EQ(q.depth(), 5);
    EXPECT_EQ(read_all(q), records(0, 5));
}

TEST(DiskQueueRecovery, TornRecordAtTheEndOfAStaleWriteFile) {
    temp_dir dir;
    std::string file;
    for (const auto& r : records(0, 3)) file += framed(r);
    const size_t synced = file.size();
    file += framed(make_record(3)).substr(0, 20);  // power cut in the middle of a write
    write_bytes(file_path(dir, 0), file);
    write_bytes(dir.path() / "test.diskqueue.meta.dat",
                "3\n0,0\n0," + std::to_string(synced) + "\n");
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(9)));
    EXPECT_EQ(read_all(q), (std::vector<std::string>{make_record(0), make_record(1), make_record(2),
                                                     make_record(9)}));
    EXPECT_TRUE(has_bad_file(dir, 0));
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueueRecovery, TruncatedMetaSalvagesTheDataFiles) {
    temp_dir dir;
    {
        disk_queue q(make_config(dir), nullptr);
        for (const auto& r : records(0, 5)) ASSERT_FALSE(q.put(r));
    }
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "5\n0,");  // torn meta
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(5)));  // not written over file 0
    EXPECT_EQ(read_all(q), records(0, 6));
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueueRecovery, MissingMetaIsAnEmptyQueue) {
    temp_dir dir;
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.depth(), 0);
    EXPECT_EQ(q.read_next(), std::nullopt);
    ASSERT_FALSE(q.put(make_record(1)));
    EXPECT_TRUE(fs::exists(file_path(dir, 0)));
}

TEST(DiskQueueRecovery, MissingMetaWithADataFileSalvagesIt) {
    temp_dir dir;
    std::string f0;
    for (const auto& r : records(0, 3)) f0 += framed(r);
    write_bytes(file_path(dir, 0), f0);
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(3)));
    EXPECT_EQ(read_bytes(file_path(dir, 1)), framed(make_record(3)));
    EXPECT_EQ(read_all(q), records(0, 4));
}

TEST(DiskQueueRecovery, WriteFileShorterThanMetaIsNotWrittenInto) {
    temp_dir dir;
    std::string file;
    for (const auto& r : records(0, 2)) file += framed(r);
    write_bytes(file_path(dir, 0), file);
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "5\n0,0\n0,180\n");
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(2)));
    EXPECT_EQ(fs::file_size(file_path(dir, 0)), file.size());
    EXPECT_EQ(read_all(q), records(0, 3));
    EXPECT_FALSE(has_bad_file(dir, 0));
}

TEST(DiskQueueRecovery, LostRollMetaKeepsTheNextFile) {
    temp_dir dir;
    std::string f0, f1;
    for (const auto& r : records(0, 2)) f0 += framed(r);
    for (const auto& r : records(2, 4)) f1 += framed(r);
    write_bytes(file_path(dir, 0), f0);
    write_bytes(file_path(dir, 1), f1);
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "2\n0,0\n0,72\n");
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(4)));
    EXPECT_EQ(read_bytes(file_path(dir, 1)), f1);  // untouched
    EXPECT_EQ(read_all(q), records(0, 5));
    for (int n = 0; n < 3; ++n) EXPECT_FALSE(has_bad_file(dir, n));
}

// go-diskqueue 1.1.0 persists this state when its reader was caught up as the writer rolled.
TEST(DiskQueueRecovery, ReaderAtTheEndOfAFinishedFile) {
    temp_dir dir;
    std::string f0;
    for (const auto& r : records(0, 2)) f0 += framed(r);
    write_bytes(file_path(dir, 0), f0);
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "0\n0,72\n1,0\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_FALSE(has_bad_file(dir, 0));
    EXPECT_FALSE(fs::exists(file_path(dir, 0)));
    ASSERT_FALSE(q.put(make_record(7)));
    EXPECT_EQ(q.read_next(), make_record(7));
}

TEST(DiskQueueRecovery, DepthIsResetWhenTheReaderCatchesUp) {
    temp_dir dir;
    std::string f0;
    for (const auto& r : records(0, 2)) f0 += framed(r);
    write_bytes(file_path(dir, 0), f0);
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "10\n0,0\n0,72\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.depth(), 10);
    EXPECT_EQ(read_all(q), records(0, 2));
    EXPECT_EQ(q.depth(), 0);
    ASSERT_FALSE(q.close());
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "0\n0,72\n0,72\n");
}

TEST(DiskQueueRecovery, DepthAtTheTailIsCheckedAtStartUp) {
    temp_dir dir;
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "4\n3,0\n3,0\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueueRecovery, ReaderAheadOfWriterInMeta) {
    for (const char* meta : {"3\n5,0\n2,10\n", "3\n2,50\n2,10\n"}) {
        temp_dir dir;
        write_bytes(dir.path() / "test.diskqueue.meta.dat", meta);
        disk_queue q(make_config(dir), nullptr);
        EXPECT_EQ(q.depth(), 0) << meta;
        EXPECT_EQ(q.read_next(), std::nullopt);
        ASSERT_FALSE(q.put(make_record(1)));
        EXPECT_EQ(q.read_next(), make_record(1));
    }
}

TEST(DiskQueueRecovery, NegativeMetaValuesAreInvalid) {
    temp_dir dir;
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "1\n-1,0\n0,0\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.depth(), 0);
    ASSERT_FALSE(q.put(make_record(1)));
    EXPECT_EQ(q.read_next(), make_record(1));
}

// ------------------------------------------------------------------------------ corruption

TEST(DiskQueueCorruption, BadLengthInTheMiddleRenamesTheFileAndContinues) {
    for (uint32_t bad : {0u, 5u, 25u, 1048603u, 0x7fffffffu, 0x80000000u, 0xffffffffu}) {
        temp_dir dir;
        std::string f0 = framed(make_record(0)) + framed(make_record(1)) + be32(bad) +
                         std::string(40, 'x') + framed(make_record(99));
        std::string f1 = framed(make_record(2)) + framed(make_record(3));
        write_bytes(file_path(dir, 0), f0);
        write_bytes(file_path(dir, 1), f1);
        write_bytes(dir.path() / "test.diskqueue.meta.dat",
                    "5\n0,0\n1," + std::to_string(f1.size()) + "\n");
        disk_queue q(make_config(dir), nullptr);
        EXPECT_EQ(read_all(q), records(0, 4)) << bad;
        EXPECT_TRUE(has_bad_file(dir, 0));
        EXPECT_EQ(read_bytes(file_path(dir, 0) + ".bad"), f0);
        EXPECT_FALSE(fs::exists(file_path(dir, 0)));
        EXPECT_EQ(q.depth(), 0);  // one record lost: depth reset at the tail
        ASSERT_FALSE(q.put(make_record(4)));
        EXPECT_EQ(q.read_next(), make_record(4));
    }
}

TEST(DiskQueueCorruption, BadRecordInTheWriteFileMovesTheWriterToo) {
    temp_dir dir;
    std::string f0 = framed(make_record(0)) + be32(3) + "abc";
    write_bytes(file_path(dir, 0), f0);
    write_bytes(dir.path() / "test.diskqueue.meta.dat",
                "2\n0,0\n0," + std::to_string(f0.size()) + "\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.read_next(), make_record(0));
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_TRUE(has_bad_file(dir, 0));
    EXPECT_EQ(q.depth(), 0);
    ASSERT_FALSE(q.put(make_record(1)));
    EXPECT_TRUE(fs::exists(file_path(dir, 1)));
    EXPECT_EQ(q.read_next(), make_record(1));
    ASSERT_FALSE(q.close());
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "0\n1,36\n1,36\n");
}

TEST(DiskQueueCorruption, TruncatedRecordRenamesTheFileAndContinues) {
    const std::string cut_payload = be32(40) + std::string(10, 'x');
    const std::string cut_header("\x00\x00", 2);
    for (const std::string& tail : {cut_payload, cut_header}) {
        temp_dir dir;
        std::string f0 = framed(make_record(0)) + tail;
        std::string f1 = framed(make_record(1));
        write_bytes(file_path(dir, 0), f0);
        write_bytes(file_path(dir, 1), f1);
        write_bytes(dir.path() / "test.diskqueue.meta.dat", "3\n0,0\n1,36\n");
        disk_queue q(make_config(dir), nullptr);
        EXPECT_EQ(read_all(q), records(0, 2));
        EXPECT_TRUE(has_bad_file(dir, 0));
        EXPECT_EQ(q.depth(), 0);
    }
}

TEST(DiskQueueCorruption, MissingReadFilesAreSkipped) {
    temp_dir dir;
    write_bytes(file_path(dir, 1), framed(make_record(1)));
    write_bytes(file_path(dir, 2), framed(make_record(2)));
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "3\n0,0\n2,36\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(read_all(q), records(1, 3));
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueueCorruption, ManyBadFilesNeitherHangNorCrash) {
    temp_dir dir;
    for (int n = 0; n < 10; ++n) write_bytes(file_path(dir, n), std::string(100, '\xff'));
    write_bytes(dir.path() / "test.diskqueue.meta.dat", "10\n0,0\n9,100\n");
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.read_next(), std::nullopt);
    for (int n = 0; n < 10; ++n) EXPECT_TRUE(has_bad_file(dir, n)) << n;
    EXPECT_EQ(q.depth(), 0);
    ASSERT_FALSE(q.put(make_record(1)));
    EXPECT_EQ(q.read_next(), make_record(1));
}

TEST(DiskQueueCorruption, LowerMaxMsgSizeMakesOldRecordsInvalid) {
    temp_dir dir;
    {
        disk_queue q(make_config(dir), nullptr);
        ASSERT_FALSE(q.put(make_record(0, 100)));
        ASSERT_FALSE(q.put(make_record(1, 30)));
    }
    config c = make_config(dir);
    c.max_msg_size = 50;
    disk_queue q(c, nullptr);
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_TRUE(has_bad_file(dir, 0));
}

}  // namespace
}  // namespace nsqpp::diskqueue
