#pragma once
// Thin POSIX file helpers. Durable I/O stays on plain pwrite/write/fsync/fdatasync (no mmap, no
// stdio) so that the crashsim power-loss simulator can observe it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace nsqpp::diskqueue {

// Owns a file descriptor; closes it on destruction.
class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
    unique_fd& operator=(unique_fd&& other) noexcept;
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release();
    void reset(int fd = -1);

  private:
    int fd_ = -1;
};

// The current errno as a std::error_code.
std::error_code last_error();

// Writes all of data at offset (pwrite loop, retrying EINTR and short writes).
std::error_code pwrite_all(int fd, const char* data, size_t size, int64_t offset);

// Reads up to size bytes at offset (pread loop until EOF); got = bytes read.
std::error_code pread_full(int fd, char* out, size_t size, int64_t offset, size_t& got);

// Size of an open file or of a path (ENOENT reported as such).
std::error_code file_size(int fd, int64_t& size);
std::error_code file_size(const std::string& path, int64_t& size);

// Reads a whole (small) file.
std::error_code read_whole_file(const std::string& path, std::string& out);

// Writes a file atomically and durably: <path>.<random>.tmp (mode 0600), fsync, rename over
// path, fsync of the directory dir_fd.
std::error_code write_file_atomic(int dir_fd, const std::string& path, const std::string& data);

// Reads byte ranges of one file through a buffer, never buffering past a caller-given limit (so
// bytes past the writer's position are never cached).
class buffered_reader {
  public:
    explicit buffered_reader(size_t buffer_size = 64 * 1024) : buffer_(buffer_size) {}

    std::error_code open(const std::string& path);
    void close();
    bool is_open() const { return static_cast<bool>(fd_); }
    int fd() const { return fd_.get(); }

    // Copies exactly size bytes at offset into out; offset + size must be <= limit. Fails with
    // an error (EIO for a short read) when the file holds fewer bytes.
    std::error_code read_exact(int64_t offset, size_t size, int64_t limit, char* out);

  private:
    unique_fd fd_;
    std::vector<char> buffer_;
    int64_t buffer_offset_ = 0;
    size_t buffer_len_ = 0;
};

}  // namespace nsqpp::diskqueue
