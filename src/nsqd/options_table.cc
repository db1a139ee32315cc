#include "nsqd/options_table.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <ctime>
#include <iostream>
#include <variant>

namespace nsqpp::nsqd {
namespace {

using member = std::variant<std::string options::*, int64_t options::*, bool options::*,
                            nanoseconds options::*, std::vector<std::string> options::*,
                            std::vector<double> options::*>;

// One row of nsqd's option table. String members are plain string flags unless `boolish`.
struct entry {
    std::string_view flag;
    std::string_view config_key;
    std::string_view help;
    member field;
    bool boolish = false;
};

// Help texts follow NSQ 1.3.0's where they are known. Order: spec §8.2 (usage sorts by name).
const entry table[] = {
    {"log-level", "log_level", "set log verbosity: debug, info, warn, error, or fatal",
     &options::log_level},
    {"log-prefix", "log_prefix", "log message prefix", &options::log_prefix},
    {"node-id", "id",
     "unique part for message IDs, (int) in range [0,1024) (default is hash of hostname)",
     &options::node_id},
    {"tcp-address", "tcp_address", "<addr>:<port> to listen on for TCP clients",
     &options::tcp_address},
    {"http-address", "http_address", "<addr>:<port> to listen on for HTTP clients",
     &options::http_address},
    {"https-address", "https_address", "<addr>:<port> to listen on for HTTPS clients",
     &options::https_address},
    {"broadcast-address", "broadcast_address",
     "address that will be registered with lookupd (defaults to the OS hostname)",
     &options::broadcast_address},
    {"broadcast-tcp-port", "broadcast_tcp_port",
     "TCP port that will be registered with lookupd (defaults to the TCP port that this nsqd is "
     "listening on)",
     &options::broadcast_tcp_port},
    {"broadcast-http-port", "broadcast_http_port",
     "HTTP port that will be registered with lookupd (defaults to the HTTP port that this nsqd "
     "is listening on)",
     &options::broadcast_http_port},
    {"lookupd-tcp-address", "nsqlookupd_tcp_addresses",
     "lookupd TCP address (may be given multiple times)", &options::lookupd_tcp_addresses},
    {"auth-http-address", "auth_http_addresses",
     "<addr>:<port> or a full url to query auth server (may be given multiple times)",
     &options::auth_http_addresses},
    {"http-client-connect-timeout", "http_client_connect_timeout", "timeout for HTTP connect",
     &options::http_client_connect_timeout},
    {"http-client-request-timeout", "http_client_request_timeout", "timeout for HTTP request",
     &options::http_client_request_timeout},
    {"data-path", "data_path", "path to store disk-backed messages", &options::data_path},
    {"mem-queue-size", "mem_queue_size", "number of messages to keep in memory (per topic/channel)",
     &options::mem_queue_size},
    {"max-bytes-per-file", "max_bytes_per_file",
     "number of bytes per diskqueue file before rolling", &options::max_bytes_per_file},
    {"sync-every", "sync_every", "number of messages per diskqueue fsync", &options::sync_every},
    {"sync-timeout", "sync_timeout", "duration of time per diskqueue fsync",
     &options::sync_timeout},
    {"queue-scan-worker-pool-max", "queue_scan_worker_pool_max",
     "max concurrency for checking in-flight and deferred message timeouts",
     &options::queue_scan_worker_pool_max},
    {"queue-scan-selection-count", "queue_scan_selection_count",
     "number of channels to check per cycle (every 100ms) for in-flight and deferred timeouts",
     &options::queue_scan_selection_count},
    {"msg-timeout", "msg_timeout", "default duration to wait before auto-requeing a message",
     &options::msg_timeout},
    {"max-msg-timeout", "max_msg_timeout", "maximum duration before a message will timeout",
     &options::max_msg_timeout},
    {"max-msg-size", "max_msg_size", "maximum size of a single message in bytes",
     &options::max_msg_size},
    {"max-req-timeout", "max_req_timeout", "maximum requeuing timeout for a message",
     &options::max_req_timeout},
    {"max-body-size", "max_body_size", "maximum size of a single command body",
     &options::max_body_size},
    {"max-heartbeat-interval", "max_heartbeat_interval",
     "maximum client configurable duration of time between client heartbeats",
     &options::max_heartbeat_interval},
    {"max-rdy-count", "max_rdy_count", "maximum RDY count for a client", &options::max_rdy_count},
    {"max-output-buffer-size", "max_output_buffer_size",
     "maximum client configurable size (in bytes) for a client output buffer",
     &options::max_output_buffer_size},
    {"max-output-buffer-timeout", "max_output_buffer_timeout",
     "maximum client configurable duration of time between flushing to a client",
     &options::max_output_buffer_timeout},
    {"min-output-buffer-timeout", "min_output_buffer_timeout",
     "minimum client configurable duration of time between flushing to a client",
     &options::min_output_buffer_timeout},
    {"output-buffer-timeout", "output_buffer_timeout",
     "default duration of time between flushing data to clients", &options::output_buffer_timeout},
    {"max-channel-consumers", "max_channel_consumers",
     "maximum channel consumer connection count per nsqd instance (default 0, i.e., unlimited)",
     &options::max_channel_consumers},
    {"statsd-address", "statsd_address", "UDP <addr>:<port> of a statsd daemon for pushing stats",
     &options::statsd_address},
    {"statsd-interval", "statsd_interval", "duration between pushing to statsd",
     &options::statsd_interval},
    {"statsd-mem-stats", "statsd_mem_stats", "toggle sending memory and GC stats to statsd",
     &options::statsd_mem_stats},
    {"statsd-prefix", "statsd_prefix",
     "prefix used for keys sent to statsd (%s for host replacement)", &options::statsd_prefix},
    {"statsd-udp-packet-size", "statsd_udp_packet_size", "the size in bytes of statsd UDP packets",
     &options::statsd_udp_packet_size},
    {"statsd-exclude-ephemeral", "statsd_exclude_ephemeral",
     "Skip ephemeral topics and channels when sending stats to statsd",
     &options::statsd_exclude_ephemeral},
    {"e2e-processing-latency-percentile", "e2e_processing_latency_percentiles",
     "message processing time percentiles (as float (0, 1.0]) to track (can be specified "
     "multiple times or comma separated '1.0,0.99,0.95', default none)",
     &options::e2e_processing_latency_percentiles},
    {"e2e-processing-latency-window-time", "e2e_processing_latency_window_time",
     "calculate end to end latency quantiles for this duration of time (ie: 60s would only show "
     "quantile calculations from the past 60 seconds)",
     &options::e2e_processing_latency_window_time},
    {"tls-cert", "tls_cert", "path to certificate file", &options::tls_cert},
    {"tls-key", "tls_key", "path to key file", &options::tls_key},
    {"tls-client-auth-policy", "tls_client_auth_policy",
     "client certificate auth policy ('require' or 'require-verify')",
     &options::tls_client_auth_policy},
    {"tls-root-ca-file", "tls_root_ca_file", "path to certificate authority file",
     &options::tls_root_ca_file},
    {"tls-required", "tls_required", "require TLS for client connections (true, false, tcp-https)",
     &options::tls_required, true},
    {"tls-min-version", "tls_min_version",
     "minimum SSL/TLS version acceptable ('tls1.0', 'tls1.1', 'tls1.2' or 'tls1.3')",
     &options::tls_min_version},
    {"deflate", "deflate", "enable deflate feature negotiation (client compression)",
     &options::deflate},
    {"max-deflate-level", "max_deflate_level",
     "max deflate compression level a client can negotiate (> values == > nsqd CPU usage)",
     &options::max_deflate_level},
    {"snappy", "snappy", "enable snappy feature negotiation (client compression)",
     &options::snappy},
    {"worker-threads", "worker_threads",
     "number of I/O worker threads (0 = number of CPU cores) [nsqpp]", &options::worker_threads},
    {"metrics-per-client", "metrics_per_client",
     "include per-client series in GET /metrics (one series set per connection) [nsqpp]",
     &options::metrics_per_client},
    {"durability", "durability",
     "none (NSQ's behaviour) or fsync (PUB/MPUB/DPUB answered only once on disk; deferred and "
     "in-flight state survive a crash) [nsqpp]",
     &options::durability},
};

std::string to_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// lg.LogLevel.Set: case-insensitive level names.
std::string validate_log_level(std::string& value) {
    std::string lower = to_lower(value);
    for (std::string_view name : {"debug", "info", "warn", "error", "fatal"}) {
        if (lower == name) {
            value = lower;
            return "";
        }
    }
    return fmt::format("invalid log level '{}' (debug, info, warn, error, fatal)", value);
}

// tlsRequiredOption.Set: "tcp-https" or a Go boolean.
std::string validate_tls_required(std::string& value) {
    std::string lower = to_lower(value);
    if (lower == "tcp-https") {
        value = lower;
        return "";
    }
    std::optional<bool> b = config::parse_go_bool(lower);
    if (!b) {
        return fmt::format("strconv.ParseBool: parsing {}: invalid syntax",
                           config::go_quote(lower));
    }
    value = *b ? "true" : "false";
    return "";
}

// tlsMinVersionOption.Set: "" keeps the default (tls1.0).
std::string validate_tls_min_version(std::string& value) {
    std::string lower = to_lower(value);
    if (lower.empty()) lower = "tls1.0";
    for (std::string_view name : {"tls1.0", "tls1.1", "tls1.2", "tls1.3"}) {
        if (lower == name) {
            value = lower;
            return "";
        }
    }
    return fmt::format("unknown tlsVersionOption {}", config::go_quote(lower));
}

// --durability: none | fsync.
std::string validate_durability(std::string& value) {
    std::string lower = to_lower(value);
    if (lower == "none" || lower == "fsync") {
        value = lower;
        return "";
    }
    return fmt::format("invalid durability '{}' (none, fsync)", value);
}

// How Go prints these custom flag values as defaults in the usage text.
std::optional<std::string> log_level_usage_default(const std::string& level) {
    if (level == "debug") return "DEBUG";
    if (level == "info") return "INFO";
    if (level == "warn") return "WARNING";
    if (level == "error") return "ERROR";
    if (level == "fatal") return "FATAL";
    return std::nullopt;
}

std::optional<std::string> tls_version_usage_default(const std::string& version) {
    if (version == "tls1.0") return "769";
    if (version == "tls1.1") return "770";
    if (version == "tls1.2") return "771";
    if (version == "tls1.3") return "772";
    return std::nullopt;
}

void register_entry(config::option_set& set, options& opts, const entry& e) {
    std::string flag(e.flag);
    std::string key(e.config_key);
    std::string help(e.help);
    std::visit(
        [&](auto field) {
            auto* target = &(opts.*field);
            using T = std::remove_pointer_t<decltype(target)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (e.boolish) {
                    set.add_boolish_string(flag, key, help, target);
                } else {
                    set.add_string(flag, key, help, target);
                }
            } else if constexpr (std::is_same_v<T, int64_t>) {
                set.add_int(flag, key, help, target);
            } else if constexpr (std::is_same_v<T, bool>) {
                set.add_bool(flag, key, help, target);
            } else if constexpr (std::is_same_v<T, nanoseconds>) {
                set.add_duration(flag, key, help, target);
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                set.add_string_list(flag, key, help, target);
            } else {
                set.add_float_list(flag, key, help, target, true);
            }
        },
        e.field);
}

// Go's log timestamp: "2006/01/02 15:04:05" (+ ".000000" with microseconds), local time.
std::string go_log_time(bool microseconds) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::string s = fmt::format("{:04}/{:02}/{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (microseconds) {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
        s += fmt::format(".{:06}", us.count() % 1'000'000);
    }
    return s;
}

}  // namespace

