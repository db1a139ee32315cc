// disk_queue behaviour: FIFO order, rolling, reopen, sync policy, empty/delete, batches.
#include "diskqueue/disk_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "diskqueue/tests/test_util.h"

namespace nsqpp::diskqueue {
namespace {

using namespace testing;
using std::chrono::steady_clock;

TEST(DiskQueue, RoundTrip) {
    temp_dir dir;
    disk_queue q(make_config(dir), nullptr);
    EXPECT_EQ(q.read_next(), std::nullopt);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(q.put(make_record(i)));
    EXPECT_EQ(q.depth(), 3);
    for (int i = 0; i < 3; ++i) {
        auto r = q.read_next();
        ASSERT_TRUE(r);
        EXPECT_EQ(*r, make_record(i));
        EXPECT_EQ(q.depth(), 2 - i);
    }
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueue, NothingWrittenUntilUsed) {
    temp_dir dir;
    {
        disk_queue q(make_config(dir), nullptr);
        EXPECT_TRUE(list_files(dir.path()).empty());
    }
    // close() (from the destructor) writes the meta file only.
    EXPECT_EQ(list_files(dir.path()), std::vector<std::string>{"test.diskqueue.meta.dat"});
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "0\n0,0\n0,0\n");
}

TEST(DiskQueue, OrderAcrossManyFiles) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    disk_queue q(c, nullptr);
    for (int i = 0; i < 200; ++i) ASSERT_FALSE(q.put(make_record(i, 26 + i % 40)));
    EXPECT_EQ(q.depth(), 200);
    const auto files = list_files(dir.path());
    EXPECT_GT(files.size(), 50u);
    for (const auto& f : files) {
        if (f.ends_with(".dat") && f != "test.diskqueue.meta.dat") {
            EXPECT_LE(fs::file_size(dir.path() / f), 100u) << f;
        }
    }
    for (int i = 0; i < 200; ++i) {
        auto r = q.read_next();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(*r, make_record(i, 26 + i % 40));
    }
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_EQ(q.depth(), 0);
}

TEST(DiskQueue, RollsBeforeARecordThatDoesNotFit) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    disk_queue q(c, nullptr);
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(q.put(make_record(i, 26)));  // 30 bytes each
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000000.dat"), 90u);
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000001.dat"), 30u);
    // The roll synced: the meta names the new write file.
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "3\n0,0\n1,0\n");

    // A record bigger than the limit occupies a file alone.
    ASSERT_FALSE(q.put(make_record(9, 200)));
    ASSERT_FALSE(q.put(make_record(10, 26)));
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000002.dat"), 204u);
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000003.dat"), 30u);
}

TEST(DiskQueue, FirstRecordLargerThanFileLimitStaysInFileZero) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 50;
    disk_queue q(c, nullptr);
    ASSERT_FALSE(q.put(make_record(1, 60)));
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000000.dat"), 64u);
    ASSERT_FALSE(q.put(make_record(2, 26)));
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000001.dat"), 30u);
    EXPECT_EQ(*q.read_next(), make_record(1, 60));
    EXPECT_EQ(*q.read_next(), make_record(2, 26));
}

TEST(DiskQueue, FinishedFilesAreDeleted) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    disk_queue q(c, nullptr);
    for (int i = 0; i < 9; ++i) ASSERT_FALSE(q.put(make_record(i, 26)));  // files 0, 1, 2
    const auto f0 = dir.path() / "test.diskqueue.000000.dat";
    const auto f1 = dir.path() / "test.diskqueue.000001.dat";
    ASSERT_TRUE(fs::exists(f0));
    for (int i = 0; i < 2; ++i) q.read_next();
    EXPECT_TRUE(fs::exists(f0));
    q.read_next();  // the last record of file 0
    EXPECT_FALSE(fs::exists(f0));
    EXPECT_TRUE(fs::exists(f1));
    // Moving to the next read file synced the meta.
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "6\n1,0\n2,90\n");
    for (int i = 3; i < 9; ++i) EXPECT_EQ(*q.read_next(), make_record(i, 26));
    EXPECT_FALSE(fs::exists(f1));
    // The current write file stays, fully read.
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000002.dat"), 90u);
}

