#include "durable/fault_file_layer.h"

#include <cerrno>
#include <thread>

namespace nsqpp::durable {
namespace {
std::error_code err(int e) { return {e, std::generic_category()}; }

std::string parent_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}
}  // namespace

class fault_append_file final : public append_file {
  public:
    fault_append_file(fault_file_layer* fs, std::string path, uint64_t generation)
        : fs_(fs), path_(std::move(path)), generation_(generation) {}
    std::error_code append(std::string_view data) override {
        return fs_->append_to(path_, generation_, data);
    }
    std::error_code sync() override { return fs_->sync_file(path_, generation_); }
    uint64_t size() const override { return fs_->file_size(path_); }

  private:
    fault_file_layer* fs_;
    std::string path_;
    uint64_t generation_;
};

std::error_code fault_file_layer::make_dir(const std::string& dir) {
    std::lock_guard lock(mu_);
    dirs_.insert(dir);
    return {};
}

std::error_code fault_file_layer::list(const std::string& dir, std::vector<std::string>& names) {
    std::lock_guard lock(mu_);
    names.clear();
    if (!dirs_.count(dir)) return err(ENOENT);
    for (const auto& [path, f] : files_) {
        if (parent_of(path) == dir) names.push_back(path.substr(dir.size() + 1));
    }
    return {};
}

std::error_code fault_file_layer::read_all(const std::string& path, std::string& out) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return err(ENOENT);
    out = it->second.data;
    return {};
}

std::error_code fault_file_layer::open_append(const std::string& path,
                                              std::unique_ptr<append_file>& out) {
    std::lock_guard lock(mu_);
    if (!dirs_.count(parent_of(path))) return err(ENOENT);
    files_.try_emplace(path);
    orphans_.erase(path);
    out = std::make_unique<fault_append_file>(this, path, generation_);
    return {};
}

std::error_code fault_file_layer::truncate(const std::string& path, uint64_t size) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return err(ENOENT);
    if (fail_syncs_) return err(EIO);
    if (size < it->second.data.size()) it->second.data.resize(size);
    it->second.durable = it->second.data;  // the POSIX layer fsyncs after truncating
    return {};
}

std::error_code fault_file_layer::remove(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return {};
    auto& entries = durable_entries_[parent_of(path)];
    if (entries.count(path)) orphans_[path] = std::move(it->second.durable);
    files_.erase(it);
    return {};
}

std::error_code fault_file_layer::sync_dir(const std::string& dir) {
    std::lock_guard lock(mu_);
    if (!dirs_.count(dir)) return err(ENOENT);
    if (fail_syncs_) return err(EIO);
    auto& entries = durable_entries_[dir];
    entries.clear();
    for (const auto& [path, f] : files_) {
        if (parent_of(path) == dir) entries.insert(path);
    }
    for (auto it = orphans_.begin(); it != orphans_.end();) {
        it = parent_of(it->first) == dir ? orphans_.erase(it) : std::next(it);
    }
    return {};
}

std::error_code fault_file_layer::append_to(const std::string& path, uint64_t generation,
                                            std::string_view d) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (generation != generation_ || it == files_.end()) return err(EIO);
    it->second.data.append(d);
    return {};
}

std::error_code fault_file_layer::sync_file(const std::string& path, uint64_t generation) {
    if (sync_delay_.count() > 0) std::this_thread::sleep_for(sync_delay_);
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (generation != generation_ || it == files_.end()) return err(EIO);
    if (fail_syncs_) return err(EIO);
    it->second.durable = it->second.data;
    ++syncs_;
    return {};
}

void fault_file_layer::crash(crash_mode mode) {
    std::lock_guard lock(mu_);
    ++generation_;
    std::map<std::string, file_state> after;
    for (const auto& [dir, entries] : durable_entries_) {
        for (const auto& path : entries) {
            std::string content;
            if (auto o = orphans_.find(path); o != orphans_.end()) {
                content = o->second;
            } else if (auto f = files_.find(path); f != files_.end()) {
                content = f->second.durable;
                const std::string& live = f->second.data;
                bool extends =
                    live.size() > content.size() && live.compare(0, content.size(), content) == 0;
                if (extends && mode != crash_mode::clean) {
                    std::string tail = live.substr(content.size());
                    if (mode == crash_mode::torn_tail) {
                        tail.resize(std::uniform_int_distribution<size_t>(0, tail.size())(rng_));
                    } else {
                        for (auto& c : tail) {
                            if (rng_() % 16 == 0) c = static_cast<char>(rng_());
                        }
                    }
                    content += tail;
                }
            }
            after[path] = file_state{content, content};
        }
    }
    files_.swap(after);
    orphans_.clear();
}

void fault_file_layer::flip_bit(const std::string& path, uint64_t byte, int bit) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return;
    auto flip = [&](std::string& s) {
        if (byte < s.size()) s[byte] = static_cast<char>(s[byte] ^ (1 << bit));
    };
    flip(it->second.data);
    flip(it->second.durable);
}

void fault_file_layer::cut(const std::string& path, uint64_t size) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return;
    if (size < it->second.data.size()) it->second.data.resize(size);
    if (size < it->second.durable.size()) it->second.durable.resize(size);
}

uint64_t fault_file_layer::file_size(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = files_.find(path);
    return it == files_.end() ? 0 : it->second.data.size();
}

bool fault_file_layer::exists(const std::string& path) {
    std::lock_guard lock(mu_);
    return files_.count(path) != 0;
}

}  // namespace nsqpp::durable
