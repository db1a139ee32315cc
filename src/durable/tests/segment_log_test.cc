#include "durable/segment_log.h"

#include <gtest/gtest.h>

#include <thread>

#include "durable/fault_file_layer.h"
#include "durable/record.h"

namespace nsqpp::durable {
namespace {

using mode = fault_file_layer::crash_mode;

struct opened {
    std::unique_ptr<segment_log> log;
    std::vector<std::pair<uint64_t, std::string>> records;
    recovery_report report;
};

opened open_log(std::shared_ptr<fault_file_layer> fs, uint64_t segment_bytes = 1 << 20) {
    opened o;
    std::error_code ec;
    o.log = segment_log::open(
        log_config{"/d", fs, segment_bytes, nullptr, nullptr},
        [&](uint64_t lsn, std::string_view p) { o.records.emplace_back(lsn, std::string(p)); },
        o.report, ec);
    EXPECT_FALSE(ec) << ec.message();
    return o;
}

std::string payload(uint64_t i) {
    return "message-" + std::to_string(i) + std::string(i % 37, 'x');
}

std::shared_ptr<fault_file_layer> new_fs(uint64_t seed = 1) {
    auto fs = std::make_shared<fault_file_layer>(seed);
    fs->make_dir("/d");
    return fs;
}

// The recovered records are payload(1..n) for a prefix n >= min_n, in order.
void expect_prefix(const opened& o, uint64_t min_n) {
    ASSERT_GE(o.records.size(), min_n);
    for (size_t i = 0; i < o.records.size(); ++i) {
        EXPECT_EQ(o.records[i].first, i + 1);
        EXPECT_EQ(o.records[i].second, payload(i + 1));
    }
}

TEST(segment_log, appends_commit_and_reopen) {
    auto fs = new_fs();
    {
        auto o = open_log(fs);
        for (uint64_t i = 1; i <= 100; ++i) EXPECT_EQ(o.log->append(payload(i)), i);
        EXPECT_EQ(o.log->committed(), 0u);
        EXPECT_FALSE(o.log->commit());
        EXPECT_EQ(o.log->committed(), 100u);
    }
    auto o = open_log(fs);
    expect_prefix(o, 100);
    EXPECT_EQ(o.records.size(), 100u);
    EXPECT_EQ(o.report.corruptions, 0u);
    EXPECT_EQ(o.log->append("next"), 101u);
}

TEST(segment_log, rolls_segments_and_reclaims) {
    auto fs = new_fs();
    auto o = open_log(fs, 4096);
    for (uint64_t i = 1; i <= 2000; ++i) o.log->append(payload(i));
    ASSERT_FALSE(o.log->commit());
    EXPECT_GT(o.log->segment_count(), 5u);
    uint64_t first = o.log->roll();
    EXPECT_EQ(first, 2001u);
    o.log->append(payload(2001));
    ASSERT_FALSE(o.log->commit());
    o.log->reclaim_before(first);
    EXPECT_EQ(o.log->segment_count(), 1u);
    o.log.reset();
    auto again = open_log(fs, 4096);
    ASSERT_EQ(again.records.size(), 1u);
    EXPECT_EQ(again.records[0].first, 2001u);
    EXPECT_EQ(again.report.corruptions, 0u);
}

TEST(segment_log, group_commit_shares_syncs) {
    auto fs = new_fs();
    fs->set_sync_delay(std::chrono::microseconds(300));
    auto o = open_log(fs);
    o.log->start_syncer();
    constexpr int threads = 8, per_thread = 200;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                uint64_t lsn = o.log->append("t" + std::to_string(t));
                EXPECT_TRUE(o.log->wait_committed(lsn));
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(o.log->committed(), uint64_t{threads * per_thread});
    // while one sync runs, the other publishers' records gather for the next one
    EXPECT_LT(fs->sync_count(), uint64_t{threads * per_thread / 2});
    o.log->stop_syncer();
}

TEST(segment_log, on_committed_runs_after_sync) {
    auto fs = new_fs();
    auto o = open_log(fs);
    uint64_t lsn = o.log->append("a");
    bool ran = false;
    o.log->on_committed(lsn, [&] { ran = true; });
    EXPECT_FALSE(ran);
    ASSERT_FALSE(o.log->commit());
    EXPECT_TRUE(ran);
    bool at_once = false;
    o.log->on_committed(lsn, [&] { at_once = true; });
    EXPECT_TRUE(at_once);
}

TEST(segment_log, failed_sync_acknowledges_nothing) {
    auto fs = new_fs();
    auto o = open_log(fs);
    uint64_t lsn = o.log->append("a");
    fs->fail_syncs(true);
    bool ran = false;
    o.log->on_committed(lsn, [&] { ran = true; });
    EXPECT_TRUE(o.log->commit());
    EXPECT_TRUE(ran);  // woken to see the failure
    EXPECT_FALSE(o.log->wait_committed(lsn));
    EXPECT_EQ(o.log->committed(), 0u);
    EXPECT_TRUE(o.log->failure());
}

// Power loss at random points with every crash mode: whatever was committed survives, nothing
// that was never appended appears, a torn tail is not reported as corruption.
TEST(segment_log, power_loss_keeps_every_committed_record) {
    for (uint64_t seed = 1; seed <= 60; ++seed) {
        auto fs = new_fs(seed);
        mode m = seed % 3 == 0 ? mode::clean : seed % 3 == 1 ? mode::torn_tail : mode::garbage;
        uint64_t committed = 0, appended = 0;
        for (int round = 0; round < 3; ++round) {
            auto o = open_log(fs, 2048);
            expect_prefix(o, committed);
            EXPECT_EQ(o.report.corruptions, 0u) << "seed " << seed;
            appended = o.records.size();
            committed = appended;
            for (int batch = 0; batch < 4; ++batch) {
                for (uint64_t i = 0; i < 5 + (seed * 7 + batch) % 30; ++i) {
                    o.log->append(payload(++appended));
                }
                if ((seed + batch) % 4 != 3) {
                    ASSERT_FALSE(o.log->commit());
                    committed = appended;
                }
            }
            fs->crash(m);
        }
    }
}

// A segment created after the last directory sync is gone after a power loss: only
// uncommitted records may have been in it.
TEST(segment_log, new_segment_without_dir_sync_is_dropped) {
    auto fs = new_fs();
    auto o = open_log(fs);
    for (uint64_t i = 1; i <= 10; ++i) o.log->append(payload(i));
    ASSERT_FALSE(o.log->commit());
    o.log->roll();
    for (uint64_t i = 11; i <= 20; ++i) o.log->append(payload(i));
    o.log.reset();  // closing commits: the new segment and its directory entry are synced
    fs->crash(mode::clean);
    auto a = open_log(fs);
    EXPECT_EQ(a.records.size(), 20u);
    a.log->roll();
    a.log->append(payload(21));
    // simulate the crash between creating the file and syncing it: nothing committed
    fs->crash(mode::clean);
    auto b = open_log(fs);
    expect_prefix(b, 20);
    EXPECT_EQ(b.records.size(), 20u);
}

std::vector<std::string> segment_paths(fault_file_layer& fs) {
    std::vector<std::string> names;
    fs.list("/d", names);
    std::sort(names.begin(), names.end());
    for (auto& n : names) n = "/d/" + n;
    return names;
}

// Committed log over several segments, then closed and reopened once so that every record's
// LSN is below some later record's watermark.
std::shared_ptr<fault_file_layer> committed_log(uint64_t n, uint64_t segment_bytes) {
    auto fs = new_fs();
    auto o = open_log(fs, segment_bytes);
    for (uint64_t i = 1; i <= n; ++i) {
        o.log->append(payload(i));
        if (i % 5 == 0) {
            EXPECT_FALSE(o.log->commit());
        }
    }
    EXPECT_FALSE(o.log->commit());
    o.log->append("tail-marker");  // carries watermark n
    EXPECT_FALSE(o.log->commit());
    return fs;
}

TEST(segment_log, bit_flip_is_reported_and_the_rest_delivered) {
    for (uint64_t target : {1u, 17u, 50u, 99u}) {
        auto fs = committed_log(100, 1 << 20);
        auto paths = segment_paths(*fs);
        ASSERT_EQ(paths.size(), 1u);
        // find the target record's offset
        std::string data;
        fs->read_all(paths[0], data);
        auto scan = scan_segment(data);
        ASSERT_EQ(scan.records.size(), 101u);
        const auto& r = scan.records[target - 1];
        fs->flip_bit(paths[0], r.begin + record_header_size + 3, 2);
        auto o = open_log(fs);
        EXPECT_EQ(o.report.corruptions, 1u) << target;
        EXPECT_EQ(o.report.lost_records, 1u);
        ASSERT_EQ(o.records.size(), 100u);
        for (const auto& [lsn, p] : o.records) {
            EXPECT_NE(lsn, target);
            if (lsn <= 100) {
                EXPECT_EQ(p, payload(lsn));
            }
        }
    }
}

TEST(segment_log, truncating_a_sealed_segment_at_every_offset_is_detected) {
    auto base = committed_log(60, 1024);
    auto paths = segment_paths(*base);
    ASSERT_GE(paths.size(), 3u);
    std::string first;
    base->read_all(paths[0], first);
    auto whole = scan_segment(first);
    for (uint64_t cut = 0; cut < first.size(); ++cut) {
        auto fs = committed_log(60, 1024);
        fs->cut(paths[0], cut);
        auto o = open_log(fs, 1024);
        size_t intact = 0;
        while (intact < whole.records.size() && whole.records[intact].end <= cut) ++intact;
        EXPECT_EQ(o.report.corruptions, 1u) << "cut " << cut;
        EXPECT_EQ(o.report.lost_records, whole.records.size() - intact);
        EXPECT_EQ(o.records.size(), 61 - (whole.records.size() - intact)) << "cut " << cut;
    }
}

TEST(segment_log, truncating_the_last_segment_at_every_offset_keeps_a_prefix) {
    auto base = committed_log(20, 1 << 20);
    auto paths = segment_paths(*base);
    ASSERT_EQ(paths.size(), 1u);
    uint64_t size = base->file_size(paths[0]);
    for (uint64_t cut = 0; cut <= size; ++cut) {
        auto fs = committed_log(20, 1 << 20);
        fs->cut(paths[0], cut);
        auto o = open_log(fs);
        for (size_t i = 0; i < o.records.size() && i < 20; ++i) {
            EXPECT_EQ(o.records[i].second, payload(i + 1));
        }
        // records past the last watermark are indistinguishable from a torn write
        EXPECT_LE(o.report.corruptions, 1u);
        auto again = open_log(fs);  // the cut tail is gone for good: stable on reopen
        EXPECT_EQ(again.records.size(), o.records.size());
        EXPECT_EQ(again.report.corruptions, o.report.corruptions);
    }
}

}  // namespace
}  // namespace nsqpp::durable
