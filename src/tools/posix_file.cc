#include "tools/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace nsqpp::tools {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

posix_file::posix_file(const std::string& path, int flags) : path_(path) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC, 0666);
    if (fd_ < 0) throw_errno("open " + path);
}

posix_file::~posix_file() {
    if (gzip_) deflateEnd(&zs_);
    if (fd_ >= 0) ::close(fd_);
}

int64_t posix_file::size_on_disk() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw_errno("stat " + path_);
    return st.st_size;
}

void posix_file::enable_gzip(int level) {
    if (deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                                "gzip init " + path_);
    }
    gzip_ = true;
}

void posix_file::write_raw(const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd_, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + path_);
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

void posix_file::deflate_some(int flush) {
    char out[16384];
    int rc = Z_OK;
    do {
        zs_.next_out = reinterpret_cast<Bytef*>(out);
        zs_.avail_out = sizeof out;
        rc = deflate(&zs_, flush);
        if (rc == Z_STREAM_ERROR) {
            throw std::system_error(std::make_error_code(std::errc::io_error), "gzip " + path_);
        }
        write_raw(out, sizeof out - zs_.avail_out);
    } while (zs_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

void posix_file::write(std::string_view data) {
    if (!gzip_) {
        write_raw(data.data(), data.size());
        return;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    deflate_some(Z_NO_FLUSH);
    member_open_ = true;
}

void posix_file::sync() {
    if (gzip_ && member_open_) {
        zs_.avail_in = 0;
        deflate_some(Z_FINISH);
        deflateReset(&zs_);
        member_open_ = false;
        any_member_ = true;
    }
    if (::fsync(fd_) != 0) throw_errno("sync " + path_);
}

void posix_file::close() {
    if (gzip_ && !any_member_) member_open_ = true;  // an empty member: a valid .gz file
    sync();
    if (gzip_) {
        deflateEnd(&zs_);
        gzip_ = false;
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno("close " + path_);
}

}  // namespace nsqpp::tools
