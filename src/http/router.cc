#include "http/router.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "base/log.h"
#include "http/url.h"

namespace nsqpp::http {
namespace {

// Splits "/a/b/" into {"a", "b", ""}; "/" into {""}. `path` starts with '/'.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    for (;;) {
        size_t slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

std::string toggle_trailing_slash(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') return std::string(path.substr(0, path.size() - 1));
    return std::string(path) + '/';
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Go's http.Redirect for an absolute path: Location keeps the query; GET gets a tiny HTML body.
response redirect(const request& req, std::string_view path, int code) {
    std::string location = escape_path(path);
    if (!req.raw_query.empty()) location += "?" + req.raw_query;
    response r;
    r.status = code;
    r.headers.emplace_back("Location", location);
    if (req.method == "GET" || req.method == "HEAD") {
        r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    }
    if (req.method == "GET") {
        std::string_view text = code == 301 ? "Moved Permanently" : "Temporary Redirect";
        r.body = "<a href=\"" + html_escape(location) + "\">" + std::string(text) + "</a>.\n\n";
    }
    return r;
}

response internal_error(std::string_view where, std::string_view what) {
    base::get_logger("http")->error("panic in HTTP {} - {}", where, what);
    return response::error(500, "INTERNAL_ERROR");
}

template <typename F>
response guarded(std::string_view where, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        return internal_error(where, e.what());
    } catch (...) {
        return internal_error(where, "unknown exception");
    }
}

}  // namespace

void router::add(std::string method, std::string path, handler h, route_options opts) {
    if (method.empty() || path.empty() || path.front() != '/' || !h) {
        throw std::invalid_argument("http::router: bad route " + method + " " + path);
    }
    route r{std::move(method), std::move(path), {}, std::move(h), std::move(opts)};
    for (std::string_view seg : split_path(r.path)) {
        bool is_param = seg.size() > 1 && seg.front() == ':';
        if (seg == ":" || (!is_param && seg.find(':') != std::string_view::npos)) {
            throw std::invalid_argument("http::router: bad route path " + r.path);
        }
        r.segments.push_back({std::string(is_param ? seg.substr(1) : seg), is_param});
    }
    for (const route& other : routes_) {
        bool same =
            other.method == r.method && other.segments.size() == r.segments.size() &&
            std::equal(other.segments.begin(), other.segments.end(), r.segments.begin(),
                       [](const segment& a, const segment& b) {
                           return a.is_param == b.is_param && (a.is_param || a.text == b.text);
                       });
        if (same)
            throw std::invalid_argument("http::router: duplicate route " + r.method + " " + r.path);
    }
    routes_.push_back(std::move(r));
}

void router::use(middleware m) { middlewares_.push_back(std::move(m)); }

const router::route* router::match(std::string_view method, std::string_view path,
                                   bool fold_case) const {
    auto parts = split_path(path);
    const route* best = nullptr;
    for (const route& r : routes_) {
        if (r.method != method || r.segments.size() != parts.size() || parts.empty()) continue;
        bool ok = true;
        for (size_t i = 0; ok && i < parts.size(); ++i) {
            const segment& s = r.segments[i];
            if (s.is_param) {
                ok = !parts[i].empty();
            } else {
                ok = fold_case ? iequals(s.text, parts[i]) : s.text == parts[i];
            }
        }
        if (!ok) continue;
        // Prefer the route whose first parameter comes latest (static segments win).
        auto first_param = [](const route& x) {
            auto it = std::find_if(x.segments.begin(), x.segments.end(),
                                   [](const segment& s) { return s.is_param; });
            return it - x.segments.begin();
        };
        if (!best || first_param(r) > first_param(*best)) best = &r;
    }
    return best;
}

std::string router::canonical_path(const route& r, std::string_view path) const {
    auto parts = split_path(path);
    std::string out;
    for (size_t i = 0; i < r.segments.size(); ++i) {
        out += '/';
        out += r.segments[i].is_param ? std::string(parts[i]) : r.segments[i].text;
    }
    return out;
}

bool router::has_method(std::string_view method) const {
    return std::any_of(routes_.begin(), routes_.end(),
                       [&](const route& r) { return r.method == method; });
}

std::string router::allowed(std::string_view path, std::string_view method) const {
    std::vector<std::string> methods;
    for (const route& r : routes_) {
        if (r.method == method || r.method == "OPTIONS") continue;
        if (std::find(methods.begin(), methods.end(), r.method) != methods.end()) continue;
        if (match(r.method, path, false)) methods.push_back(r.method);
    }
    if (methods.empty()) return {};
    methods.push_back("OPTIONS");
    std::sort(methods.begin(), methods.end());
    std::string out;
    for (const auto& m : methods) {
        if (!out.empty()) out += ", ";
        out += m;
    }
    return out;
}

const route_options* router::options_for(std::string_view method, std::string_view path) const {
    const route* r = match(method, path, false);
    return r ? &r->opts : nullptr;
}

response router::route_request(request& req) const {
    if (const route* r = match(req.method, req.path, false)) {
        auto parts = split_path(req.path);
        req.params.clear();
        for (size_t i = 0; i < r->segments.size(); ++i) {
            if (r->segments[i].is_param) req.params.emplace_back(r->segments[i].text, parts[i]);
        }
        return guarded("handler", [&] { return r->h(req); });
    }
    if (req.method != "CONNECT" && req.path != "/" && has_method(req.method)) {
        int code = req.method == "GET" ? 301 : 307;
        std::string toggled = toggle_trailing_slash(req.path);
        if (match(req.method, toggled, false)) return redirect(req, toggled, code);
        std::string cleaned = clean_path(req.path);
        if (const route* r = match(req.method, cleaned, true)) {
            return redirect(req, canonical_path(*r, cleaned), code);
        }
        if (cleaned != "/") {
            std::string cleaned_toggled = toggle_trailing_slash(cleaned);
            if (const route* r = match(req.method, cleaned_toggled, true)) {
                return redirect(req, canonical_path(*r, cleaned_toggled), code);
            }
        }
    }
    if (req.method == "OPTIONS") {
        std::string allow = allowed(req.path, req.method);
        if (!allow.empty()) {
            response r;
            r.headers.emplace_back("Allow", std::move(allow));
            return r;
        }
    } else if (std::string allow = allowed(req.path, req.method); !allow.empty()) {
        response r = response::error(405, "METHOD_NOT_ALLOWED");
        r.headers.emplace_back("Allow", std::move(allow));
        return r;
    }
    return response::error(404, "NOT_FOUND");
}

response router::run_chain(request& req, const handler& terminal) const {
    const size_t n = middlewares_.size();
    if (n == 0) return guarded("handler", [&] { return terminal(req); });
    // next[i] runs middleware i around next[i + 1]; next[n] is the terminal. Each callable is
    // two pointers, small enough for std::function's inline storage.
    std::vector<handler> next(n + 1);
    next[n] = std::cref(terminal);
    for (size_t i = n; i-- > 0;) {
        next[i] = [m = &middlewares_[i], nx = &next[i + 1]](request& r) { return (*m)(r, *nx); };
    }
    return guarded("middleware", [&] { return next[0](req); });
}

response router::dispatch(request& req) const {
    handler terminal = [this](request& r) { return route_request(r); };
    return run_chain(req, terminal);
}

response router::reject(request& req, response result) const {
    handler terminal = [&result](request&) { return result; };
    return run_chain(req, terminal);
}

}  // namespace nsqpp::http
