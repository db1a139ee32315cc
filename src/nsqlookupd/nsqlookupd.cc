#include "nsqlookupd/nsqlookupd.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "base/log.h"
#include "http/router.h"
#include "http/server.h"
#include "net/tcp_listener.h"
#include "net/worker_pool.h"
#include "nsqlookupd/connection.h"
#include "nsqlookupd/context.h"
#include "nsqlookupd/http_api.h"
#include "nsqlookupd/options_table.h"

namespace nsqpp::nsqlookupd {
namespace asio = boost::asio;

namespace {
// HTTP request bodies are ignored by every endpoint; this only bounds what a client may send.
constexpr size_t http_body_limit = 1 << 20;

// "host:port" with the port actually bound (for ":0" listeners).
std::string bound_address(const std::string& configured, uint16_t port) {
    auto [host, unused] = net::split_host_port(configured);
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return host + ":" + std::to_string(port);
}
}  // namespace

class nsqlookupd_impl {
  public:
    explicit nsqlookupd_impl(options opts)
        : ctx_(std::move(opts), base::get_logger("nsqlookupd")),
          pool_(static_cast<size_t>(std::max<int64_t>(0, ctx_.opts.worker_threads))) {
        ctx_.hostname = os_hostname();
        ctx_.broadcast_address =
            ctx_.opts.broadcast_address.empty() ? ctx_.hostname : ctx_.opts.broadcast_address;
    }

    void start() {
        ctx_.log->info("nsqlookupd v{} (built w/nsqpp)", nsq_version);
        tcp_ = std::make_unique<net::tcp_listener>(
            pool_, [this](asio::ip::tcp::socket s) { accept(std::move(s)); });
        ctx_.tcp_port = tcp_->listen(ctx_.opts.tcp_address);

        register_http_api(router_, ctx_);
        http_ = std::make_unique<http::server>(pool_.executors(), router_, http_body_limit);
        try {
            auto [host, port] = net::split_host_port(ctx_.opts.http_address);
            ctx_.http_port = http_->listen(host, port);
        } catch (const std::exception& e) {
            throw std::runtime_error("listen (" + ctx_.opts.http_address + ") failed - " +
                                     e.what());
        }
        ctx_.log->info("TCP: listening on {}", bound_address(ctx_.opts.tcp_address, ctx_.tcp_port));
        ctx_.log->info("HTTP: listening on {}",
                       bound_address(ctx_.opts.http_address, ctx_.http_port));
        tcp_->start();
        http_->start();
        pool_.start();
        started_ = true;
    }

    void stop() {
        if (stopping_.exchange(true)) return;
        if (started_) {
            ctx_.log->info("TCP: closing {}", bound_address(ctx_.opts.tcp_address, ctx_.tcp_port));
            tcp_->stop();
            close_all_connections();
            ctx_.log->info("HTTP: closing {}",
                           bound_address(ctx_.opts.http_address, ctx_.http_port));
            http_->stop();
            wait_for_connections(std::chrono::seconds(5));
            pool_.join(std::chrono::milliseconds(5000));
            http_.reset();
        }
        {
            std::lock_guard lock(stop_mu_);
            stopped_ = true;
        }
        stop_cv_.notify_all();
    }

    void wait() {
        std::unique_lock lock(stop_mu_);
        stop_cv_.wait(lock, [this] { return stopped_; });
    }

    const context& ctx() const { return ctx_; }

  private:
    void accept(asio::ip::tcp::socket socket) {
        uint64_t id = next_connection_id_.fetch_add(1) + 1;
        auto conn = std::make_shared<connection>(std::move(socket), ctx_, id,
                                                 [this](uint64_t done) { remove(done); });
        {
            std::lock_guard lock(connections_mu_);
            if (stopping_) return;
            connections_.emplace(id, conn);
        }
        conn->start();
    }

    void remove(uint64_t id) {
        std::lock_guard lock(connections_mu_);
        connections_.erase(id);
        connections_cv_.notify_all();
    }

    void close_all_connections() {
        std::vector<std::shared_ptr<connection>> conns;
        {
            std::lock_guard lock(connections_mu_);
            for (auto& [id, weak] : connections_) {
                if (auto c = weak.lock()) conns.push_back(std::move(c));
            }
        }
        for (auto& c : conns) c->close();
    }

    void wait_for_connections(std::chrono::milliseconds timeout) {
        std::unique_lock lock(connections_mu_);
        connections_cv_.wait_for(lock, timeout, [this] { return connections_.empty(); });
    }

    context ctx_;
    net::worker_pool pool_;
    std::unique_ptr<net::tcp_listener> tcp_;
    http::router router_;
    std::unique_ptr<http::server> http_;

    std::mutex connections_mu_;
    std::condition_variable connections_cv_;
    std::unordered_map<uint64_t, std::weak_ptr<connection>> connections_;
    std::atomic<uint64_t> next_connection_id_{0};

    std::mutex stop_mu_;
    std::condition_variable stop_cv_;
    bool started_ = false;
    std::atomic<bool> stopping_{false};
    bool stopped_ = false;
};

nsqlookupd::nsqlookupd(options opts) : impl_(std::make_unique<nsqlookupd_impl>(std::move(opts))) {}
nsqlookupd::~nsqlookupd() { stop(); }
void nsqlookupd::start() { impl_->start(); }
void nsqlookupd::wait() { impl_->wait(); }
void nsqlookupd::stop() { impl_->stop(); }
uint16_t nsqlookupd::tcp_port() const { return impl_->ctx().tcp_port; }
uint16_t nsqlookupd::http_port() const { return impl_->ctx().http_port; }
const options& nsqlookupd::opts() const { return impl_->ctx().opts; }

}  // namespace nsqpp::nsqlookupd
