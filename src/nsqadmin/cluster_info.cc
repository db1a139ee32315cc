#include "nsqadmin/cluster_info.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <set>

namespace nsqpp::nsqadmin {
namespace json = boost::json;

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out;
}

// The partial failure rule (spec §4.2) for one collection step of `n` upstreams.
void settle(size_t n, const std::vector<std::string>& errors, const std::string& kind,
            warnings& w) {
    if (errors.size() == n) {
        throw upstream_error("failed to query any " + kind + ": " + join(errors, "\n"));
    }
    w.add_step(errors);
}

std::optional<json::object> parse_object(const upstream_result& r, std::string& error) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object()) {
        error = "failed to decode JSON - " + (ec ? ec.message() : std::string("not an object"));
        return std::nullopt;
    }
    return std::move(v.as_object());
}

std::string str(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

int64_t num(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->as_double());
    return 0;
}

const json::array* arr(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_array() ? &v->as_array() : nullptr;
}

node_info node_from_json(const json::object& o) {
    node_info n;
    n.remote_address = str(o, "remote_address");
    n.hostname = str(o, "hostname");
    n.broadcast_address = str(o, "broadcast_address");
    n.tcp_port = num(o, "tcp_port");
    n.http_port = num(o, "http_port");
    n.version = str(o, "version");
    return n;
}

// Semantic version as three numbers; unparsable → 0.0.0.
std::array<int64_t, 3> parse_version(const std::string& v) {
    std::array<int64_t, 3> out{0, 0, 0};
    size_t part = 0;
    std::string cur;
    for (size_t i = 0; i <= v.size() && part < 3; ++i) {
        char c = i < v.size() ? v[i] : '.';
        if (c == '.' || c == '-' || c == '+') {
            if (cur.empty()) return {0, 0, 0};
            out[part++] = std::stoll(cur);
            cur.clear();
            if (c != '.') break;
        } else if (c >= '0' && c <= '9' && cur.size() < 9) {
            cur += c;
        } else {
            return {0, 0, 0};
        }
    }
    return part == 3 ? out : std::array<int64_t, 3>{0, 0, 0};
}

std::string host_of(const std::string& address) {
    auto colon = address.rfind(':');
    std::string host = colon == std::string::npos ? address : address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    return host;
}

}  // namespace

void warnings::add_step(const std::vector<std::string>& errors) {
    if (!errors.empty()) steps_.push_back(join(errors, "\n"));
}

std::string warnings::message() const {
    return steps_.empty() ? "" : "WARNING: " + join(steps_, "; ");
}

std::string node_info::http_address() const {
    bool v6 = broadcast_address.find(':') != std::string::npos;
    return (v6 ? "[" + broadcast_address + "]" : broadcast_address) + ":" +
           std::to_string(http_port);
}

json::object node_info::to_json() const {
    json::object o;
    if (remote_addresses_null) {
        o["remote_addresses"] = nullptr;
    } else {
        json::array ra;
        for (const auto& a : remote_addresses) ra.emplace_back(a);
        o["remote_addresses"] = std::move(ra);
    }
    o["remote_address"] = remote_address;
    o["hostname"] = hostname;
    o["broadcast_address"] = broadcast_address;
    o["tcp_port"] = tcp_port;
    o["http_port"] = http_port;
    o["version"] = version;
    if (topics.empty()) {
        o["topics"] = nullptr;
    } else {
        json::array ts;
        for (const auto& [t, tomb] : topics)
            ts.push_back(json::object{{"topic", t}, {"tombstoned", tomb}});
        o["topics"] = std::move(ts);
    }
    o["out_of_date"] = out_of_date;
    return o;
}

std::string query_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

cluster_info::cluster_info(upstream& up, std::vector<std::string> lookupds,
                           std::vector<std::string> nsqds)
    : up_(up), lookupds_(std::move(lookupds)), nsqds_(std::move(nsqds)) {}

std::vector<upstream_result> cluster_info::get_all(const std::vector<std::string>& addresses,
                                                   const std::string& target) {
    std::vector<upstream_request> reqs;
    for (const auto& a : addresses) reqs.push_back({"GET", a, target, "", {}});
    return up_.fetch_all(reqs);
}

std::vector<std::string> cluster_info::topics(warnings& w) {
    std::set<std::string> all;
    std::vector<std::string> errors;
    if (lookupd_mode()) {
        auto results = get_all(lookupds_, "/topics");
        for (const auto& r : results) {
            std::string err = r.error;
            auto o = r.ok ? parse_object(r, err) : std::nullopt;
            if (!o) {
                errors.push_back(err);
                continue;
            }
            if (const auto* ts = arr(*o, "topics")) {
                for (const auto& t : *ts) {
                    if (t.is_string()) all.insert(std::string(t.as_string()));
                }
            }
        }
        settle(lookupds_.size(), errors, "nsqlookupd", w);
    } else {
        auto results = get_all(nsqds_, "/stats?format=json&include_clients=false");
        for (const auto& r : results) {
            std::string err = r.error;
            auto o = r.ok ? parse_object(r, err) : std::nullopt;
            if (!o) {
                errors.push_back(err);
                continue;
            }
            if (const auto* ts = arr(*o, "topics")) {
                for (const auto& t : *ts) {
                    if (t.is_object()) all.insert(str(t.as_object(), "topic_name"));
                }
            }
        }
        settle(nsqds_.size(), errors, "nsqd", w);
    }
    return {all.begin(), all.end()};
}

