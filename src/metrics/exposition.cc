#include "metrics/exposition.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace nsqpp::metrics {
namespace {

bool is_alpha_(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (overlong,
// surrogate, above U+10FFFF or truncated).
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) return 1;
    size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; ++k) {
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    }
    return n;
}

bool needs_escaping(std::string_view v) {
    for (char c : v) {
        if (c == '\\' || c == '\n' || c == '"' || static_cast<unsigned char>(c) >= 0x80)
            return true;
    }
    return false;
}

// Appends `v` escaped: backslash and newline always, the double quote when `quote`.
void append_escaped(std::string& out, std::string_view v, bool quote) {
    if (!needs_escaping(v)) {  // the common case: topic and channel names
        out.append(v);
        return;
    }
    for (size_t i = 0; i < v.size();) {
        char c = v[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            size_t n = utf8_sequence_length(v, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD
                ++i;
            } else {
                out.append(v.substr(i, n));
                i += n;
            }
            continue;
        } else {
            out += c;
        }
        ++i;
    }
}

std::string_view type_name(metric_type t) {
    switch (t) {
        case metric_type::counter:
            return "counter";
        case metric_type::gauge:
            return "gauge";
        case metric_type::summary:
            return "summary";
        case metric_type::untyped:
            break;
    }
    return "untyped";
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (!(is_alpha_(c) || c == ':' || (i > 0 && is_digit(c)))) return false;
    }
    return true;
}

bool is_valid_label_name(std::string_view name) {
    if (name.empty() || name.starts_with("__")) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (!(is_alpha_(c) || (i > 0 && is_digit(c)))) return false;
    }
    return true;
}

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    append_escaped(out, v, true);
    return out;
}

std::string escape_help(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    append_escaped(out, v, false);
    return out;
}

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

family::family(std::string name, metric_type type, std::string help)
    : name_(std::move(name)), type_(type), help_(std::move(help)) {}

void family::begin_sample(std::string_view suffix, std::span<const label> labels,
                          std::optional<double> quantile_label) {
    body_ += name_;
    body_ += suffix;
    if (!labels.empty() || quantile_label) {
        body_ += '{';
        bool first = true;
        for (const label& l : labels) {
            if (!is_valid_label_name(l.name)) {
                throw std::invalid_argument(
                    fmt::format("metrics: invalid label name '{}' in {}", l.name, name_));
            }
            if (!first) body_ += ',';
            first = false;
            body_ += l.name;
            body_ += "=\"";
            append_escaped(body_, l.value, true);
            body_ += '"';
        }
        if (quantile_label) {
            if (!first) body_ += ',';
            body_ += "quantile=\"";
            body_ += format_value(*quantile_label);
            body_ += '"';
        }
        body_ += '}';
    }
    body_ += ' ';
}

void family::append_int(int64_t v) { body_.append(fmt::format_int(v).c_str()); }
void family::append_uint(uint64_t v) { body_.append(fmt::format_int(v).c_str()); }
void family::append_double(double v) { body_ += format_value(v); }

family& family::add_summary(std::span<const label> labels, std::span<const quantile> quantiles,
                            std::optional<double> sum, uint64_t count) {
    for (const auto& [q, v] : quantiles) {
        begin_sample({}, labels, q);
        append_double(v);
        body_ += '\n';
    }
    if (sum) add_suffixed("_sum", labels, *sum);
    return add_suffixed("_count", labels, count);
}

void family::render(std::string& out) const {
    if (body_.empty()) return;
    out += "# HELP ";
    out += name_;
    out += ' ';
    append_escaped(out, help_, false);
    out += "\n# TYPE ";
    out += name_;
    out += ' ';
    out += type_name(type_);
    out += '\n';
    out += body_;
}

family& exposition::add_family(std::string_view name, metric_type type, std::string_view help) {
    if (!is_valid_metric_name(name)) {
        throw std::invalid_argument(fmt::format("metrics: invalid metric name '{}'", name));
    }
    auto [it, inserted] =
        families_.try_emplace(std::string(name), std::string(name), type, std::string(help));
    if (!inserted) {
        throw std::invalid_argument(fmt::format("metrics: family '{}' declared twice", name));
    }
    return it->second;
}

family* exposition::find(std::string_view name) {
    auto it = families_.find(name);
    return it == families_.end() ? nullptr : &it->second;
}

std::string exposition::render() const {
    size_t size = 0;
    for (const auto& [name, f] : families_) size += f.sample_bytes() + 2 * name.size() + 64;
    std::string out;
    out.reserve(size);
    for (const auto& [name, f] : families_) f.render(out);
    return out;
}

}  // namespace nsqpp::metrics
