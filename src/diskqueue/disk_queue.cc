// disk_queue: construction, writing, syncing, empty/delete/close. Reading is in
// disk_queue_read.cc, start-up recovery in disk_queue_recovery.cc.
#include "diskqueue/disk_queue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "base/log.h"

namespace nsqpp::diskqueue {
namespace {

constexpr size_t max_chunk_bytes = 1024 * 1024;  // put_batch: bytes per write() (soft)

void append_be32(std::string& out, uint32_t v) {
    const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8), static_cast<char>(v)};
    out.append(bytes, 4);
}

}  // namespace

disk_queue::disk_queue(config cfg, std::shared_ptr<spdlog::logger> log)
    : cfg_(std::move(cfg)), log_(log ? std::move(log) : base::get_logger("diskqueue")) {
    const int fd = ::open(cfg_.data_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throw std::system_error(last_error(),
                                "diskqueue: cannot open data path '" + cfg_.data_path + "'");
    }
    dir_fd_.reset(fd);
    retrieve_meta_data();
    last_sync_ = std::chrono::steady_clock::now();
}

disk_queue::~disk_queue() { close(); }

std::string disk_queue::data_file_name(int64_t file_num) const {
    return data_file_path(cfg_.data_path, cfg_.name, file_num);
}

std::string disk_queue::meta_file_name() const { return meta_file_path(cfg_.data_path, cfg_.name); }

int64_t disk_queue::depth() const {
    std::lock_guard lock(mutex_);
    return state_.depth > 0 ? state_.depth : 0;
}

bool disk_queue::has_unread_records() const {
    std::lock_guard lock(mutex_);
    return !closed_ && has_unread();
}

// ---------------------------------------------------------------------------------- writing

std::error_code disk_queue::check_usable() const {
    return closed_ ? make_error_code(errc::closed) : std::error_code{};
}

bool disk_queue::valid_size(size_t size) const {
    return size >= static_cast<size_t>(std::max<int32_t>(cfg_.min_msg_size, 0)) &&
           static_cast<int64_t>(size) <= static_cast<int64_t>(cfg_.max_msg_size);
}

std::error_code disk_queue::put(std::string_view record) {
    return put_batch(std::span<const std::string_view>(&record, 1));
}

std::error_code disk_queue::put_batch(std::span<const std::string_view> records) {
    std::lock_guard lock(mutex_);
    if (auto ec = check_usable()) return ec;
    for (const auto& r : records) {
        if (!valid_size(r.size())) return make_error_code(errc::invalid_record_size);
    }
    const std::error_code ec = append(records);
    sync_if_needed();
    return ec;
}

// Writes records[first..) that fit in the current write file into write_buffer_ (at least one,
// at most ~max_chunk_bytes); returns the index after the last one taken.
size_t disk_queue::fill_chunk(std::span<const std::string_view> records, size_t first) {
    write_buffer_.clear();
    int64_t pos = state_.write_pos;
    size_t i = first;
    for (; i < records.size(); ++i) {
        const int64_t total = 4 + static_cast<int64_t>(records[i].size());
        if (i > first && (pos + total > cfg_.max_bytes_per_file ||
                          write_buffer_.size() + static_cast<size_t>(total) > max_chunk_bytes)) {
            break;
        }
        append_be32(write_buffer_, static_cast<uint32_t>(records[i].size()));
        write_buffer_.append(records[i]);
        pos += total;
    }
    return i;
}

std::error_code disk_queue::append(std::span<const std::string_view> records) {
    size_t i = 0;
    while (i < records.size()) {
        const int64_t total = 4 + static_cast<int64_t>(records[i].size());
        if (state_.write_pos > 0 && state_.write_pos + total > cfg_.max_bytes_per_file) {
            roll_write_file();
        }
        if (!write_fd_) {
            if (auto ec = open_write_file()) {
                log_->error("DISKQUEUE({}) failed to open {} - {}", cfg_.name,
                            data_file_name(state_.write_file_num), ec.message());
                return ec;
            }
        }
        const size_t end = fill_chunk(records, i);
        if (auto ec = pwrite_all(write_fd_.get(), write_buffer_.data(), write_buffer_.size(),
                                 state_.write_pos)) {
            log_->error("DISKQUEUE({}) failed to write to {} - {}", cfg_.name,
                        data_file_name(state_.write_file_num), ec.message());
            // Drop whatever part of the chunk reached the file; the records are not queued.
            if (::ftruncate(write_fd_.get(), state_.write_pos) != 0) {
                log_->error("DISKQUEUE({}) failed to truncate {} - {}", cfg_.name,
                            data_file_name(state_.write_file_num), last_error().message());
            }
            close_write_file();
            return ec;
        }
        const auto count = static_cast<int64_t>(end - i);
        state_.write_pos += static_cast<int64_t>(write_buffer_.size());
        state_.depth += count;
        ops_since_sync_ += count;
        i = end;
    }
    return {};
}

// The next record does not fit: continue in the next file (synced, as go-diskqueue does).
void disk_queue::roll_write_file() {
    if (state_.read_file_num == state_.write_file_num) {
        read_file_size_ = state_.write_pos;  // the reader's file is now complete at this size
    }
    state_.write_file_num++;
    state_.write_pos = 0;
    if (auto ec = sync_locked()) {
        log_->error("DISKQUEUE({}) failed to sync - {}", cfg_.name, ec.message());
    }
    close_write_file();
}

