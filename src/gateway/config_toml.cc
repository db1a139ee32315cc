// The structured parts of nsqgw's TOML file: pools, routes, middleware settings.
#include <toml++/toml.h>

#include <set>
#include <sstream>
#include <stdexcept>

#include "gateway/balancer.h"
#include "gateway/config.h"
#include "gateway/middleware.h"

namespace nsqpp::gateway {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

settings to_settings(const toml::table& t, const std::string& section,
                     const std::set<std::string>& allowed) {
    settings s(section);
    for (const auto& [k, node] : t) {
        std::string key(k.str());
        if (!allowed.empty() && !allowed.count(key)) fail("unknown key " + section + "." + key);
        if (auto v = node.value_exact<std::string>()) {
            s.set(key, *v);
        } else if (auto i = node.value_exact<int64_t>()) {
            s.set(key, *i);
        } else if (auto d = node.value_exact<double>()) {
            s.set(key, *d);
        } else if (auto b = node.value_exact<bool>()) {
            s.set(key, *b);
        } else if (const auto* arr = node.as_array(); arr && key != "members") {
            std::vector<std::string> items;
            for (const auto& item : *arr) {
                auto str = item.value_exact<std::string>();
                if (!str) fail("invalid value for " + section + "." + key + " - expected strings");
                items.push_back(*str);
            }
            s.set(key, items);
        } else if (!node.is_table() && !node.is_array()) {
            fail("invalid value for " + section + "." + key);
        }
    }
    return s;
}

const toml::table* sub_table(const toml::table& t, const char* key, const std::string& section) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(section + "." + key + " must be a table");
    return n->as_table();
}

std::vector<member_config> parse_members(const toml::table& t, const std::string& section) {
    std::vector<member_config> out;
    const toml::node* n = t.get("members");
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) fail(section + ".members must be an array");
    for (const auto& item : *arr) {
        if (auto s = item.value_exact<std::string>()) {
            out.push_back({*s, 1});
        } else if (const auto* mt = item.as_table()) {
            settings ms = to_settings(*mt, section + ".members", {"address", "weight"});
            member_config mc{ms.get_string("address", ""),
                             static_cast<int>(ms.get_int("weight", 1))};
            if (mc.address.empty()) fail(section + ".members: address missing");
            if (mc.weight < 1) fail(section + ".members: weight must be >= 1");
            out.push_back(mc);
        } else {
            fail(section + ".members: each member is \"host:port\" or {address, weight}");
        }
    }
    return out;
}

pool_config parse_pool(const std::string& name, const toml::table& t) {
    std::string section = "pools." + name;
    settings s =
        to_settings(t, section,
                    {"balancer", "hash_key", "virtual_nodes", "mode", "members", "connect_timeout",
                     "read_timeout", "idle_timeout", "max_idle", "max_fails", "fail_timeout",
                     "retries", "mirror_max_body", "health", "lookupd"});
    pool_config p;
    p.name = name;
    p.balancer = s.get_string("balancer", p.balancer);
    p.hash_key = s.get_string("hash_key", p.hash_key);
    p.virtual_nodes = static_cast<int>(s.get_int("virtual_nodes", p.virtual_nodes));
    std::string mode = s.get_string("mode", "proxy");
    if (mode != "proxy" && mode != "mirror")
        fail(section + ".mode must be \"proxy\" or \"mirror\"");
    p.mode = mode == "mirror" ? pool_mode::mirror : pool_mode::proxy;
    p.members = parse_members(t, section);
    p.limits.connect_timeout = s.get_duration("connect_timeout", p.limits.connect_timeout);
    p.limits.read_timeout = s.get_duration("read_timeout", p.limits.read_timeout);
    p.limits.idle_timeout = s.get_duration("idle_timeout", p.limits.idle_timeout);
    p.limits.max_idle_per_worker = static_cast<size_t>(s.get_int("max_idle", 64));
    p.max_fails = static_cast<int>(s.get_int("max_fails", p.max_fails));
    p.fail_timeout = s.get_duration("fail_timeout", p.fail_timeout);
    p.retries = static_cast<int>(s.get_int("retries", p.retries));
    p.mirror_max_body = static_cast<uint64_t>(
        s.get_int("mirror_max_body", static_cast<int64_t>(p.mirror_max_body)));
    if (const auto* h = sub_table(t, "health", section)) {
        settings hs = to_settings(*h, section + ".health", {"path", "interval", "timeout"});
        p.health.path = hs.get_string("path", "");
        p.health.interval = hs.get_duration("interval", p.health.interval);
        p.health.timeout = hs.get_duration("timeout", p.health.timeout);
    }
    if (const auto* l = sub_table(t, "lookupd", section)) {
        settings ls = to_settings(*l, section + ".lookupd", {"http_addresses", "interval"});
        p.lookupd.http_addresses = ls.get_strings("http_addresses", {});
        p.lookupd.interval = ls.get_duration("interval", p.lookupd.interval);
    }
    return p;
}

