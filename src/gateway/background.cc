#include "gateway/background.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <exception>

#include "base/log.h"
#include "http/client.h"
#include "net/worker_pool.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;
namespace json = boost::json;

std::optional<std::vector<member_config>> parse_nodes(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const json::object* o = &v.as_object();
    if (const auto* data = o->if_contains("data"); data && data->is_object()) {
        o = &data->as_object();
    }
    const auto* producers = o->if_contains("producers");
    if (!producers || !producers->is_array()) return std::nullopt;
    std::vector<member_config> out;
    for (const auto& p : producers->as_array()) {
        if (!p.is_object()) continue;
        const auto* addr = p.as_object().if_contains("broadcast_address");
        const auto* port = p.as_object().if_contains("http_port");
        if (!addr || !addr->is_string() || !port || !port->is_int64()) continue;
        std::string host(addr->as_string().c_str());
        if (host.find(':') != std::string::npos) host = "[" + host + "]";
        out.push_back({host + ":" + std::to_string(port->as_int64()), 1});
    }
    std::sort(out.begin(), out.end(),
              [](const member_config& a, const member_config& b) { return a.address < b.address; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const auto& a, const auto& b) { return a.address == b.address; }),
              out.end());
    return out;
}

asio::awaitable<void> check_pool_health(pool* p) {
    auto bal = p->current();
    const auto& h = p->config().health;
    for (const auto& m : bal->members()) {
        http::fetch_request req;
        req.host = m->host();
        if (req.host.size() > 2 && req.host.front() == '[')
            req.host = req.host.substr(1, req.host.size() - 2);
        req.port = m->port();
        req.target = h.path;
        req.timeout = h.timeout;
        bool ok = false;
        std::string why;
        try {
            auto res = co_await http::async_fetch(req);
            ok = res.status / 100 == 2;
            if (!ok) why = "status " + std::to_string(res.status);
        } catch (const std::exception& e) {
            why = e.what();
        }
        if (ok != m->probe_ok()) {
            auto log = base::get_logger("nsqgw");
            if (ok) {
                log->info("pool {}: member {} is healthy again", p->name(), m->address());
            } else {
                log->warn("pool {}: member {} failed health check {} - {}", p->name(), m->address(),
                          h.path, why);
            }
        }
        m->set_probe_ok(ok);
    }
}

asio::awaitable<bool> refresh_from_lookupd(pool* p) {
    std::vector<member_config> all;
    bool answered = false;
    for (const auto& addr : p->config().lookupd.http_addresses) {
        try {
            auto [host, port] = net::split_host_port(addr);
            http::fetch_request req;
            req.host = host;
            req.port = port;
            req.target = "/nodes";
            req.headers = {{"Accept", "application/vnd.nsq; version=1.0"}};
            req.timeout = std::chrono::seconds(5);
            auto res = co_await http::async_fetch(req);
            auto nodes = res.status == 200 ? parse_nodes(res.body) : std::nullopt;
            if (!nodes) {
                base::get_logger("nsqgw")->warn("pool {}: lookupd {} /nodes: status {}", p->name(),
                                                addr, res.status);
                continue;
            }
            answered = true;
            all.insert(all.end(), nodes->begin(), nodes->end());
        } catch (const std::exception& e) {
            base::get_logger("nsqgw")->warn("pool {}: lookupd {} /nodes failed - {}", p->name(),
                                            addr, e.what());
        }
    }
    if (!answered) co_return false;
    std::sort(all.begin(), all.end(),
              [](const member_config& a, const member_config& b) { return a.address < b.address; });
    all.erase(std::unique(all.begin(), all.end(),
                          [](const auto& a, const auto& b) { return a.address == b.address; }),
              all.end());
    if (p->set_members(all)) {
        std::string list;
        for (const auto& m : all) list += (list.empty() ? "" : ", ") + m.address;
        base::get_logger("nsqgw")->info("pool {}: members from lookupd: [{}]", p->name(), list);
    }
    co_return true;
}

bool refresh_from_lookupd_now(pool* p) {
    asio::io_context ctx(1);
    bool ok = false;
    asio::co_spawn(ctx, refresh_from_lookupd(p),
                   [&](std::exception_ptr e, bool r) { ok = !e && r; });
    ctx.run();
    return ok;
}

struct background_tasks::state {
    std::mutex mu;
    bool stopped = false;
    std::vector<std::shared_ptr<asio::steady_timer>> timers;
};

namespace {

enum class task { health, lookupd };

asio::awaitable<void> loop(pool* p, task t, std::shared_ptr<asio::steady_timer> timer,
                           std::shared_ptr<background_tasks::state> st) {
    auto interval = t == task::health ? p->config().health.interval : p->config().lookupd.interval;
    for (;;) {
        {
            std::lock_guard lock(st->mu);
            if (st->stopped) co_return;
        }
        if (t == task::health) {
            co_await check_pool_health(p);
        } else {
            co_await refresh_from_lookupd(p);
        }
        {
            std::lock_guard lock(st->mu);  // stop()'s cancel runs on this thread: no gap
            if (st->stopped) co_return;
        }
        timer->expires_after(interval);
        auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace

void background_tasks::start(const std::vector<pool*>& pools, asio::any_io_executor ex) {
    state_ = std::make_shared<state>();
    for (pool* p : pools) {
        std::vector<task> tasks;
        if (!p->config().health.path.empty() && p->config().health.interval.count() > 0) {
            tasks.push_back(task::health);
        }
        if (!p->config().lookupd.http_addresses.empty()) tasks.push_back(task::lookupd);
        for (task t : tasks) {
            auto timer = std::make_shared<asio::steady_timer>(ex);
            state_->timers.push_back(timer);
            asio::co_spawn(ex, loop(p, t, timer, state_), asio::detached);
        }
    }
}

void background_tasks::stop() {
    if (!state_) return;
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    for (auto& t : state_->timers) {
        asio::post(t->get_executor(), [t] { t->cancel(); });
    }
}

background_tasks::~background_tasks() { stop(); }

}  // namespace nsqpp::gateway
