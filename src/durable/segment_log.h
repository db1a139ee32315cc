#pragma once
// A checksummed append-only log in segment files "<dir>/<first lsn, 20 digits>.seg" with group
// commit: append() only buffers (any thread, O(record)); one syncer thread writes what is
// buffered, fdatasyncs it (and fsyncs the directory after creating a segment) and advances the
// durable committed watermark, so concurrent appenders share one sync. Every record carries a
// log sequence number (LSN, consecutive from 1) and the watermark at append time.
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/file_layer.h"

namespace nsqpp::durable {

struct log_config {
    std::string dir;
    std::shared_ptr<file_layer> files;  // null: POSIX
    uint64_t segment_bytes = 64ull << 20;
    std::shared_ptr<spdlog::logger> log;  // null: silent
    // Told the error once when a write or sync fails (nsqd's health); called on the syncer.
    std::function<void(const std::string&)> on_failure;
};

// What recovery found. A torn tail (bytes appended after the last durable watermark) is cut
// silently; damage before the watermark is corruption: counted, logged, skipped — every valid
// record around it is still returned.
struct recovery_report {
    uint64_t records = 0;       // valid records returned
    uint64_t corruptions = 0;   // damaged regions holding synced data
    uint64_t lost_records = 0;  // LSNs known to have been synced that are missing
    uint64_t torn_bytes = 0;    // unsynced tail bytes cut
    uint64_t last_lsn = 0;
};

class segment_log {
  public:
    using record_fn = std::function<void(uint64_t lsn, std::string_view payload)>;

    // Opens (creating) cfg.dir and replays every valid record in LSN order. The recovered
    // segments are fsynced; appends go to a new segment.
    static std::unique_ptr<segment_log> open(log_config cfg, const record_fn& on_record,
                                             recovery_report& report, std::error_code& ec);
    ~segment_log();
    segment_log(const segment_log&) = delete;
    segment_log& operator=(const segment_log&) = delete;

    // Buffers one record; returns its LSN (the commit ticket). Thread-safe.
    uint64_t append(std::string_view payload);
    // The next append starts a new segment; returns the LSN it will get.
    uint64_t roll();

    // Writes and syncs what is buffered (the syncer thread calls this; tests may call it).
    std::error_code commit();
    void start_syncer();
    // Commits what is buffered and stops the syncer thread.
    void stop_syncer();

    uint64_t committed() const { return committed_.load(std::memory_order_acquire); }
    uint64_t last_lsn() const;
    // The sticky I/O error that stopped commits (none while healthy).
    std::error_code failure() const;
    // Blocks until `lsn` is durable (true) or the log failed (false).
    bool wait_committed(uint64_t lsn);
    // Runs `fn` on the syncer thread once `lsn` is durable or the log failed (at once, on this
    // thread, when it already is). `fn` must only schedule work.
    void on_committed(uint64_t lsn, std::function<void()> fn);

    // Deletes the segments holding only records below `lsn` (never the one being written).
    void reclaim_before(uint64_t lsn);
    size_t segment_count() const;
    uint64_t disk_bytes() const;

  private:
    struct segment {
        uint64_t first_lsn;
        std::string path;
        uint64_t bytes;
    };
    struct chunk {
        std::string bytes;
        uint64_t first_lsn;
        bool new_segment;
    };
    explicit segment_log(log_config cfg);
    std::error_code recover(const record_fn& on_record, recovery_report& report);
    std::string segment_path(uint64_t first_lsn) const;
    std::error_code write_chunk(chunk& c, bool& dir_dirty);
    void syncer_loop();
    void fail(std::error_code ec);
    void run_callbacks();

    log_config cfg_;
    std::shared_ptr<file_layer> fs_;

    mutable std::mutex mu_;  // appends
    std::condition_variable has_work_;
    std::vector<chunk> chunks_;
    uint64_t next_lsn_ = 1;
    uint64_t active_bytes_ = 0;  // bytes appended to the current segment (for rolling)
    bool stop_ = false;

    std::mutex io_mu_;  // commit(): the active file
    std::unique_ptr<append_file> active_;

    mutable std::mutex seg_mu_;
    std::vector<segment> segments_;

    std::atomic<uint64_t> committed_{0};
    std::atomic<bool> failed_{false};  // appends stop buffering
    mutable std::mutex wait_mu_;
    std::condition_variable committed_cv_;
    std::error_code failure_;
    std::multimap<uint64_t, std::function<void()>> callbacks_;

    std::thread syncer_;
};

}  // namespace nsqpp::durable
