#pragma once
// nsq_to_file's current output file for one topic (spec/tools.md §2.3): lazy open with
// revisions, rotation by name change / age / size, gzip members per sync, and the move from the
// work dir to the output dir on close. Not thread-safe (one per topic, used by its router).
// I/O failures throw std::system_error or std::runtime_error (fatal for nsq_to_file).
#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tools/posix_file.h"

namespace nsqpp::tools {

struct rotating_file_options {
    std::string output_dir = "/tmp";
    std::string work_dir;  // "" = output_dir
    std::string datetime_format = "%Y-%m-%d_%H";
    bool gzip = false;
    int gzip_level = 6;
    int64_t rotate_size = 0;                      // bytes; 0 = off
    std::chrono::nanoseconds rotate_interval{0};  // 0 = off
};

using wall_clock = std::function<std::chrono::system_clock::time_point()>;

class rotating_file {
  public:
    // `filename_format` comes from compute_filename_format (still holding <DATETIME>/<REV>);
    // `tag` prefixes log lines ("[topic/channel]").
    rotating_file(rotating_file_options opts, std::string filename_format,
                  std::shared_ptr<spdlog::logger> log, std::string tag,
                  wall_clock now = std::chrono::system_clock::now);
    ~rotating_file();  // closes without moving if still open (error paths only)

    bool is_open() const { return out_ != nullptr; }
    // Why a new file is due (logged): none open, the name changed, too old, too big.
    bool needs_rotation();
    // Closes the current file (moving it out of the work dir) and opens the next revision.
    void update_file();
    void write(std::string_view data);  // counted before compression
    void sync();                        // no-op when no file is open
    void close();                       // sync + close + move; no-op when none is open

    std::string current_path() const;  // "" when none is open
    int64_t size() const { return filesize_; }

  private:
    std::string current_filename() const;
    std::string output_path_for(const std::string& work_path) const;
    void move_to_output_dir(const std::string& src);

    rotating_file_options opts_;
    std::string format_;
    std::shared_ptr<spdlog::logger> log_;
    std::string tag_;
    wall_clock now_;

    std::unique_ptr<posix_file> out_;
    std::string filename_;  // current name, <DATETIME> substituted, <REV> kept
    std::chrono::system_clock::time_point open_time_;
    int64_t filesize_ = 0;
    unsigned rev_ = 0;
};

}  // namespace nsqpp::tools