std::vector<std::string> cluster_info::channels_of(const std::string& topic) {
    std::set<std::string> all;
    for (const auto& r : get_all(lookupds_, "/channels?topic=" + query_escape(topic))) {
        std::string err;
        auto o = r.ok ? parse_object(r, err) : std::nullopt;
        if (!o) continue;
        if (const auto* cs = arr(*o, "channels")) {
            for (const auto& c : *cs) {
                if (c.is_string()) all.insert(std::string(c.as_string()));
            }
        }
    }
    return {all.begin(), all.end()};
}

std::map<std::string, std::vector<std::string>> cluster_info::inactive_topics(warnings& w) {
    std::map<std::string, std::vector<std::string>> out;
    if (!lookupd_mode()) return out;
    for (const auto& t : topics(w)) {
        warnings ignored;
        try {
            if (!producers(t, ignored).empty()) continue;
        } catch (const upstream_error&) {
            continue;  // per-topic lookup errors are ignored (spec §5.1)
        }
        out[t] = channels_of(t);
    }
    return out;
}

std::vector<node_info> cluster_info::nodes(warnings& w) {
    if (!lookupd_mode()) return nsqd_mode_nodes(w);
    std::vector<node_info> out;
    std::map<std::string, size_t> by_key;  // broadcast_address:tcp_port → index
    std::vector<std::string> errors;
    auto results = get_all(lookupds_, "/nodes");
    for (size_t i = 0; i < results.size(); ++i) {
        std::string err = results[i].error;
        auto o = results[i].ok ? parse_object(results[i], err) : std::nullopt;
        if (!o) {
            errors.push_back(err);
            continue;
        }
        const json::array* ps = arr(*o, "producers");
        for (size_t p = 0; ps && p < ps->size(); ++p) {
            if (!(*ps)[p].is_object()) continue;
            const json::object& po = (*ps)[p].as_object();
            node_info n = node_from_json(po);
            std::string key = n.broadcast_address + ":" + std::to_string(n.tcp_port);
            auto [it, inserted] = by_key.emplace(key, out.size());
            if (inserted) {
                const json::array* ts = arr(po, "topics");
                const json::array* tombs = arr(po, "tombstones");
                for (size_t t = 0; ts && t < ts->size(); ++t) {
                    if (!(*ts)[t].is_string()) continue;
                    bool tomb = tombs && t < tombs->size() && (*tombs)[t].is_bool() &&
                                (*tombs)[t].as_bool();
                    n.topics.emplace_back(std::string((*ts)[t].as_string()), tomb);
                }
                std::sort(n.topics.begin(), n.topics.end());
                out.push_back(std::move(n));
            }
            out[it->second].remote_addresses.push_back(lookupds_[i] + "/" +
                                                       str(po, "remote_address"));
        }
    }
    settle(lookupds_.size(), errors, "nsqlookupd", w);
    std::array<int64_t, 3> newest{0, 0, 0};
    for (const auto& n : out) newest = std::max(newest, parse_version(n.version));
    for (auto& n : out) n.out_of_date = parse_version(n.version) < newest;
    std::stable_sort(out.begin(), out.end(), [](const node_info& a, const node_info& b) {
        return a.hostname < b.hostname;
    });
    return out;
}

std::vector<node_info> cluster_info::nsqd_mode_nodes(warnings& w) {
    std::vector<upstream_request> reqs;
    for (const auto& a : nsqds_) {
        reqs.push_back({"GET", a, "/info", "", {}});
        reqs.push_back({"GET", a, "/stats?format=json&include_clients=false", "", {}});
    }
    auto results = up_.fetch_all(reqs);
    std::vector<node_info> out;
    std::vector<std::string> errors;
    for (size_t i = 0; i < nsqds_.size(); ++i) {
        std::string err = results[2 * i].ok ? results[2 * i + 1].error : results[2 * i].error;
        auto info = results[2 * i].ok ? parse_object(results[2 * i], err) : std::nullopt;
        auto stats =
            info && results[2 * i + 1].ok ? parse_object(results[2 * i + 1], err) : std::nullopt;
        if (!info || !stats) {
            errors.push_back(err);
            continue;
        }
        node_info n = node_from_json(*info);
        n.remote_addresses_null = true;
        n.remote_address = "";
        if (n.broadcast_address.empty()) n.broadcast_address = host_of(nsqds_[i]);
        if (const auto* ts = arr(*stats, "topics")) {
            for (const auto& t : *ts) {
                if (t.is_object()) n.topics.emplace_back(str(t.as_object(), "topic_name"), false);
            }
        }
        out.push_back(std::move(n));
    }
    settle(nsqds_.size(), errors, "nsqd", w);
    return out;
}

