#pragma once
// Process metrics as Prometheus' Go client names them (process_*), read from /proc/self, and
// the nsq_build_info gauge.
#include <cstdint>
#include <optional>
#include <string_view>

#include "metrics/exposition.h"

namespace nsqpp::metrics {

// A field is nullopt when it could not be read (no /proc, unexpected format).
struct process_stats {
    std::optional<double> cpu_seconds;         // user + system time
    std::optional<int64_t> resident_bytes;     // RSS
    std::optional<int64_t> virtual_bytes;      // VSZ
    std::optional<int64_t> open_fds;           // entries of /proc/self/fd
    std::optional<int64_t> max_fds;            // RLIMIT_NOFILE soft limit
    std::optional<double> start_time_seconds;  // Unix time the process started
};

process_stats read_process_stats();

// Adds process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds (each only when its value is known).
void add_process_metrics(exposition& e, const process_stats& s);

// Adds `nsq_build_info{version="<version>",implementation="nsqpp"} 1`.
void add_build_info(exposition& e, std::string_view version);

}  // namespace nsqpp::metrics
