// disk_queue: the reading side (spec nsqd.md §5.5 — reading, finished files, corruption).
#include <unistd.h>

#include <cerrno>

#include "diskqueue/disk_queue.h"

namespace nsqpp::diskqueue {

bool disk_queue::has_unread() const {
    return state_.read_file_num < state_.write_file_num || state_.read_pos < state_.write_pos;
}

std::optional<std::string> disk_queue::read_next() {
    std::lock_guard lock(mutex_);
    if (closed_) return std::nullopt;
    // Every pass either returns or moves the reader to a later file, and the reader never passes
    // the writer (check_tail_corruption), so this loop ends.
    while (has_unread()) {
        std::string error;
        if (!reader_.is_open() && !open_read_file(error)) {
            handle_read_error(error);
            continue;
        }
        const bool complete_file = state_.read_file_num < state_.write_file_num;
        if (complete_file) {
            if (!refresh_read_file_size(error)) {
                handle_read_error(error);
                continue;
            }
            // At the end of a finished file (the writer rolled while the reader was caught up):
            // move on. go-diskqueue 1.1.0 tries to read here and renames a good file to .bad
            // (nsqio/go-diskqueue#42).
            if (state_.read_pos >= read_file_size_) {
                finish_read_file();
                continue;
            }
        }
        std::optional<std::string> record = read_record(error);
        if (!record) {
            handle_read_error(error);
            continue;
        }
        state_.read_pos += 4 + static_cast<int64_t>(record->size());
        state_.depth--;
        ops_since_sync_++;
        if (complete_file && state_.read_pos >= read_file_size_) {
            finish_read_file();
        } else {
            check_tail_corruption();
        }
        sync_if_needed();
        return record;
    }
    return std::nullopt;
}

bool disk_queue::open_read_file(std::string& error) {
    read_file_size_ = -1;
    const std::string path = data_file_name(state_.read_file_num);
    if (auto ec = reader_.open(path)) {
        error = "open: " + ec.message();
        return false;
    }
    log_->info("DISKQUEUE({}): readOne() opened {}", cfg_.name, path);
    return true;
}

// A finished file's size is fixed: take it once (roll_write_file sets it for a file the reader
// was already in).
bool disk_queue::refresh_read_file_size(std::string& error) {
    if (read_file_size_ >= 0) return true;
    if (auto ec = file_size(reader_.fd(), read_file_size_)) {
        read_file_size_ = -1;
        error = "stat: " + ec.message();
        return false;
    }
    return true;
}

// Reads the record at read_pos; nullopt with `error` set when it is invalid or incomplete.
std::optional<std::string> disk_queue::read_record(std::string& error) {
    const int64_t limit =
        state_.read_file_num < state_.write_file_num ? read_file_size_ : state_.write_pos;
    const int64_t pos = state_.read_pos;
    if (pos + 4 > limit) {
        error = "unexpected EOF (incomplete record length)";
        return std::nullopt;
    }
    unsigned char header[4];
    if (auto ec = reader_.read_exact(pos, 4, limit, reinterpret_cast<char*>(header))) {
        error = "reading record length: " + ec.message();
        return std::nullopt;
    }
    const auto size =
        static_cast<int32_t>((uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
                             (uint32_t{header[2]} << 8) | uint32_t{header[3]});
    if (size < cfg_.min_msg_size || size > cfg_.max_msg_size || size < 0) {
        // The file is corrupt: there is no telling where the next record starts.
        error = "invalid message read size (" + std::to_string(size) + ")";
        return std::nullopt;
    }
    if (pos + 4 + size > limit) {
        error = "unexpected EOF (incomplete record of " + std::to_string(size) + " bytes)";
        return std::nullopt;
    }
    std::string record(static_cast<size_t>(size), '\0');
    if (auto ec = reader_.read_exact(pos + 4, record.size(), limit, record.data())) {
        error = "reading record: " + ec.message();
        return std::nullopt;
    }
    return record;
}

// The reader consumed a file that is not the write file: delete it and go on with the next.
void disk_queue::finish_read_file() {
    const std::string path = data_file_name(state_.read_file_num);
    if (state_.read_pos > read_file_size_) {
        log_->warn("DISKQUEUE({}) readPos {} beyond the end ({}) of {}", cfg_.name, state_.read_pos,
                   read_file_size_, path);
    }
    reader_.close();
    read_file_size_ = -1;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        log_->error("DISKQUEUE({}) failed to Remove({}) - {}", cfg_.name, path,
                    last_error().message());
    }
    state_.read_file_num++;
    state_.read_pos = 0;
    need_sync_ = true;  // sync every time we start reading from a new file
    check_tail_corruption();
}

// Corruption: rename the read file to <file>.bad and continue with the next file (if it was
// also the write file, writing moves to a new file too).
void disk_queue::handle_read_error(const std::string& error) {
    const std::string bad = data_file_name(state_.read_file_num);
    log_->error("DISKQUEUE({}) reading at {} of {} - {}", cfg_.name, state_.read_pos, bad, error);
    if (state_.read_file_num == state_.write_file_num) {
        close_write_file();
        state_.write_file_num++;
        state_.write_pos = 0;
    }
    reader_.close();
    read_file_size_ = -1;
    const std::string renamed = bad + ".bad";
    log_->warn("DISKQUEUE({}) jump to next file and saving bad file as {}", cfg_.name, renamed);
    if (::rename(bad.c_str(), renamed.c_str()) != 0 && errno != ENOENT) {
        log_->error("DISKQUEUE({}) failed to rename bad diskqueue file {} to {} - {}", cfg_.name,
                    bad, renamed, last_error().message());
    }
    state_.read_file_num++;
    state_.read_pos = 0;
    need_sync_ = true;
    check_tail_corruption();
}

// When the reader has caught up with the writer, depth must be 0 and the positions equal.
void disk_queue::check_tail_corruption() {
    if (has_unread()) return;
    if (state_.depth != 0) {
        if (state_.depth < 0) {
            log_->error(
                "DISKQUEUE({}) negative depth at tail ({}), metadata corruption, resetting 0...",
                cfg_.name, state_.depth);
        } else {
            log_->error("DISKQUEUE({}) positive depth at tail ({}), data loss, resetting 0...",
                        cfg_.name, state_.depth);
        }
        state_.depth = 0;
        need_sync_ = true;
    }
    if (state_.read_file_num != state_.write_file_num || state_.read_pos != state_.write_pos) {
        log_->error(
            "DISKQUEUE({}) read position {},{} past write position {},{}, corruption, skipping "
            "to next writeFileNum and resetting 0...",
            cfg_.name, state_.read_file_num, state_.read_pos, state_.write_file_num,
            state_.write_pos);
        skip_to_next_rw_file();
        need_sync_ = true;
    }
}

}  // namespace nsqpp::diskqueue
