#include "nsqadmin/upstream.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <mutex>

#include "config/go_syntax.h"
#include "http/client.h"
#include "net/worker_pool.h"

namespace nsqpp::nsqadmin {
namespace asio = boost::asio;

struct upstream::health_table {
    std::mutex mu;
    std::map<std::string, upstream_health> by_address;

    void record(const std::string& address, bool answered, double seconds) {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        std::lock_guard lock(mu);
        upstream_health& h = by_address[address];
        h.address = address;
        h.up = answered;
        h.last_seconds = seconds;
        h.requests += 1;
        h.failures += answered ? 0 : 1;
        h.last_unix_ms = now;
    }
};

namespace {

// Go's http method spelling in url.Error texts: "Get", "Post".
std::string go_method(const std::string& m) {
    std::string out;
    for (size_t i = 0; i < m.size(); ++i) {
        char c = m[i];
        out += i == 0 ? c : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

std::string url_of(const upstream_request& r, bool tls = false) {
    return std::string(tls ? "https://" : "http://") + r.address + r.target;
}

http::fetch_request to_fetch(const upstream_request& r, std::chrono::milliseconds timeout) {
    http::fetch_request f;
    f.method = r.method;
    auto [host, port] = net::split_host_port(r.address);
    f.host = host;
    f.port = port;
    f.target = r.target;
    f.body = r.body;
    f.headers = r.headers;
    f.headers.emplace_back("Accept", "application/vnd.nsq; version=1.0");
    f.headers.emplace_back("User-Agent", "nsqadmin/v1.3.0");
    f.timeout = timeout;
    return f;
}

// The HTTPS port from nsqd's 403 answer when it requires TLS (spec §4.1), or 0.
int https_port_of(const http::client_response& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    if (ec || !v.is_object()) return 0;
    const auto* p = v.as_object().if_contains("https_port");
    return p && p->is_int64() ? static_cast<int>(p->as_int64()) : 0;
}

asio::awaitable<upstream_result> run_exchange(upstream_request req,
                                              std::chrono::milliseconds timeout, bool tls_verify) {
    upstream_result out;
    http::fetch_request f;
    try {
        f = to_fetch(req, timeout);
    } catch (const std::exception& e) {
        out.error = go_method(req.method) + " \"" + url_of(req) + "\": " + e.what();
        co_return out;
    }
    bool tls = false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            http::client_response res = co_await http::async_fetch(f);
            out.status = res.status;
            out.body = std::move(res.body);
            int https = attempt == 0 && res.status == 403 ? https_port_of(res) : 0;
            if (https > 0) {
                f.port = static_cast<uint16_t>(https);
                f.tls = tls = true;
                f.tls_verify = tls_verify;
                continue;
            }
            out.ok = res.status == 200;
            if (!out.ok) out.error = status_error(res.status, out.body);
        } catch (const std::exception& e) {
            out.status = 0;
            out.error = go_method(req.method) + " \"" + url_of(req, tls) + "\": " + e.what();
        }
        break;
    }
    co_return out;
}

asio::awaitable<upstream_result> run_one(upstream_request req, std::chrono::milliseconds timeout,
                                         bool tls_verify,
                                         std::shared_ptr<upstream::health_table> health) {
    std::string address = req.address;
    auto start = std::chrono::steady_clock::now();
    upstream_result out = co_await run_exchange(std::move(req), timeout, tls_verify);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    health->record(address, out.status != 0, took.count());
    co_return out;
}

}  // namespace

std::string status_error(int status, const std::string& body) {
    auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    return "got response " + std::to_string(status) + " " + std::string(reason) + " " +
           config::go_quote(body);
}

upstream::upstream(std::chrono::milliseconds timeout, bool tls_verify)
    : timeout_(timeout),
      tls_verify_(tls_verify),
      health_(std::make_shared<health_table>()),
      ioc_(1) {
    work_ = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
        ioc_.get_executor());
    thread_ = std::thread([this] { ioc_.run(); });
}

upstream::~upstream() {
    work_.reset();
    ioc_.stop();
    thread_.join();
}

std::vector<upstream_result> upstream::fetch_all(const std::vector<upstream_request>& reqs) {
    std::vector<std::future<upstream_result>> futures;
    futures.reserve(reqs.size());
    for (const upstream_request& r : reqs) {
        auto promise = std::make_shared<std::promise<upstream_result>>();
        futures.push_back(promise->get_future());
        auto done = [promise](std::exception_ptr e, upstream_result res) {
            if (e) {
                res.error = "internal error";
            }
            promise->set_value(std::move(res));
        };
        asio::co_spawn(ioc_, run_one(r, timeout_, tls_verify_, health_), std::move(done));
    }
    std::vector<upstream_result> out;
    out.reserve(reqs.size());
    for (auto& f : futures) {
        // Each request has its own deadline; the extra margin only guards against a stuck loop.
        if (f.wait_for(timeout_ * 2 + std::chrono::seconds(1)) != std::future_status::ready) {
            upstream_result r;
            r.error = "timeout waiting for upstream";
            out.push_back(std::move(r));
            continue;
        }
        out.push_back(f.get());
    }
    return out;
}

std::vector<upstream_health> upstream::health() const {
    std::lock_guard lock(health_->mu);
    std::vector<upstream_health> out;
    for (const auto& [address, h] : health_->by_address) out.push_back(h);
    return out;
}

upstream_result upstream::fetch(const upstream_request& req) { return fetch_all({req}).front(); }

}  // namespace nsqpp::nsqadmin
