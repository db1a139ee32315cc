#pragma once
// Helpers for the disk queue tests: unique temp directories, file bytes, records.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "diskqueue/disk_queue.h"

namespace nsqpp::diskqueue::testing {

namespace fs = std::filesystem;

// A fresh directory under temp_directory_path(), removed with its contents on destruction.
class temp_dir {
  public:
    temp_dir() {
        static std::atomic<int> counter{0};
        std::random_device rd;
        path_ =
            fs::temp_directory_path() / ("nsqpp-dq-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const fs::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

  private:
    fs::path path_;
};

inline std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Sorted file names (not paths) in dir.
inline std::vector<std::string> list_files(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

// A record of `size` bytes whose content identifies `id`.
inline std::string make_record(int id, size_t size = 32) {
    std::string r = "rec-" + std::to_string(id) + "-";
    while (r.size() < size) r += static_cast<char>('a' + (r.size() + id) % 26);
    r.resize(size);
    return r;
}

inline std::string be32(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

// 4-byte big-endian length + payload, as go-diskqueue writes a record.
inline std::string framed(const std::string& payload) {
    return be32(static_cast<uint32_t>(payload.size())) + payload;
}

inline config make_config(const temp_dir& dir, std::string name = "test") {
    config c;
    c.name = std::move(name);
    c.data_path = dir.str();
    c.sync_every = 1000000;  // tests sync explicitly unless they test the policy
    c.sync_timeout = std::chrono::hours(1);
    return c;
}

}  // namespace nsqpp::diskqueue::testing
