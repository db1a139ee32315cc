#include "config/option.h"

#include <fmt/format.h>

#include <algorithm>

namespace nsqpp::config::detail {
namespace {

// Go's flag package hides strconv's details behind these two reasons.
constexpr std::string_view parse_error = "parse error";
constexpr std::string_view range_error = "value out of range";

flag_result invalid(std::string_view reason) { return {flag_result::invalid, std::string(reason)}; }

template <typename T>
T& target_of(option& o) {
    return *std::get<T*>(o.target);
}

flag_result set_string(option& o, std::string_view text) {
    std::string value(text);
    if (o.validate) {
        std::string reason = o.validate(value);
        if (!reason.empty()) return invalid(reason);
    }
    target_of<std::string>(o) = std::move(value);
    return {};
}

flag_result set_integer(option& o, std::string_view text) {
    int_parse r = parse_go_int_base(text, 0);
    if (r.error == int_error::syntax) return invalid(parse_error);
    if (r.error == int_error::range) return invalid(range_error);
    target_of<int64_t>(o) = r.value;
    return {};
}

flag_result set_float_list(option& o, std::string_view text) {
    auto& list = target_of<std::vector<double>>(o);
    if (!o.sort_desc_split_commas) {
        std::optional<double> v = parse_go_float(text);
        if (!v) return invalid(parse_error);
        list.push_back(*v);
        return {};
    }
    // NSQ's FloatArray: comma-separated values, each occurrence re-sorts descending,
    // an unparsable value is fatal.
    size_t start = 0;
    while (true) {
        size_t comma = text.find(',', start);
        std::string_view item = text.substr(start, comma - start);
        std::optional<double> v = parse_go_float(item);
        if (!v) return {flag_result::fatal, fmt::format("Could not parse: {}", item)};
        list.push_back(*v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    std::stable_sort(list.begin(), list.end(), std::greater<>());
    return {};
}

std::string join_floats(const std::vector<double>& values) {
    std::string out;
    for (double v : values) {
        if (!out.empty()) out += ',';
        out += fmt::format("{:f}", v);
    }
    return out;
}

std::string join_strings(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) {
        if (!out.empty()) out += ',';
        out += v;
    }
    return out;
}

}  // namespace

bool is_bool_flag(const option& o) {
    return o.kind == option_kind::boolean || o.kind == option_kind::boolish_string;
}

void describe_default(option& o) {
    o.default_text.reset();
    o.quote_default = false;
    switch (o.kind) {
        case option_kind::string: {
            o.value_name = "string";
            o.quote_default = true;
            const auto& v = target_of<std::string>(o);
            if (!v.empty()) o.default_text = v;
            break;
        }
        case option_kind::integer:
            o.value_name = "int";
            if (target_of<int64_t>(o) != 0)
                o.default_text = fmt::format("{}", target_of<int64_t>(o));
            break;
        case option_kind::boolean:
            o.value_name = "";
            if (target_of<bool>(o)) o.default_text = "true";
            break;
        case option_kind::duration:
            o.value_name = "duration";
            if (target_of<nanoseconds>(o).count() != 0) {
                o.default_text = format_go_duration(target_of<nanoseconds>(o));
            }
            break;
        case option_kind::string_list:
            o.value_name = "value";
            if (!target_of<std::vector<std::string>>(o).empty()) {
                o.default_text = join_strings(target_of<std::vector<std::string>>(o));
            }
            break;
        case option_kind::float_list:
            o.value_name = "value";
            if (!target_of<std::vector<double>>(o).empty()) {
                o.default_text = join_floats(target_of<std::vector<double>>(o));
            }
            break;
        case option_kind::boolish_string: {
            o.value_name = "";
            const auto& v = target_of<std::string>(o);
            if (!v.empty() && v != "false") o.default_text = v;
            break;
        }
    }
}

flag_result set_from_flag(option& o, std::string_view text) {
    switch (o.kind) {
        case option_kind::string:
        case option_kind::boolish_string:
            return set_string(o, text);
        case option_kind::integer:
            return set_integer(o, text);
        case option_kind::boolean: {
            std::optional<bool> v = parse_go_bool(text);
            if (!v) return invalid(parse_error);
            target_of<bool>(o) = *v;
            return {};
        }
        case option_kind::duration: {
            std::optional<nanoseconds> v = parse_go_duration(text);
            if (!v) return invalid(parse_error);
            target_of<nanoseconds>(o) = *v;
            return {};
        }
        case option_kind::string_list: {
            auto& list = target_of<std::vector<std::string>>(o);
            if (!o.seen) list.clear();  // the command line replaces the default
            list.emplace_back(text);
            return {};
        }
        case option_kind::float_list:
            if (!o.seen) target_of<std::vector<double>>(o).clear();
            return set_float_list(o, text);
    }
    return invalid(parse_error);
}

}  // namespace nsqpp::config::detail
