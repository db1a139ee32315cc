#pragma once
// The backend on a go-diskqueue compatible disk queue: records are NSQ's on-disk message layout
// (timestamp, attempts, 16 hex ID, body — spec §5.2).
#include <functional>
#include <memory>
#include <string>

#include "broker/backend.h"
#include "diskqueue/disk_queue.h"

namespace nsqpp::broker {

struct disk_backend_config {
    std::string data_path;
    int64_t max_bytes_per_file = 104857600;
    int64_t max_msg_size = 1048576;
    int64_t sync_every = 2500;
    std::chrono::nanoseconds sync_timeout = std::chrono::seconds(2);
    std::shared_ptr<spdlog::logger> log;
    // Told "" after a successful write and the error text after a failed one (nsqd's health).
    std::function<void(const std::string&)> on_write_result;
};

std::unique_ptr<backend> make_disk_backend(const disk_backend_config& cfg,
                                           const std::string& queue_name);

// Encodes `m` as a disk queue record (26-byte header + body).
std::string encode_record(const queued_message& m);
// Decodes a record; nullopt when it is shorter than the header or its ID is not 16 hex chars.
std::optional<queued_message> decode_record(std::string_view record);

}  // namespace nsqpp::broker
