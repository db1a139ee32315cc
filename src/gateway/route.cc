#include "gateway/route.h"

namespace nsqpp::gateway {

bool host_matches(std::string_view pattern, std::string_view host) {
    if (pattern.empty()) return true;
    if (host.size() > 0 && host.front() != '[') {
        if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
            host = host.substr(0, colon);
        }
    }
    if (pattern.size() > 2 && pattern.substr(0, 2) == "*.") {
        std::string_view suffix = pattern.substr(1);  // ".example.com"
        return host.size() > suffix.size() &&
               http::iequals(host.substr(host.size() - suffix.size()), suffix);
    }
    return http::iequals(pattern, host);
}

const route* route_table::match(std::string_view host, std::string_view path) const {
    const route* best = nullptr;
    for (const auto& r : routes_) {
        if (path.substr(0, r.path_prefix.size()) != r.path_prefix) continue;
        if (!host_matches(r.host, host)) continue;
        if (!best) {
            best = &r;
            continue;
        }
        bool host_better = !r.host.empty() && best->host.empty();
        bool host_same = r.host.empty() == best->host.empty();
        if (host_better || (host_same && r.path_prefix.size() > best->path_prefix.size())) {
            best = &r;
        }
    }
    return best;
}

std::string rewrite_target(const route& r, std::string_view target) {
    if (!r.rewrite) return std::string(target);
    std::string out = *r.rewrite;
    out.append(target.substr(std::min(r.path_prefix.size(), target.size())));
    if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
    return out;
}

}  // namespace nsqpp::gateway
