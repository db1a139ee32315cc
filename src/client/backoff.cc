#include "client/backoff.h"

#include <limits>

namespace nsqpp::client::detail {

backoff_machine::backoff_machine(backoff_strategy strategy, duration multiplier, duration max,
                                 uint64_t seed)
    : strategy_(strategy), multiplier_(multiplier), max_(max), rng_(seed) {}

duration backoff_machine::duration_for(int level) {
    // Saturate instead of overflowing for absurd levels.
    int64_t unit = multiplier_.count();
    int64_t d = unit;
    for (int i = 0; i < level; ++i) {
        if (d > std::numeric_limits<int64_t>::max() / 2) return duration::max();
        d *= 2;
    }
    if (strategy_ == backoff_strategy::full_jitter && d > 0) {
        std::uniform_int_distribution<int64_t> dist(0, d - 1);
        d = dist(rng_);
    }
    return duration(d);
}

backoff_action backoff_machine::on_signal(backoff_signal s) {
    if (timeout_pending_) return {};
    bool updated = false;
    if (s == backoff_signal::resume && level_ > 0) {
        --level_;
        updated = true;
    } else if (s == backoff_signal::backoff && duration_for(level_ + 1) <= max_) {
        ++level_;
        updated = true;
    }
    if (level_ == 0 && updated) return {backoff_action::exit_backoff, duration{0}};
    if (level_ > 0) {
        duration d = duration_for(level_);
        if (d > max_) d = max_;
        timeout_pending_ = true;
        return {backoff_action::pause, d};
    }
    return {};
}

}  // namespace nsqpp::client::detail
