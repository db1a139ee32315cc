#include "nsqd/auth.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "http/request.h"
#include "nsqd/lookupd_client.h"

namespace nsqpp::nsqd {
namespace json = boost::json;

namespace {

// A port "1".."65535" (decimal digits only).
std::optional<uint16_t> parse_port(std::string_view s) {
    unsigned v = 0;
    if (s.empty() || s.size() > 5) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
    return static_cast<uint16_t>(v);
}

// "host", "host:port", "[v6]" or "[v6]:port" into `ep` (default port kept when absent).
bool parse_authority(std::string_view a, auth_endpoint& ep, std::string& error) {
    std::string_view host = a;
    std::string_view port;
    if (!a.empty() && a.front() == '[') {
        size_t close = a.find(']');
        if (close == std::string_view::npos) {
            error = "missing ']' in host";
            return false;
        }
        host = a.substr(1, close - 1);
        std::string_view rest = a.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                error = "invalid character after host";
                return false;
            }
            port = rest.substr(1);
            if (port.empty()) port = "-";
        }
    } else if (size_t colon = a.rfind(':'); colon != std::string_view::npos) {
        host = a.substr(0, colon);
        port = a.substr(colon + 1);
        if (port.empty()) port = "-";
        if (host.find(':') != std::string_view::npos) {
            error = "too many colons in address";
            return false;
        }
    }
    if (!port.empty()) {
        auto p = parse_port(port);
        if (!p) {
            error = "invalid port";
            return false;
        }
        ep.port = *p;
    }
    // Go dials the local system for an empty host.
    ep.host = host.empty() ? "127.0.0.1" : std::string(host);
    return true;
}

bool parse_url(std::string_view address, auth_endpoint& ep, std::string& error) {
    size_t sep = address.find("://");
    std::string_view scheme = address.substr(0, sep);
    if (http::iequals(scheme, "http")) {
        ep.https = false;
        ep.port = 80;
    } else if (http::iequals(scheme, "https")) {
        ep.https = true;
        ep.port = 443;
    } else {
        error = "unsupported protocol scheme \"" + std::string(scheme) + "\"";
        return false;
    }
    std::string_view rest = address.substr(sep + 3);
    size_t path_at = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_at);
    if (authority.empty()) {
        error = "no host in URL";
        return false;
    }
    if (authority.find('@') != std::string_view::npos) {
        error = "user info in URL is not supported";
        return false;
    }
    if (!parse_authority(authority, ep, error)) return false;
    if (path_at != std::string_view::npos) {
        std::string_view path = rest.substr(path_at);
        path = path.substr(0, path.find('#'));
        ep.path = path;
    }
    if (ep.path.empty() || ep.path.front() != '/') ep.path.insert(0, "/");
    return true;
}

// Go's encoding/json: an exact key match wins, else the first case-insensitive one.
const json::value* field(const json::object& o, std::string_view key) {
    const json::value* found = nullptr;
    for (const auto& kv : o) {
        std::string_view k(kv.key().data(), kv.key().size());
        if (k == key) found = &kv.value();
    }
    if (found) return found;
    for (const auto& kv : o) {
        std::string_view k(kv.key().data(), kv.key().size());
        if (http::iequals(k, key)) found = &kv.value();
    }
    return found;
}

// A string field (null or absent leaves `out` unchanged); false on a wrong type.
bool read_string(const json::value* v, std::string& out) {
    if (!v || v->is_null()) return true;
    if (!v->is_string()) return false;
    out.assign(v->get_string().data(), v->get_string().size());
    return true;
}

bool read_string_list(const json::value* v, std::vector<std::string>& out) {
    if (!v || v->is_null()) return true;
    if (!v->is_array()) return false;
    for (const auto& e : v->get_array()) {
        std::string s;
        if (!read_string(&e, s)) return false;
        out.push_back(std::move(s));
    }
    return true;
}

bool read_ttl(const json::value* v, int64_t& out) {
    if (!v || v->is_null()) return true;
    if (v->is_int64()) {
        out = v->get_int64();
        return true;
    }
    return false;  // fractions, exponents and out-of-range numbers fail as in Go
}

std::optional<std::regex> compile(const std::string& pattern, std::string& error) {
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        error = e.what();
        return std::nullopt;
    }
}

bool search(const std::regex& re, std::string_view s) {
    try {
        return std::regex_search(s.begin(), s.end(), re);
    } catch (const std::regex_error&) {
        return false;  // complexity/stack limits: not a match
    }
}

