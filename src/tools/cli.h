#pragma once
// What every NSQ tool shares on its command line: Go flag parsing with usage/help/exit codes,
// Go's standard-logger lines for fatal configuration errors, version strings, address and
// name checks (spec/tools.md §0).
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/option_set.h"

namespace nsqpp::tools {

inline constexpr std::string_view nsq_version = "1.3.0";
inline constexpr std::string_view go_nsq_version = "1.1.0";

// "<tool> v1.3.0", what --version prints.
std::string version_line(std::string_view tool);
// "<tool>/1.3.0 go-nsq/1.1.0", the user agent sent in IDENTIFY.
std::string user_agent(std::string_view tool);

// Go's log package time stamp in local time: "2026/11/25 07:59:23".
std::string go_log_time();
// One line of Go's standard logger: "<time> <message>\n".
void go_log(std::ostream& out, std::string_view message);

// A fatal configuration or runtime error: main prints it with go_log and exits 1.
struct fatal_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses argv with `set` as Go's flag package does. Returns the exit code when the program
// must stop now: help (usage on `err`, 0) or a flag error (message + usage on `err`, 2).
std::optional<int> parse_flags(config::option_set& set, int argc, const char* const* argv,
                               std::ostream& err);

// The checks shared by the consuming tools: exactly one of the two address lists.
// Throws fatal_error with NSQ's texts.
void require_one_discovery(const std::vector<std::string>& nsqd_tcp,
                           const std::vector<std::string>& lookupd_http,
                           std::string_view nsqd_flag = "--nsqd-tcp-address");

// Runs `body` and turns fatal_error into go_log(err) + 1. For the tools' main().
template <typename F>
int run_tool(std::ostream& err, F&& body) {
    try {
        return body();
    } catch (const fatal_error& e) {
        go_log(err, e.what());
        return 1;
    }
}

}  // namespace nsqpp::tools