std::vector<node_info> cluster_info::producers(const std::string& topic, warnings& w) {
    std::vector<node_info> out;
    std::vector<std::string> errors;
    std::string escaped = query_escape(topic);
    if (lookupd_mode()) {
        std::set<std::string> seen;
        for (const auto& r : get_all(lookupds_, "/lookup?topic=" + escaped)) {
            std::string err = r.error;
            auto o = r.ok ? parse_object(r, err) : std::nullopt;
            if (!o) {
                errors.push_back(err);
                continue;
            }
            const json::array* ps = arr(*o, "producers");
            for (size_t p = 0; ps && p < ps->size(); ++p) {
                if (!(*ps)[p].is_object()) continue;
                node_info n = node_from_json((*ps)[p].as_object());
                if (seen.insert(n.http_address()).second) out.push_back(std::move(n));
            }
        }
        settle(lookupds_.size(), errors, "nsqlookupd", w);
        return out;
    }
    auto results = get_all(nsqds_, "/stats?format=json&include_clients=false&topic=" + escaped);
    for (size_t i = 0; i < results.size(); ++i) {
        std::string err = results[i].error;
        auto o = results[i].ok ? parse_object(results[i], err) : std::nullopt;
        if (!o) {
            errors.push_back(err);
            continue;
        }
        const json::array* ts = arr(*o, "topics");
        if (!ts || ts->empty()) continue;
        try {
            out.push_back(nsqd_info(nsqds_[i]));
        } catch (const upstream_error& e) {
            errors.push_back(e.what());
        }
    }
    settle(nsqds_.size(), errors, "nsqd", w);
    return out;
}

node_info cluster_info::nsqd_info(const std::string& address) {
    upstream_result r = up_.fetch({"GET", address, "/info", "", {}});
    std::string err = r.error;
    auto o = r.ok ? parse_object(r, err) : std::nullopt;
    if (!o) throw upstream_error(err);
    node_info n = node_from_json(*o);
    n.remote_addresses_null = true;
    if (n.broadcast_address.empty()) n.broadcast_address = host_of(address);
    if (n.hostname.empty()) n.hostname = host_of(address);
    if (n.http_port == 0) {
        auto colon = address.rfind(':');
        if (colon != std::string::npos) n.http_port = std::atoll(address.c_str() + colon + 1);
    }
    return n;
}

std::vector<node_stats> cluster_info::stats(const std::vector<node_info>& nodes,
                                            const std::string& topic, const std::string& channel,
                                            bool include_clients, warnings& w) {
    std::string target = "/stats?format=json";
    if (!topic.empty()) target += "&topic=" + query_escape(topic);
    if (!channel.empty()) target += "&channel=" + query_escape(channel);
    if (!include_clients) target += "&include_clients=false";
    std::vector<std::string> addresses;
    for (const auto& n : nodes) addresses.push_back(n.http_address());
    auto results = get_all(addresses, target);
    std::vector<node_stats> out;
    std::vector<std::string> errors;
    for (size_t i = 0; i < results.size(); ++i) {
        std::string err = results[i].error;
        auto o = results[i].ok ? parse_object(results[i], err) : std::nullopt;
        if (!o) {
            errors.push_back(err);
            continue;
        }
        out.push_back({nodes[i], std::move(*o)});
    }
    settle(nodes.size(), errors, "nsqd", w);
    return out;
}

void cluster_info::post_lookupds(const std::string& target, warnings& w) {
    std::vector<std::string> errors;
    size_t hard = 0;
    for (const auto& a : lookupds_) {
        upstream_result r = up_.fetch({"POST", a, target, "", {}});
        if (r.ok) continue;
        errors.push_back(r.error);
        if (r.status != 404) ++hard;
    }
    if (!lookupds_.empty() && hard == lookupds_.size()) throw upstream_error(join(errors, "\n"));
    w.add_step(errors);
}

void cluster_info::post_nodes(const std::vector<node_info>& nodes, const std::string& target,
                              warnings& w) {
    std::vector<std::string> errors;
    size_t hard = 0;
    for (const auto& n : nodes) {
        upstream_result r = up_.fetch({"POST", n.http_address(), target, "", {}});
        if (r.ok) continue;
        errors.push_back(r.error);
        if (r.status != 404) ++hard;
    }
    if (!nodes.empty() && hard == nodes.size()) throw upstream_error(join(errors, "\n"));
    w.add_step(errors);
}

}  // namespace nsqpp::nsqadmin
