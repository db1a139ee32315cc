#include "nsqd/nsqd.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "base/log.h"
#include "broker/disk_backend.h"
#include "broker/guid.h"
#include "http/router.h"
#include "http/server.h"
#include "net/tcp_listener.h"
#include "net/worker_pool.h"
#include "nsqd/client_connection.h"
#include "nsqd/context.h"
#include "nsqd/http_api.h"
#include "nsqd/lookupd_client.h"
#include "nsqd/metadata.h"
#include "nsqd/stats_collector.h"
#include "wire/names.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;

namespace {
constexpr auto queue_scan_interval = std::chrono::milliseconds(100);

std::string os_hostname() {
    char buf[256] = {0};
    if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
    return buf;
}

int64_t resolve_node_id(const options& o, const std::string& hostname) {
    if (o.node_id < 0) return broker::default_node_id(hostname);
    if (o.node_id >= 1024) throw std::runtime_error("--node-id must be [0,1024)");
    return o.node_id;
}

// "host:port" with the port actually bound (for ":0" listeners).
std::string bound_address(const std::string& configured, uint16_t port) {
    auto [host, unused] = net::split_host_port(configured);
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return host + ":" + std::to_string(port);
}

void validate(const options& o) {
    if (o.max_deflate_level < 1 || o.max_deflate_level > 9) {
        throw std::runtime_error("--max-deflate-level must be [1,9]");
    }
    if (!o.tls_cert.empty() || !o.tls_key.empty()) {
        throw std::runtime_error("TLS is not implemented yet in nsqpp (--tls-cert/--tls-key)");
    }
    if (!o.auth_http_addresses.empty()) {
        throw std::runtime_error("AUTH is not implemented yet in nsqpp (--auth-http-address)");
    }
}
std::string data_dir(const options& o) { return o.data_path.empty() ? "." : o.data_path; }

// flock on the data directory itself, as nsqd does (one nsqd per data path).
int lock_data_path(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        std::string err = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("failed to lock data-path: cannot flock directory " + dir + " - " +
                                 err + " (possibly in use by another instance of nsqd)");
    }
    return fd;
}

broker::backend_factory disk_backends(const options& o, std::shared_ptr<spdlog::logger> log,
                                      context** ctx_slot) {
    broker::disk_backend_config cfg;
    cfg.data_path = data_dir(o);
    cfg.max_bytes_per_file = o.max_bytes_per_file;
    cfg.max_msg_size = o.max_msg_size;
    cfg.sync_every = o.sync_every;
    cfg.sync_timeout = o.sync_timeout;
    cfg.log = std::move(log);
    cfg.on_write_result = [ctx_slot](const std::string& err) {
        if (*ctx_slot) (*ctx_slot)->set_health(err);
    };
    return [cfg](const std::string& name) { return broker::make_disk_backend(cfg, name); };
}
}  // namespace

class nsqd_impl {
  public:
    explicit nsqd_impl(options opts)
        : hostname_(os_hostname()),
          node_id_((validate(opts), resolve_node_id(opts, hostname_))),
          lock_fd_(lock_data_path(data_dir(opts))),
          ctx_(opts, node_id_, base::get_logger("nsqd"),
               disk_backends(opts, base::get_logger("nsqd"), &ctx_ptr_)),
          pool_(static_cast<size_t>(std::max<int64_t>(0, ctx_.opts.worker_threads))),
          scan_timer_(pool_.at(0)) {
        ctx_ptr_ = &ctx_;
        ctx_.hostname = hostname_;
        ctx_.persist_metadata = [this] { persist_metadata(); };
        ctx_.collect_stats = [this](const stats_filter& f) { return stats(f); };
        ctx_.broadcast_address =
            ctx_.opts.broadcast_address.empty() ? hostname_ : ctx_.opts.broadcast_address;
        lookupd_ = std::make_unique<lookupd_client>(ctx_, pool_.at(0).get_executor());
        lookupd_->install_hooks();
    }

    void start() {
        ctx_.start_time = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        ctx_.log->info("nsqd v{} (nsqpp) ID: {}", nsq_version, node_id_);
        load_metadata_and_start_topics();
        tcp_ = std::make_unique<net::tcp_listener>(
            pool_, [this](asio::ip::tcp::socket s) { accept(std::move(s)); });
        uint16_t tcp_port = tcp_->listen(ctx_.opts.tcp_address);
        ctx_.tcp_port = tcp_port;
        ctx_.log->info("TCP: listening on {}", bound_address(ctx_.opts.tcp_address, tcp_port));
        if (!ctx_.opts.http_address.empty()) {
            register_http_api(router_, ctx_);
            http_ = std::make_unique<http::server>(pool_.executors(), router_,
                                                   static_cast<size_t>(ctx_.opts.max_body_size));
            try {
                auto [host, port] = net::split_host_port(ctx_.opts.http_address);
                ctx_.http_port = http_->listen(host, port);
            } catch (const std::exception& e) {
                throw std::runtime_error("listen (" + ctx_.opts.http_address + ") failed - " +
                                         e.what());
            }
            ctx_.log->info("HTTP: listening on {}",
                           bound_address(ctx_.opts.http_address, ctx_.http_port));
        }
        tcp_->start();
        if (http_) http_->start();
        lookupd_->start();  // ports known: IDENTIFY can announce them
        asio::co_spawn(pool_.at(0), scan_loop(this), asio::detached);
        pool_.start();
        started_ = true;
    }