void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version) {
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("config", "", "path to config file", config_path);
    set.add_bool("verbose", "", "[deprecated] has no effect, use --log-level", nullptr);
    set.add_bool("worker-id", "", "[deprecated] use --node-id", nullptr);
    for (const entry& e : table) register_entry(set, opts, e);

    set.set_validator("log-level", validate_log_level);
    set.set_validator("tls-required", validate_tls_required);
    set.set_validator("tls-min-version", validate_tls_min_version);
    set.set_validator("durability", validate_durability);
    // Go declares these with custom flag.Value types: usage shows "value" and their String().
    set.set_usage("log-level", "value", log_level_usage_default(opts.log_level));
    set.set_usage("tls-min-version", "value", tls_version_usage_default(opts.tls_min_version));
    if (opts.node_id < 0) set.set_usage("node-id", "int", std::nullopt);  // derived later
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code) {
    return parse_command_line(argc, argv, exit_code, std::cout, std::cerr);
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err) {
    options opts;
    std::string config_path;
    bool show_version = false;
    config::option_set set("nsqd");
    register_options(set, opts, &config_path, &show_version);

    config::option_set::parse_outcome parsed = set.parse_args(argc, argv);
    if (parsed.result == config::option_set::parse_outcome::help) {
        err << set.usage();
        *exit_code = 0;
        return std::nullopt;
    }
    if (parsed.result == config::option_set::parse_outcome::error) {
        if (parsed.exit_code == 1) {  // NSQ's log.Fatalf
            err << go_log_time(false) << ' ' << parsed.message << '\n';
        } else {
            err << parsed.message << '\n' << set.usage();
        }
        *exit_code = parsed.exit_code;
        return std::nullopt;
    }
    if (show_version) {
        out << version_string << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
    if (!config_path.empty()) {
        std::string error = set.load_toml_file(config_path);
        if (!error.empty()) {
            err << "[nsqd] " << go_log_time(true) << " FATAL: failed to load config file "
                << config_path << " - " << error << '\n';
            *exit_code = 1;
            return std::nullopt;
        }
    }
    *exit_code = 0;
    return opts;
}

}  // namespace nsqpp::nsqd
