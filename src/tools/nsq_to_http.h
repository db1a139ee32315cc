#pragma once
// nsq_to_http: one HTTP request per message of a topic (spec/tools.md §3).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "tools/http_publish.h"

namespace nsqpp::tools {

struct nsq_to_http_options {
    std::string topic;
    std::string channel = "nsq_to_http";
    std::vector<std::string> nsqd_tcp_addresses;
    std::vector<std::string> lookupd_http_addresses;
    std::vector<std::string> consumer_opts;
    int64_t max_in_flight = 200;
    std::vector<std::string> get_addresses;
    std::vector<std::string> post_addresses;
    std::string content_type = "application/octet-stream";
    std::vector<std::string> headers;
    header_list parsed_headers;
    std::string mode = "hostpool";
    int64_t concurrency = 100;  // -n
    double sample = 1.0;
    int64_t status_every = 250;
    std::chrono::nanoseconds connect_timeout = std::chrono::seconds(2);
    std::chrono::nanoseconds request_timeout = std::chrono::seconds(20);
};

std::optional<nsq_to_http_options> parse_nsq_to_http(int argc, const char* const* argv,
                                                     int* exit_code, std::ostream& out,
                                                     std::ostream& err);

int nsq_to_http_main(int argc, char** argv);

}  // namespace nsqpp::tools
