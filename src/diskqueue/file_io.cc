#include "diskqueue/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <random>

namespace nsqpp::diskqueue {

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
}

int unique_fd::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void unique_fd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

std::error_code last_error() { return {errno, std::system_category()}; }

std::error_code pwrite_all(int fd, const char* data, size_t size, int64_t offset) {
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, data, size, offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (n == 0) return std::make_error_code(std::errc::io_error);
        data += n;
        size -= static_cast<size_t>(n);
        offset += n;
    }
    return {};
}

std::error_code pread_full(int fd, char* out, size_t size, int64_t offset, size_t& got) {
    got = 0;
    while (got < size) {
        const ssize_t n = ::pread(fd, out + got, size - got, offset + static_cast<int64_t>(got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    return {};
}

std::error_code file_size(int fd, int64_t& size) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return last_error();
    size = st.st_size;
    return {};
}

std::error_code file_size(const std::string& path, int64_t& size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return last_error();
    size = st.st_size;
    return {};
}

std::error_code read_whole_file(const std::string& path, std::string& out) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return last_error();
    out.clear();
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (n == 0) return {};
        out.append(chunk, static_cast<size_t>(n));
        if (out.size() > 1024 * 1024) return std::make_error_code(std::errc::file_too_large);
    }
}

std::error_code write_file_atomic(int dir_fd, const std::string& path, const std::string& data) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const uint64_t suffix = rng() & static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    const std::string tmp = path + "." + std::to_string(suffix) + ".tmp";

    unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) return last_error();
    std::error_code ec = pwrite_all(fd.get(), data.data(), data.size(), 0);
    if (!ec && ::fsync(fd.get()) != 0) ec = last_error();
    fd.reset();
    if (!ec && ::rename(tmp.c_str(), path.c_str()) != 0) ec = last_error();
    if (ec) {
        ::unlink(tmp.c_str());
        return ec;
    }
    if (dir_fd >= 0 && ::fsync(dir_fd) != 0) return last_error();
    return {};
}

std::error_code buffered_reader::open(const std::string& path) {
    close();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return last_error();
    fd_.reset(fd);
    return {};
}

void buffered_reader::close() {
    fd_.reset();
    buffer_offset_ = 0;
    buffer_len_ = 0;
}

std::error_code buffered_reader::read_exact(int64_t offset, size_t size, int64_t limit, char* out) {
    while (size > 0) {
        const int64_t buffer_end = buffer_offset_ + static_cast<int64_t>(buffer_len_);
        if (offset >= buffer_offset_ && offset < buffer_end) {
            const size_t at = static_cast<size_t>(offset - buffer_offset_);
            const size_t n = std::min(size, buffer_len_ - at);
            std::memcpy(out, buffer_.data() + at, n);
            out += n;
            size -= n;
            offset += static_cast<int64_t>(n);
            continue;
        }
        size_t got = 0;
        if (size >= buffer_.size()) {  // large reads bypass the buffer
            if (auto ec = pread_full(fd_.get(), out, size, offset, got)) return ec;
            return got == size ? std::error_code{} : std::make_error_code(std::errc::io_error);
        }
        const size_t want = static_cast<size_t>(
            std::min<int64_t>(static_cast<int64_t>(buffer_.size()), limit - offset));
        buffer_len_ = 0;
        buffer_offset_ = offset;
        if (auto ec = pread_full(fd_.get(), buffer_.data(), want, offset, got)) return ec;
        buffer_len_ = got;
        if (got < size) return std::make_error_code(std::errc::io_error);
    }
    return {};
}

}  // namespace nsqpp::diskqueue
