#pragma once
// nsqadmin's flags and config-file keys (spec/nsqadmin.md §2) bound to `options`, and the
// command-line handling of apps/nsqadmin/main.cc.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "config/option_set.h"
#include "nsqadmin/options.h"

namespace nsqpp::nsqadmin {

inline constexpr std::string_view version_string = "nsqadmin v1.3.0 (built w/nsqpp)";

// Registers every flag of spec §2 on `set` (plus the nsqpp-only --history-interval,
// --history-samples and --worker-threads).
void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version);

// Full command-line handling: parse args, load --config, print usage and errors Go-style.
// Returns std::nullopt with *exit_code set when the program should exit (0 for -h/--version,
// 2 for bad flags, 1 for a bad config file); otherwise the options (base path normalised).
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code);
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err);

}  // namespace nsqpp::nsqadmin