// One entry of "authorizations": decoded, validated and compiled.
bool read_authorization(const json::value& v, auth_authorization& a, std::string& error) {
    if (v.is_null()) return true;  // Go: a null element is an empty entry
    if (!v.is_object()) {
        error = "authorization is not an object";
        return false;
    }
    const auto& o = v.get_object();
    if (!read_string(field(o, "topic"), a.topic) ||
        !read_string_list(field(o, "channels"), a.channels) ||
        !read_string_list(field(o, "permissions"), a.permissions)) {
        error = "failed to decode authorization";
        return false;
    }
    for (const auto& p : a.permissions) {
        if (p == "publish") {
            a.publish = true;
        } else if (p == "subscribe") {
            a.subscribe = true;
        } else {
            error = "unknown permission " + p;
            return false;
        }
    }
    std::string why;
    auto topic_re = compile(a.topic, why);
    if (!topic_re) {
        error = "unable to compile topic \"" + a.topic + "\" " + why;
        return false;
    }
    a.topic_re = std::move(*topic_re);
    for (const auto& c : a.channels) {
        auto re = compile(c, why);
        if (!re) {
            error = "unable to compile channel \"" + c + "\" " + why;
            return false;
        }
        a.channel_res.push_back(std::move(*re));
    }
    return true;
}

}  // namespace

std::optional<auth_endpoint> parse_auth_address(std::string_view address, std::string& error) {
    auth_endpoint ep;
    if (address.empty()) {
        error = "empty address";
        return std::nullopt;
    }
    if (address.find("://") != std::string_view::npos) {
        if (!parse_url(address, ep, error)) return std::nullopt;
        return ep;
    }
    if (address.find_first_of("/?# ") != std::string_view::npos) {
        error = "expected host:port or a URL";
        return std::nullopt;
    }
    if (!parse_authority(address, ep, error)) return std::nullopt;
    ep.path = "/auth";
    return ep;
}

std::string auth_query_string(std::string_view remote_ip, bool tls, std::string_view secret,
                              std::string_view common_name) {
    std::string q = "common_name=" + query_escape(common_name);
    q += "&remote_ip=" + query_escape(remote_ip);
    q += "&secret=" + query_escape(secret);
    q += tls ? "&tls=true" : "&tls=false";
    return q;
}

std::string remote_ip_of(std::string_view remote_address) {
    size_t colon = remote_address.rfind(':');
    if (colon == std::string_view::npos) return "";
    std::string_view host = remote_address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return std::string(host);
}

bool auth_state::is_allowed(std::string_view topic, std::string_view channel) const {
    const bool publish = channel.empty();
    for (const auto& a : authorizations) {
        if (publish ? !a.publish : !a.subscribe) continue;
        if (!search(a.topic_re, topic)) continue;
        for (const auto& re : a.channel_res) {
            if (search(re, channel)) return true;
        }
    }
    return false;
}

auth_parse_result parse_auth_response(std::string_view body, auth_clock::time_point now) {
    auth_parse_result r;
    boost::system::error_code ec;
    json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
    if (ec || !doc.is_object()) {
        r.error = ec ? "invalid JSON response: " + ec.message() : "response is not a JSON object";
        return r;
    }
    const auto& o = doc.get_object();
    auth_state s;
    if (!read_ttl(field(o, "ttl"), s.ttl) || !read_string(field(o, "identity"), s.identity) ||
        !read_string(field(o, "identity_url"), s.identity_url)) {
        r.error = "failed to decode JSON response";
        return r;
    }
    if (const json::value* list = field(o, "authorizations"); list && !list->is_null()) {
        if (!list->is_array()) {
            r.error = "failed to decode JSON response (authorizations)";
            return r;
        }
        for (const auto& e : list->get_array()) {
            auth_authorization a;
            if (!read_authorization(e, a, r.error)) return r;
            s.authorizations.push_back(std::move(a));
        }
    }
    if (s.ttl <= 0) {
        r.error = "invalid TTL " + std::to_string(s.ttl) + " (must be >0)";
        return r;
    }
    constexpr int64_t max_ttl = int64_t{100} * 365 * 24 * 3600;  // keeps time_point in range
    s.expires = now + std::chrono::seconds(std::min(s.ttl, max_ttl));
    r.state = std::move(s);
    return r;
}

std::string auth_reply_json(const auth_state& state) {
    return "{\"identity\":" + http::json_quote(state.identity) +
           ",\"identity_url\":" + http::json_quote(state.identity_url) +
           ",\"permission_count\":" + std::to_string(state.authorizations.size()) + "}";
}

std::optional<uint16_t> parse_https_port(std::string_view body) {
    boost::system::error_code ec;
    json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
    if (ec || !doc.is_object()) return std::nullopt;
    const json::value* v = field(doc.get_object(), "https_port");
    if (!v || !v->is_int64() || v->get_int64() <= 0 || v->get_int64() > 65535) return std::nullopt;
    return static_cast<uint16_t>(v->get_int64());
}

}  // namespace nsqpp::nsqd
