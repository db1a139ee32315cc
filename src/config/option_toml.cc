#include "config/option_toml.h"

#include <fmt/format.h>

#include <limits>

namespace nsqpp::config::detail {
namespace {

// Go's %v of a decoded TOML value, for error messages.
std::string repr(const toml::node& n) {
    if (const auto* s = n.as_string()) return go_quote(s->get());
    if (const auto* i = n.as_integer()) return fmt::format("{}", i->get());
    if (const auto* f = n.as_floating_point()) return fmt::format("{}", f->get());
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (n.is_array()) return "(array)";
    if (n.is_table()) return "(table)";
    return "(date/time)";
}

std::string failure(const option& o, const toml::node& n, std::string_view reason) {
    return fmt::format("invalid value {} for {} - {}", repr(n), o.config_key, reason);
}

std::string type_failure(const option& o, const toml::node& n) {
    return failure(o, n, "invalid value type");
}

template <typename T>
T& target_of(option& o) {
    return *std::get<T*>(o.target);
}

// The text a scalar stands for when a string is expected (Go formats it with %v).
std::optional<std::string> as_text(const toml::node& n) {
    if (const auto* s = n.as_string()) return s->get();
    if (const auto* i = n.as_integer()) return fmt::format("{}", i->get());
    if (const auto* f = n.as_floating_point()) return fmt::format("{}", f->get());
    if (const auto* b = n.as_boolean()) return std::string(b->get() ? "true" : "false");
    return std::nullopt;
}

std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        size_t comma = s.find(',', start);
        parts.push_back(s.substr(start, comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return parts;
}

std::string_view trim_space(std::string_view s) {
    constexpr std::string_view space = " \t\n\r\v\f";
    size_t b = s.find_first_not_of(space);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(space) - b + 1);
}

std::string set_string(option& o, const toml::node& n) {
    std::optional<std::string> text = as_text(n);
    if (!text) return type_failure(o, n);
    if (o.validate) {
        std::string reason = o.validate(*text);
        if (!reason.empty()) return failure(o, n, reason);
    }
    target_of<std::string>(o) = std::move(*text);
    return "";
}

std::string set_integer(option& o, const toml::node& n) {
    if (const auto* i = n.as_integer()) {
        target_of<int64_t>(o) = i->get();
        return "";
    }
    if (const auto* s = n.as_string()) {
        int_parse r = parse_go_int_base(s->get(), 10);
        if (r.error != int_error::none) {
            return failure(
                o, n,
                fmt::format("strconv.ParseInt: parsing {}: {}", go_quote(s->get()),
                            r.error == int_error::range ? "value out of range" : "invalid syntax"));
        }
        target_of<int64_t>(o) = r.value;
        return "";
    }
    return type_failure(o, n);
}

std::string set_boolean(option& o, const toml::node& n) {
    if (const auto* b = n.as_boolean()) {
        target_of<bool>(o) = b->get();
        return "";
    }
    if (const auto* i = n.as_integer()) {
        target_of<bool>(o) = i->get() == 0;  // inverted, as NSQ's option resolution does
        return "";
    }
    if (const auto* s = n.as_string()) {
        std::optional<bool> v = parse_go_bool(s->get());
        if (!v) {
            return failure(
                o, n,
                fmt::format("strconv.ParseBool: parsing {}: invalid syntax", go_quote(s->get())));
        }
        target_of<bool>(o) = *v;
        return "";
    }
    return type_failure(o, n);
}

std::string set_duration(option& o, const toml::node& n) {
    if (const auto* s = n.as_string()) {
        std::optional<nanoseconds> v = parse_go_duration(s->get());
        if (!v) return failure(o, n, fmt::format("time: invalid duration {}", go_quote(s->get())));
        target_of<nanoseconds>(o) = *v;
        return "";
    }
    if (const auto* i = n.as_integer()) {  // integer milliseconds
        constexpr int64_t limit = std::numeric_limits<int64_t>::max() / 1'000'000;
        if (i->get() > limit || i->get() < -limit) return failure(o, n, "value out of range");
        target_of<nanoseconds>(o) = std::chrono::milliseconds(i->get());
        return "";
    }
    return type_failure(o, n);
}

std::string set_string_list(option& o, const toml::node& n) {
    std::vector<std::string> list;
    if (const auto* a = n.as_array()) {
        for (const toml::node& e : *a) {
            const auto* s = e.as_string();
            if (!s) return type_failure(o, n);
            list.push_back(s->get());
        }
    } else if (const auto* s = n.as_string()) {
        if (!s->get().empty()) {
            for (std::string_view part : split_commas(s->get())) list.emplace_back(part);
        }
    } else {
        return type_failure(o, n);
    }
    target_of<std::vector<std::string>>(o) = std::move(list);
    return "";
}

std::string set_float_list(option& o, const toml::node& n) {
    std::vector<double> list;
    if (const auto* a = n.as_array()) {
        for (const toml::node& e : *a) {
            if (const auto* f = e.as_floating_point()) {
                list.push_back(f->get());
            } else if (const auto* i = e.as_integer()) {
                list.push_back(static_cast<double>(i->get()));
            } else {
                return type_failure(o, n);
            }
        }
    } else if (const auto* s = n.as_string()) {
        for (std::string_view part : split_commas(s->get())) {
            std::string_view item = trim_space(part);
            std::optional<double> v = parse_go_float(item);
            if (!v) {
                return failure(
                    o, n,
                    fmt::format("strconv.ParseFloat: parsing {}: invalid syntax", go_quote(item)));
            }
            list.push_back(*v);
        }
    } else {
        return type_failure(o, n);
    }
    target_of<std::vector<double>>(o) = std::move(list);  // kept in the given order
    return "";
}

}  // namespace

std::string set_from_toml(option& o, const toml::node& node) {
    switch (o.kind) {
        case option_kind::string:
        case option_kind::boolish_string:
            return set_string(o, node);
        case option_kind::integer:
            return set_integer(o, node);
        case option_kind::boolean:
            return set_boolean(o, node);
        case option_kind::duration:
            return set_duration(o, node);
        case option_kind::string_list:
            return set_string_list(o, node);
        case option_kind::float_list:
            return set_float_list(o, node);
    }
    return type_failure(o, node);
}

}  // namespace nsqpp::config::detail