TEST(DiskQueue, ReopenAfterCloseResumesExactly) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 200;
    {
        disk_queue q(c, nullptr);
        for (int i = 0; i < 20; ++i) ASSERT_FALSE(q.put(make_record(i)));
        for (int i = 0; i < 7; ++i) EXPECT_EQ(*q.read_next(), make_record(i));
        EXPECT_FALSE(q.close());
        EXPECT_FALSE(q.close());  // idempotent
    }
    {
        disk_queue q(c, nullptr);
        EXPECT_EQ(q.depth(), 13);
        for (int i = 7; i < 12; ++i) EXPECT_EQ(*q.read_next(), make_record(i));
        for (int i = 20; i < 25; ++i) ASSERT_FALSE(q.put(make_record(i)));
    }
    disk_queue q(c, nullptr);
    EXPECT_EQ(q.depth(), 13);
    for (int i = 12; i < 25; ++i) EXPECT_EQ(*q.read_next(), make_record(i));
    EXPECT_EQ(q.read_next(), std::nullopt);
}

TEST(DiskQueue, MetaFileExactText) {
    temp_dir dir;
    disk_queue q(make_config(dir), nullptr);
    for (int i = 0; i < 10; ++i) ASSERT_FALSE(q.put(make_record(i, 32)));  // 36 bytes each
    q.read_next();
    ASSERT_FALSE(q.sync());
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "9\n0,36\n0,360\n");
    EXPECT_EQ(fs::status(dir.path() / "test.diskqueue.meta.dat").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(fs::status(dir.path() / "test.diskqueue.000000.dat").permissions() &
                  (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none);
    // No temporary files left behind.
    EXPECT_EQ(list_files(dir.path()),
              (std::vector<std::string>{"test.diskqueue.000000.dat", "test.diskqueue.meta.dat"}));
}

TEST(DiskQueue, SyncEveryCountsWritesAndReads) {
    temp_dir dir;
    config c = make_config(dir);
    c.sync_every = 5;
    disk_queue q(c, nullptr);
    const auto meta = dir.path() / "test.diskqueue.meta.dat";
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(q.put(make_record(i, 26)));
    EXPECT_FALSE(fs::exists(meta));
    ASSERT_FALSE(q.put(make_record(4, 26)));
    EXPECT_EQ(read_bytes(meta), "5\n0,0\n0,150\n");
    ASSERT_FALSE(q.put(make_record(5, 26)));
    for (int i = 0; i < 3; ++i) q.read_next();
    EXPECT_EQ(read_bytes(meta), "5\n0,0\n0,150\n");  // 4 operations since the last sync
    q.read_next();
    EXPECT_EQ(read_bytes(meta), "2\n0,120\n0,180\n");
}

TEST(DiskQueue, MaybeSyncAfterTimeoutOnlyWithActivity) {
    temp_dir dir;
    config c = make_config(dir);
    c.sync_timeout = std::chrono::seconds(10);
    disk_queue q(c, nullptr);
    const auto meta = dir.path() / "test.diskqueue.meta.dat";
    q.maybe_sync(steady_clock::now() + std::chrono::seconds(20));
    EXPECT_FALSE(fs::exists(meta));  // no operations yet
    ASSERT_FALSE(q.put(make_record(1)));
    q.maybe_sync(steady_clock::now());
    EXPECT_FALSE(fs::exists(meta));  // timeout not elapsed
    q.maybe_sync(steady_clock::now() + std::chrono::seconds(20));
    EXPECT_EQ(read_bytes(meta), "1\n0,0\n0,36\n");
    fs::remove(meta);
    q.maybe_sync(steady_clock::now() + std::chrono::seconds(100));
    EXPECT_FALSE(fs::exists(meta));  // nothing happened since the last sync
}

TEST(DiskQueue, PutRefusesSizesOutOfRange) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_msg_size = 100;
    disk_queue q(c, nullptr);
    EXPECT_EQ(q.put(std::string(101, 'x')), errc::invalid_record_size);
    EXPECT_EQ(q.put(std::string(25, 'x')), errc::invalid_record_size);
    EXPECT_EQ(q.put(""), errc::invalid_record_size);
    EXPECT_EQ(q.depth(), 0);
    EXPECT_TRUE(list_files(dir.path()).empty());
    EXPECT_FALSE(q.put(std::string(100, 'x')));
    EXPECT_FALSE(q.put(std::string(26, 'y')));
    EXPECT_EQ(q.depth(), 2);
    EXPECT_EQ(q.put(std::string(1000, 'x')).message(), "invalid message write size");
}

