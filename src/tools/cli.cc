#include "tools/cli.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <ostream>

namespace nsqpp::tools {

std::string version_line(std::string_view tool) { return fmt::format("{} v{}", tool, nsq_version); }

std::string user_agent(std::string_view tool) {
    return fmt::format("{}/{} go-nsq/{}", tool, nsq_version, go_nsq_version);
}

std::string go_log_time() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&t, &tm);
    return fmt::format("{:04}/{:02}/{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void go_log(std::ostream& out, std::string_view message) {
    out << go_log_time() << ' ' << message << '\n';
    out.flush();
}

std::optional<int> parse_flags(config::option_set& set, int argc, const char* const* argv,
                               std::ostream& err) {
    auto parsed = set.parse_args(argc, argv);
    if (parsed.result == config::option_set::parse_outcome::help) {
        err << set.usage();
        return 0;
    }
    if (parsed.result == config::option_set::parse_outcome::error) {
        if (parsed.exit_code == 1) {
            go_log(err, parsed.message);
        } else {
            err << parsed.message << '\n' << set.usage();
        }
        return parsed.exit_code;
    }
    return std::nullopt;
}

void require_one_discovery(const std::vector<std::string>& nsqd_tcp,
                           const std::vector<std::string>& lookupd_http,
                           std::string_view nsqd_flag) {
    if (nsqd_tcp.empty() && lookupd_http.empty()) {
        throw fatal_error(fmt::format("{} or --lookupd-http-address required", nsqd_flag));
    }
    if (!nsqd_tcp.empty() && !lookupd_http.empty()) {
        throw fatal_error(fmt::format("use {} or --lookupd-http-address not both", nsqd_flag));
    }
}

}  // namespace nsqpp::tools
