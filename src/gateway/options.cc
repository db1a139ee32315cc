// nsqgw's command line: Go-style flags (src/config) for the common case; --config adds the
// TOML file's top-level keys (same names as the flags, with '_') and its tables.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/log.h"
#include "config/option_set.h"
#include "gateway/config.h"

namespace nsqpp::gateway {
namespace {

const char* const version_string = "nsqgw v0.1.0 (nsqpp)";

// The flat options the flags set; turned into a gateway_config after parsing.
struct flat_options {
    std::string config_path;
    bool show_version = false;
    std::vector<std::string> upstreams;
    std::vector<std::string> lookupds;
    std::string balancer = "round_robin";
    std::string hash_key = "client";
    std::string mode = "proxy";
    std::string health_path;
    config::nanoseconds health_interval = std::chrono::seconds(5);
    config::nanoseconds lookupd_interval = std::chrono::seconds(15);
    config::nanoseconds connect_timeout = std::chrono::seconds(2);
    config::nanoseconds read_timeout = std::chrono::seconds(30);
    config::nanoseconds fail_timeout = std::chrono::seconds(10);
    config::nanoseconds idle_timeout = std::chrono::seconds(60);
    int64_t retries = 2;
    int64_t max_fails = 3;
    std::vector<std::string> api_keys;
    int64_t rate_limit = 0;
    int64_t rate_burst = 0;
    int64_t max_body_size = 0;
    std::string access_log;
    std::vector<std::string> cors_origins;
};

std::chrono::milliseconds ms(config::nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

void register_options(config::option_set& set, gateway_config& c, flat_options& f) {
    set.add_string("config", "", "path to config file", &f.config_path);
    set.add_bool("version", "", "print version string", &f.show_version);
    set.add_string("log-level", "log_level",
                   "set log verbosity: debug, info, warn, error, or fatal", &c.log_level);
    set.add_string("log-prefix", "log_prefix", "log message prefix", &c.log_prefix);
    set.add_string("http-address", "http_address", "<addr>:<port> to listen on for HTTP clients",
                   &c.http_address);
    set.add_string("admin-address", "admin_address",
                   "<addr>:<port> of the admin listener (/metrics, /stats, /ping; \"\" = off)",
                   &c.admin_address);
    set.add_int("worker-threads", "worker_threads", "number of I/O worker threads (0 = cores)",
                &c.worker_threads);
    set.add_duration("idle-timeout", "idle_timeout", "close idle client connections after this",
                     &f.idle_timeout);
    set.add_string_list("middleware", "middleware",
                        "middleware in onion order, outermost first (repeatable or comma list)",
                        &c.middleware);
    set.add_string_list("upstream", "upstream",
                        "<addr>:<port>[=weight] of a member of the default pool (may be given "
                        "multiple times)",
                        &f.upstreams);
    set.add_string_list("lookupd-http-address", "lookupd_http_addresses",
                        "nsqlookupd HTTP address: the default pool's members are its nsqd nodes "
                        "(may be given multiple times)",
                        &f.lookupds);
    set.add_duration("lookupd-poll-interval", "lookupd_poll_interval",
                     "how often to refresh members from nsqlookupd", &f.lookupd_interval);
    set.add_string("balancer", "balancer",
                   "random, round_robin, weighted_round_robin, consistent_hash, least_connections",
                   &f.balancer);
    set.add_string("hash-key", "hash_key",
                   "consistent hash key: client, path, header:<name>, query:<arg>", &f.hash_key);
    set.add_string("mode", "mode", "proxy, or mirror (each request to two members)", &f.mode);
    set.add_string("health-path", "health_path", "active health check path (\"\" = off)",
                   &f.health_path);
    set.add_duration("health-interval", "health_interval", "active health check interval",
                     &f.health_interval);
    set.add_duration("connect-timeout", "connect_timeout", "upstream connect timeout",
                     &f.connect_timeout);
    set.add_duration("read-timeout", "read_timeout", "upstream response timeout", &f.read_timeout);
    set.add_int("retries", "retries", "failed connects retried on other members", &f.retries);
    set.add_int("max-fails", "max_fails", "consecutive failures that take a member out",
                &f.max_fails);
    set.add_duration("fail-timeout", "fail_timeout", "how long a failed member stays out",
                     &f.fail_timeout);
    set.add_string_list("api-key", "", "accepted API key (enables api_key; repeatable)",
                        &f.api_keys);
    set.add_int("rate-limit", "", "requests per second per client (enables rate_limit)",
                &f.rate_limit);
    set.add_int("rate-burst", "", "rate limit bucket size (default: rate)", &f.rate_burst);
    set.add_int("max-body-size", "", "largest request body in bytes (enables body_limit)",
                &f.max_body_size);
    set.add_string("access-log", "", "access log file (\"-\" = the log; enables access_log)",
                   &f.access_log);
    set.add_string_list("cors-origin", "", "allowed CORS origin (enables cors; repeatable)",
                        &f.cors_origins);
    set.set_validator("log-level", [](std::string& v) -> std::string {
        if (base::parse_log_level(v)) return "";
        return "invalid log level '" + v + "' (debug, info, warn, error, fatal)";
    });
}

void enable(gateway_config& c, const std::string& name) {
    if (std::find(c.middleware.begin(), c.middleware.end(), name) == c.middleware.end()) {
        c.middleware.push_back(name);
    }
}

// Flags → default pool (when the file defines none), middleware settings.
void apply_flat(gateway_config& c, const flat_options& f) {
    c.client_idle_timeout = ms(f.idle_timeout);
    // "--middleware=a,b" and "--middleware=" (none) as well as repeated flags.
    std::vector<std::string> chain;
    for (const auto& item : c.middleware) {
        std::stringstream ss(item);
        std::string name;
        while (std::getline(ss, name, ',')) {
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            if (!name.empty()) chain.push_back(name);
        }
    }
    c.middleware = std::move(chain);
    if (c.pools.empty() && (!f.upstreams.empty() || !f.lookupds.empty())) {
        pool_config p;
        p.name = "default";
        for (const auto& u : f.upstreams) {
            auto eq = u.find('=');
            int weight = 1;
            if (eq != std::string::npos) {
                try {
                    weight = std::stoi(u.substr(eq + 1));
                } catch (const std::exception&) {
                    throw std::invalid_argument("invalid weight in --upstream " + u);
                }
            }
            p.members.push_back({u.substr(0, eq), weight});
        }
        p.lookupd.http_addresses = f.lookupds;
        p.lookupd.interval = ms(f.lookupd_interval);
        p.balancer = f.balancer;
        p.hash_key = f.hash_key;
        if (f.mode != "proxy" && f.mode != "mirror") {
            throw std::invalid_argument("--mode must be proxy or mirror");
        }
        p.mode = f.mode == "mirror" ? pool_mode::mirror : pool_mode::proxy;
        p.health.path = f.health_path;
        p.health.interval = ms(f.health_interval);
        p.limits.connect_timeout = ms(f.connect_timeout);
        p.limits.read_timeout = ms(f.read_timeout);
        p.retries = static_cast<int>(f.retries);
        p.max_fails = static_cast<int>(f.max_fails);
        p.fail_timeout = ms(f.fail_timeout);
        c.pools.push_back(p);
    }
    if (!f.access_log.empty()) {
        if (f.access_log != "-") c.middleware_settings["access_log"].set("path", f.access_log);
        enable(c, "access_log");
    }
    if (!f.cors_origins.empty()) {
        c.middleware_settings["cors"].set("allow_origins", f.cors_origins);
        enable(c, "cors");
    }
    if (!f.api_keys.empty()) {
        c.middleware_settings["api_key"].set("keys", f.api_keys);
        enable(c, "api_key");
    }
    if (f.rate_limit > 0) {
        auto& s = c.middleware_settings["rate_limit"];
        s.set("rate", f.rate_limit);
        if (f.rate_burst > 0) s.set("burst", f.rate_burst);
        if (!f.api_keys.empty()) s.set("key", std::string("api_key"));
        enable(c, "rate_limit");
    }
    if (f.max_body_size > 0) {
        c.middleware_settings["body_limit"].set("max_bytes", f.max_body_size);
        enable(c, "body_limit");
    }
}

}  // namespace

std::optional<gateway_config> parse_command_line(int argc, const char* const* argv, int* exit_code,
                                                 std::ostream& out, std::ostream& err) {
    gateway_config c;
    flat_options f;
    config::option_set set("nsqgw");
    register_options(set, c, f);
    auto parsed = set.parse_args(argc, argv);
    if (parsed.result == config::option_set::parse_outcome::help) {
        err << set.usage();
        *exit_code = 0;
        return std::nullopt;
    }
    if (parsed.result == config::option_set::parse_outcome::error) {
        err << parsed.message << '\n';
        if (parsed.exit_code == 2) err << set.usage();
        *exit_code = parsed.exit_code;
        return std::nullopt;
    }
    if (f.show_version) {
        out << version_string << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
    try {
        if (!f.config_path.empty()) {
            std::string error = set.load_toml_file(f.config_path);
            if (!error.empty()) throw std::invalid_argument(error);
            std::ifstream in(f.config_path);
            std::stringstream text;
            text << in.rdbuf();
            apply_toml_tables(text.str(), f.config_path, c);
        }
        apply_flat(c, f);
        validate(c);
    } catch (const std::exception& e) {
        err << "[nsqgw] FATAL: " << (f.config_path.empty() ? "" : "config " + f.config_path + " - ")
            << e.what() << '\n';
        *exit_code = 1;
        return std::nullopt;
    }
    *exit_code = 0;
    return c;
}

std::optional<gateway_config> parse_command_line(int argc, const char* const* argv,
                                                 int* exit_code) {
    return parse_command_line(argc, argv, exit_code, std::cout, std::cerr);
}

}  // namespace nsqpp::gateway
