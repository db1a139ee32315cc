#pragma once
// nsqlookupd's flags and config-file keys (spec/nsqlookupd.md §1) bound to `options`, and the
// command-line handling of apps/nsqlookupd/main.cc.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "config/option_set.h"
#include "nsqlookupd/options.h"

namespace nsqpp::nsqlookupd {

// What --version prints (to stdout).
inline constexpr std::string_view version_string = "nsqlookupd v1.3.0 (built w/nsqpp)";

// The OS hostname (NSQ's default broadcast address and the IDENTIFY reply's "hostname").
std::string os_hostname();

// Registers every flag of spec §1.1 (names, config keys, defaults already in `opts`) on `set`,
// plus --worker-threads. --verbose is accepted and ignored. log_level is validated and
// normalized to lower case.
void register_options(config::option_set& set, options& opts, std::string* config_path,
                      bool* show_version);

// Full command-line handling for apps/nsqlookupd/main.cc: parse args, load --config, print
// usage and errors Go-style to stderr. Returns std::nullopt with *exit_code set (0 for
// -h/--version, 2 for bad flags, 1 for a bad config file) when the program should exit;
// otherwise the options (broadcast_address defaults to the OS hostname) with *exit_code = 0.
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code);

// The same, writing to `out` (version) and `err` (usage, errors) instead of stdout/stderr.
std::optional<options> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                          std::ostream& out, std::ostream& err);

}  // namespace nsqpp::nsqlookupd
