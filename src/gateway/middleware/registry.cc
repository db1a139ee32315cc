// Middleware names → factories, and the onion runner.
#include <stdexcept>
#include <utility>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway {
namespace {

using factory = middleware_ptr (*)(const settings&, const middleware_env&);

const std::vector<std::pair<std::string, factory>>& table() {
    static const std::vector<std::pair<std::string, factory>> t = {
        {"access_log", mw::make_access_log},
        {"request_id", mw::make_request_id},
        {"api_key", mw::make_api_key_auth},
        {"rate_limit", mw::make_rate_limit},
        {"cors", mw::make_cors},
        {"body_limit", mw::make_body_limit},
        {"metrics", mw::make_metrics},
    };
    return t;
}

}  // namespace

middleware_ptr make_middleware(const std::string& name, const settings& s,
                               const middleware_env& env) {
    for (const auto& [n, f] : table()) {
        if (n == name) return f(s, env);
    }
    std::string names;
    for (const auto& n : middleware_names()) names += (names.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown middleware \"" + name + "\" (" + names + ")");
}

std::vector<std::string> middleware_names() {
    std::vector<std::string> out;
    for (const auto& [n, f] : table()) out.push_back(n);
    return out;
}

size_t run_on_request(const std::vector<middleware_ptr>& chain, exchange& ex) {
    for (size_t i = 0; i < chain.size(); ++i) {
        chain[i]->on_request(ex);
        if (ex.reply) return i + 1;
    }
    return chain.size();
}

void run_on_response(const std::vector<middleware_ptr>& chain, size_t entered, exchange& ex,
                     response_head& res) {
    for (size_t i = entered; i-- > 0;) chain[i]->on_response(ex, res);
}

void run_on_complete(const std::vector<middleware_ptr>& chain, size_t entered, const exchange& ex) {
    for (size_t i = entered; i-- > 0;) chain[i]->on_complete(ex);
}

}  // namespace nsqpp::gateway
