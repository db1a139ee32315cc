#include "tools/timer_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace nsqpp::tools {

std::chrono::nanoseconds window_percentile(double percent,
                                           const std::vector<std::chrono::nanoseconds>& sorted) {
    if (sorted.empty()) return std::chrono::nanoseconds(0);
    auto n = static_cast<double>(sorted.size());
    auto index = static_cast<size_t>(std::ceil(percent / 100.0 * n + 0.5));
    if (index >= sorted.size()) index = sorted.size() - 1;
    return sorted[index];
}

timer_stats::timer_stats(std::string prefix, int status_every,
                         std::function<void(const std::string&)> emit)
    : prefix_(std::move(prefix)),
      status_every_(status_every > 0 ? static_cast<size_t>(status_every) : 0),
      emit_(std::move(emit)) {}

std::string timer_stats::status_line(const std::string& prefix,
                                     std::vector<std::chrono::nanoseconds>& window) {
    std::sort(window.begin(), window.end());
    double total_ms = 0;
    for (auto d : window) total_ms += std::chrono::duration<double, std::milli>(d).count();
    auto ms = [](std::chrono::nanoseconds d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    return fmt::format("{} finished {} - 99th: {:.2f}ms - 95th: {:.2f}ms - avg: {:.2f}ms", prefix,
                       window.size(), ms(window_percentile(99.0, window)),
                       ms(window_percentile(95.0, window)),
                       total_ms / static_cast<double>(window.size()));
}

void timer_stats::record(std::chrono::nanoseconds duration) {
    if (status_every_ == 0) return;
    std::string line;
    {
        std::lock_guard lock(mutex_);
        window_.push_back(duration);
        if (window_.size() < status_every_) return;
        line = status_line(prefix_, window_);
        window_.clear();
    }
    emit_(line);
}

std::optional<std::string> status_every_warning(int status_every) {
    if (status_every <= 0 || status_every >= 100) return std::nullopt;
    return fmt::format(
        "Warning: use more than 100 status values for accurate percentiles (configured with {})",
        status_every);
}

}  // namespace nsqpp::tools
