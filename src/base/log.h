#pragma once
// Named loggers in NSQ's line format: "[nsqd] 2026/11/25 07:59:23.123456 INFO: message".
#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nsqpp::base {

enum class log_level { debug, info, warn, error, fatal };

// Parses NSQ's level names case-insensitively ("debug", "INFO", ...).
std::optional<log_level> parse_log_level(std::string_view name);

// Creates (or replaces) the logger `name` writing to stderr with `prefix` (e.g. "[nsqd] ").
std::shared_ptr<spdlog::logger> make_logger(const std::string& name, const std::string& prefix,
                                            log_level level);

// The logger registered under `name`, or a default one with prefix "[name] ".
std::shared_ptr<spdlog::logger> get_logger(const std::string& name);

// A coroutine's completion handler (co_spawn) that logs the exception it ended with, as
// "<what> failed - <message>" on logger `logger`, where asio::detached would drop it.
struct log_failure {
    std::string logger;
    std::string what;
    void operator()(std::exception_ptr e) const;
};

void set_level(spdlog::logger& logger, log_level level);

}  // namespace nsqpp::base