TEST(DiskQueue, PutBatchWritesTheSameBytesAsPuts) {
    temp_dir a, b;
    config ca = make_config(a), cb = make_config(b);
    ca.max_bytes_per_file = cb.max_bytes_per_file = 500;
    std::vector<std::string> records;
    for (int i = 0; i < 100; ++i) records.push_back(make_record(i, 26 + i % 50));
    std::vector<std::string_view> views(records.begin(), records.end());
    {
        disk_queue qa(ca, nullptr), qb(cb, nullptr);
        for (const auto& r : records) ASSERT_FALSE(qa.put(r));
        ASSERT_FALSE(qb.put_batch(views));
        EXPECT_EQ(qb.depth(), 100);
    }
    EXPECT_EQ(list_files(a.path()), list_files(b.path()));
    for (const auto& f : list_files(a.path())) {
        EXPECT_EQ(read_bytes(a.path() / f), read_bytes(b.path() / f)) << f;
    }
    disk_queue qb(cb, nullptr);
    for (const auto& r : records) EXPECT_EQ(*qb.read_next(), r);
}

TEST(DiskQueue, PutBatchIsAllOrNothingOnSizes) {
    temp_dir dir;
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(0)));
    const std::string ok = make_record(1), bad(10, 'x');
    std::vector<std::string_view> batch{ok, ok, bad, ok};
    EXPECT_EQ(q.put_batch(batch), errc::invalid_record_size);
    EXPECT_EQ(q.depth(), 1);
    EXPECT_EQ(fs::file_size(dir.path() / "test.diskqueue.000000.dat"), 36u);
    EXPECT_FALSE(q.put_batch({}));
    EXPECT_EQ(*q.read_next(), make_record(0));
    EXPECT_EQ(q.read_next(), std::nullopt);
}

TEST(DiskQueue, LargeBatchSpansChunksAndFiles) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 3 * 1024 * 1024;
    c.max_msg_size = 100000;
    disk_queue q(c, nullptr);
    std::vector<std::string> records;
    for (int i = 0; i < 100; ++i) records.push_back(make_record(i, 70000 + i));
    std::vector<std::string_view> views(records.begin(), records.end());
    ASSERT_FALSE(q.put_batch(views));
    EXPECT_TRUE(fs::exists(dir.path() / "test.diskqueue.000002.dat"));
    for (const auto& r : records) EXPECT_EQ(*q.read_next(), r);
    EXPECT_EQ(q.read_next(), std::nullopt);
}

TEST(DiskQueue, EmptyDeletesFilesAndContinuesAfterThem) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    disk_queue q(c, nullptr);
    for (int i = 0; i < 10; ++i) ASSERT_FALSE(q.put(make_record(i, 26)));  // files 0..3
    q.read_next();
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.depth(), 0);
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_EQ(list_files(dir.path()), std::vector<std::string>{"test.diskqueue.meta.dat"});
    EXPECT_EQ(read_bytes(dir.path() / "test.diskqueue.meta.dat"), "0\n4,0\n4,0\n");
    ASSERT_FALSE(q.put(make_record(42, 26)));
    EXPECT_TRUE(fs::exists(dir.path() / "test.diskqueue.000004.dat"));
    EXPECT_EQ(*q.read_next(), make_record(42, 26));
}

TEST(DiskQueue, DeleteAllRemovesEverything) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    {
        disk_queue q(c, nullptr);
        for (int i = 0; i < 10; ++i) ASSERT_FALSE(q.put(make_record(i, 26)));
        ASSERT_FALSE(q.sync());
        ASSERT_FALSE(q.delete_all());
        EXPECT_TRUE(list_files(dir.path()).empty());
        EXPECT_EQ(q.put(make_record(1)), errc::closed);
        EXPECT_EQ(q.read_next(), std::nullopt);
        EXPECT_EQ(q.sync(), errc::closed);
        EXPECT_EQ(q.empty(), errc::closed);
    }
    EXPECT_TRUE(list_files(dir.path()).empty());  // destruction does not write a meta file
}

