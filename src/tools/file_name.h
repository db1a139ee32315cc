#pragma once
// nsq_to_file's file naming (spec/tools.md §2.2): the per-topic name template and the
// <DATETIME> / <REV> substitutions made at every open.
#include <ctime>
#include <string>
#include <string_view>

namespace nsqpp::tools {

struct file_name_settings {
    std::string filename_format = "<TOPIC>.<HOST><REV>.<DATETIME>.log";
    std::string host_identifier;  // "" = short host name; may hold <SHORT_HOST>, <HOSTNAME>
    bool gzip = false;
    bool rotation_or_work_dir = false;  // rotate-size/-interval > 0 or work dir != output dir
};

// The template for `topic` with <TOPIC>, <HOST>, <PID> replaced (and <REV> dropped when not
// needed, ".gz" appended for gzip). Throws std::runtime_error("missing <REV> in
// --filename-format when gzip, rotation, or work dir enabled").
std::string compute_filename_format(const file_name_settings& s, std::string_view topic,
                                    std::string_view hostname, long pid);

// strftime subset of NSQ's converter: %Y %y %m %d %H %I %M %S %B %b %A %a %p %Z %z %%; any other
// "%c" is copied as is.
std::string format_datetime(std::string_view format, const std::tm& local_time);

// Replaces every occurrence of `from` in `text` by `to`.
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// "<REV>" → "-000007".
std::string with_revision(std::string_view name, unsigned revision);

}  // namespace nsqpp::tools
