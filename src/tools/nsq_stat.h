#pragma once
// nsq_stat: polls /stats of the nsqd holding a topic and prints one channel's aggregate
// counters in NSQ's columns (spec/tools.md §6).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::tools {

struct nsq_stat_options {
    std::string topic;
    std::string channel;
    std::vector<std::string> nsqd_http_addresses;
    std::vector<std::string> lookupd_http_addresses;
    std::chrono::nanoseconds interval = std::chrono::seconds(2);
    std::optional<int64_t> count;  // rows to print; nullopt = forever
    std::chrono::nanoseconds connect_timeout = std::chrono::seconds(2);
    std::chrono::nanoseconds request_timeout = std::chrono::seconds(5);
};

// Parses and validates the command line. Returns the options, or nullopt with *exit_code set
// (0 after --version/-h, 2 for flag errors, 1 for NSQ's fatal validation errors).
std::optional<nsq_stat_options> parse_nsq_stat(int argc, const char* const* argv, int* exit_code,
                                               std::ostream& out, std::ostream& err);

// The poll loop: header + rows on `out`. Returns 0 after `count` rows; throws fatal_error on
// any query failure.
int run_nsq_stat(const nsq_stat_options& opts, std::ostream& out);

// main() of apps/nsq_stat: exits 0 on SIGHUP/SIGINT/SIGTERM.
int nsq_stat_main(int argc, char** argv);

}  // namespace nsqpp::tools
