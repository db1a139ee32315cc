// config: defaults, set-by-name and validation (shared/spec/client.md §2).
#include "nsqpp/config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "client/option_table.h"
#include "nsqpp/version.h"

namespace nsqpp::client {

config::config() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) == 0) hostname = buf;
    client_id = hostname.substr(0, hostname.find('.'));
    user_agent = std::string("nsqpp/") + version;
}

error config::set(std::string_view name, std::string_view value) {
    std::string key(name);
    for (char& c : key) {
        if (c == '-') c = '_';
    }
    const detail::option_entry* opt = detail::find_option(key);
    if (opt == nullptr) return error("invalid option " + std::string(name));
    config copy = *this;
    if (auto err = opt->set(copy, value)) return err;
    if (auto err = opt->check(copy)) return err;
    *this = std::move(copy);
    return {};
}

error config::set_flag(std::string_view opt) {
    auto comma = opt.find(',');
    if (comma == std::string_view::npos) return set(opt, "true");
    return set(opt.substr(0, comma), opt.substr(comma + 1));
}

error config::validate() const {
    for (const auto& opt : detail::option_table()) {
        if (auto err = opt.check(*this)) return err;
    }
    if (heartbeat_interval > read_timeout) {
        return error(fmt::format("HeartbeatInterval {} must be less than ReadTimeout {}",
                                 detail::format_duration(heartbeat_interval),
                                 detail::format_duration(read_timeout)));
    }
    if (deflate && snappy) return error("cannot use both deflate and snappy");
    return {};
}

std::vector<std::string> config::option_names() {
    std::vector<std::string> out;
    for (const auto& opt : detail::option_table()) out.emplace_back(opt.name);
    return out;
}

}  // namespace nsqpp::client
