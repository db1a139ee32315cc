#include "config/option_set.h"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace nsqpp::config {
namespace {

using detail::option;
using detail::option_kind;
using outcome = option_set::parse_outcome;

outcome flag_error(std::string message) { return {outcome::error, std::move(message), 2}; }

// Go's flag.UnquoteUsage: a `quoted` word in the help names the value and loses its quotes.
std::pair<std::string, std::string> unquote_usage(const option& o) {
    const std::string& help = o.help;
    size_t open = help.find('`');
    if (open != std::string::npos) {
        size_t close = help.find('`', open + 1);
        if (close != std::string::npos) {
            std::string name = help.substr(open + 1, close - open - 1);
            std::string text = help.substr(0, open) + name + help.substr(close + 1);
            return {name, text};
        }
    }
    return {o.value_name, help};
}

std::string indent_continuation_lines(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += "    \t";
    }
    return out;
}

}  // namespace

option_set::option_set(std::string program_name) : program_name_(std::move(program_name)) {}

template <typename T>
void option_set::add(std::string flag, std::string config_key, std::string help, option_kind kind,
                     T* target) {
    if (by_flag_.count(flag) != 0) {
        throw std::logic_error(fmt::format("{} flag redefined: {}", program_name_, flag));
    }
    option o;
    o.flag = std::move(flag);
    o.config_key = std::move(config_key);
    o.help = std::move(help);
    o.kind = kind;
    if (target == nullptr) {
        auto storage = std::make_shared<T>();
        target = storage.get();
        o.owned = std::move(storage);
    }
    o.target = target;
    detail::describe_default(o);
    by_flag_.emplace(o.flag, options_.size());
    options_.push_back(std::move(o));
}

void option_set::add_string(std::string flag, std::string config_key, std::string help,
                            std::string* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::string, target);
}

void option_set::add_int(std::string flag, std::string config_key, std::string help,
                         int64_t* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::integer, target);
}

void option_set::add_bool(std::string flag, std::string config_key, std::string help,
                          bool* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::boolean, target);
}

void option_set::add_duration(std::string flag, std::string config_key, std::string help,
                              nanoseconds* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::duration, target);
}

void option_set::add_string_list(std::string flag, std::string config_key, std::string help,
                                 std::vector<std::string>* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::string_list, target);
}

void option_set::add_float_list(std::string flag, std::string config_key, std::string help,
                                std::vector<double>* target, bool sort_desc_split_commas) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::float_list, target);
    options_.back().sort_desc_split_commas = sort_desc_split_commas;
}

void option_set::add_boolish_string(std::string flag, std::string config_key, std::string help,
                                    std::string* target) {
    add(std::move(flag), std::move(config_key), std::move(help), option_kind::boolish_string,
        target);
}

detail::option& option_set::find_or_throw(std::string_view flag) {
    auto it = by_flag_.find(flag);
    if (it == by_flag_.end()) {
        throw std::logic_error(fmt::format("{}: no flag {}", program_name_, flag));
    }
    return options_[it->second];
}

void option_set::set_validator(std::string_view flag, validator validate) {
    option& o = find_or_throw(flag);
    if (o.kind != option_kind::string && o.kind != option_kind::boolish_string) {
        throw std::logic_error(fmt::format("{}: flag {} is not a string", program_name_, flag));
    }
    o.validate = std::move(validate);
}

void option_set::set_usage(std::string_view flag, std::string value_name,
                           std::optional<std::string> default_text) {
    option& o = find_or_throw(flag);
    o.value_name = std::move(value_name);
    o.default_text = std::move(default_text);
    o.quote_default = false;
}

option_set::parse_outcome option_set::parse_args(int argc, const char* const* argv) {
    remaining_args_.clear();
    int i = 1;
    while (i < argc) {
        const std::string_view arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-') break;  // first non-flag ends the flags
        size_t dashes = 1;
        if (arg[1] == '-') {
            dashes = 2;
            if (arg.size() == 2) {  // "--" ends the flags and is consumed
                ++i;
                break;
            }
        }
        std::string_view name = arg.substr(dashes);
        if (name.empty() || name[0] == '-' || name[0] == '=') {
            return flag_error(fmt::format("bad flag syntax: {}", arg));
        }
        ++i;
        std::optional<std::string_view> value;
        if (size_t eq = name.find('='); eq != std::string_view::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }

        auto it = by_flag_.find(name);
        if (it == by_flag_.end()) {
            if (name == "help" || name == "h") return {outcome::help, "", 0};
            return flag_error(fmt::format("flag provided but not defined: -{}", name));
        }
        option& o = options_[it->second];

        if (detail::is_bool_flag(o)) {
            detail::flag_result r = detail::set_from_flag(o, value.value_or("true"));
            if (r.result != detail::flag_result::ok) {
                if (value) {
                    return flag_error(fmt::format("invalid boolean value {} for -{}: {}",
                                                  go_quote(*value), name, r.reason));
                }
                return flag_error(fmt::format("invalid boolean flag {}: {}", name, r.reason));
            }
        } else {
            if (!value && i < argc) value = argv[i++];  // the value is the next argument
            if (!value) return flag_error(fmt::format("flag needs an argument: -{}", name));
            detail::flag_result r = detail::set_from_flag(o, *value);
            if (r.result == detail::flag_result::fatal) return {outcome::error, r.reason, 1};
            if (r.result == detail::flag_result::invalid) {
                return flag_error(fmt::format("invalid value {} for flag -{}: {}", go_quote(*value),
                                              name, r.reason));
            }
        }
        o.seen = true;
    }
    remaining_args_.assign(argv + i, argv + argc);
    return {outcome::ok, "", 0};
}

bool option_set::was_set(std::string_view flag) const {
    auto it = by_flag_.find(flag);
    return it != by_flag_.end() && options_[it->second].seen;
}

std::string option_set::usage() const {
    std::string out = fmt::format("Usage of {}:\n", program_name_);
    for (const auto& [name, index] : by_flag_) {
        const option& o = options_[index];
        auto [value_name, help] = unquote_usage(o);
        std::string line = "  -" + o.flag;
        if (!value_name.empty()) line += " " + value_name;
        // Go keeps the help of a one-letter boolean flag on the same line.
        line += line.size() <= 4 ? "\t" : "\n    \t";
        line += indent_continuation_lines(help);
        if (o.default_text) {
            std::string shown = o.quote_default ? go_quote(*o.default_text) : *o.default_text;
            line += fmt::format(" (default {})", shown);
        }
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace nsqpp::config
