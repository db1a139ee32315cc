#pragma once
// Client-library plumbing shared by the consuming/publishing tools: --consumer-opt /
// --producer-opt values, and connecting a consumer to nsqd or nsqlookupd.
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/config.h"
#include "nsqpp/consumer.h"

namespace nsqpp::tools {

// Applies each "name,value" / "name" of `opts` with config::set_flag. Returns "" or the error
// as Go's flag package prints it: `invalid value "<opt>" for flag -<flag>: <reason>`.
std::string apply_client_opts(client::config& cfg, const std::vector<std::string>& opts,
                              std::string_view flag);

// Connects to every nsqd TCP address, or else every lookupd HTTP address. Throws fatal_error
// with the library's error text.
void connect_consumer(client::consumer& c, const std::vector<std::string>& nsqd_tcp,
                      const std::vector<std::string>& lookupd_http);

}  // namespace nsqpp::tools
