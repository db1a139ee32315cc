#pragma once
// What /stats reports (spec §7), as plain data. nsqd collects it (nsqd.cc); the HTTP API
// renders it as JSON or text (http_stats.cc).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nsqpp::nsqd {

struct e2e_latency_stats {
    uint64_t count = 0;
    // (quantile, value in ns), in configured order; nullopt renders as null (no percentiles
    // configured, or a topic without channels)
    std::optional<std::vector<std::pair<double, double>>> percentiles;
};

struct client_stats {
    std::string client_id;
    std::string hostname;
    std::string version = "V2";
    std::string remote_address;
    int state = 0;
    int64_t ready_count = 0;
    int64_t in_flight_count = 0;
    uint64_t message_count = 0;
    uint64_t finish_count = 0;
    uint64_t requeue_count = 0;
    int64_t connect_ts = 0;
    int64_t sample_rate = 0;
    bool deflate = false;
    bool snappy = false;
    std::string user_agent;
    bool authed = false;
    std::string auth_identity;
    std::string auth_identity_url;
    std::vector<std::pair<std::string, uint64_t>> pub_counts;  // (topic, count)
    bool tls = false;
    std::string tls_cipher_suite;
    std::string tls_version;
    std::string tls_negotiated_protocol;
    bool tls_negotiated_protocol_is_mutual = false;
};

struct channel_stats {
    std::string channel_name;
    int64_t depth = 0;
    int64_t backend_depth = 0;
    int64_t in_flight_count = 0;
    int64_t deferred_count = 0;
    uint64_t message_count = 0;
    uint64_t requeue_count = 0;
    uint64_t timeout_count = 0;
    int64_t client_count = 0;
    std::optional<std::vector<client_stats>> clients;  // nullopt: include_clients=false
    bool paused = false;
    e2e_latency_stats e2e_processing_latency;
};

struct topic_stats {
    std::string topic_name;
    std::vector<channel_stats> channels;  // sorted by name
    int64_t depth = 0;
    int64_t backend_depth = 0;
    uint64_t message_count = 0;
    uint64_t message_bytes = 0;
    bool paused = false;
    e2e_latency_stats e2e_processing_latency;
};

struct memory_stats {
    int64_t heap_objects = 0;
    int64_t heap_idle_bytes = 0;
    int64_t heap_in_use_bytes = 0;
    int64_t heap_released_bytes = 0;
    int64_t gc_pause_usec_100 = 0;
    int64_t gc_pause_usec_99 = 0;
    int64_t gc_pause_usec_95 = 0;
    int64_t next_gc_bytes = 0;
    int64_t gc_total_runs = 0;
};

struct stats_filter {
    std::optional<std::string> topic;
    std::optional<std::string> channel;
    bool include_clients = true;
    bool include_mem = true;
};

// --durability=fsync only (nsqpp): the journal's counters (src/durable).
struct durable_stats {
    uint64_t corruptions = 0;
    uint64_t lost_records = 0;
    uint64_t committed_lsn = 0;
    uint64_t segments = 0;
    uint64_t disk_bytes = 0;
    uint64_t checkpoints = 0;
};

struct nsqd_stats {
    std::string version;
    std::string health;  // "OK" or "NOK - <error>"
    int64_t start_time = 0;
    std::optional<std::vector<topic_stats>> topics;      // nullopt: topic= names an unknown topic
    std::optional<memory_stats> memory;                  // nullopt: include_mem=false
    std::optional<std::vector<client_stats>> producers;  // nullopt: none, or include_clients=false
    std::optional<durable_stats> durable;                // nullopt: --durability=none
};

}  // namespace nsqpp::nsqd
