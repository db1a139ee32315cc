// disk_queue: start-up recovery from the meta file (spec nsqd.md §5.5).
#include <algorithm>

#include "diskqueue/disk_queue.h"

namespace nsqpp::diskqueue {
namespace {

bool usable(const queue_state& s) {
    return s.read_file_num >= 0 && s.read_pos >= 0 && s.write_file_num >= 0 && s.write_pos >= 0;
}

}  // namespace

void disk_queue::retrieve_meta_data() {
    const std::string path = meta_file_name();
    std::string text;
    if (auto ec = read_whole_file(path, text)) {
        if (ec != std::errc::no_such_file_or_directory) {
            log_->error("DISKQUEUE({}) failed to retrieveMetaData - {}", cfg_.name, ec.message());
        }
    } else if (auto parsed = parse_meta(text); !parsed || !usable(*parsed)) {
        log_->error("DISKQUEUE({}) failed to retrieveMetaData - invalid meta file {}", cfg_.name,
                    path);
    } else {
        state_ = *parsed;
    }

    const bool reader_ahead =
        state_.read_file_num > state_.write_file_num ||
        (state_.read_file_num == state_.write_file_num && state_.read_pos > state_.write_pos);
    if (reader_ahead) {
        log_->error("DISKQUEUE({}) meta read position {},{} past write position {},{}, skipping",
                    cfg_.name, state_.read_file_num, state_.read_pos, state_.write_file_num,
                    state_.write_pos);
        const int64_t next = std::max(state_.read_file_num, state_.write_file_num) + 1;
        state_ = queue_state{0, next, 0, next, 0};
        need_sync_ = true;
    }
    recover_write_position();
    check_tail_corruption();
}

// If the meta was not synced before a crash, the write file holds more than writePos: writing
// continues in a new file and the reader reads the old one to its real end. The same holds when
// the next file already has data (the meta of a roll was lost), and a write file shorter than
// writePos (damaged) is not written into either.
void disk_queue::recover_write_position() {
    for (;;) {
        const std::string path = data_file_name(state_.write_file_num);
        int64_t size = 0;
        if (auto ec = file_size(path, size)) {
            if (ec != std::errc::no_such_file_or_directory) {
                log_->error("DISKQUEUE({}) failed to stat {} - {}", cfg_.name, path, ec.message());
                return;  // writing will report the problem
            }
            size = state_.write_pos == 0 ? 0 : -1;
        }
        if (size > state_.write_pos) {
            log_->warn(
                "DISKQUEUE({}) {} metadata writePos {} < file size of {}, skipping to new file",
                cfg_.name, path, state_.write_pos, size);
        } else if (size < state_.write_pos) {
            log_->error(
                "DISKQUEUE({}) {} missing or shorter than metadata writePos {}, skipping "
                "to new file",
                cfg_.name, path, state_.write_pos);
        } else {
            int64_t next_size = 0;
            const std::string next = data_file_name(state_.write_file_num + 1);
            if (file_size(next, next_size) || next_size == 0) return;
            log_->warn("DISKQUEUE({}) {} holds data past metadata write file, skipping to it",
                       cfg_.name, next);
        }
        state_.write_file_num++;
        state_.write_pos = 0;
        need_sync_ = true;
    }
}

}  // namespace nsqpp::diskqueue
