#pragma once
// nsq_to_nsq: republishes topics to destination nsqd (spec/tools.md §4).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "tools/json_filter.h"

namespace nsqpp::tools {

struct nsq_to_nsq_options {
    std::vector<std::string> topics;
    std::string channel = "nsq_to_nsq";
    std::vector<std::string> nsqd_tcp_addresses;
    std::vector<std::string> lookupd_http_addresses;
    std::vector<std::string> destination_addresses;
    std::string destination_topic;
    std::string mode = "hostpool";
    int64_t max_in_flight = 200;
    std::vector<std::string> consumer_opts;
    std::vector<std::string> producer_opts;
    json_filter_settings filter;
    int64_t status_every = 250;
};

std::optional<nsq_to_nsq_options> parse_nsq_to_nsq(int argc, const char* const* argv,
                                                   int* exit_code, std::ostream& out,
                                                   std::ostream& err);

int nsq_to_nsq_main(int argc, char** argv);

}  // namespace nsqpp::tools
