#include "tools/cluster_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <stdexcept>

#include "http/client.h"
#include "net/worker_pool.h"

namespace nsqpp::tools {
namespace {

struct endpoint {
    std::string host;
    uint16_t port = 0;
    std::string base_path;  // path prefix of a URL form, without trailing '/'
};

endpoint parse_address(std::string_view address) {
    std::string_view rest = address;
    if (rest.substr(0, 7) == "http://") rest.remove_prefix(7);
    endpoint ep;
    auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
        ep.base_path = std::string(rest.substr(slash));
        while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
        rest = rest.substr(0, slash);
    }
    try {
        auto [host, port] = net::split_host_port(std::string(rest));
        ep.host = host;
        ep.port = port;
    } catch (const std::exception& e) {
        throw std::runtime_error(e.what());
    }
    return ep;
}

boost::json::object parse_object(const std::string& body, std::string_view what) {
    boost::json::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) throw std::runtime_error(fmt::format("invalid {} response", what));
    auto& o = v.as_object();
    // NSQ < 1.0 wrapped bodies in {"status_code":200,"data":{...}}.
    if (auto* data = o.if_contains("data"); data != nullptr && data->is_object()) {
        return data->as_object();
    }
    return o;
}

std::string join_host_port(std::string_view host, int64_t port) {
    if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

}  // namespace

std::string query_escape(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string http_get(std::string_view address, std::string_view target,
                     const http_timeouts& timeouts) {
    endpoint ep = parse_address(address);
    http::fetch_request req;
    req.host = ep.host;
    req.port = ep.port;
    req.target = ep.base_path + std::string(target);
    req.headers = {{"Accept", "application/vnd.nsq; version=1.0"}};
    req.timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(timeouts.connect + timeouts.request);
    std::string url = fmt::format("http://{}{}", join_host_port(ep.host, ep.port), req.target);
    http::client_response res;
    try {
        res = http::fetch(req);
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("Get \"{}\": {}", url, e.what()));
    }
    if (res.status != 200) {
        throw std::runtime_error(
            fmt::format("got response {} calling GET {} - {}", res.status, url, res.body));
    }
    return res.body;
}

std::vector<std::string> lookupd_topic_producers(const std::vector<std::string>& lookupds,
                                                 std::string_view topic,
                                                 const http_timeouts& timeouts) {
    std::set<std::string> out;
    for (const auto& lookupd : lookupds) {
        auto body = http_get(lookupd, "/lookup?topic=" + query_escape(topic), timeouts);
        auto o = parse_object(body, "/lookup");
        auto* producers = o.if_contains("producers");
        if (producers == nullptr || !producers->is_array()) continue;
        for (const auto& p : producers->as_array()) {
            if (!p.is_object()) continue;
            const auto& po = p.as_object();
            auto* addr = po.if_contains("broadcast_address");
            auto* port = po.if_contains("http_port");
            if (addr == nullptr || !addr->is_string() || port == nullptr || !port->is_number()) {
                continue;
            }
            out.insert(join_host_port(addr->as_string(), port->to_number<int64_t>()));
        }
    }
    return {out.begin(), out.end()};
}

std::vector<std::string> nsqd_topic_producers(const std::vector<std::string>& nsqds,
                                              std::string_view topic,
                                              const http_timeouts& timeouts) {
    std::vector<std::string> out;
    for (const auto& nsqd : nsqds) {
        auto body = http_get(
            nsqd,
            fmt::format("/stats?format=json&topic={}&include_clients=false", query_escape(topic)),
            timeouts);
        auto o = parse_object(body, "/stats");
        auto* topics = o.if_contains("topics");
        if (topics == nullptr || !topics->is_array()) continue;
        for (const auto& t : topics->as_array()) {
            auto* name = t.is_object() ? t.as_object().if_contains("topic_name") : nullptr;
            if (name != nullptr && name->is_string() && name->as_string() == topic) {
                out.push_back(nsqd);
                break;
            }
        }
    }
    return out;
}

std::optional<channel_counters> nsqd_channel_stats(const std::vector<std::string>& producers,
                                                   std::string_view topic, std::string_view channel,
                                                   const http_timeouts& timeouts) {
    std::optional<channel_counters> sum;
    for (const auto& nsqd : producers) {
        auto body =
            http_get(nsqd,
                     fmt::format("/stats?format=json&topic={}&channel={}&include_clients=false",
                                 query_escape(topic), query_escape(channel)),
                     timeouts);
        auto c = find_channel(body, topic, channel);
        if (!c) continue;
        if (!sum) sum.emplace();
        *sum += *c;
    }
    return sum;
}

std::vector<std::string> lookupd_topics(const std::vector<std::string>& lookupds,
                                        const http_timeouts& timeouts) {
    std::set<std::string> out;
    for (const auto& lookupd : lookupds) {
        auto o = parse_object(http_get(lookupd, "/topics", timeouts), "/topics");
        auto* topics = o.if_contains("topics");
        if (topics == nullptr || !topics->is_array()) continue;
        for (const auto& t : topics->as_array()) {
            if (t.is_string()) out.insert(std::string(t.as_string()));
        }
    }
    return {out.begin(), out.end()};
}

}  // namespace nsqpp::tools
