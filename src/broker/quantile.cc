#include "broker/quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nsqpp::broker {
namespace {
constexpr double epsilon = 0.01;
constexpr size_t buffer_capacity = 500;

bool by_value(const quantile_sample& a, const quantile_sample& b) { return a.value < b.value; }
}  // namespace

quantile_stream::quantile_stream(std::vector<double> targets) : targets_(std::move(targets)) {}

// f(r): how much rank error is allowed around rank r so that every target quantile stays
// within ε (CKMS "targeted" invariant, as perks computes it).
double quantile_stream::allowed_error(double rank) const {
    double m = std::numeric_limits<double>::max();
    for (double q : targets_) {
        double f;
        if (q * n_ <= rank) {
            f = 2 * epsilon * rank / q;
        } else if (q >= 1) {
            f = std::numeric_limits<double>::infinity();  // perks: x / 0 with x > 0
        } else {
            f = 2 * epsilon * (n_ - rank) / (1 - q);
        }
        m = std::min(m, f);
    }
    return m;
}

void quantile_stream::insert(double value) {
    buffer_.push_back({value, 1, 0});
    sorted_ = false;
    if (buffer_.size() >= buffer_capacity) flush();  // flush compresses
}

void quantile_stream::merge(std::span<const quantile_sample> samples) {
    std::vector<quantile_sample> sorted(samples.begin(), samples.end());
    std::sort(sorted.begin(), sorted.end(), by_value);
    merge_sorted(sorted);
}

void quantile_stream::flush() {
    if (!sorted_) std::sort(buffer_.begin(), buffer_.end(), by_value);
    sorted_ = true;
    merge_sorted(buffer_);
    buffer_.clear();
}

// Inserts each sample before the first summary entry with a larger value; a new entry's Δ is
// f(r) − 1 (its rank is uncertain by what the invariant allows there).
void quantile_stream::merge_sorted(std::span<const quantile_sample> sorted) {
    std::vector<quantile_sample> out;
    out.reserve(summary_.size() + sorted.size());
    double rank = 0;
    size_t i = 0;
    for (const auto& s : sorted) {
        for (; i < summary_.size() && summary_[i].value <= s.value; ++i) {
            rank += summary_[i].width;
            out.push_back(summary_[i]);
        }
        double delta = i < summary_.size() ? std::max(s.delta, std::floor(allowed_error(rank)) - 1)
                                           : 0;  // appended after every entry: rank known exactly
        out.push_back({s.value, s.width, delta});
        n_ += s.width;
        rank += s.width;
    }
    out.insert(out.end(), summary_.begin() + static_cast<std::ptrdiff_t>(i), summary_.end());
    summary_ = std::move(out);
    compress();
}

// Folds each entry into its right neighbour while the pair stays within f(r); one pass from the
// largest value down, as perks does.
void quantile_stream::compress() {
    if (summary_.size() < 2) return;
    std::vector<quantile_sample> kept;  // in reverse order
    kept.reserve(summary_.size());
    quantile_sample x = summary_.back();
    double rank = n_ - 1 - x.width;
    for (size_t k = summary_.size() - 1; k-- > 0;) {
        const quantile_sample& c = summary_[k];
        if (c.width + x.width + c.delta <= allowed_error(rank)) {
            x.width += c.width;
        } else {
            kept.push_back(x);
            x = c;
        }
        rank -= c.width;
    }
    kept.push_back(x);
    summary_.assign(kept.rbegin(), kept.rend());
}

double quantile_stream::query(double q) {
    if (summary_.empty()) {  // never flushed: exact answer from the raw samples
        if (buffer_.empty()) return 0;
        if (!sorted_) std::sort(buffer_.begin(), buffer_.end(), by_value);
        sorted_ = true;
        auto i = static_cast<size_t>(static_cast<double>(buffer_.size()) * q);
        if (i > 0) --i;
        return buffer_[std::min(i, buffer_.size() - 1)].value;
    }
    flush();
    return query_summary(q);
}

double quantile_stream::query_summary(double q) const {
    double t = std::ceil(q * n_);
    t += std::ceil(allowed_error(t) / 2);
    const quantile_sample* p = &summary_.front();
    double rank = 0;
    for (size_t k = 1; k < summary_.size(); ++k) {
        const quantile_sample& c = summary_[k];
        rank += p->width;
        if (rank + c.width + c.delta > t) return p->value;
        p = &c;
    }
    return p->value;
}

uint64_t quantile_stream::count() const { return buffer_.size() + static_cast<uint64_t>(n_); }

std::vector<quantile_sample> quantile_stream::samples() {
    if (summary_.empty()) return buffer_;
    flush();
    return summary_;
}

void quantile_stream::reset() {
    buffer_.clear();
    sorted_ = true;
    summary_.clear();
    n_ = 0;
}

windowed_quantile::windowed_quantile(std::shared_ptr<const quantile_config> config, int64_t now_ns)
    : config_(std::move(config)),
      half_ns_(std::max<int64_t>(1, config_->window.count() / 2)),
      last_move_ns_(now_ns),
      streams_{quantile_stream(config_->percentiles), quantile_stream(config_->percentiles)} {}

// NSQ moves the window one half at a time while `now` is past the current half; after two
// moves both halves are empty, so a long idle period is handled arithmetically.
void windowed_quantile::rotate(int64_t now_ns) {
    if (now_ns - last_move_ns_ <= half_ns_) return;
    int64_t moves = (now_ns - last_move_ns_ + half_ns_ - 1) / half_ns_ - 1;
    if (moves >= 2) {
        streams_[0].reset();
        streams_[1].reset();
        current_ ^= static_cast<int>(moves & 1);
        last_move_ns_ += moves * half_ns_;
        return;
    }
    current_ ^= 1;
    last_move_ns_ += half_ns_;
    streams_[current_].reset();
}

void windowed_quantile::insert(double value, int64_t now_ns) {
    rotate(now_ns);
    streams_[current_].insert(value);
}

void windowed_quantile::append_samples(int64_t now_ns, std::vector<quantile_sample>& out) {
    rotate(now_ns);
    for (auto& s : streams_) {
        auto v = s.samples();
        out.insert(out.end(), v.begin(), v.end());
    }
}

std::shared_ptr<const quantile_config> make_quantile_config(std::vector<double> percentiles,
                                                            std::chrono::nanoseconds window) {
    if (percentiles.empty()) return nullptr;
    return std::make_shared<const quantile_config>(quantile_config{std::move(percentiles), window});
}

quantile_result query_quantiles(const quantile_config& config,
                                std::span<const quantile_sample> samples) {
    quantile_stream merged(config.percentiles);
    merged.merge(samples);
    quantile_result out;
    out.count = merged.count();
    for (double q : config.percentiles) out.percentiles.emplace_back(q, merged.query(q));
    return out;
}

}  // namespace nsqpp::broker
