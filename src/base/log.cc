#include "base/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace nsqpp::base {
namespace {

// Prints NSQ's upper-case level names; spdlog 1.10 ignores SPDLOG_LEVEL_NAMES.
class level_flag : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        std::string_view name = "INFO";
        switch (msg.level) {
            case spdlog::level::trace:
            case spdlog::level::debug:
                name = "DEBUG";
                break;
            case spdlog::level::info:
                name = "INFO";
                break;
            case spdlog::level::warn:
                name = "WARNING";
                break;
            case spdlog::level::err:
                name = "ERROR";
                break;
            default:
                name = "FATAL";
                break;
        }
        dest.append(name.data(), name.data() + name.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return spdlog::details::make_unique<level_flag>();
    }
};

spdlog::level::level_enum to_spdlog(log_level level) {
    switch (level) {
        case log_level::debug:
            return spdlog::level::debug;
        case log_level::info:
            return spdlog::level::info;
        case log_level::warn:
            return spdlog::level::warn;
        case log_level::error:
            return spdlog::level::err;
        case log_level::fatal:
            return spdlog::level::critical;
    }
    return spdlog::level::info;
}

std::string escape_pattern(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '%') out += '%';
        out += c;
    }
    return out;
}

// Serializes drop + register_logger (spdlog's registry throws on a duplicate name).
std::mutex& registry_mutex() {
    static std::mutex mu;
    return mu;
}

// Serializes get_logger's check-then-create.
std::mutex& creation_mutex() {
    static std::mutex mu;
    return mu;
}

}  // namespace

std::optional<log_level> parse_log_level(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == "debug") return log_level::debug;
    if (lower == "info") return log_level::info;
    if (lower == "warn" || lower == "warning") return log_level::warn;
    if (lower == "error") return log_level::error;
    if (lower == "fatal") return log_level::fatal;
    return std::nullopt;
}

void set_level(spdlog::logger& logger, log_level level) { logger.set_level(to_spdlog(level)); }

std::shared_ptr<spdlog::logger> make_logger(const std::string& name, const std::string& prefix,
                                            log_level level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<level_flag>('L');
    formatter->set_pattern(escape_pattern(prefix) + "%Y/%m/%d %H:%M:%S.%f %L: %v");
    logger->set_formatter(std::move(formatter));
    logger->set_level(to_spdlog(level));
    logger->flush_on(spdlog::level::warn);
    std::lock_guard lock(registry_mutex());
    spdlog::drop(name);
    spdlog::register_logger(logger);
    return logger;
}

void log_failure::operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        get_logger(logger)->error("{} failed - {}", what, ex.what());
    } catch (...) {
        get_logger(logger)->error("{} failed", what);
    }
}

std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
    if (auto logger = spdlog::get(name)) return logger;
    // Two threads asking for a new name at once must not both create it: the second
    // register_logger would throw (this killed an HTTP server's accept loop at start).
    std::lock_guard creating(creation_mutex());
    if (auto logger = spdlog::get(name)) return logger;
    return make_logger(name, "[" + name + "] ", log_level::info);
}

}  // namespace nsqpp::base
