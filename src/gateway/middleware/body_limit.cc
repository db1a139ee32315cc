// body_limit: request bodies over max_bytes get 413 {"message":"BODY_TOO_BIG"}: at once when
// Content-Length says so, or when a chunked body grows past it (the proxy enforces
// exchange::max_body while streaming). Settings: max_bytes (1 MiB).
#include <stdexcept>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

class body_limit final : public middleware {
  public:
    explicit body_limit(int64_t max) : max_(static_cast<uint64_t>(max)) {
        if (max <= 0) throw std::invalid_argument("body_limit: max_bytes must be > 0");
    }
    std::string_view name() const override { return "body_limit"; }

    void on_request(exchange& ex) override {
        if (ex.content_length && *ex.content_length > max_) {
            ex.reply = http::response::error(413, "BODY_TOO_BIG");
            return;
        }
        if (ex.max_body == 0 || ex.max_body > max_) ex.max_body = max_;
    }

  private:
    uint64_t max_;
};

}  // namespace

middleware_ptr make_body_limit(const settings& s, const middleware_env&) {
    return std::make_shared<body_limit>(s.get_int("max_bytes", 1 << 20));
}

}  // namespace nsqpp::gateway::mw
