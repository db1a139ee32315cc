#pragma once
// End-to-end latency quantiles as nsqd keeps them (spec §10.2): a CKMS targeted-quantile stream
// (a port of bmizerany/perks' quantile.NewTargeted, ε = 0.01, which NSQ uses) and NSQ's
// windowed pair of such streams, rotated every half window. Memory is bounded: a stream holds at
// most 500 raw samples plus its compressed summary. Not thread-safe: the owner locks.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace nsqpp::broker {

// One summary entry: a value, the number of observations it stands for (g) and the uncertainty
// of its rank (Δ).
struct quantile_sample {
    double value = 0;
    double width = 1;
    double delta = 0;
};

class quantile_stream {
  public:
    // `targets`: the quantiles in (0, 1] whose accuracy matters.
    explicit quantile_stream(std::vector<double> targets);

    void insert(double value);
    // Adds summary entries (another stream's samples(); any order).
    void merge(std::span<const quantile_sample> samples);
    // The estimated q-quantile; 0 without samples. Below 500 samples (never compressed): the
    // exact value at index max(⌊n·q⌋ − 1, 0) of the sorted samples.
    double query(double q);
    uint64_t count() const;
    // The raw samples while fewer than 500 were inserted, else the compressed summary.
    std::vector<quantile_sample> samples();
    void reset();

  private:
    double allowed_error(double rank) const;  // the targeted invariant f(r)
    void flush();
    void merge_sorted(std::span<const quantile_sample> sorted);
    void compress();
    double query_summary(double q) const;

    std::vector<double> targets_;
    std::vector<quantile_sample> buffer_;  // raw inserts, flushed at buffer_capacity
    bool sorted_ = true;
    std::vector<quantile_sample> summary_;  // sorted by value
    double n_ = 0;                          // observations in summary_
};

// What a windowed quantile tracks: the configured quantiles (in reporting order) and the window.
struct quantile_config {
    std::vector<double> percentiles;
    std::chrono::nanoseconds window{std::chrono::minutes(10)};
};

// The shared config for nsqd's options; nullptr when no percentile is configured (e2e off).
std::shared_ptr<const quantile_config> make_quantile_config(std::vector<double> percentiles,
                                                            std::chrono::nanoseconds window);

// count + (quantile, value) in configured order, as /stats reports them.
struct quantile_result {
    uint64_t count = 0;
    std::vector<std::pair<double, double>> percentiles;
};

// NSQ's internal/quantile: two streams each covering half of the window. When a half elapses
// the older stream is cleared and receives the new samples; queries merge both, so results
// cover the last half to full window. Times are nanoseconds on any clock that only moves forward
// (callers pass wall-clock time, as NSQ does).
class windowed_quantile {
  public:
    windowed_quantile(std::shared_ptr<const quantile_config> config, int64_t now_ns);

    void insert(double value, int64_t now_ns);
    // Both halves' samples (after dropping the expired one), appended to `out` for merging.
    void append_samples(int64_t now_ns, std::vector<quantile_sample>& out);
    const quantile_config& config() const { return *config_; }

  private:
    void rotate(int64_t now_ns);

    std::shared_ptr<const quantile_config> config_;
    int64_t half_ns_;
    int64_t last_move_ns_;
    int current_ = 0;
    quantile_stream streams_[2];
};

// Merges `samples` (from one or more windowed quantiles) and answers every configured quantile.
quantile_result query_quantiles(const quantile_config& config,
                                std::span<const quantile_sample> samples);

}  // namespace nsqpp::broker
