#include "tools.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::metrics_test {

std::optional<std::string> find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        std::filesystem::path p = std::filesystem::path(dir) / name;
        std::error_code ec;
        if (std::filesystem::is_regular_file(p, ec)) return p.string();
    }
    return std::nullopt;
}

namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

}  // namespace

run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::string& stdin_path, std::chrono::milliseconds timeout) {
    std::string script = "exec " + shell_quote(binary);
    for (const auto& a : args) script += " " + shell_quote(a);
    script += " < " + shell_quote(stdin_path.empty() ? "/dev/null" : stdin_path);
    std::string log = test::make_temp_dir() + "/run.log";
    test::child_process p("/bin/sh", {"-c", script}, log);
    run_result r;
    r.exit_code = p.wait(timeout);
    r.output = p.log();
    return r;
}

std::string url_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string source_dir() { return NSQPP_SOURCE_DIR; }

}  // namespace nsqpp::metrics_test
