#pragma once
// nsqgw's configuration: Go-style flags for the common case (one pool, one catch-all route)
// plus a TOML file with listeners, pools, routes and middleware (docs/gateway.md).
#include <chrono>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/pool.h"
#include "gateway/route.h"
#include "gateway/settings.h"

namespace nsqpp::gateway {

struct gateway_config {
    std::string log_level = "info";
    std::string log_prefix = "[nsqgw] ";
    std::string http_address = "0.0.0.0:4180";     // proxy listener
    std::string admin_address = "127.0.0.1:4181";  // /metrics, /stats, /ping ("" = none)
    int64_t worker_threads = 0;                    // 0 = cores
    std::chrono::milliseconds client_idle_timeout{60000};
    std::vector<std::string> middleware = {"metrics"};  // onion order, outermost first
    std::map<std::string, settings> middleware_settings;
    std::vector<pool_config> pools;
    std::vector<route> routes;  // none: one catch-all route to the first pool
};

// Applies the tables of a TOML config — [pools.<name>] (+ .health, .lookupd), [[routes]],
// [middleware_settings.<name>] — to `cfg` (top-level keys are flags' and handled by the
// option table). Throws std::invalid_argument naming the bad key.
void apply_toml_tables(const std::string& text, const std::string& source, gateway_config& cfg);

// Checks cross references (route → pool, middleware names, balancers); throws
// std::invalid_argument.
void validate(const gateway_config& cfg);

// Parses argv (and --config) like NSQ's binaries; nullopt with *exit_code set on help,
// --version or error (messages written to `out` / `err`).
std::optional<gateway_config> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                                 std::ostream& out, std::ostream& err);
std::optional<gateway_config> parse_command_line(int argc, const char* const* argv, int* exit_code);

}  // namespace nsqpp::gateway
