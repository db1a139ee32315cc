// The proxy path: pick a member (retrying failed connects on others), send the request head
// and body (buffered when small, else streamed), stream the response back.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.h"
#include "gateway/head_writer.h"
#include "gateway/relay.h"
#include "gateway/session.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Edits the parsed request head in place into what the upstream receives.
void prepare_upstream_head(bhttp::request<bhttp::buffer_body>& req, const exchange& ex,
                           const member& m) {
    bool chunked = ex.chunked;
    req.clear();
    for (const auto& [name, value] : ex.headers) req.insert(name, value);
    remove_hop_by_hop(req);
    req.erase(bhttp::field::expect);
    req.target(ex.upstream_target);
    req.version(11);
    std::string xff = ex.client_ip;
    if (auto prior = ex.header("X-Forwarded-For")) xff = *prior + ", " + ex.client_ip;
    req.set("X-Forwarded-For", xff);
    if (auto host = ex.header("Host")) {
        req.set("X-Forwarded-Host", *host);
    }
    req.set("X-Forwarded-Proto", "http");
    bool pass_host = !ex.matched_route || ex.matched_route->pass_host;
    if (!pass_host || req.find(bhttp::field::host) == req.end()) {
        req.set(bhttp::field::host, m.address());
    }
    if (chunked) req.chunked(true);
}

http::response gateway_error(int status, std::string_view code, const std::string& detail) {
    http::response r = http::response::error(status, code);
    r.body =
        "{\"message\":" + http::json_quote(code) + ",\"detail\":" + http::json_quote(detail) + "}";
    return r;
}

struct in_flight {
    member* m;
    explicit in_flight(member* mm) : m(mm) {
        m->active.fetch_add(1, std::memory_order_relaxed);
        m->requests.fetch_add(1, std::memory_order_relaxed);
    }
    ~in_flight() { m->active.fetch_sub(1, std::memory_order_relaxed); }
};

// A connected upstream, or the reasons every attempt failed.
struct connected {
    upstream_ptr up;
    member* m = nullptr;
    std::string failures;
};

// Starting with `m` (picked already, no idle connection), picks members (skipping failed
// ones) until a connect succeeds or `retries` run out.
asio::awaitable<connected> connect_any(pool* p, balancer* bal, pick_request* pick, member* m,
                                       size_t worker) {
    const pool_config& cfg = p->config();
    connected out;
    for (int attempt = 0; attempt <= cfg.retries; ++attempt) {
        if (attempt > 0) m = bal->pick(*pick);
        if (!m) break;
        // The first member's idle list was looked at already; later ones may have one.
        auto connecting = attempt == 0 ? connect_upstream(*m, cfg.limits)
                                       : acquire_upstream(*m, worker, cfg.limits);
        auto r = co_await std::move(connecting);
        if (r.conn) {
            out.up = std::move(r.conn);
            out.m = m;
            co_return out;
        }
        m->record_failure(cfg.max_fails, cfg.fail_timeout);
        base::get_logger("nsqgw")->warn("pool {}: connect to {} failed - {}", p->name(),
                                        m->address(), describe_error(r.ec));
        out.failures +=
            (out.failures.empty() ? "" : "; ") + m->address() + ": connect " + describe_error(r.ec);
        pick->exclude.push_back(m);
    }
    co_return out;
}

// Everything the response half of an exchange needs (pointers: coroutine arguments by value).
struct response_step {
    const core* c;
    client_conn* cc;
    request_parser* rp;
    exchange* ex;
    size_t entered;
    pool* p;
    member* m;
    bhttp::response_parser<bhttp::buffer_body>* resp;
    bool keep_alive;
};

