#pragma once
// Prometheus text exposition format 0.0.4 writer: metric families with HELP/TYPE lines,
// counter/gauge/summary/untyped samples, label-value and HELP escaping, stable ordering.
// Pure string building: no I/O, no locks (one exposition per scrape, one thread).
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace nsqpp::metrics {

// Content-Type of a /metrics response in this format.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

enum class metric_type { counter, gauge, summary, untyped };

// One label pair; the value is escaped when written. Names must match [a-zA-Z_][a-zA-Z0-9_]*
// and must not start with "__" (reserved).
struct label {
    std::string_view name;
    std::string_view value;
};

// One quantile of a summary: (quantile in [0, 1], value).
using quantile = std::pair<double, double>;

// The samples of one family, in the order they were added. Duplicate label sets are not
// detected (the caller iterates unique keys).
class family {
  public:
    family(std::string name, metric_type type, std::string help);

    // `<name>{labels} <value>`. Integers are written exactly; doubles as Go's shortest form,
    // NaN/+Inf/-Inf as Prometheus spells them; bool as 1/0.
    template <typename T>
    requires std::is_arithmetic_v<T> family& add(std::span<const label> labels, T value) {
        return add_suffixed({}, labels, value);
    }
    template <typename T>
    requires std::is_arithmetic_v<T> family& add(std::initializer_list<label> labels, T value) {
        return add_suffixed({}, std::span<const label>(labels.begin(), labels.size()), value);
    }

    // `<name><suffix>{labels} <value>` (summaries' "_sum"/"_count").
    template <typename T>
    requires std::is_arithmetic_v<T> family& add_suffixed(std::string_view suffix,
                                                          std::span<const label> labels, T value) {
        begin_sample(suffix, labels, {});
        if constexpr (std::is_same_v<T, bool>) {
            body_ += value ? '1' : '0';
        } else if constexpr (std::is_floating_point_v<T>) {
            append_double(static_cast<double>(value));
        } else if constexpr (std::is_signed_v<T>) {
            append_int(static_cast<int64_t>(value));
        } else {
            append_uint(static_cast<uint64_t>(value));
        }
        body_ += '\n';
        return *this;
    }

    // A summary's samples: one `{labels,quantile="q"}` line per quantile, then `_sum` when
    // given, then `_count`. With no quantiles (nullopt or empty) only `_sum`/`_count` appear.
    family& add_summary(std::span<const label> labels, std::span<const quantile> quantiles,
                        std::optional<double> sum, uint64_t count);

    // Optional: reserves room for about `samples` more samples of this family (fewer
    // reallocations for large scrapes).
    void reserve(size_t samples, size_t label_bytes = 32) {
        body_.reserve(body_.size() + samples * (name_.size() + label_bytes + 24));
    }

    const std::string& name() const { return name_; }
    metric_type type() const { return type_; }
    bool empty() const { return body_.empty(); }
    size_t sample_bytes() const { return body_.size(); }
    // HELP and TYPE lines followed by the samples (no output at all for an empty family).
    void render(std::string& out) const;

  private:
    void begin_sample(std::string_view suffix, std::span<const label> labels,
                      std::optional<double> quantile_label);
    void append_int(int64_t v);
    void append_uint(uint64_t v);
    void append_double(double v);

    std::string name_;
    metric_type type_;
    std::string help_;
    std::string body_;
};

// A whole scrape: families by name. render() writes them sorted by name (like Prometheus'
// Go client), each family's samples in insertion order, and skips families without samples —
// so a deleted topic leaves no orphan lines.
class exposition {
  public:
    // Declares a family. Throws std::invalid_argument for an invalid metric name
    // ([a-zA-Z_:][a-zA-Z0-9_:]*) or a name declared twice. The reference stays valid for the
    // exposition's lifetime.
    family& add_family(std::string_view name, metric_type type, std::string_view help);
    // The family declared as `name`, or nullptr.
    family* find(std::string_view name);

    std::string render() const;

  private:
    std::map<std::string, family, std::less<>> families_;
};

// Escaping rules of the format: label values escape \ " and newline; HELP escapes \ and
// newline. Invalid UTF-8 becomes U+FFFD (Prometheus rejects invalid UTF-8 in label values).
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);
bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);
// A float as the format writes it: "NaN", "+Inf", "-Inf", else the shortest round-trip form.
std::string format_value(double v);

}  // namespace nsqpp::metrics