    void stop() {
        if (stopping_.exchange(true)) return;
        if (started_) {
            ctx_.log->info("TCP: closing {}", bound_address(ctx_.opts.tcp_address, ctx_.tcp_port));
            tcp_->stop();
            close_all_clients();
            if (http_) http_->stop();
            asio::post(pool_.at(0), [this] { scan_timer_.cancel(); });
            lookupd_->stop();  // connections just close (no UNREGISTER), as NSQ does
            wait_for_clients(std::chrono::seconds(5));
            pool_.join(std::chrono::milliseconds(5000));
            http_.reset();
        }
        persist_metadata();
        ctx_.topics.close_all();  // memory, in-flight and deferred messages to disk
        if (lock_fd_ >= 0) ::close(lock_fd_);
        lock_fd_ = -1;
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

    context& ctx() { return ctx_; }

  private:
    void load_metadata_and_start_topics() {
        auto topics = load_metadata(ctx_.opts.data_path);
        std::vector<std::shared_ptr<broker::topic>> loaded;
        for (const auto& tm : topics) {
            if (!wire::is_valid_topic_name(tm.name) || wire::is_ephemeral(tm.name)) {
                ctx_.log->warn("skipping creation of invalid topic {}", tm.name);
                continue;
            }
            auto t = ctx_.topics.get_topic(tm.name, nullptr, false);
            for (const auto& cm : tm.channels) {
                if (!wire::is_valid_channel_name(cm.name) || wire::is_ephemeral(cm.name)) {
                    ctx_.log->warn("skipping creation of invalid channel {}", cm.name);
                    continue;
                }
                auto ch = t->get_channel(cm.name);
                if (cm.paused) ch->pause();
            }
            if (tm.paused) t->pause();
            loaded.push_back(std::move(t));
        }
        for (auto& t : loaded) t->start();
        persist_metadata();
    }

    void persist_metadata() {
        std::lock_guard lock(metadata_mu_);
        auto err = save_metadata(ctx_.opts.data_path, snapshot_metadata(ctx_.topics));
        if (!err.empty()) ctx_.log->error("failed to persist metadata - {}", err);
    }

    nsqd_stats stats(const stats_filter& filter) {
        std::vector<client_connection::snapshot_t> snaps;
        {
            std::lock_guard lock(clients_mu_);
            for (auto& [id, weak] : clients_) {
                if (auto c = weak.lock()) snaps.push_back(c->snapshot());
            }
        }
        return collect_stats(ctx_, snaps, filter);
    }

    void accept(asio::ip::tcp::socket socket) {
        uint64_t id = next_client_id_.fetch_add(1) + 1;
        auto conn = std::make_shared<client_connection>(std::move(socket), ctx_, id,
                                                        [this](uint64_t done) { remove(done); });
        {
            std::lock_guard lock(clients_mu_);
            if (stopping_) return;
            clients_.emplace(id, conn);
        }
        conn->start();
    }

    void remove(uint64_t id) {
        std::lock_guard lock(clients_mu_);
        clients_.erase(id);
        clients_cv_.notify_all();
    }

    void close_all_clients() {
        std::vector<std::shared_ptr<client_connection>> conns;
        {
            std::lock_guard lock(clients_mu_);
            for (auto& [id, weak] : clients_) {
                if (auto c = weak.lock()) conns.push_back(std::move(c));
            }
        }
        for (auto& c : conns) c->close();
    }

    void wait_for_clients(std::chrono::milliseconds timeout) {
        std::unique_lock lock(clients_mu_);
        clients_cv_.wait_for(lock, timeout, [this] { return clients_.empty(); });
    }

    static asio::awaitable<void> scan_loop(nsqd_impl* self) {
        for (;;) {
            self->scan_timer_.expires_after(queue_scan_interval);
            auto [ec] = co_await self->scan_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec || self->stopping_) co_return;
            self->ctx_.topics.scan(std::chrono::steady_clock::now());
        }
    }

    std::string hostname_;
    int64_t node_id_;
    int lock_fd_;
    context* ctx_ptr_ = nullptr;  // for the backends' health callback (set once ctx_ exists)
    std::mutex metadata_mu_;
    context ctx_;
    net::worker_pool pool_;
    asio::steady_timer scan_timer_;
    std::unique_ptr<net::tcp_listener> tcp_;
    http::router router_;
    std::unique_ptr<http::server> http_;
    std::unique_ptr<lookupd_client> lookupd_;  // after pool_: destroyed before the workers

    std::mutex clients_mu_;
    std::condition_variable clients_cv_;
    std::unordered_map<uint64_t, std::weak_ptr<client_connection>> clients_;
    std::atomic<uint64_t> next_client_id_{0};

    std::mutex stop_mu_;
    std::condition_variable stop_cv_;
    bool started_ = false;
    std::atomic<bool> stopping_{false};
    bool stopped_ = false;
};

nsqd::nsqd(options opts) : impl_(std::make_unique<nsqd_impl>(std::move(opts))) {}
nsqd::~nsqd() { stop(); }
void nsqd::start() { impl_->start(); }
void nsqd::wait() { impl_->wait(); }
void nsqd::stop() { impl_->stop(); }
uint16_t nsqd::tcp_port() const { return impl_->ctx().tcp_port; }
uint16_t nsqd::http_port() const { return impl_->ctx().http_port; }
const options& nsqd::opts() const { return impl_->ctx().opts; }

}  // namespace nsqpp::nsqd
