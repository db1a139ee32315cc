#include "tools/rotating_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "config/go_syntax.h"
#include "tools/file_name.h"

namespace nsqpp::tools {
namespace fs = std::filesystem;
namespace {

void make_parent_dirs(const std::string& path) {
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::system_error(ec, "mkdir " + dir.string());
    fs::permissions(dir, fs::perms(0770), fs::perm_options::replace, ec);  // best effort
}

std::string join(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / name).lexically_normal().string();
}

// Hard link + unlink: never replaces an existing target (Go's atomicRename). False if it exists.
bool link_rename(const std::string& src, const std::string& dst) {
    make_parent_dirs(dst);
    if (::link(src.c_str(), dst.c_str()) != 0) {
        if (errno == EEXIST) return false;
        throw std::system_error(errno, std::generic_category(), "link " + src + " " + dst);
    }
    if (::unlink(src.c_str()) != 0) {
        throw std::system_error(errno, std::generic_category(), "unlink " + src);
    }
    return true;
}

}  // namespace

rotating_file::rotating_file(rotating_file_options opts, std::string filename_format,
                             std::shared_ptr<spdlog::logger> log, std::string tag, wall_clock now)
    : opts_(std::move(opts)),
      format_(std::move(filename_format)),
      log_(std::move(log)),
      tag_(std::move(tag)),
      now_(std::move(now)) {
    if (opts_.work_dir.empty()) opts_.work_dir = opts_.output_dir;
}

rotating_file::~rotating_file() = default;

std::string rotating_file::current_filename() const {
    std::time_t t = std::chrono::system_clock::to_time_t(now_());
    std::tm tm{};
    localtime_r(&t, &tm);
    return replace_all(format_, "<DATETIME>", format_datetime(opts_.datetime_format, tm));
}

std::string rotating_file::current_path() const { return out_ ? out_->path() : std::string(); }

bool rotating_file::needs_rotation() {
    if (!out_) return true;
    std::string name = current_filename();
    if (name != filename_) {
        log_->info("{} new filename {}, rotating...", tag_, name);
        return true;
    }
    if (opts_.rotate_interval.count() > 0) {
        auto age = now_() - open_time_;
        if (age > opts_.rotate_interval) {
            log_->info("{} {} since last open, rotating...", tag_,
                       config::format_go_duration(
                           std::chrono::duration_cast<std::chrono::nanoseconds>(age)));
            return true;
        }
    }
    if (opts_.rotate_size > 0 && filesize_ > opts_.rotate_size) {
        log_->info("{} {} currently {} bytes (> {}), rotating...", tag_, out_->path(), filesize_,
                   opts_.rotate_size);
        return true;
    }
    return false;
}

std::string rotating_file::output_path_for(const std::string& work_path) const {
    std::string rel = fs::path(work_path).lexically_relative(opts_.work_dir).string();
    return join(opts_.output_dir, rel);
}

void rotating_file::update_file() {
    close();
    std::string name = current_filename();
    rev_ = (name != filename_) ? 0 : rev_ + 1;
    filename_ = name;
    open_time_ = now_();
    std::string full_path = join(opts_.work_dir, name);
    make_parent_dirs(full_path);

    bool use_work_dir = opts_.work_dir != opts_.output_dir;
    int flags = O_WRONLY | O_CREAT |
                ((opts_.gzip || opts_.rotate_interval.count() > 0) ? O_EXCL : O_APPEND);
    for (;; ++rev_) {
        std::string path = with_revision(full_path, rev_);
        if (use_work_dir) {
            std::string out_path = output_path_for(path);
            make_parent_dirs(out_path);
            std::error_code ec;
            if (fs::exists(out_path, ec)) {
                log_->warn("{} output file already exists: {}", tag_, out_path);
                continue;
            }
        }
        std::unique_ptr<posix_file> f;
        try {
            f = std::make_unique<posix_file>(path, flags);
        } catch (const std::system_error& e) {
            if (e.code() == std::errc::file_exists) {
                log_->warn("{} working file already exists: {}", tag_, path);
                continue;
            }
            throw;
        }
        log_->info("{} opening {}", tag_, path);
        filesize_ = f->size_on_disk();
        if (opts_.rotate_size > 0 && filesize_ > opts_.rotate_size) {
            log_->info("{} {} currently {} bytes (> {}), rotating...", tag_, path, filesize_,
                       opts_.rotate_size);
            continue;
        }
        out_ = std::move(f);
        break;
    }
    if (opts_.gzip) out_->enable_gzip(opts_.gzip_level);
}

void rotating_file::write(std::string_view data) {
    out_->write(data);
    filesize_ += static_cast<int64_t>(data.size());
}

void rotating_file::sync() {
    if (out_) out_->sync();
}

void rotating_file::close() {
    if (!out_) return;
    std::unique_ptr<posix_file> f = std::move(out_);
    f->close();
    if (opts_.work_dir == opts_.output_dir) return;
    std::string src = f->path();
    std::string dst = output_path_for(src);
    log_->info("{} moving finished file {} to {}", tag_, src, dst);
    if (link_rename(src, dst)) return;
    for (unsigned rev = rev_ + 1;; ++rev) {
        dst = join(opts_.output_dir, with_revision(filename_, rev));
        log_->info("{} destination file already exists: {}", tag_, dst);
        if (link_rename(src, dst)) return;
    }
}

}  // namespace nsqpp::tools
