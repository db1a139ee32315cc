#include "nsqd/auth_query.h"

#include <exception>
#include <memory>
#include <random>

#include "http/client.h"
#include "wire/frame.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;

namespace {

void fatal(client_v2& c, std::string_view text) {
    wire::append_frame(c.out, wire::frame_type::error, text);
    c.close_after_flush = true;
}

size_t random_start(size_t n) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

// One GET to one auth server (with NSQ's one retry over https after a 403 carrying
// "https_port"). The result has a state or the reason it failed.
asio::awaitable<auth_parse_result> query_one(std::string address, std::string query,
                                             std::chrono::milliseconds timeout,
                                             std::chrono::milliseconds connect_timeout,
                                             std::string ca_file) {
    auth_parse_result r;
    std::string error;
    auto ep = parse_auth_address(address, error);
    if (!ep) {
        r.error = error;
        co_return r;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        http::fetch_request req;
        req.host = ep->host;
        req.port = ep->port;
        req.tls = ep->https;
        req.tls_verify = ep->https;
        if (ep->https) req.tls_ca_file = ca_file;  // --tls-root-ca-file ("" = system CAs)
        req.connect_timeout = connect_timeout;
        req.target = ep->path + "?" + query;
        req.headers.emplace_back("Accept", "application/vnd.nsq; version=1.0");
        req.timeout = timeout;
        http::client_response res;
        try {
            auto aw = http::async_fetch(std::move(req));
            res = co_await std::move(aw);
        } catch (const std::exception& e) {
            r.error = e.what();
            co_return r;
        }
        if (res.status == 200) co_return parse_auth_response(res.body, auth_clock::now());
        if (res.status == 403 && !ep->https && attempt == 0) {
            if (auto port = parse_https_port(res.body)) {
                ep->https = true;
                ep->port = *port;
                continue;
            }
        }
        r.error = "got response " + std::to_string(res.status) + " " + res.body;
        co_return r;
    }
    co_return r;
}

}  // namespace

void finish_pending_auth(const context& ctx, client_v2& client, std::optional<auth_state> state,
                         const std::string& error) {
    client.auth_pending = false;
    const bool command = client.auth_command;
    client.auth_command = false;
    if (!state) {
        ctx.log->warn("PROTOCOL(V2): [{}] AUTH failed {}", client.remote_address, error);
        fatal(client, "E_AUTH_FAILED AUTH failed");
        return;
    }
    auto s = std::make_shared<const auth_state>(std::move(*state));
    {
        std::lock_guard lock(client.info_mu);
        client.info.authed = s->has_authorizations();
        client.info.auth_identity = s->identity;
        client.info.auth_identity_url = s->identity_url;
    }
    client.auth = s;
    if (!command) return;  // a re-query: the waiting command runs again
    if (!s->has_authorizations()) {
        fatal(client, "E_UNAUTHORIZED AUTH no authorizations found");
        return;
    }
    wire::append_frame(client.out, wire::frame_type::response, auth_reply_json(*s));
}

asio::awaitable<void> run_pending_auth(context& ctx, client_v2& client) {
    const auto& addrs = ctx.opts.auth_http_addresses;
    std::string query = auth_query_string(remote_ip_of(client.remote_address), client.tls,
                                          client.auth_secret, client.tls_common_name);
    auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx.opts.http_client_request_timeout);
    if (timeout.count() <= 0) timeout = std::chrono::hours(24);  // Go: 0 = no timeout
    auto connect_timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx.opts.http_client_connect_timeout);
    std::string errors;
    const size_t n = addrs.size();
    const size_t start = n > 0 ? random_start(n) : 0;
    for (size_t i = 0; i < n; ++i) {
        const std::string& addr = addrs[(start + i) % n];
        auto aw = query_one(addr, query, timeout, connect_timeout, ctx.opts.tls_root_ca_file);
        auth_parse_result r = co_await std::move(aw);
        if (r.state) {
            finish_pending_auth(ctx, client, std::move(r.state), "");
            co_return;
        }
        std::string e = "failed to auth against " + addr + " - " + r.error;
        errors = errors.empty() ? e : e + "; " + errors;
    }
    if (n == 0) errors = "no auth server configured";
    finish_pending_auth(ctx, client, std::nullopt, errors);
}

}  // namespace nsqpp::nsqd
