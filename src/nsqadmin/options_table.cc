#include "nsqadmin/options_table.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <iostream>

namespace nsqpp::nsqadmin {
namespace {

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

// Go's log timestamp with microseconds, local time: "2006/01/02 15:04:05.000000".
std::string go_log_time() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    localtime_r(&t, &tm);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
    return fmt::format("{:04}/{:02}/{:02} {:02}:{:02}:{:02}.{:06}", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       us.count() % 1'000'000);
}

void register_http_client_options(config::option_set& set, options& opts) {
    set.add_duration("http-client-connect-timeout", "http_client_connect_timeout",
                     "timeout for HTTP connect", &opts.http_client_connect_timeout);
    set.add_duration("http-client-request-timeout", "http_client_request_timeout",
                     "timeout for HTTP request", &opts.http_client_request_timeout);
    set.add_bool("http-client-tls-insecure-skip-verify", "http_client_tls_insecure_skip_verify",
                 "configure the HTTP client to skip verification of TLS certificates",
                 &opts.http_client_tls_insecure_skip_verify);
    set.add_string("http-client-tls-root-ca-file", "http_client_tls_root_ca_file",
                   "path to CA file for the HTTP client", &opts.http_client_tls_root_ca_file);
    set.add_string("http-client-tls-cert", "http_client_tls_cert",
                   "path to certificate file for the HTTP client", &opts.http_client_tls_cert);
    set.add_string("http-client-tls-key", "http_client_tls_key",
                   "path to key file for the HTTP client", &opts.http_client_tls_key);
}

void register_graphite_options(config::option_set& set, options& opts) {
    set.add_string("graphite-url", "graphite_url", "graphite HTTP address", &opts.graphite_url);
    set.add_bool("proxy-graphite", "proxy_graphite", "proxy HTTP requests to graphite",
                 &opts.proxy_graphite);
    set.add_string("statsd-counter-format", "statsd_counter_format",
                   "The counter stats key formatting applied by the implementation of statsd. If "
                   "no formatting is desired, set this to an empty string.",
                   &opts.statsd_counter_format);
    set.add_string("statsd-gauge-format", "statsd_gauge_format",
                   "The gauge stats key formatting applied by the implementation of statsd. If no "
                   "formatting is desired, set this to an empty string.",
                   &opts.statsd_gauge_format);
    set.add_string("statsd-prefix", "statsd_prefix",
                   "prefix used for keys sent to statsd (%s for host replacement, must match nsqd)",
                   &opts.statsd_prefix);
    set.add_duration("statsd-interval", "statsd_interval",
                     "time interval nsqd is configured to push to statsd (must match nsqd)",
                     &opts.statsd_interval);
}

}  // namespace

void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version) {
    set.add_string("config", "", "path to config file", config_path);
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("log-level", "log_level",
                   "set log verbosity: debug, info, warn, error, or fatal", &opts.log_level);
    set.add_string("log-prefix", "log_prefix", "log message prefix", &opts.log_prefix);
    set.add_bool("verbose", "", "[deprecated] has no effect, use --log-level", nullptr);
    set.add_string("http-address", "http_address", "<addr>:<port> to listen on for HTTP clients",
                   &opts.http_address);
    set.add_string("base-path", "base_path", "URL base path", &opts.base_path);
    set.add_string("dev-static-dir", "dev_static_dir", "(development use only)",
                   &opts.dev_static_dir);
    register_graphite_options(set, opts);
    set.add_string("notification-http-endpoint", "notification_http_endpoint",
                   "HTTP endpoint (fully qualified) to which POST notifications of admin actions "
                   "will be sent",
                   &opts.notification_http_endpoint);
    register_http_client_options(set, opts);
    set.add_string("allow-config-from-cidr", "allow_config_from_cidr",
                   "A CIDR from which to allow HTTP requests to the /config endpoint",
                   &opts.allow_config_from_cidr);
    set.add_string("acl-http-header", "acl_http_header",
                   "HTTP header to check for authenticated admin users", &opts.acl_http_header);
    set.add_string_list("admin-user", "admin_users",
                        "admin user (may be given multiple times; if specified, only these users "
                        "will be able to perform privileged actions; acl-http-header is used to "
                        "determine the authenticated user)",
                        &opts.admin_users);
    set.add_string_list("lookupd-http-address", "nsqlookupd_http_addresses",
                        "lookupd HTTP address (may be given multiple times)",
                        &opts.nsqlookupd_http_addresses);
    set.add_string_list("nsqd-http-address", "nsqd_http_addresses",
                        "nsqd HTTP address (may be given multiple times)",
                        &opts.nsqd_http_addresses);
    set.add_duration("history-interval", "history_interval",
                     "how often to poll the cluster for /api/history charts (0 = off) [nsqpp]",
                     &opts.history_interval);
    set.add_int("history-samples", "history_samples",
                "samples kept per chart series for /api/history [nsqpp]", &opts.history_samples);
    set.add_int("worker-threads", "worker_threads",
                "number of HTTP worker threads (0 = number of CPU cores) [nsqpp]",
                &opts.worker_threads);
    set.set_validator("log-level", validate_log_level);
    set.set_usage("log-level", "value", "INFO");
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code) {
    return parse_command_line(argc, argv, exit_code, std::cout, std::cerr);
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err) {
    options opts;
    std::string config_path;
    bool show_version = false;
    config::option_set set("nsqadmin");
    register_options(set, opts, &config_path, &show_version);

    config::option_set::parse_outcome parsed = set.parse_args(argc, argv);
    if (parsed.result == config::option_set::parse_outcome::help) {
        err << set.usage();
        *exit_code = 0;
        return std::nullopt;
    }
    if (parsed.result == config::option_set::parse_outcome::error) {
        err << parsed.message << '\n';
        if (parsed.exit_code != 1) err << set.usage();
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
            err << opts.log_prefix << go_log_time() << " FATAL: failed to load config file "
                << config_path << " - " << error << '\n';
            *exit_code = 1;
            return std::nullopt;
        }
    }
    opts.base_path = normalize_base_path(opts.base_path);
    *exit_code = 0;
    return opts;
}

}  // namespace nsqpp::nsqadmin
