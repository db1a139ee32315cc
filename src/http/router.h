#pragma once
// Route table + middleware chain with Go httprouter semantics (nsqd spec §6.1):
// 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED + Allow, automatic OPTIONS, trailing-slash and
// letter-case redirects (301 GET / 307 others), panics (exceptions) → 500 INTERNAL_ERROR.
// No Beast: the router is a pure function from request to response.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace nsqpp::http {

using handler = std::function<response(request&)>;
// Onion middleware: may inspect/alter the request, call `next` (or not) and alter the result.
using middleware = std::function<response(request&, const handler& next)>;

struct route_options {
    size_t max_body = 0;          // 0 = the server's default limit
    std::string too_big_message;  // 413 {"message":...} when the body exceeds max_body
                                  // (empty → "BODY_TOO_BIG")
};

class router {
  public:
    // Registers `h` for `method` on `path`. Paths start with '/'; a segment ":name" matches
    // any one non-empty segment, available as request::param("name"); static segments win
    // over parameters. Throws std::invalid_argument on a malformed or duplicate route.
    void add(std::string method, std::string path, handler h, route_options opts = {});

    // Adds a middleware around every dispatched request (also 404/405/OPTIONS/redirects);
    // middlewares run in the order added, the first one outermost.
    void use(middleware m);

    // Options of the route matching exactly (method, path), or nullptr.
    const route_options* options_for(std::string_view method, std::string_view path) const;

    // Routes `req` through the middlewares to its handler (filling req.params).
    // Never throws: exceptions become 500 {"message":"INTERNAL_ERROR"}.
    response dispatch(request& req) const;

    // Runs the middlewares around a fixed result instead of routing, e.g. the server's 413
    // answer for an oversized body (so logging middlewares see it too). Never throws.
    response reject(request& req, response result) const;

  private:
    struct segment {
        std::string text;
        bool is_param = false;
    };
    struct route {
        std::string method;
        std::string path;
        std::vector<segment> segments;
        handler h;
        route_options opts;
    };

    // Best route for `method` whose segments match `path` (case-insensitively if `fold_case`);
    // nullptr when none.
    const route* match(std::string_view method, std::string_view path, bool fold_case) const;
    response route_request(request& req) const;
    response run_chain(request& req, const handler& terminal) const;
    std::string allowed(std::string_view path, std::string_view method) const;
    std::string canonical_path(const route& r, std::string_view path) const;
    bool has_method(std::string_view method) const;

    std::vector<route> routes_;
    std::vector<middleware> middlewares_;
};

}  // namespace nsqpp::http
