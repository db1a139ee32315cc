#pragma once
// nsqd's flags and config-file keys (spec/nsqd.md §8.2) bound to `options`, and the
// command-line handling of apps/nsqd/main.cc (§8.1, §8.3).
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "config/option_set.h"
#include "nsqd/options.h"

namespace nsqpp::nsqd {

// What --version prints (to stdout).
inline constexpr std::string_view version_string = "nsqd v1.3.0 (built w/nsqpp)";

// Registers every nsqd flag from spec §8.2 (names, config keys, defaults already in `opts`) on
// `set`, plus --worker-threads. Deprecated flags (--verbose, --worker-id) are accepted and kept
// inside `set`. log_level, tls_required and tls_min_version are validated and normalized to
// lower case ("tls_required" to "true", "false" or "tcp-https").
void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version);

// Full command-line handling for apps/nsqd/main.cc: parse args, load --config, print usage and
// errors Go-style to stderr. Returns std::nullopt with *exit_code set (0 for -h/--version, 2 for
// bad flags, 1 for a bad config file or an unparsable percentile) when the program should exit;
// otherwise the options with *exit_code = 0.
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code);

// The same, writing to `out` (version) and `err` (usage, errors) instead of stdout/stderr.
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err);

}  // namespace nsqpp::nsqd
