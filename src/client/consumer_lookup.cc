// Consumer: nsqlookupd discovery (shared/spec/client.md §6.2). Every poll queries all configured
// lookupds and connects to the union of their producers.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <random>
#include <set>

#include "client/consumer_impl.h"
#include "client/lookup.h"
#include "http/client.h"

namespace nsqpp::client::detail {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

error consumer_impl::connect_to_nsqlookupd(const std::string& address) {
    {
        std::lock_guard lock(queue_mu_);
        if (stop_requested_) return error("consumer stopped");
        if (handler_count_ == 0) return error("no handlers");
        connected_once_ = true;
    }
    lookupd_endpoint ep;
    if (auto err = parse_lookupd_address(address, topic_, ep)) return err;
    std::promise<error> p;
    auto f = p.get_future();
    auto task = [](std::shared_ptr<consumer_impl> self, std::string url) -> asio::awaitable<error> {
        if (self->stopping_) co_return error("consumer stopped");
        auto& urls = self->lookupd_urls_;
        if (std::find(urls.begin(), urls.end(), url) != urls.end()) co_return error{};
        urls.push_back(url);
        if (urls.size() == 1) {
            auto query = query_lookupds(self);
            co_await std::move(query);
            if (!self->lookup_loop_started_ && !self->stopping_) {
                self->lookup_loop_started_ = true;
                asio::co_spawn(self->ex_, lookup_loop(self), asio::detached);
            }
        }
        co_return error{};
    };
    asio::co_spawn(ex_, task(shared_from_this(), address), [&p](std::exception_ptr e, error err) {
        p.set_value(e ? error("internal error querying nsqlookupd") : err);
    });
    return f.get();
}

error consumer_impl::disconnect_from_nsqlookupd(const std::string& address) {
    return run_sync([this, &address]() -> error {
        auto it = std::find(lookupd_urls_.begin(), lookupd_urls_.end(), address);
        if (it == lookupd_urls_.end()) return error("not connected");
        if (lookupd_urls_.size() == 1) {
            return error("cannot disconnect from only remaining nsqlookupd HTTP address " +
                         address);
        }
        lookupd_urls_.erase(it);
        return {};
    });
}

void consumer_impl::trigger_lookup() {
    lookup_recheck_ = true;
    lookup_timer_.cancel();
}

asio::awaitable<void> consumer_impl::lookup_loop(std::shared_ptr<consumer_impl> self) {
    std::random_device rd;
    std::uniform_real_distribution<double> dist(0.0, 1.0);
    auto jitter = std::chrono::duration_cast<duration>(self->cfg_.lookupd_poll_interval *
                                                       (dist(rd) * self->cfg_.lookupd_poll_jitter));
    self->lookup_timer_.expires_after(jitter);
    co_await self->lookup_timer_.async_wait(use_tuple);
    while (!self->stopping_) {
        if (!self->lookup_recheck_) {
            self->lookup_timer_.expires_after(self->cfg_.lookupd_poll_interval);
            co_await self->lookup_timer_.async_wait(use_tuple);
        }
        if (self->stopping_) break;
        self->lookup_recheck_ = false;
        auto query = query_lookupds(self);
        co_await std::move(query);
    }
}

asio::awaitable<void> consumer_impl::query_lookupds(std::shared_ptr<consumer_impl> self) {
    std::set<std::string> addresses;
    auto urls = self->lookupd_urls_;
    for (const auto& url : urls) {
        if (self->stopping_) co_return;
        auto query = query_lookupd(self, url);
        auto found = co_await std::move(query);
        addresses.insert(found.begin(), found.end());
    }
    for (const auto& addr : addresses) {
        if (self->stopping_) co_return;
        if (self->filter_ && !self->filter_(addr)) continue;
        if (self->conns_.count(addr) || self->pending_.count(addr)) continue;
        auto connect = connect_nsqd(self, addr);
        error err = co_await std::move(connect);
        if (err && err.message() != "already connected") {
            self->log_.log(log_level::error, "({}) error connecting to nsqd - {}", addr,
                           err.message());
        }
    }
}

asio::awaitable<std::vector<std::string>> consumer_impl::query_lookupd(
    std::shared_ptr<consumer_impl> self, std::string address) {
    std::vector<std::string> out;
    lookupd_endpoint ep;
    if (auto err = parse_lookupd_address(address, self->topic_, ep)) co_return out;
    self->log_.log(log_level::info, "querying nsqlookupd {}", ep.url);
    http::fetch_request req;
    req.host = ep.host;
    req.port = ep.port;
    req.target = ep.target;
    req.tls = ep.tls;
    req.timeout = self->cfg_.lookupd_poll_timeout;
    req.headers.emplace_back("Accept", "application/vnd.nsq; version=1.0");
    if (!self->cfg_.auth_secret.empty() && self->cfg_.skip_lookupd_authorization) {
        req.headers.emplace_back("Authorization", "Bearer " + self->cfg_.auth_secret);
    }
    http::client_response res;
    try {
        auto fetch = http::async_fetch(req);
        auto cancelled = self->lookup_cancel_.async_wait(use_tuple);
        auto result = co_await (std::move(fetch) || std::move(cancelled));
        if (result.index() == 1) co_return out;  // stopping
        res = std::move(std::get<0>(result));
    } catch (const std::exception& e) {
        self->log_.log(log_level::error, "error querying nsqlookupd ({}) - {}", ep.url, e.what());
        co_return out;
    }
    auto content_type = res.header("X-NSQ-Content-Type");
    bool v1 = content_type && *content_type == "nsq; version=1.0";
    if (auto err = parse_lookup_response(res.status, v1, res.body, out)) {
        self->log_.log(log_level::error, "error querying nsqlookupd ({}) - {}", ep.url,
                       err.message());
        out.clear();
    }
    co_return out;
}

}  // namespace nsqpp::client::detail