// The upstream head through modifiers and middleware; returns it with the reason to send.
response_head edited_head(const response_step& s, std::string* reason) {
    auto& res = s.resp->get();
    response_head head{static_cast<int>(res.result_int()), std::move(s.cc->spare_response_headers)};
    head.headers.clear();
    head.headers.reserve(16);
    for (const auto& f : res) {
        head.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    for (const auto& mod : s.c->modifiers) mod(*s.ex, head);
    run_on_response(s.c->chain, s.entered, *s.ex, head);
    s.ex->status = head.status;
    *reason = head.status == static_cast<int>(res.result_int()) ? std::string(res.reason()) : "";
    return head;
}

void body_failed(const response_step& s, const error_code& ec) {
    s.ex->error = s.m->address() + ": response body " + describe_error(ec);
    base::get_logger("nsqgw")->warn("pool {}: {} {} - {}", s.p->name(), s.ex->method,
                                    s.ex->upstream_target, s.ex->error);
    s.m->record_failure(s.p->config().max_fails, s.p->config().fail_timeout);
}

// Fast path: a body that fits the relay buffer is read whole, then written with the head in
// one write (no Beast serializer, no timer when the socket takes it at once).
asio::awaitable<bool> respond_small(response_step s, upstream_ptr up) {
    const auto& limits = s.p->config().limits;
    auto& resp = *s.resp;
    bool upstream_keep = resp.get().keep_alive();
    std::string reason;
    response_head head = edited_head(s, &reason);
    auto length = resp.content_length();
    auto& scratch = s.cc->scratch;
    auto& b = resp.get().body();
    size_t got = 0;
    while (!resp.is_done()) {
        b.data = scratch.data() + got;
        b.size = scratch.size() - got;
        // Usually the body came with the head: parse it without starting a read coroutine.
        error_code ec;
        if (!parse_buffered(up->buffer, resp, false, ec)) {
            ec = co_await fast_read(up->fast, up->buffer, resp, false, limits.read_timeout);
        }
        if (ec == bhttp::error::need_buffer) ec = {};
        got = scratch.size() - b.size;
        if (ec) {
            body_failed(s, ec);
            co_return false;
        }
    }
    std::string& text = s.cc->head;
    text.clear();
    int64_t cl = length ? static_cast<int64_t>(*length)
                        : (s.ex->method == "HEAD" ? -1 : static_cast<int64_t>(got));
    bool no_body = head.status / 100 == 1 || head.status == 204 || head.status == 304;
    append_response_head(text, s.ex->http_version, head.status, reason, head.headers,
                         no_body ? -1 : cl, false, s.keep_alive);
    error_code wec;
    asio::const_buffer head_buf = asio::buffer(text), body_buf = asio::buffer(scratch.data(), got);
    if (!write_now(s.cc->stream.socket(), head_buf, body_buf, wec)) {
        wec = co_await write_rest(s.cc->stream, head_buf, body_buf, s.c->client_write_timeout);
    }
    s.ex->bytes_out = got;
    head.headers.clear();
    s.cc->spare_response_headers = std::move(head.headers);
    if (upstream_keep) release_upstream(*s.m, s.cc->worker, std::move(up), limits);
    co_return !wec && s.keep_alive && s.rp->is_done();
}

// Large, chunked or close-delimited bodies: relayed through the buffer as they arrive.
asio::awaitable<bool> respond_streamed(response_step s, upstream_ptr up) {
    const auto& limits = s.p->config().limits;
    auto& resp = *s.resp;
    auto& res = resp.get();
    bool upstream_keep = res.keep_alive();
    bool chunked = resp.chunked();
    std::string reason;
    response_head head = edited_head(s, &reason);
    res.clear();
    res.result(static_cast<unsigned>(head.status));
    res.reason(reason);
    for (const auto& [name, value] : head.headers) res.insert(name, value);
    remove_hop_by_hop(res);
    // A body delimited by the upstream closing: re-frame it as chunks for HTTP/1.1 clients.
    if (!chunked && !resp.is_done() && !resp.content_length()) {
        chunked = true;
        upstream_keep = false;
    }
    bool keep_alive = s.keep_alive;
    if (chunked && s.ex->http_version == 10) {
        keep_alive = false;  // an HTTP/1.0 client cannot read chunks: body until close
    } else if (chunked) {
        res.chunked(true);
    }
    res.version(s.ex->http_version);
    res.keep_alive(keep_alive);

    relay_outcome o =
        co_await relay_body<false>(up->stream, up->buffer, resp, s.cc->stream, s.cc->scratch,
                                   limits.read_timeout, s.c->client_write_timeout, 0);
    s.ex->bytes_out = o.bytes;
    if (o.status == relay_status::read_failed) {
        body_failed(s, o.ec);
        co_return false;
    }
    if (o.status == relay_status::ok && upstream_keep && resp.is_done()) {
        release_upstream(*s.m, s.cc->worker, std::move(up), limits);
    }
    co_return o.status == relay_status::ok&& keep_alive&& s.rp->is_done();
}

}  // namespace

