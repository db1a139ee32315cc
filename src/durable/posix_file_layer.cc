#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "durable/file_layer.h"

namespace nsqpp::durable {
namespace {

std::error_code errno_code() { return {errno, std::generic_category()}; }

class posix_append_file final : public append_file {
  public:
    posix_append_file(int fd, uint64_t size) : fd_(fd), size_(size) {}
    ~posix_append_file() override { ::close(fd_); }

    std::error_code append(std::string_view data) override {
        while (!data.empty()) {
            ssize_t n = ::write(fd_, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno_code();
            }
            data.remove_prefix(static_cast<size_t>(n));
            size_ += static_cast<uint64_t>(n);
        }
        return {};
    }
    std::error_code sync() override {
        while (::fdatasync(fd_) != 0) {
            if (errno != EINTR) return errno_code();
        }
        return {};
    }
    uint64_t size() const override { return size_; }

  private:
    int fd_;
    uint64_t size_;
};

class posix_layer final : public file_layer {
  public:
    std::error_code make_dir(const std::string& dir) override {
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_code();
        return {};
    }
    std::error_code list(const std::string& dir, std::vector<std::string>& names) override {
        names.clear();
        DIR* d = ::opendir(dir.c_str());
        if (!d) return errno_code();
        while (dirent* e = ::readdir(d)) {
            if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN) names.emplace_back(e->d_name);
        }
        ::closedir(d);
        return {};
    }
    std::error_code read_all(const std::string& path, std::string& out) override {
        out.clear();
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return errno_code();
        char buf[1 << 16];
        for (;;) {
            ssize_t n = ::read(fd, buf, sizeof(buf));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                auto ec = errno_code();
                ::close(fd);
                return ec;
            }
            if (n == 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        ::close(fd);
        return {};
    }
    std::error_code open_append(const std::string& path,
                                std::unique_ptr<append_file>& out) override {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return errno_code();
        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            auto ec = errno_code();
            ::close(fd);
            return ec;
        }
        out = std::make_unique<posix_append_file>(fd, static_cast<uint64_t>(st.st_size));
        return {};
    }
    // Truncates and fsyncs (a recovered torn tail must not come back after another crash).
    std::error_code truncate(const std::string& path, uint64_t size) override {
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return errno_code();
        std::error_code ec;
        if (::ftruncate(fd, static_cast<off_t>(size)) != 0 || ::fsync(fd) != 0) ec = errno_code();
        ::close(fd);
        return ec;
    }
    std::error_code remove(const std::string& path) override {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_code();
        return {};
    }
    std::error_code sync_dir(const std::string& dir) override {
        int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return errno_code();
        std::error_code ec;
        if (::fsync(fd) != 0) ec = errno_code();
        ::close(fd);
        return ec;
    }
};

}  // namespace

std::shared_ptr<file_layer> posix_file_layer() { return std::make_shared<posix_layer>(); }

}  // namespace nsqpp::durable
