#include "client/lookup.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>

#include "client/connection.h"

namespace nsqpp::client::detail {

std::string query_escape(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

error parse_lookupd_address(std::string_view address, std::string_view topic,
                            lookupd_endpoint& out) {
    std::string_view rest = address;
    out = {};
    if (auto p = rest.find("://"); p != std::string_view::npos) {
        std::string_view scheme = rest.substr(0, p);
        if (scheme == "https") {
            out.tls = true;
            out.port = 443;
        } else if (scheme != "http") {
            return error(fmt::format("invalid nsqlookupd address {}", address));
        }
        rest.remove_prefix(p + 3);
    } else if (address.find('/') == std::string_view::npos &&
               address.find(':') == std::string_view::npos) {
        return error("missing port");
    }
    std::string_view hostport = rest.substr(0, rest.find_first_of("/?"));
    std::string_view path_query = rest.substr(hostport.size());
    std::string host, port;
    if (split_host_port(hostport, host, port)) {
        int p = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || p > 65535) {
                return error(fmt::format("invalid nsqlookupd address {}", address));
            }
            p = p * 10 + (c - '0');
        }
        if (p == 0 || p > 65535)
            return error(fmt::format("invalid nsqlookupd address {}", address));
        out.port = static_cast<uint16_t>(p);
        out.host = host;
    } else if (address.find("://") != std::string_view::npos && !hostport.empty() &&
               hostport.find(':') == std::string_view::npos) {
        out.host = std::string(hostport);  // URL without a port: scheme default
    } else {
        return error("missing port");
    }
    if (out.host.empty()) return error(fmt::format("invalid nsqlookupd address {}", address));
    std::string_view path = path_query.substr(0, path_query.find('?'));
    std::string_view query;
    if (auto q = path_query.find('?'); q != std::string_view::npos)
        query = path_query.substr(q + 1);
    std::string target = (path.empty() || path == "/") ? "/lookup" : std::string(path);
    target += "?";
    if (!query.empty()) {
        target += query;
        target += "&";
    }
    target += "topic=" + query_escape(topic);
    out.target = target;
    std::string shown_host =
        out.host.find(':') != std::string::npos ? "[" + out.host + "]" : out.host;
    out.url = fmt::format("{}://{}:{}{}", out.tls ? "https" : "http", shown_host, out.port, target);
    return {};
}

error parse_lookup_response(int status, bool v1, std::string_view body,
                            std::vector<std::string>& addresses) {
    if (status != 200) {
        return error(fmt::format("got response {} {}", status,
                                 body.substr(0, std::min<size_t>(body.size(), 200))));
    }
    if (body.empty()) return {};
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return error("invalid JSON in lookup response");
    const boost::json::object* data = &v.as_object();
    if (!v1) {
        // Legacy envelope {"status_code":200,"status_txt":"OK","data":{...}}; accept a bare
        // body from servers that omit the header.
        if (auto* d = data->if_contains("data"); d != nullptr && d->is_object()) {
            data = &d->as_object();
        }
    }
    auto* producers = data->if_contains("producers");
    if (producers == nullptr || !producers->is_array()) return {};
    for (const auto& p : producers->as_array()) {
        if (!p.is_object()) continue;
        const auto& o = p.as_object();
        std::string host;
        if (auto* b = o.if_contains("broadcast_address"); b != nullptr && b->is_string()) {
            host = std::string(b->as_string());
        } else if (auto* h = o.if_contains("hostname"); h != nullptr && h->is_string()) {
            host = std::string(h->as_string());
        }
        auto* port = o.if_contains("tcp_port");
        if (host.empty() || port == nullptr) continue;
        int64_t tcp_port = 0;
        if (port->is_int64()) {
            tcp_port = port->as_int64();
        } else if (port->is_uint64()) {
            tcp_port = static_cast<int64_t>(port->as_uint64());
        }
        if (tcp_port <= 0 || tcp_port > 65535) continue;
        if (host.find(':') != std::string::npos) host = "[" + host + "]";
        addresses.push_back(fmt::format("{}:{}", host, tcp_port));
    }
    return {};
}

}  // namespace nsqpp::client::detail