route parse_route(const toml::table& t, size_t index) {
    std::string section = "routes[" + std::to_string(index) + "]";
    settings s = to_settings(
        t, section,
        {"host", "path_prefix", "rewrite", "pool", "pass_host", "set_headers", "remove_headers"});
    route r;
    r.host = s.get_string("host", "");
    r.path_prefix = s.get_string("path_prefix", "/");
    if (r.path_prefix.empty() || r.path_prefix.front() != '/')
        fail(section + ".path_prefix must start with /");
    if (s.has("rewrite")) r.rewrite = s.get_string("rewrite", "");
    r.pool_name = s.get_string("pool", "");
    if (r.pool_name.empty()) fail(section + ".pool missing");
    r.pass_host = s.get_bool("pass_host", true);
    r.remove_headers = s.get_strings("remove_headers", {});
    if (const auto* h = sub_table(t, "set_headers", section)) {
        for (const auto& [k, v] : *h) {
            auto str = v.value_exact<std::string>();
            if (!str) fail(section + ".set_headers values must be strings");
            r.set_headers.emplace_back(std::string(k.str()), *str);
        }
    }
    return r;
}

}  // namespace

void apply_toml_tables(const std::string& text, const std::string& source, gateway_config& cfg) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << "toml: line " << e.source().begin.line << ": " << e.description();
        fail(msg.str());
    }
    if (const auto* pools = sub_table(root, "pools", "")) {
        for (const auto& [name, node] : *pools) {
            if (!node.is_table()) fail("pools." + std::string(name.str()) + " must be a table");
            cfg.pools.push_back(parse_pool(std::string(name.str()), *node.as_table()));
        }
    }
    if (const toml::node* routes = root.get("routes")) {
        const toml::array* arr = routes->as_array();
        if (!arr) fail("routes must be an array of tables ([[routes]])");
        for (size_t i = 0; i < arr->size(); ++i) {
            const toml::table* t = (*arr)[i].as_table();
            if (!t) fail("routes must be an array of tables ([[routes]])");
            cfg.routes.push_back(parse_route(*t, i));
        }
    }
    if (const auto* mws = sub_table(root, "middleware_settings", "")) {
        for (const auto& [name, node] : *mws) {
            std::string n(name.str());
            if (!node.is_table()) fail("middleware_settings." + n + " must be a table");
            cfg.middleware_settings[n] =
                to_settings(*node.as_table(), "middleware_settings." + n, {});
        }
    }
}

void validate(const gateway_config& cfg) {
    std::set<std::string> names;
    for (const auto& p : cfg.pools) {
        if (!names.insert(p.name).second) fail("pool " + p.name + " defined twice");
        if (!is_balancer_name(p.balancer)) make_balancer(p.balancer, {});
        if (auto err = check_hash_key(p.hash_key); !err.empty())
            fail("pool " + p.name + ": " + err);
        if (p.members.empty() && p.lookupd.http_addresses.empty()) {
            fail("pool " + p.name + " has no members and no lookupd");
        }
    }
    for (const auto& r : cfg.routes) {
        if (!names.count(r.pool_name))
            fail("route " + r.path_prefix + " names unknown pool " + r.pool_name);
    }
    if (cfg.pools.empty())
        fail("no upstream: give --upstream, --lookupd-http-address or [pools] in --config");
    auto known = middleware_names();
    for (const auto& m : cfg.middleware) {
        if (std::find(known.begin(), known.end(), m) == known.end()) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            fail("unknown middleware \"" + m + "\" (" + list + ")");
        }
    }
}

}  // namespace nsqpp::gateway
