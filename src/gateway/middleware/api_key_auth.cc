// api_key: requests must carry one of `keys` in `header` (or the `query` argument when set);
// otherwise 401 {"message":"MISSING_API_KEY"|"INVALID_API_KEY"}. The key is removed before
// the request goes upstream. Settings: keys ([]), header ("X-Api-Key"), query ("").
#include <set>
#include <stdexcept>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

class api_key_auth final : public middleware {
  public:
    api_key_auth(std::vector<std::string> keys, std::string header, std::string query)
        : keys_(keys.begin(), keys.end()), header_(std::move(header)), query_(std::move(query)) {
        if (keys_.empty()) throw std::invalid_argument("api_key: no keys configured");
    }
    std::string_view name() const override { return "api_key"; }

    void on_request(exchange& ex) override {
        std::optional<std::string> key = ex.header(header_);
        if (!key && !query_.empty()) key = ex.query_value(query_);
        if (!key || key->empty()) {
            reject(ex, "MISSING_API_KEY");
            return;
        }
        if (!keys_.count(*key)) {
            reject(ex, "INVALID_API_KEY");
            return;
        }
        ex.api_key = *key;
        ex.remove_header(header_);
    }

  private:
    static void reject(exchange& ex, std::string_view why) {
        ex.reply = http::response::error(401, why);
        ex.reply->set_header("WWW-Authenticate", "ApiKey");
    }
    std::set<std::string> keys_;
    std::string header_;
    std::string query_;
};

}  // namespace

middleware_ptr make_api_key_auth(const settings& s, const middleware_env&) {
    return std::make_shared<api_key_auth>(
        s.get_strings("keys", {}), s.get_string("header", "X-Api-Key"), s.get_string("query", ""));
}

}  // namespace nsqpp::gateway::mw
