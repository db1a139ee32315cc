#pragma once
// nsqd's options: NSQ's flag names and defaults (shared/spec/nsqd.md §8.2).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nsqpp::nsqd {

using nanoseconds = std::chrono::nanoseconds;
using namespace std::chrono_literals;

struct options {
    // logging
    std::string log_level = "info";
    std::string log_prefix = "[nsqd] ";
    int64_t node_id = -1;  // -1: derived from the hostname as NSQ does

    // listeners ("" disables HTTP)
    std::string tcp_address = "0.0.0.0:4150";
    std::string http_address = "0.0.0.0:4151";
    std::string https_address = "0.0.0.0:4152";
    std::string broadcast_address;  // "" = OS hostname
    int64_t broadcast_tcp_port = 0;
    int64_t broadcast_http_port = 0;
    std::vector<std::string> lookupd_tcp_addresses;
    std::string data_path;

    // queues
    int64_t mem_queue_size = 10000;
    int64_t max_bytes_per_file = 104857600;
    int64_t sync_every = 2500;
    nanoseconds sync_timeout = 2s;
    int64_t queue_scan_worker_pool_max = 4;
    int64_t queue_scan_selection_count = 20;

    // messages and clients
    nanoseconds msg_timeout = 60s;
    nanoseconds max_msg_timeout = 15min;
    int64_t max_msg_size = 1048576;
    nanoseconds max_req_timeout = 1h;
    int64_t max_body_size = 5242880;
    nanoseconds client_timeout = 60s;  // fixed in NSQ 1.3.0; heartbeat default is half
    nanoseconds max_heartbeat_interval = 60s;
    int64_t max_rdy_count = 2500;
    int64_t max_output_buffer_size = 65536;
    nanoseconds max_output_buffer_timeout = 30s;
    nanoseconds min_output_buffer_timeout = 25ms;
    nanoseconds output_buffer_timeout = 250ms;
    int64_t max_channel_consumers = 0;

    // negotiation (answered as unavailable until the feature issue lands)
    bool deflate = true;
    int64_t max_deflate_level = 6;
    bool snappy = true;
    std::string tls_cert;
    std::string tls_key;
    std::vector<std::string> auth_http_addresses;

    // nsqpp only
    int64_t worker_threads = 0;  // 0 = number of cores
    // GET /metrics: per-client series (one set per connection: cardinality)
    bool metrics_per_client = false;
    std::string durability = "none";  // "none" (NSQ) or "fsync" (src/durable)

    // accepted, used by later issues
    nanoseconds http_client_connect_timeout = 2s;
    nanoseconds http_client_request_timeout = 5s;
    std::string statsd_address;  // "" = statsd off
    nanoseconds statsd_interval = 60s;
    bool statsd_mem_stats = true;
    std::string statsd_prefix = "nsq.%s";
    int64_t statsd_udp_packet_size = 508;
    bool statsd_exclude_ephemeral = false;
    std::vector<double> e2e_processing_latency_percentiles;  // flag order: sorted descending
    nanoseconds e2e_processing_latency_window_time = 10min;
    std::string tls_client_auth_policy;  // "", "require" or "require-verify"
    std::string tls_root_ca_file;
    std::string tls_required = "false";      // normalized: "false", "true" or "tcp-https"
    std::string tls_min_version = "tls1.0";  // normalized lower case: "tls1.0" .. "tls1.3"
};

}  // namespace nsqpp::nsqd
