#pragma once
// Named loggers in NSQ's line format: "[nsqd] 2026/11/25 07:59:23.123456 INFO: message".
#include <spdlog/spdlog.h>

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

void set_level(spdlog::logger& logger, log_level level);

}  // namespace nsqpp::base
