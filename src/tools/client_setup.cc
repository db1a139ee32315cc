#include "tools/client_setup.h"

#include <fmt/format.h>

#include "tools/cli.h"

namespace nsqpp::tools {

std::string apply_client_opts(client::config& cfg, const std::vector<std::string>& opts,
                              std::string_view flag) {
    for (const auto& opt : opts) {
        if (auto err = cfg.set_flag(opt)) {
            return fmt::format("invalid value \"{}\" for flag -{}: {}", opt, flag, err.message());
        }
    }
    return "";
}

void connect_consumer(client::consumer& c, const std::vector<std::string>& nsqd_tcp,
                      const std::vector<std::string>& lookupd_http) {
    if (!nsqd_tcp.empty()) {
        if (auto err = c.connect_to_nsqds(nsqd_tcp)) throw fatal_error(err.message());
    }
    if (!lookupd_http.empty()) {
        if (auto err = c.connect_to_nsqlookupds(lookupd_http)) throw fatal_error(err.message());
    }
}

}  // namespace nsqpp::tools
