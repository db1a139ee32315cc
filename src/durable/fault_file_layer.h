#pragma once
// An in-memory file_layer for unit tests that simulates a power loss the way a POSIX-strict
// disk may leave it: file contents as of their last sync, directory entries as of their
// directory's last sync, optionally with a torn (partial) unsynced tail; plus direct damage
// (bit flips, truncation) and failing syncs.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "durable/file_layer.h"

namespace nsqpp::durable {

class fault_file_layer final : public file_layer {
  public:
    enum class crash_mode {
        clean,      // only synced data and synced directory entries survive
        torn_tail,  // plus a random prefix of each file's unsynced bytes
        garbage,    // plus the unsynced bytes with random bytes flipped
    };

    explicit fault_file_layer(uint64_t seed = 1) : rng_(seed) {}

    std::error_code make_dir(const std::string& dir) override;
    std::error_code list(const std::string& dir, std::vector<std::string>& names) override;
    std::error_code read_all(const std::string& path, std::string& out) override;
    std::error_code open_append(const std::string& path,
                                std::unique_ptr<append_file>& out) override;
    std::error_code truncate(const std::string& path, uint64_t size) override;
    std::error_code remove(const std::string& path) override;
    std::error_code sync_dir(const std::string& dir) override;

    // Power loss: rewrites the live state from the durable one. Open append_files must not be
    // used afterwards (they fail with EIO).
    void crash(crash_mode mode);
    // Damage at rest (applied to the live and the durable content).
    void flip_bit(const std::string& path, uint64_t byte, int bit);
    void cut(const std::string& path, uint64_t size);
    // Every sync from now on fails with EIO (and makes nothing durable).
    void fail_syncs(bool fail) { fail_syncs_ = fail; }
    // Each file sync takes this long (as a disk would), outside the layer's lock.
    void set_sync_delay(std::chrono::microseconds d) { sync_delay_ = d; }
    uint64_t file_size(const std::string& path);
    uint64_t sync_count() const { return syncs_.load(); }
    bool exists(const std::string& path);

  private:
    friend class fault_append_file;
    struct file_state {
        std::string data;
        std::string durable;
    };
    std::error_code append_to(const std::string& path, uint64_t generation, std::string_view d);
    std::error_code sync_file(const std::string& path, uint64_t generation);

    std::mutex mu_;
    std::mt19937_64 rng_;
    bool fail_syncs_ = false;
    std::chrono::microseconds sync_delay_{0};
    std::atomic<uint64_t> syncs_{0};
    uint64_t generation_ = 0;                     // bumped by crash(): stale handles fail
    std::map<std::string, file_state> files_;     // live files by path
    std::map<std::string, std::string> orphans_;  // removed but still durable: path -> content
    std::set<std::string> dirs_;
    std::map<std::string, std::set<std::string>> durable_entries_;  // dir -> paths
};

}  // namespace nsqpp::durable
