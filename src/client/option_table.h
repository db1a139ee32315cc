#pragma once
// The table behind config::set/validate: one entry per go-nsq option name with its parser and
// range check (internal).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/config.h"

namespace nsqpp::client::detail {

struct option_entry {
    std::string_view name;
    std::function<error(config&, std::string_view)> set;  // parse + assign
    std::function<error(const config&)> check;            // range check ("" = ok)
};

const std::vector<option_entry>& option_table();
const option_entry* find_option(std::string_view name);

// Go's Duration.String() of a millisecond duration ("1m0s", "250ms").
std::string format_duration(duration d);
// Go syntax ("1m30s") or a plain integer = milliseconds; nullopt on bad syntax.
std::optional<duration> parse_duration(std::string_view text);

}  // namespace nsqpp::client::detail
