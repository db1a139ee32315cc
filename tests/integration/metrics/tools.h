#pragma once
// Running the Prometheus tools (promtool, prometheus) from tests.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nsqpp::metrics_test {

// The absolute path of `name` found in $PATH, or nullopt.
std::optional<std::string> find_in_path(const std::string& name);

struct run_result {
    std::optional<int> exit_code;  // nullopt: timed out (killed)
    std::string output;            // stdout + stderr
};

// Runs `binary args...` with stdin from `stdin_path` ("" = /dev/null); waits up to `timeout`.
run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::string& stdin_path, std::chrono::milliseconds timeout);

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& s);

// The repository's source directory (for contrib/).
std::string source_dir();

}  // namespace nsqpp::metrics_test