// Opens the write file at write_pos. Bytes past write_pos (left by a failed write) are cut off;
// a file shorter than write_pos (damaged) is left to the reader and writing moves on.
std::error_code disk_queue::open_write_file() {
    for (;;) {
        const std::string path = data_file_name(state_.write_file_num);
        unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) return last_error();
        int64_t size = 0;
        if (auto ec = file_size(fd.get(), size)) return ec;
        if (size < state_.write_pos) {
            log_->error("DISKQUEUE({}) {} is shorter ({}) than writePos {}, skipping to new file",
                        cfg_.name, path, size, state_.write_pos);
            if (state_.read_file_num == state_.write_file_num) read_file_size_ = size;
            state_.write_file_num++;
            state_.write_pos = 0;
            need_sync_ = true;
            continue;
        }
        if (size > state_.write_pos) {
            log_->warn("DISKQUEUE({}) {} truncating from {} to writePos {}", cfg_.name, path, size,
                       state_.write_pos);
            if (::ftruncate(fd.get(), state_.write_pos) != 0) return last_error();
        }
        log_->info("DISKQUEUE({}): writeOne() opened {}", cfg_.name, path);
        write_fd_ = std::move(fd);
        return {};
    }
}

void disk_queue::close_write_file() { write_fd_.reset(); }

// ---------------------------------------------------------------------------------- syncing

std::error_code disk_queue::sync_locked() {
    // Whatever the outcome, count operations afresh (as go-diskqueue does); a failed sync is
    // retried after the next operation via need_sync_.
    ops_since_sync_ = 0;
    last_sync_ = std::chrono::steady_clock::now();
    need_sync_ = true;
    if (write_fd_ && ::fdatasync(write_fd_.get()) != 0) {
        const std::error_code ec = last_error();
        close_write_file();
        return ec;
    }
    if (auto ec = write_file_atomic(dir_fd_.get(), meta_file_name(), format_meta(state_))) {
        return ec;
    }
    need_sync_ = false;
    return {};
}

void disk_queue::sync_if_needed() {
    if (need_sync_ || (cfg_.sync_every > 0 && ops_since_sync_ >= cfg_.sync_every)) {
        if (auto ec = sync_locked()) {
            log_->error("DISKQUEUE({}) failed to sync - {}", cfg_.name, ec.message());
        }
    }
}

std::error_code disk_queue::sync() {
    std::lock_guard lock(mutex_);
    if (auto ec = check_usable()) return ec;
    return sync_locked();
}

void disk_queue::maybe_sync(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (closed_ || (ops_since_sync_ == 0 && !need_sync_)) return;
    if (now - last_sync_ < cfg_.sync_timeout) return;
    if (auto ec = sync_locked()) {
        log_->error("DISKQUEUE({}) failed to sync - {}", cfg_.name, ec.message());
    }
}

// ------------------------------------------------------------------- empty / delete / close

void disk_queue::close_files() {
    reader_.close();
    read_file_size_ = -1;
    close_write_file();
}

// Deletes the files from readFileNum through writeFileNum and continues after them.
std::error_code disk_queue::skip_to_next_rw_file() {
    close_files();
    std::error_code result;
    for (int64_t n = state_.read_file_num; n <= state_.write_file_num; ++n) {
        const std::string path = data_file_name(n);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            result = last_error();
            log_->error("DISKQUEUE({}) failed to remove data file - {}", cfg_.name,
                        result.message());
        }
    }
    // A reader ahead of the writer (corrupt meta) must not move backwards onto old files.
    const int64_t next = std::max(state_.read_file_num, state_.write_file_num) + 1;
    state_ = queue_state{0, next, 0, next, 0};
    return result;
}

std::error_code disk_queue::remove_meta_file() {
    if (::unlink(meta_file_name().c_str()) != 0 && errno != ENOENT) {
        const std::error_code ec = last_error();
        log_->error("DISKQUEUE({}) failed to remove metadata file - {}", cfg_.name, ec.message());
        return ec;
    }
    return {};
}

std::error_code disk_queue::empty() {
    std::lock_guard lock(mutex_);
    if (auto ec = check_usable()) return ec;
    log_->info("DISKQUEUE({}): emptying", cfg_.name);
    std::error_code ec = skip_to_next_rw_file();
    if (auto meta_ec = remove_meta_file()) ec = meta_ec;
    if (auto sync_ec = sync_locked()) {
        log_->error("DISKQUEUE({}) failed to sync - {}", cfg_.name, sync_ec.message());
        if (!ec) ec = sync_ec;
    }
    return ec;
}

std::error_code disk_queue::delete_all() {
    std::lock_guard lock(mutex_);  // allowed after close(): removes the files of a closed queue
    log_->info("DISKQUEUE({}): deleting", cfg_.name);
    std::error_code ec = skip_to_next_rw_file();
    if (auto meta_ec = remove_meta_file()) ec = meta_ec;
    close_files();
    closed_ = true;
    return ec;
}

std::error_code disk_queue::close() {
    std::lock_guard lock(mutex_);
    if (closed_) return {};
    log_->info("DISKQUEUE({}): closing", cfg_.name);
    const std::error_code ec = sync_locked();
    if (ec) log_->error("DISKQUEUE({}) failed to sync - {}", cfg_.name, ec.message());
    close_files();
    closed_ = true;
    return ec;
}

}  // namespace nsqpp::diskqueue
