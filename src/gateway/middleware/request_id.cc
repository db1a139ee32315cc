// request_id: gives every request an id (kept from the client when `trust_incoming`), sent
// upstream and back to the client in `header`. Settings: header ("X-Request-Id"),
// trust_incoming (true).
#include <fmt/format.h>

#include <random>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

std::string new_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:016x}{:016x}", rng(), rng());
}

bool acceptable(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        if (c <= ' ' || c > '~') return false;
    }
    return true;
}

class request_id final : public middleware {
  public:
    request_id(std::string header, bool trust) : header_(std::move(header)), trust_(trust) {}
    std::string_view name() const override { return "request_id"; }

    void on_request(exchange& ex) override {
        auto incoming = ex.header(header_);
        ex.request_id = trust_ && incoming && acceptable(*incoming) ? *incoming : new_id();
        ex.set_header(header_, ex.request_id);
    }
    void on_response(exchange& ex, response_head& res) override {
        res.set_header(header_, ex.request_id);
    }

  private:
    std::string header_;
    bool trust_;
};

}  // namespace

middleware_ptr make_request_id(const settings& s, const middleware_env&) {
    return std::make_shared<request_id>(s.get_string("header", "X-Request-Id"),
                                        s.get_bool("trust_incoming", true));
}

}  // namespace nsqpp::gateway::mw