asio::awaitable<bool> proxy_exchange(const core* c, client_conn* cc, request_parser* rp,
                                     exchange* ex, size_t entered, bool keep_alive) {
    pool& p = *ex->target_pool;
    const pool_config& cfg = p.config();
    auto bal = p.current();

    // Small bodies are read first so that a stale pooled connection can be replayed.
    bool buffered =
        rp->is_done() || (ex->content_length && *ex->content_length <= c->buffer_body_limit);
    std::string body;
    if (!rp->is_done() && buffered) {
        error_code ec = co_await read_body(cc, rp, &body, ex->max_body);
        if (ec == bhttp::error::body_limit) {
            co_await write_local(c, cc, ex, entered, http::response::error(413, "BODY_TOO_BIG"),
                                 false);
            co_return false;
        }
        if (ec) co_return false;
        ex->bytes_in = body.size();
    }

    // The common case without a coroutine: the picked member has an idle connection.
    pick_request pick;
    pick.key = ex->hash_key;
    connected conn;
    conn.m = bal->pick(pick);
    if (conn.m) conn.up = take_idle_upstream(*conn.m, cc->worker, cfg.limits);
    if (!conn.up) conn = co_await connect_any(&p, bal.get(), &pick, conn.m, cc->worker);
    upstream_ptr up = std::move(conn.up);
    member* m = conn.m;
    if (!up) {
        bool none = conn.failures.empty();
        std::string detail = none ? "no healthy member in pool " + p.name() : conn.failures;
        ex->error = detail;
        co_return co_await write_local(
            c, cc, ex, entered,
            gateway_error(none ? 503 : 502, none ? "NO_UPSTREAM" : "UPSTREAM_CONNECT_FAILED",
                          detail),
            keep_alive && rp->is_done());
    }
    in_flight guard(m);
    ex->upstream_address = m->address();
    auto& req = rp->get();
    std::string& head_text = cc->head;
    head_text.clear();
    if (buffered) {
        append_request_head(head_text, *ex, *m, body.size());
    } else {
        prepare_upstream_head(req, *ex, *m);
    }

    bhttp::response_parser<bhttp::buffer_body> resp;
    resp.body_limit(boost::none);
    if (ex->method == "HEAD") resp.skip(true);
    error_code ec;
    for (int replay = 0;; ++replay) {
        if (buffered) {
            asio::const_buffer head_buf = asio::buffer(head_text), body_buf = asio::buffer(body);
            ec = {};
            if (!write_now(up->stream.socket(), head_buf, body_buf, ec)) {
                ec = co_await write_rest(up->stream, head_buf, body_buf, cfg.limits.read_timeout);
            }
        } else {
            relay_outcome o = co_await relay_body<true>(cc->stream, cc->buffer, *rp, up->stream,
                                                        cc->scratch, c->client_idle_timeout,
                                                        cfg.limits.read_timeout, ex->max_body);
            ex->bytes_in = o.bytes;
            if (o.status == relay_status::too_big) {
                co_await write_local(c, cc, ex, entered, http::response::error(413, "BODY_TOO_BIG"),
                                     false);
                co_return false;
            }
            if (o.status == relay_status::read_failed) co_return false;  // client went away
            ec = o.ec;
        }
        if (!ec) {
            up->fast.deadline.attach(c->sweepers.at(cc->worker), up->fast.sock);
            ec = co_await fast_read(up->fast, up->buffer, resp, true, cfg.limits.read_timeout);
        }
        // A pooled connection the upstream already closed: replay once on a new connection.
        bool stale =
            up->reused && buffered && ec && ec != beast::error::timeout && !resp.got_some();
        if (!stale || replay > 0) break;
        auto r = co_await connect_upstream(*m, cfg.limits);
        if (!r.conn) {
            ec = r.ec;
            break;
        }
        up = std::move(r.conn);
    }
    if (ec) {
        m->record_failure(cfg.max_fails, cfg.fail_timeout);
        bool timeout = ec == beast::error::timeout;
        std::string detail = m->address() + ": " +
                             (timeout ? "no response within read timeout" : describe_error(ec));
        ex->error = detail;
        base::get_logger("nsqgw")->warn("pool {}: {} {} - {}", p.name(), ex->method,
                                        ex->upstream_target, detail);
        co_return co_await write_local(
            c, cc, ex, entered,
            gateway_error(timeout ? 504 : 502, timeout ? "UPSTREAM_TIMEOUT" : "UPSTREAM_ERROR",
                          detail),
            keep_alive && rp->is_done());
    }
    m->record_success();

    response_step step{c, cc, rp, ex, entered, &p, m, &resp, keep_alive};
    auto length = resp.content_length();
    if (resp.is_done() || (!resp.chunked() && length && *length <= cc->scratch.size())) {
        auto small = respond_small(step, std::move(up));
        co_return co_await std::move(small);
    }
    auto streamed = respond_streamed(step, std::move(up));
    co_return co_await std::move(streamed);
}

}  // namespace nsqpp::gateway
