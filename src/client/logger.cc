#include "client/logger.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace nsqpp::client::detail {
namespace {

std::atomic<int> next_instance_id{1};

std::string_view level_name(log_level level) {
    switch (level) {
        case log_level::debug:
            return "DBG";
        case log_level::info:
            return "INF";
        case log_level::warn:
            return "WRN";
        default:
            return "ERR";
    }
}

}  // namespace

logger::logger(const config& cfg, std::string context)
    : min_(cfg.log_level), fn_(cfg.logger), id_(next_instance_id++), context_(std::move(context)) {}

void logger::write(log_level level, std::string_view addr, const std::string& text) const {
    std::string line = fmt::format("{:<4}{:>3}", level_name(level), id_);
    if (!context_.empty()) line += " " + context_;
    if (!addr.empty()) line += fmt::format(" ({})", addr);
    line += " ";
    line += text;
    if (fn_) {
        fn_(level, line);
        return;
    }
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y/%m/%d %H:%M:%S ", &tm);
    std::string out = stamp + line + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace nsqpp::client::detail
