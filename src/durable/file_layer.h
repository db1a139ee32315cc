#pragma once
// The file operations the segment log needs, behind an interface so that unit tests can run the
// log on a fault-injecting in-memory implementation (fault_file_layer.h). The POSIX one stays on
// plain write/fdatasync/fsync (no mmap, no stdio) so that crashsim can observe it.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace nsqpp::durable {

// A file open for appending.
class append_file {
  public:
    virtual ~append_file() = default;
    virtual std::error_code append(std::string_view data) = 0;
    // fdatasync: the bytes appended so far survive a power loss.
    virtual std::error_code sync() = 0;
    virtual uint64_t size() const = 0;
};

class file_layer {
  public:
    virtual ~file_layer() = default;
    virtual std::error_code make_dir(const std::string& dir) = 0;
    // The names (not paths) of the regular files in `dir`.
    virtual std::error_code list(const std::string& dir, std::vector<std::string>& names) = 0;
    virtual std::error_code read_all(const std::string& path, std::string& out) = 0;
    // Opens `path` for appending, creating it (empty) when missing.
    virtual std::error_code open_append(const std::string& path,
                                        std::unique_ptr<append_file>& out) = 0;
    virtual std::error_code truncate(const std::string& path, uint64_t size) = 0;
    virtual std::error_code remove(const std::string& path) = 0;
    // fsync of the directory: its entries (created/removed files) survive a power loss.
    virtual std::error_code sync_dir(const std::string& dir) = 0;
};

std::shared_ptr<file_layer> posix_file_layer();

}  // namespace nsqpp::durable
