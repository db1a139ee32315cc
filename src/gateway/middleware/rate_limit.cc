// rate_limit: a token bucket per key (client address, API key or a header); an empty bucket
// answers 429 {"message":"RATE_LIMITED"} with Retry-After. Settings: rate (tokens per second,
// 10), burst (bucket size, = rate), key ("client" | "api_key" | "header:<name>"),
// max_keys (100000: full, idle buckets are dropped beyond it).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "gateway/middleware/factories.h"

namespace nsqpp::gateway::mw {
namespace {

using clock = std::chrono::steady_clock;

class rate_limit final : public middleware {
  public:
    rate_limit(double rate, double burst, std::string key, size_t max_keys)
        : rate_(rate), burst_(burst), key_(std::move(key)), max_keys_(max_keys) {
        if (!(rate_ > 0) || !(burst_ >= 1)) {
            throw std::invalid_argument("rate_limit: rate must be > 0 and burst >= 1");
        }
        if (key_ != "client" && key_ != "api_key" &&
            !(key_.rfind("header:", 0) == 0 && key_.size() > 7)) {
            throw std::invalid_argument("rate_limit: key must be client, api_key or header:<name>");
        }
    }
    std::string_view name() const override { return "rate_limit"; }

    void on_request(exchange& ex) override {
        double wait = take(key_of(ex), clock::now());
        if (wait <= 0) return;
        ex.reply = http::response::error(429, "RATE_LIMITED");
        ex.reply->set_header("Retry-After", std::to_string(static_cast<int64_t>(std::ceil(wait))));
    }

  private:
    struct bucket {
        double tokens;
        clock::time_point updated;
    };

    std::string key_of(const exchange& ex) const {
        if (key_ == "client") return ex.client_ip;
        if (key_ == "api_key") return ex.api_key.empty() ? ex.client_ip : ex.api_key;
        return ex.header(key_.substr(7)).value_or(ex.client_ip);
    }

    // Takes one token; returns 0, or the seconds until one is available.
    double take(const std::string& key, clock::time_point now) {
        std::lock_guard lock(mu_);
        auto it = buckets_.find(key);
        if (it == buckets_.end()) {
            if (buckets_.size() >= max_keys_) evict(now);
            it = buckets_.emplace(key, bucket{burst_, now}).first;
        }
        bucket& b = it->second;
        double elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
        b.updated = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return (1 - b.tokens) / rate_;
    }

    void evict(clock::time_point now) {
        for (auto it = buckets_.begin(); it != buckets_.end();) {
            double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
            if (it->second.tokens + elapsed * rate_ >= burst_) {
                it = buckets_.erase(it);
            } else {
                ++it;
            }
        }
    }

    const double rate_;
    const double burst_;
    const std::string key_;
    const size_t max_keys_;
    std::mutex mu_;
    std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace

middleware_ptr make_rate_limit(const settings& s, const middleware_env&) {
    double rate = s.get_double("rate", 10);
    return std::make_shared<rate_limit>(rate, s.get_double("burst", std::max(1.0, rate)),
                                        s.get_string("key", "client"),
                                        static_cast<size_t>(s.get_int("max_keys", 100000)));
}

}  // namespace nsqpp::gateway::mw
