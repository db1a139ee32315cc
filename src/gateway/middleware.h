#pragma once
// The onion: middlewares wrap each other in the configured order. A request passes every
// layer's on_request from the outside in, until one answers (exchange::reply) or the proxy
// does; the response head then passes on_response of the layers it went through, from the
// inside out; on_complete runs last (inside out) once the body is written.
// Adding a middleware is adding one file under middleware/ and one line in registry.cc.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/exchange.h"
#include "gateway/settings.h"

namespace nsqpp::gateway {

class gateway_metrics;

class middleware {
  public:
    virtual ~middleware() = default;
    virtual std::string_view name() const = 0;
    // May edit the request, or answer it by setting ex.reply.
    virtual void on_request(exchange& ex) {}
    // May edit the response head before it is written to the client.
    virtual void on_response(exchange& ex, response_head& res) {}
    // After the response (status, byte counts and duration known).
    virtual void on_complete(const exchange& ex) {}
};

using middleware_ptr = std::shared_ptr<middleware>;

// What a middleware factory may use besides its own settings.
struct middleware_env {
    gateway_metrics* metrics = nullptr;
};

// Creates the middleware `name` from its settings. Throws std::invalid_argument for an unknown
// name ("unknown middleware ...") or bad settings.
middleware_ptr make_middleware(const std::string& name, const settings& s,
                               const middleware_env& env);
std::vector<std::string> middleware_names();

// Runs the onion for one exchange. `on_request` returns how many layers were entered (all of
// them unless one answered); pass that count to the other two.
size_t run_on_request(const std::vector<middleware_ptr>& chain, exchange& ex);
void run_on_response(const std::vector<middleware_ptr>& chain, size_t entered, exchange& ex,
                     response_head& res);
void run_on_complete(const std::vector<middleware_ptr>& chain, size_t entered, const exchange& ex);

// Extension points (embedding code, tests): a request rewriter runs after routing and may
// change the pool, the upstream target, the headers, or answer; a response modifier may edit
// every upstream response head.
using request_rewriter = std::function<void(exchange&)>;
using response_modifier = std::function<void(exchange&, response_head&)>;

}  // namespace nsqpp::gateway
