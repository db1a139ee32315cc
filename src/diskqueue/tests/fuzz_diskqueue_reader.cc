// libFuzzer target: the input (after a settings byte) becomes one or two data files behind a
// valid meta file; the queue is read until empty. It must never crash or hang, must only return
// records of valid size, and must work normally afterwards (a put is read back).
#include <spdlog/sinks/null_sink.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "diskqueue/disk_queue.h"

namespace {

namespace fs = std::filesystem;
using namespace nsqpp::diskqueue;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// One directory for the whole run (on tmpfs when available: fsync is free there).
struct work_dir {
    fs::path path;
    work_dir() {
        const fs::path base =
            fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string tmpl = (base / "nsqpp-dq-fuzz-XXXXXX").string();
        check(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~work_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void clear() const {
        for (const auto& e : fs::directory_iterator(path)) fs::remove(e.path());
    }
};

void write_file(const std::string& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const work_dir dir;
    static const auto logger = std::make_shared<spdlog::logger>(
        "diskqueue-fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
    if (size < 2) return 0;
    const uint8_t mode = data[0];
    const uint8_t split_at = data[1];
    const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

    config cfg;
    cfg.name = "fuzz:ch";
    cfg.data_path = dir.path.string();
    cfg.max_bytes_per_file = 32 << (mode & 3);                     // 32 .. 256
    cfg.min_msg_size = static_cast<int32_t>((mode >> 2) & 3) * 8;  // 0, 8, 16, 24
    cfg.max_msg_size = ((mode >> 4) & 1) ? 26 : 1 << 20;
    cfg.sync_every = 1 << 20;

    // One or two data files; the meta either points the writer at the end of the last file or
    // past it (so the reader treats every file as finished).
    const bool two_files = (mode & 0x40) != 0;
    const size_t cut = two_files ? std::min<size_t>(split_at, input.size()) : input.size();
    const std::string_view first = input.substr(0, cut), second = input.substr(cut);
    write_file(data_file_path(cfg.data_path, cfg.name, 0), first);
    if (two_files) write_file(data_file_path(cfg.data_path, cfg.name, 1), second);
    const int64_t last = two_files ? 1 : 0;
    const int64_t last_size = static_cast<int64_t>(two_files ? second.size() : first.size());
    const queue_state meta = (mode & 0x80) ? queue_state{split_at, 0, 0, last + 1, 0}
                                           : queue_state{split_at, 0, 0, last, last_size};
    write_file(meta_file_path(cfg.data_path, cfg.name), format_meta(meta));

    {
        disk_queue q(cfg, logger);
        size_t records = 0;
        while (auto r = q.read_next()) {
            check(r->size() >= static_cast<size_t>(cfg.min_msg_size));
            check(r->size() <= static_cast<size_t>(cfg.max_msg_size));
            check(++records <= input.size() / 4 + 1);  // every record takes >= 4 bytes
        }
        check(q.depth() == 0);
        const std::string record(static_cast<size_t>(cfg.min_msg_size) + 2, 'r');
        check(!q.put(record));
        const auto back = q.read_next();
        check(back && *back == record);
        check(!q.read_next());
        check(!q.delete_all());
    }
    dir.clear();
    return 0;
}
