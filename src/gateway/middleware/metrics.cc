// metrics: counts every finished request (pool, status code, latency, bytes) for the admin
// listener's Prometheus /metrics. No settings.
#include "gateway/metrics.h"

#include <stdexcept>

#include "gateway/middleware/factories.h"
#include "gateway/pool.h"

namespace nsqpp::gateway::mw {
namespace {

class metrics final : public middleware {
  public:
    explicit metrics(gateway_metrics* m) : metrics_(m) {}
    std::string_view name() const override { return "metrics"; }

    void on_complete(const exchange& ex) override {
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - ex.start).count();
        static const std::string none;
        metrics_->observe(ex.target_pool ? ex.target_pool->name() : none, ex.status, seconds,
                          ex.bytes_out);
    }

  private:
    gateway_metrics* metrics_;
};

}  // namespace

middleware_ptr make_metrics(const settings&, const middleware_env& env) {
    if (!env.metrics) throw std::invalid_argument("metrics: no metrics registry");
    return std::make_shared<metrics>(env.metrics);
}

}  // namespace nsqpp::gateway::mw
