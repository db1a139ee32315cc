#pragma once
// The consumer's backoff state machine (shared/spec/client.md §6.7), without timers or sockets:
// signals in, actions out. The caller runs the timer and applies RDY changes.
#include <cstdint>
#include <random>

#include "nsqpp/config.h"

namespace nsqpp::client::detail {

enum class backoff_signal { resume, backoff, cont };

struct backoff_action {
    enum kind_t {
        none,          // nothing to do (ignored during a pending timeout, or no change)
        exit_backoff,  // level became 0: send every connection its share
        pause,         // send RDY 0 everywhere and start a timeout of `delay`
    } kind = none;
    duration delay{0};
};

class backoff_machine {
  public:
    backoff_machine(backoff_strategy strategy, duration multiplier, duration max,
                    uint64_t seed = std::random_device{}());

    backoff_action on_signal(backoff_signal s);
    // The backoff timeout fired (whatever the caller then does with RDY 1).
    void timeout_done() { timeout_pending_ = false; }
    // A retry timeout (no connection to test with): pending again for `d`.
    void start_timeout() { timeout_pending_ = true; }

    int level() const { return level_; }
    bool in_backoff() const { return level_ > 0; }
    bool timeout_pending() const { return timeout_pending_; }

    // exponential: multiplier × 2^level; full_jitter: uniform in [0, multiplier × 2^level).
    duration duration_for(int level);

  private:
    backoff_strategy strategy_;
    duration multiplier_;
    duration max_;
    std::mt19937_64 rng_;
    int level_ = 0;
    bool timeout_pending_ = false;
};

}  // namespace nsqpp::client::detail
