#pragma once
// Routes: (host, path prefix) → pool, with an optional prefix rewrite and header edits.
// The most specific route wins: a host match beats a route for any host, then the longest
// path prefix; ties go to the first configured.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace nsqpp::gateway {

class pool;

struct route {
    std::string host;                    // "" = any; "*.example.com" = any subdomain
    std::string path_prefix = "/";       // plain prefix of the raw path (as nginx's location)
    std::optional<std::string> rewrite;  // replaces the matched prefix in the upstream target
    std::string pool_name;
    bool pass_host = true;          // send the client's Host (false: the member's address)
    http::header_list set_headers;  // set on the upstream request
    std::vector<std::string> remove_headers;
    pool* target = nullptr;  // resolved from pool_name when the gateway is built
};

class route_table {
  public:
    void add(route r) { routes_.push_back(std::move(r)); }
    std::vector<route>& routes() { return routes_; }
    const std::vector<route>& routes() const { return routes_; }

    // `host` is the Host header (a ":port" suffix is ignored). nullptr when nothing matches.
    const route* match(std::string_view host, std::string_view path) const;

  private:
    std::vector<route> routes_;
};

bool host_matches(std::string_view pattern, std::string_view host);
// The upstream target for `target` (path + query) under `r`'s rewrite.
std::string rewrite_target(const route& r, std::string_view target);

}  // namespace nsqpp::gateway
