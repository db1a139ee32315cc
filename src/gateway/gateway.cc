#include "gateway/gateway.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <condition_variable>

#include "base/log.h"
#include "gateway/admin.h"
#include "gateway/background.h"
#include "gateway/session.h"
#include "http/server.h"
#include "net/tcp_listener.h"
#include "net/worker_pool.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;

struct gateway_impl {
    gateway_config cfg;
    // Declared first: the io_contexts outlive every socket below.
    net::worker_pool workers;
    core state;
    std::shared_ptr<connection_set> connections = std::make_shared<connection_set>();
    std::unique_ptr<net::tcp_listener> listener;
    std::unique_ptr<http::server> admin;
    background_tasks background;
    uint16_t http_port = 0;
    uint16_t admin_port = 0;

    std::mutex mu;
    std::condition_variable cv;
    bool started = false;
    bool stopped = false;

    explicit gateway_impl(gateway_config c)
        : cfg(std::move(c)),
          workers(static_cast<size_t>(std::max<int64_t>(0, cfg.worker_threads))) {}

    size_t worker_of(asio::ip::tcp::socket& s) {
        auto* ctx = &static_cast<asio::io_context&>(s.get_executor().context());
        for (size_t i = 0; i < workers.size(); ++i) {
            if (&workers.at(i) == ctx) return i;
        }
        return 0;
    }
};

gateway::gateway(gateway_config cfg) : impl_(std::make_unique<gateway_impl>(std::move(cfg))) {
    auto& c = impl_->cfg;
    validate(c);
    auto& st = impl_->state;
    st.client_idle_timeout = c.client_idle_timeout;
    for (size_t i = 0; i < impl_->workers.size(); ++i) {
        st.sweepers.push_back(std::make_shared<sweeper>(impl_->workers.at(i).get_executor()));
    }
    std::vector<std::string> pool_names;
    for (const auto& pc : c.pools) {
        st.pools[pc.name] = std::make_unique<pool>(pc, impl_->workers.size());
        pool_names.push_back(pc.name);
    }
    st.metrics.set_pools(pool_names);  // counted without a lock from here on
    auto routes = c.routes;
    if (routes.empty()) {
        route r;
        r.pool_name = c.pools.front().name;
        routes.push_back(r);
    }
    for (auto& r : routes) {
        r.target = st.pools.at(r.pool_name).get();
        st.routes.add(r);
    }
    middleware_env env{&st.metrics};
    for (const auto& name : c.middleware) {
        auto it = c.middleware_settings.find(name);
        settings s = it != c.middleware_settings.end() ? it->second : settings(name);
        st.chain.push_back(make_middleware(name, s, env));
    }
}

gateway::~gateway() { stop(); }

void gateway::add_request_rewriter(request_rewriter rw) {
    impl_->state.rewriters.push_back(std::move(rw));
}
void gateway::add_response_modifier(response_modifier mod) {
    impl_->state.modifiers.push_back(std::move(mod));
}

void gateway::start() {
    auto& im = *impl_;
    auto log = base::get_logger("nsqgw");
    for (auto& [name, p] : im.state.pools) {
        if (!p->config().lookupd.http_addresses.empty() && !refresh_from_lookupd_now(p.get())) {
            log->warn("pool {}: no nsqlookupd answered; members will be retried", name);
        }
    }
    im.listener = std::make_unique<net::tcp_listener>(im.workers, [&im](asio::ip::tcp::socket s) {
        size_t w = im.worker_of(s);
        auto ex = s.get_executor();
        asio::co_spawn(ex, serve_client(&im.state, im.connections, std::move(s), w),
                       asio::detached);
    });
    im.http_port = im.listener->listen(im.cfg.http_address);
    log->info("HTTP: listening on {}",
              im.cfg.http_address.substr(0, im.cfg.http_address.rfind(':') + 1) +
                  std::to_string(im.http_port));
    if (!im.cfg.admin_address.empty()) {
        im.admin = std::make_unique<http::server>(im.workers.executors(),
                                                  make_admin_router(&im.state), 1 << 20);
        auto [host, port] = net::split_host_port(im.cfg.admin_address);
        try {
            im.admin_port = im.admin->listen(host, port);
        } catch (const std::exception& e) {
            throw std::runtime_error("listen (" + im.cfg.admin_address + ") failed - " + e.what());
        }
        log->info("ADMIN: listening on {}:{}", host, im.admin_port);
        im.admin->start();
    }
    for (auto& s : im.state.sweepers) s->start();
    im.workers.start();
    im.listener->start();
    std::vector<pool*> pools;
    for (auto& [name, p] : im.state.pools) pools.push_back(p.get());
    im.background.start(pools, im.workers.at(0).get_executor());
    std::lock_guard lock(im.mu);
    im.started = true;
}

void gateway::wait() {
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait(lock, [&] { return impl_->stopped; });
}

void gateway::stop() {
    auto& im = *impl_;
    {
        std::lock_guard lock(im.mu);
        if (im.stopped) return;
        im.stopped = true;
    }
    if (im.listener) im.listener->stop();
    if (im.admin) im.admin->stop();
    im.background.stop();
    for (auto& s : im.state.sweepers) s->stop();
    im.connections->close_all();
    im.workers.join(std::chrono::milliseconds(3000));
    im.cv.notify_all();
}

uint16_t gateway::http_port() const { return impl_->http_port; }
uint16_t gateway::admin_port() const { return impl_->admin_port; }
size_t gateway::connection_count() const { return impl_->connections->size(); }

pool* gateway::find_pool(const std::string& name) const {
    auto it = impl_->state.pools.find(name);
    return it == impl_->state.pools.end() ? nullptr : it->second.get();
}

}  // namespace nsqpp::gateway
