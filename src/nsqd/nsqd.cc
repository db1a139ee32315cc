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
#include "durable/journal.h"
#include "durable/legacy_import.h"
#include "http/router.h"
#include "http/server.h"
#include "net/tcp_listener.h"
#include "net/tls.h"
#include "net/worker_pool.h"
#include "nsqd/auth.h"
#include "nsqd/client_connection.h"
#include "nsqd/context.h"
#include "nsqd/http_api.h"
#include "nsqd/lookupd_client.h"
#include "nsqd/metadata.h"
#include "nsqd/stats_collector.h"
#include "nsqd/statsd.h"
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

void validate(options& o) {
    if (o.max_deflate_level < 1 || o.max_deflate_level > 9) {
        throw std::runtime_error("--max-deflate-level must be [1,9]");
    }
    for (double q : o.e2e_processing_latency_percentiles) {
        if (!(q > 0 && q <= 1)) {
            throw std::runtime_error(
                fmt::format("invalid E2E processing latency percentile: {}", q));
        }
    }
    if (!o.statsd_address.empty() && o.statsd_interval <= std::chrono::nanoseconds(0)) {
        throw std::runtime_error("--statsd-interval must be positive");
    }
    // A client certificate policy implies TLS-only clients (NSQ's New()).
    if (!o.tls_client_auth_policy.empty() && o.tls_required == "false") o.tls_required = "true";
    if (o.tls_required != "false" && (o.tls_cert.empty() || o.tls_key.empty())) {
        throw std::runtime_error("cannot require TLS client connections without TLS key and cert");
    }
    for (const auto& a : o.auth_http_addresses) {
        std::string error;
        if (!parse_auth_address(a, error)) {
            throw std::runtime_error("invalid --auth-http-address " + a + " - " + error);
        }
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

// --durability=fsync: the journal is the store (no disk queues).
bool durable_mode(const options& o) { return o.durability == "fsync"; }
broker::backend_factory backends(const options& o, std::shared_ptr<spdlog::logger> log,
                                 context** ctx_slot) {
    if (durable_mode(o)) return {};
    return disk_backends(o, std::move(log), ctx_slot);
}
}  // namespace

class nsqd_impl {
  public:
    static std::shared_ptr<asio::ssl::context> make_tls(const options& o) {
        if (o.tls_cert.empty() && o.tls_key.empty()) return nullptr;
        try {
            return net::make_tls_server_context({o.tls_cert, o.tls_key, o.tls_root_ca_file,
                                                 o.tls_client_auth_policy, o.tls_min_version});
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("failed to build TLS config - ") + e.what());
        }
    }

    explicit nsqd_impl(options opts)
        : hostname_(os_hostname()),
          node_id_((validate(opts), resolve_node_id(opts, hostname_))),
          lock_fd_(lock_data_path(data_dir(opts))),
          ctx_(opts, node_id_, base::get_logger("nsqd"),
               backends(opts, base::get_logger("nsqd"), &ctx_ptr_)),
          pool_(static_cast<size_t>(std::max<int64_t>(0, ctx_.opts.worker_threads))),
          scan_timer_(pool_.at(0)) {
        ctx_ptr_ = &ctx_;
        if (durable_mode(ctx_.opts)) open_journal();
        ctx_.tls = make_tls(ctx_.opts);
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
        if (journal_) journal_->start(ctx_.topics);
        tcp_ = std::make_unique<net::tcp_listener>(
            pool_, [this](asio::ip::tcp::socket s) { accept(std::move(s)); });
        uint16_t tcp_port = tcp_->listen(ctx_.opts.tcp_address);
        ctx_.tcp_port = tcp_port;
        ctx_.log->info("TCP: listening on {}", bound_address(ctx_.opts.tcp_address, tcp_port));
        register_http_api(router_, ctx_);
        if (ctx_.tls && !ctx_.opts.https_address.empty()) {
            https_ = listen_http(ctx_.opts.https_address, router_, ctx_.https_port, "HTTPS");
        }
        if (!ctx_.opts.http_address.empty()) {
            if (ctx_.opts.tls_required == "true") {
                // Plain HTTP answers every request with TLS_REQUIRED (spec §6.1).
                uint16_t https_port = ctx_.https_port;
                plain_router_.use([https_port](http::request&, const http::handler&) {
                    return http::response::json(
                        403, fmt::format("{{\"message\": \"TLS_REQUIRED\", \"https_port\": {}}}",
                                         https_port));
                });
                http_ = listen_http(ctx_.opts.http_address, plain_router_, ctx_.http_port, "HTTP");
            } else {
                http_ = listen_http(ctx_.opts.http_address, router_, ctx_.http_port, "HTTP");
            }
        }
        tcp_->start();
        if (http_) http_->start();
        if (https_) https_->start();
        lookupd_->start();  // ports known: IDENTIFY can announce them
        // statsd after the ports are bound: its prefix names the HTTP port
        if (!ctx_.opts.statsd_address.empty()) {
            statsd_ = std::make_shared<statsd_loop>(ctx_, pool_.at(0).get_executor());
            statsd_->start();
        }
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
            if (https_) https_->stop();
            asio::post(pool_.at(0), [this] { scan_timer_.cancel(); });
            lookupd_->stop();  // connections just close (no UNREGISTER), as NSQ does
            if (statsd_) statsd_->stop();
            wait_for_clients(std::chrono::seconds(5));
            pool_.join(std::chrono::milliseconds(5000));
            http_.reset();
            https_.reset();
        }
        persist_metadata();
        ctx_.topics.close_all();  // memory, in-flight and deferred messages to disk
        // durable mode: the last commit
        if (journal_) journal_->stop();
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
    std::unique_ptr<http::server> listen_http(const std::string& address, const http::router& r,
                                              std::atomic<uint16_t>& bound_port,
                                              std::string_view name) {
        auto server = std::make_unique<http::server>(pool_.executors(), r,
                                                     static_cast<size_t>(ctx_.opts.max_body_size));
        if (name == "HTTPS") server->set_tls(ctx_.tls);
        try {
            auto [host, port] = net::split_host_port(address);
            bound_port = server->listen(host, port);
        } catch (const std::exception& e) {
            throw std::runtime_error("listen (" + address + ") failed - " + e.what());
        }
        ctx_.log->info("{}: listening on {}", name, bound_address(address, bound_port));
        return server;
    }

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
        restore_journal(loaded);
        for (auto& t : loaded) t->start();
        persist_metadata();
    }

    void open_journal() {
        durable::journal_config cfg;
        cfg.dir = data_dir(ctx_.opts) + "/durable";
        cfg.log = ctx_.log;
        cfg.on_failure = [this](const std::string& err) {
            ctx_.set_health("durable log - " + err);
        };
        recovered_ = std::make_unique<durable::replayer>();
        journal_ = durable::log_journal::open(cfg, *recovered_);
        ctx_.topics.set_journal(journal_);
    }

    // Durable mode: what the journal held goes back into the (not yet started) topics.
    void restore_journal(std::vector<std::shared_ptr<broker::topic>>& loaded) {
        if (!recovered_) return;
        std::vector<broker::journal_entry> entries;
        auto values = [&entries](auto& map) -> std::vector<broker::journal_entry>& {
            entries.clear();
            for (auto& [id, e] : map) entries.push_back(std::move(e));
            map.clear();
            return entries;
        };
        for (auto& [name, rt] : recovered_->topics()) {
            if (!wire::is_valid_topic_name(name) || wire::is_ephemeral(name)) continue;
            bool created = false;
            auto t = ctx_.topics.get_topic(name, &created, false);
            if (!t) continue;
            if (created) loaded.push_back(t);
            t->restore_held(values(rt.held));
            for (auto& [cname, rc] : rt.channels) {
                if (!wire::is_valid_channel_name(cname) || wire::is_ephemeral(cname)) {
                    // gone with the restart: later publishes must not count on it in a replay
                    journal_->record(broker::journal_event::channel_deleted, name, cname);
                    continue;
                }
                t->get_channel(cname)->restore(values(rc.messages));
            }
        }
        recovered_.reset();
        // go-diskqueue files (NSQ, or the default mode) move into the journal
        broker::disk_backend_config legacy;
        legacy.data_path = data_dir(ctx_.opts);
        legacy.max_bytes_per_file = ctx_.opts.max_bytes_per_file;
        legacy.max_msg_size = ctx_.opts.max_msg_size;
        legacy.log = ctx_.log;
        size_t imported = 0;
        auto queues = durable::import_disk_queues(loaded, legacy, imported);
        journal_->log().start_syncer();
        bool durable = true;  // a checkpoint reclaims older segments and covers imported queues
        if (journal_->log().segment_count() > 1 || !queues.empty()) {
            durable = journal_->checkpoint(ctx_.topics);
        }
        if (!queues.empty() && durable) {
            ctx_.log->info("DURABLE: imported {} messages from {} disk queues", imported,
                           queues.size());
            for (auto& q : queues) q->remove();  // in the journal now
        }
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
    http::router plain_router_;  // --tls-required=true: plain HTTP refuses everything
    std::unique_ptr<http::server> http_;
    std::unique_ptr<http::server> https_;
    std::unique_ptr<lookupd_client> lookupd_;  // after pool_: destroyed before the workers
    std::shared_ptr<statsd_loop> statsd_;      // null unless --statsd-address

    std::shared_ptr<durable::log_journal> journal_;  // --durability=fsync only
    std::unique_ptr<durable::replayer> recovered_;   // start-up only

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
uint16_t nsqd::https_port() const { return impl_->ctx().https_port; }
const options& nsqd::opts() const { return impl_->ctx().opts; }

}  // namespace nsqpp::nsqd
