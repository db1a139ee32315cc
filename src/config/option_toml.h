#pragma once
// Applying config-file (TOML) values to options: NSQ's coercion rules (spec/nsqd.md §8.3).
#include <toml++/toml.h>

#include <string>

#include "config/option.h"

namespace nsqpp::config::detail {

// Sets `o` from `node`; returns "" or the error text ("invalid value ... for <key> - <why>").
std::string set_from_toml(option& o, const toml::node& node);

}  // namespace nsqpp::config::detail