TEST(DiskQueue, CallsAfterCloseAreRefused) {
    temp_dir dir;
    disk_queue q(make_config(dir), nullptr);
    ASSERT_FALSE(q.put(make_record(1)));
    ASSERT_FALSE(q.close());
    EXPECT_EQ(q.put(make_record(2)), errc::closed);
    EXPECT_EQ(q.put(make_record(2)).message(), "exiting");
    EXPECT_EQ(q.read_next(), std::nullopt);
    EXPECT_EQ(q.depth(), 1);
}

TEST(DiskQueue, UnusableDataPathThrows) {
    temp_dir dir;
    config c = make_config(dir);
    c.data_path = (dir.path() / "missing").string();
    EXPECT_THROW(disk_queue(c, nullptr), std::system_error);
    write_bytes(dir.path() / "file", "x");
    c.data_path = (dir.path() / "file").string();
    EXPECT_THROW(disk_queue(c, nullptr), std::system_error);
}

TEST(DiskQueue, ChannelNamesAndSeveralQueuesShareADirectory) {
    temp_dir dir;
    disk_queue t(make_config(dir, "orders"), nullptr);
    disk_queue ch(make_config(dir, "orders:archive"), nullptr);
    ASSERT_FALSE(t.put(make_record(1)));
    ASSERT_FALSE(ch.put(make_record(2)));
    EXPECT_TRUE(fs::exists(dir.path() / "orders.diskqueue.000000.dat"));
    EXPECT_TRUE(fs::exists(dir.path() / "orders:archive.diskqueue.000000.dat"));
    EXPECT_EQ(*t.read_next(), make_record(1));
    EXPECT_EQ(*ch.read_next(), make_record(2));
}

// The reader keeps up with the writer while files roll: go-diskqueue 1.1.0 renames good files to
// .bad here (nsqio/go-diskqueue#42); we must not.
TEST(DiskQueue, CaughtUpReaderAcrossRollsMakesNoBadFiles) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 100;
    disk_queue q(c, nullptr);
    for (int i = 0; i < 50; ++i) {
        ASSERT_FALSE(q.put(make_record(i, 26 + i % 30)));
        auto r = q.read_next();
        ASSERT_TRUE(r);
        EXPECT_EQ(*r, make_record(i, 26 + i % 30));
        EXPECT_EQ(q.depth(), 0);
    }
    for (const auto& f : list_files(dir.path())) EXPECT_FALSE(f.ends_with(".bad")) << f;
    EXPECT_LE(list_files(dir.path()).size(), 2u);  // the write file + meta
}

TEST(DiskQueue, ConcurrentProducersAndConsumers) {
    temp_dir dir;
    config c = make_config(dir);
    c.max_bytes_per_file = 4096;
    c.sync_every = 100;
    disk_queue q(c, nullptr);
    constexpr int producers = 4, per_producer = 300;
    std::atomic<int> consumed{0};
    std::mutex seen_mutex;
    std::map<int, std::vector<int>> seen;  // producer -> sequence numbers in read order
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i) {
                std::string r = std::to_string(p) + ":" + std::to_string(i) + ":";
                r.resize(30, '.');
                ASSERT_FALSE(q.put(r));
            }
        });
    }
    for (int k = 0; k < 2; ++k) {
        threads.emplace_back([&] {
            while (consumed.load() < producers * per_producer) {
                auto r = q.read_next();
                if (!r) {
                    std::this_thread::yield();
                    continue;
                }
                const int p = std::stoi(*r);
                const int i = std::stoi(r->substr(r->find(':') + 1));
                std::lock_guard lock(seen_mutex);
                seen[p].push_back(i);
                consumed++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(q.depth(), 0);
    ASSERT_EQ(seen.size(), static_cast<size_t>(producers));
    for (auto& [p, ids] : seen) {
        ASSERT_EQ(ids.size(), static_cast<size_t>(per_producer));
        std::sort(ids.begin(), ids.end());
        for (int i = 0; i < per_producer; ++i) EXPECT_EQ(ids[i], i);
    }
}

}  // namespace
}  // namespace nsqpp::diskqueue
