#pragma once
// nsqadmin's options: NSQ's flag names and defaults (shared/spec/nsqadmin.md §2).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nsqpp::nsqadmin {

using nanoseconds = std::chrono::nanoseconds;
using namespace std::chrono_literals;

struct options {
    std::string log_level = "info";  // debug, info, warn, error, fatal (lower case)
    std::string log_prefix = "[nsqadmin] ";

    std::string http_address = "0.0.0.0:4171";
    std::string base_path = "/";  // normalised by normalize_base_path()
    std::string dev_static_dir;   // serve assets from here instead of the embedded copies

    std::string graphite_url;
    bool proxy_graphite = false;
    std::string statsd_counter_format = "stats.counters.%s.count";
    std::string statsd_gauge_format = "stats.gauges.%s";
    std::string statsd_prefix = "nsq.%s";
    nanoseconds statsd_interval = 60s;

    std::string notification_http_endpoint;

    nanoseconds http_client_connect_timeout = 2s;
    nanoseconds http_client_request_timeout = 5s;
    bool http_client_tls_insecure_skip_verify = false;
    std::string http_client_tls_root_ca_file;
    std::string http_client_tls_cert;
    std::string http_client_tls_key;

    std::string allow_config_from_cidr = "127.0.0.1/8";
    std::string acl_http_header = "X-Forwarded-User";
    std::vector<std::string> admin_users;

    std::vector<std::string> nsqlookupd_http_addresses;
    std::vector<std::string> nsqd_http_addresses;

    // nsqpp only: the server-side polling history behind /api/history (live charts).
    nanoseconds history_interval = 5s;  // 0 = no polling
    int64_t history_samples = 360;      // ring size per series (30 min at 5 s)
    int64_t worker_threads = 0;         // HTTP worker threads (0 = number of cores, min 2)
};

// NSQ's base-path normalisation: leading '/' added, path cleaned ("admin/" → "/admin",
// "" → "/").
std::string normalize_base_path(const std::string& path);

// Start-up checks of spec §2 (both/neither address kinds, TLS cert/key pairing, CIDR).
// Returns "" or the error text NSQ prints after "failed to instantiate nsqadmin - ".
std::string validate_options(const options& opts);

}  // namespace nsqpp::nsqadmin
