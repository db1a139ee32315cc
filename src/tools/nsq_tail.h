#pragma once
// nsq_tail: prints every message of one or more topics to stdout (spec/tools.md §1).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::tools {

struct nsq_tail_options {
    std::vector<std::string> topics;
    std::string channel;  // "" → tail<NNNNNN>#ephemeral
    std::vector<std::string> nsqd_tcp_addresses;
    std::vector<std::string> lookupd_http_addresses;
    int64_t max_in_flight = 200;
    int64_t total_messages = 0;  // -n
    bool print_topic = false;
    std::vector<std::string> consumer_opts;
};

std::optional<nsq_tail_options> parse_nsq_tail(int argc, const char* const* argv, int* exit_code,
                                               std::ostream& out, std::ostream& err);

// "<topic> | " (with print_topic) + body + "\n".
std::string tail_line(const std::string& topic, const std::string& body, bool print_topic);

int nsq_tail_main(int argc, char** argv);

}  // namespace nsqpp::tools
