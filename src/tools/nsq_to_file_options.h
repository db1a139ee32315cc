#pragma once
// nsq_to_file's flags (spec/tools.md §2.1) and their validation.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::tools {

struct nsq_to_file_options {
    std::vector<std::string> topics;
    std::string topic_pattern;
    std::chrono::nanoseconds topic_refresh = std::chrono::minutes(1);
    std::string channel = "nsq_to_file";
    std::vector<std::string> nsqd_tcp_addresses;
    std::vector<std::string> lookupd_http_addresses;
    std::vector<std::string> consumer_opts;
    int64_t max_in_flight = 200;
    std::string output_dir = "/tmp";
    std::string work_dir;  // resolved to output_dir when empty
    std::string filename_format = "<TOPIC>.<HOST><REV>.<DATETIME>.log";
    std::string datetime_format = "%Y-%m-%d_%H";
    std::string host_identifier;
    bool gzip = false;
    int64_t gzip_level = 6;
    bool skip_empty_files = false;
    int64_t rotate_size = 0;
    std::chrono::nanoseconds rotate_interval{0};
    std::chrono::nanoseconds sync_interval = std::chrono::seconds(30);
    std::chrono::nanoseconds connect_timeout = std::chrono::seconds(2);
    std::chrono::nanoseconds request_timeout = std::chrono::seconds(5);
    std::string log_level = "info";
    std::string log_prefix = "[nsq_to_file] ";
};

// Parses and validates; nullopt with *exit_code set (0 for --version/-h, 2 for flag errors,
// 1 for validation errors) when the program must stop.
std::optional<nsq_to_file_options> parse_nsq_to_file(int argc, const char* const* argv,
                                                     int* exit_code, std::ostream& out,
                                                     std::ostream& err);

}  // namespace nsqpp::tools
