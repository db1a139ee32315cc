#pragma once
// A persistent FIFO of byte records, byte-compatible with go-diskqueue 1.1.0 (spec nsqd.md §5):
// a data directory written by NSQ's nsqd is read by this class and vice versa.
#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "diskqueue/errors.h"
#include "diskqueue/file_io.h"
#include "diskqueue/meta.h"

namespace nsqpp::diskqueue {

struct config {
    std::string name;  // "<topic>" or "<topic>:<channel>"
    std::string data_path;
    int64_t max_bytes_per_file = 104857600;
    int32_t min_msg_size = 26;  // NSQ passes 26 (the message header) ..
    int32_t max_msg_size = 1048576 + 26;
    int64_t sync_every = 2500;  // operations (writes + reads) between syncs; <= 0: never by count
    std::chrono::nanoseconds sync_timeout = std::chrono::seconds(2);
};

// All methods are thread-safe (one internal mutex; blocking file I/O happens under it).
class disk_queue {
  public:
    // Opens the queue, recovering from the meta file (missing meta → empty queue; a data file
    // longer than the meta's writePos → writing continues in a new file). Throws std::system_error
    // only when data_path cannot be opened as a directory. A null logger means
    // base::get_logger("diskqueue").
    disk_queue(config cfg, std::shared_ptr<spdlog::logger> log);
    ~disk_queue();  // close()

    disk_queue(const disk_queue&) = delete;
    disk_queue& operator=(const disk_queue&) = delete;

    // Appends one record (4-byte big-endian length + bytes on disk). On an error (size out of
    // [min_msg_size, max_msg_size] → errc::invalid_record_size, I/O error, errc::closed)
    // nothing is appended.
    std::error_code put(std::string_view record);

    // Appends several records, one write() per file (and per ~1 MiB) touched. Sizes are
    // validated first: one bad size → nothing appended. On an I/O error a prefix of the records
    // may have been appended (the error is returned).
    std::error_code put_batch(std::span<const std::string_view> records);

    // The next record, or nullopt when the queue is empty (or closed). Advances the read
    // position (an operation toward sync_every), deletes finished files, and handles corruption
    // (§5.5: the file is renamed to .bad, an error logged, reading continues with the next file).
    std::optional<std::string> read_next();

    // Unread records. Exact in normal operation; after a crash it comes from a possibly stale
    // meta file (it is reset to 0 when the reader catches up with the writer). Never negative.
    int64_t depth() const;
    // True while the reader has not reached the writer, whatever depth says (after a crash the
    // depth from a stale meta file can be 0 while records remain).
    bool has_unread_records() const;

    // Periodic hook (call every ~100 ms–1 s): syncs when sync_timeout has elapsed since the
    // last sync and there were operations since then.
    void maybe_sync(std::chrono::steady_clock::time_point now);

    // fsyncs the write file and writes the meta file atomically (tmp + fsync + rename + directory
    // fsync, mode 0600).
    std::error_code sync();

    // §5.6: deletes the data files from readFileNum through writeFileNum and the meta file, then
    // continues at writeFileNum+1 (read = write, position 0, depth 0); the new state is synced.
    std::error_code empty();

    // empty() + removes the meta file; afterwards the queue only accepts destruction (other calls
    // return errc::closed / nullopt).
    std::error_code delete_all();

    // sync() + closes the files. Idempotent; later calls return errc::closed / nullopt.
    std::error_code close();

    // Paths of this queue's files.
    std::string data_file_name(int64_t file_num) const;
    std::string meta_file_name() const;

  private:
    // --- recovery (disk_queue_recovery.cc)
    void retrieve_meta_data();
    void recover_write_position();

    // --- writing
    std::error_code check_usable() const;
    bool valid_size(size_t size) const;
    std::error_code append(std::span<const std::string_view> records);
    size_t fill_chunk(std::span<const std::string_view> records, size_t first);
    void roll_write_file();
    std::error_code open_write_file();
    void close_write_file();

    // --- reading (disk_queue_read.cc)
    bool has_unread() const;
    std::optional<std::string> read_record(std::string& error);
    bool open_read_file(std::string& error);
    bool refresh_read_file_size(std::string& error);
    void finish_read_file();
    void handle_read_error(const std::string& error);
    void check_tail_corruption();

    // --- state changes
    std::error_code sync_locked();
    void sync_if_needed();
    std::error_code skip_to_next_rw_file();
    std::error_code remove_meta_file();
    void close_files();

    config cfg_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::mutex mutex_;

    queue_state state_;
    unique_fd dir_fd_;
    unique_fd write_fd_;
    buffered_reader reader_;
    int64_t read_file_size_ = -1;  // size of the (finished) read file; -1: not known yet
    std::string write_buffer_;

    int64_t ops_since_sync_ = 0;
    bool need_sync_ = false;
    bool closed_ = false;
    std::chrono::steady_clock::time_point last_sync_;
};

}  // namespace nsqpp::diskqueue
