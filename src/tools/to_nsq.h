#pragma once
// to_nsq: publishes stdin, split at --delimiter, to every --nsqd-tcp-address (spec/tools.md §5).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::tools {

struct to_nsq_options {
    std::string topic;
    std::vector<std::string> nsqd_tcp_addresses;
    std::string delimiter = "\n";
    int64_t rate = 0;
    std::vector<std::string> producer_opts;
};

// Parses and validates; nullopt with *exit_code set (0 for -h, 2 for flag errors, 1 for
// validation errors) when the program must stop.
std::optional<to_nsq_options> parse_to_nsq(int argc, const char* const* argv, int* exit_code,
                                           std::ostream& err);

int to_nsq_main(int argc, char** argv);

}  // namespace nsqpp::tools
