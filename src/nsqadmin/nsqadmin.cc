#include "nsqadmin/nsqadmin.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "base/log.h"
#include "http/router.h"
#include "http/server.h"
#include "net/worker_pool.h"
#include "nsqadmin/context.h"
#include "nsqadmin/http_api.h"

namespace nsqpp::nsqadmin {

namespace {
constexpr size_t http_body_limit = 1 << 20;

size_t worker_count(int64_t configured) {
    size_t n = configured > 0 ? static_cast<size_t>(configured)
                              : std::max(1u, std::thread::hardware_concurrency());
    return std::max<size_t>(2, n);  // handlers wait for upstreams: keep one worker free
}

options checked(options opts) {
    std::string error = validate_options(opts);
    if (!error.empty()) throw std::runtime_error(error);
    opts.base_path = normalize_base_path(opts.base_path);
    return opts;
}
}  // namespace

class nsqadmin_impl {
  public:
    explicit nsqadmin_impl(options opts)
        : ctx_(checked(std::move(opts)), base::get_logger("nsqadmin")),
          pool_(worker_count(ctx_.opts.worker_threads)) {}

    void start() {
        ctx_.log->info("nsqadmin v1.3.0 (built w/nsqpp)");
        register_http_api(router_, ctx_);
        http_ = std::make_unique<http::server>(pool_.executors(), router_, http_body_limit);
        try {
            auto [host, port] = net::split_host_port(ctx_.opts.http_address);
            port_ = http_->listen(host, port);
        } catch (const std::exception& e) {
            throw std::runtime_error("listen (" + ctx_.opts.http_address + ") failed - " +
                                     e.what());
        }
        auto [host, unused] = net::split_host_port(ctx_.opts.http_address);
        if (host.find(':') != std::string::npos) host = "[" + host + "]";
        ctx_.log->info("HTTP: listening on {}:{}", host, port_);
        http_->start();
        pool_.start();
        if (ctx_.opts.history_interval.count() > 0) {
            poller_ = std::thread([this] { poll_history(); });
        }
        started_ = true;
    }

    void stop() {
        if (stopping_.exchange(true)) return;
        {
            std::lock_guard lock(mu_);
            poll_stop_ = true;
        }
        cv_.notify_all();
        if (poller_.joinable()) poller_.join();
        if (started_) {
            ctx_.log->info("HTTP: closing {}", ctx_.opts.http_address);
            http_->stop();
            pool_.join(std::chrono::milliseconds(5000));
            http_.reset();
        }
        {
            std::lock_guard lock(mu_);
            stopped_ = true;
        }
        cv_.notify_all();
    }

    void wait() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopped_; });
    }

    uint16_t port() const { return port_; }

  private:
    void poll_history() {
        for (;;) {
            try {
                warnings w;
                cluster_info ci = ctx_.cluster();
                auto nodes = ci.nodes(w);
                auto stats = ci.stats(nodes, "", "", false, w);
                auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
                ctx_.hist.record(now, stats);
            } catch (const std::exception& e) {
                ctx_.log->debug("history poll failed - {}", e.what());
            }
            std::unique_lock lock(mu_);
            if (cv_.wait_for(lock, ctx_.opts.history_interval, [this] { return poll_stop_; })) {
                return;
            }
        }
    }

    context ctx_;
    net::worker_pool pool_;
    http::router router_;
    std::unique_ptr<http::server> http_;
    uint16_t port_ = 0;
    std::thread poller_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool poll_stop_ = false;
    bool stopped_ = false;
    bool started_ = false;
    std::atomic<bool> stopping_{false};
};

nsqadmin::nsqadmin(options opts) : impl_(std::make_unique<nsqadmin_impl>(std::move(opts))) {}
nsqadmin::~nsqadmin() { stop(); }
void nsqadmin::start() { impl_->start(); }
void nsqadmin::wait() { impl_->wait(); }
void nsqadmin::stop() { impl_->stop(); }
uint16_t nsqadmin::http_port() const { return impl_->port(); }

}  // namespace nsqpp::nsqadmin
