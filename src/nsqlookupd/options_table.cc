#include "nsqlookupd/options_table.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>

namespace nsqpp::nsqlookupd {
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

// How Go prints the level flag's default in the usage text.
std::optional<std::string> log_level_usage_default(const std::string& level) {
    if (level == "debug") return "DEBUG";
    if (level == "info") return "INFO";
    if (level == "warn") return "WARNING";
    if (level == "error") return "ERROR";
    if (level == "fatal") return "FATAL";
    return std::nullopt;
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

std::string os_hostname() {
    char buf[256] = {0};
    if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
    return buf;
}

void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version) {
    // Help texts are NSQ 1.3.0's (apps/nsqlookupd/options.go).
    set.add_string("config", "", "path to config file", config_path);
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("log-level", "log_level",
                   "set log verbosity: debug, info, warn, error, or fatal", &opts.log_level);
    set.add_string("log-prefix", "log_prefix", "log message prefix", &opts.log_prefix);
    set.add_bool("verbose", "", "[deprecated] has no effect, use --log-level", nullptr);
    set.add_string("tcp-address", "tcp_address", "<addr>:<port> to listen on for TCP clients",
                   &opts.tcp_address);
    set.add_string("http-address", "http_address", "<addr>:<port> to listen on for HTTP clients",
                   &opts.http_address);
    set.add_string("broadcast-address", "broadcast_address",
                   "address of this lookupd node, (default to the OS hostname)",
                   &opts.broadcast_address);
    set.add_duration("inactive-producer-timeout", "inactive_producer_timeout",
                     "duration of time a producer will remain in the active list since its last "
                     "ping",
                     &opts.inactive_producer_timeout);
    set.add_duration("tombstone-lifetime", "tombstone_lifetime",
                     "duration of time a producer will remain tombstoned if registration remains",
                     &opts.tombstone_lifetime);
    set.add_int("worker-threads", "worker_threads",
                "number of I/O worker threads (0 = number of CPU cores) [nsqpp]",
                &opts.worker_threads);

    set.set_validator("log-level", validate_log_level);
    // Go declares --log-level with a custom flag.Value: usage shows "value" and its String().
    set.set_usage("log-level", "value", log_level_usage_default(opts.log_level));
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code) {
    return parse_command_line(argc, argv, exit_code, std::cout, std::cerr);
}

std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err) {
    options opts;
    opts.broadcast_address = os_hostname();  // NSQ's default, shown by the usage text
    std::string config_path;
    bool show_version = false;
    config::option_set set("nsqlookupd");
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
        // NSQ validates the file's log_level separately (config.Validate → log.Fatalf).
        std::optional<std::string> bad_level;
        set.set_validator("log-level", [&bad_level](std::string& value) {
            std::string original = value;
            std::string reason = validate_log_level(value);
            if (!reason.empty()) bad_level = original;
            return reason;
        });
        std::string error = set.load_toml_file(config_path);
        if (bad_level) {
            err << go_log_time(false) << " failed parsing log_level " << *bad_level << '\n';
            *exit_code = 1;
            return std::nullopt;
        }
        if (!error.empty()) {
            err << "[nsqlookupd] " << go_log_time(true) << " FATAL: failed to load config file "
                << config_path << " - " << error << '\n';
            *exit_code = 1;
            return std::nullopt;
        }
    }
    *exit_code = 0;
    return opts;
}

}  // namespace nsqpp::nsqlookupd
