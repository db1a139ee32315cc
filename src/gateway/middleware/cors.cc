// cors: answers preflights (OPTIONS + Origin + Access-Control-Request-Method) with 204 and adds
// Access-Control-Allow-Origin to responses for allowed origins. Settings: allow_origins (["*"]),
// allow_methods (GET, POST, PUT, DELETE, OPTIONS), allow_headers (Content-Type, Authorization,
// X-Api-Key, X-Request-Id), expose_headers ([]), allow_credentials (false), max_age (600 s).
#include <algorithm>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

class cors final : public middleware {
  public:
    explicit cors(const settings& s)
        : origins_(s.get_strings("allow_origins", {"*"})),
          methods_(
              join(s.get_strings("allow_methods", {"GET", "POST", "PUT", "DELETE", "OPTIONS"}))),
          headers_(join(s.get_strings(
              "allow_headers", {"Content-Type", "Authorization", "X-Api-Key", "X-Request-Id"}))),
          expose_(join(s.get_strings("expose_headers", {}))),
          credentials_(s.get_bool("allow_credentials", false)),
          max_age_(
              std::to_string(s.get_duration("max_age", std::chrono::seconds(600)).count() / 1000)) {
    }
    std::string_view name() const override { return "cors"; }

    void on_request(exchange& ex) override {
        auto origin = ex.header("Origin");
        if (ex.method != "OPTIONS" || !origin || !ex.header("Access-Control-Request-Method")) {
            return;
        }
        http::response r;
        r.status = 204;
        if (auto allowed = allow(*origin)) {
            r.headers = {{"Access-Control-Allow-Origin", *allowed},
                         {"Access-Control-Allow-Methods", methods_},
                         {"Access-Control-Allow-Headers", headers_},
                         {"Access-Control-Max-Age", max_age_},
                         {"Vary", "Origin"}};
            if (credentials_) r.headers.emplace_back("Access-Control-Allow-Credentials", "true");
        } else {
            r.status = 403;
            r = http::response::error(403, "CORS_ORIGIN_NOT_ALLOWED");
        }
        ex.reply = std::move(r);
    }

    void on_response(exchange& ex, response_head& res) override {
        auto origin = ex.header("Origin");
        if (!origin) return;
        auto allowed = allow(*origin);
        if (!allowed) return;
        res.set_header("Access-Control-Allow-Origin", *allowed);
        if (*allowed != "*") res.set_header("Vary", "Origin");
        if (credentials_) res.set_header("Access-Control-Allow-Credentials", "true");
        if (!expose_.empty()) res.set_header("Access-Control-Expose-Headers", expose_);
    }

  private:
    // The Access-Control-Allow-Origin value for `origin`, nullopt when not allowed.
    std::optional<std::string> allow(const std::string& origin) const {
        for (const auto& o : origins_) {
            if (o == "*") return credentials_ ? origin : "*";
            if (o == origin) return origin;
        }
        return std::nullopt;
    }

    std::vector<std::string> origins_;
    std::string methods_, headers_, expose_;
    bool credentials_;
    std::string max_age_;
};

}  // namespace

middleware_ptr make_cors(const settings& s, const middleware_env&) {
    return std::make_shared<cors>(s);
}

}  // namespace nsqpp::gateway::mw
