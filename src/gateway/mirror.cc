// Mirror mode: the buffered request goes to two distinct members at once; the client gets the
// first member's answer only when both accepted (2xx), else 502 MIRROR_PARTIAL_FAILURE (or
// MIRROR_FAILED) naming which member accepted and why the other did not.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.h"
#include "gateway/session.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct leg_result {
    std::string member;
    int status = 0;
    http::header_list headers;
    std::string body;
    std::string error;  // transport failure
    bool accepted() const { return error.empty() && status / 100 == 2; }
};

// One leg: connect (another unused member when the connect fails), send, read the answer.
// `used` is shared by both legs (same thread): members taken by either leg.
asio::awaitable<leg_result> run_leg(std::shared_ptr<balancer> bal, const pool_config* cfg,
                                    std::vector<const member*>* used, member* first,
                                    bhttp::request<bhttp::string_body> msg, std::string key,
                                    size_t worker) {
    leg_result out;
    member* m = first;
    upstream_ptr up;
    std::string failures;
    for (int attempt = 0; m && attempt <= cfg->retries; ++attempt) {
        auto r = co_await acquire_upstream(*m, worker, cfg->limits);
        if (r.conn) {
            up = std::move(r.conn);
            break;
        }
        m->record_failure(cfg->max_fails, cfg->fail_timeout);
        failures +=
            (failures.empty() ? "" : "; ") + m->address() + ": connect " + describe_error(r.ec);
        pick_request pick;
        pick.key = key;
        pick.exclude = *used;
        m = bal->pick(pick);
        if (m) used->push_back(m);
    }
    if (!up) {
        out.member = m ? m->address() : first->address();
        out.error = failures.empty() ? "no member left" : failures;
        co_return out;
    }
    out.member = m->address();
    m->active.fetch_add(1, std::memory_order_relaxed);
    m->requests.fetch_add(1, std::memory_order_relaxed);
    msg.set(bhttp::field::host, m->address());
    up->stream.expires_after(cfg->limits.read_timeout);
    auto [wec, wn] = co_await bhttp::async_write(up->stream, msg, use_tuple);
    error_code ec = wec;
    bhttp::response_parser<bhttp::string_body> resp;
    resp.body_limit(1 << 20);
    if (!ec) {
        auto [rec, rn] = co_await bhttp::async_read(up->stream, up->buffer, resp, use_tuple);
        ec = rec;
    }
    m->active.fetch_sub(1, std::memory_order_relaxed);
    if (ec) {
        m->record_failure(cfg->max_fails, cfg->fail_timeout);
        out.error =
            ec == beast::error::timeout ? "no response within read timeout" : describe_error(ec);
        co_return out;
    }
    m->record_success();
    auto& res = resp.get();
    out.status = static_cast<int>(res.result_int());
    bool keep = res.keep_alive();
    remove_hop_by_hop(res);
    res.erase(bhttp::field::content_length);
    for (const auto& f : res)
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (keep) release_upstream(*m, worker, std::move(up), cfg->limits);
    co_return out;
}

std::string leg_json(const leg_result& r) {
    std::string s = "{\"member\":" + http::json_quote(r.member);
    if (!r.error.empty()) return s + ",\"error\":" + http::json_quote(r.error) + "}";
    return s + ",\"status\":" + std::to_string(r.status) + ",\"body\":" + http::json_quote(r.body) +
           "}";
}

}  // namespace

asio::awaitable<bool> mirror_exchange(const core* c, client_conn* cc, request_parser* rp,
                                      exchange* ex, size_t entered, bool keep_alive) {
    using namespace asio::experimental::awaitable_operators;
    pool& p = *ex->target_pool;
    const pool_config& cfg = p.config();
    uint64_t limit = cfg.mirror_max_body;
    if (ex->max_body && ex->max_body < limit) limit = ex->max_body;
    std::string body;
    error_code ec = co_await read_body(cc, rp, &body, limit);
    if (ec == bhttp::error::body_limit) {
        co_await write_local(c, cc, ex, entered, http::response::error(413, "BODY_TOO_BIG"), false);
        co_return false;
    }
    if (ec) co_return false;
    ex->bytes_in = body.size();

    auto bal = p.current();
    std::vector<const member*> used;
    pick_request pick;
    pick.key = ex->hash_key;
    member* a = bal->pick(pick);
    if (a) pick.exclude.push_back(a);
    member* b = a ? bal->pick(pick) : nullptr;
    if (!a || !b) {
        ex->error = "mirror mode needs two healthy members";
        co_return co_await write_local(
            c, cc, ex, entered, http::response::error(503, "MIRROR_NEEDS_TWO_MEMBERS"), keep_alive);
    }
    used = {a, b};

    bhttp::request<bhttp::string_body> msg;
    msg.method_string(ex->method);
    msg.target(ex->upstream_target);
    msg.version(11);
    for (const auto& [name, value] : ex->headers) msg.insert(name, value);
    remove_hop_by_hop(msg);
    msg.erase(bhttp::field::expect);
    msg.erase(bhttp::field::content_length);
    msg.set("X-Forwarded-For", ex->client_ip);
    msg.set("X-Forwarded-Proto", "http");
    msg.body() = std::move(body);
    msg.prepare_payload();

    auto leg_a = run_leg(bal, &cfg, &used, a, msg, ex->hash_key, cc->worker);
    auto leg_b = run_leg(bal, &cfg, &used, b, msg, ex->hash_key, cc->worker);
    auto both = co_await (std::move(leg_a) && std::move(leg_b));
    leg_result& ra = std::get<0>(both);
    leg_result& rb = std::get<1>(both);

    ex->upstream_address = ra.member + "," + rb.member;
    if (ra.accepted() && rb.accepted()) {
        http::response res;
        res.status = ra.status;
        res.headers = std::move(ra.headers);
        res.body = std::move(ra.body);
        res.set_header("X-Nsqgw-Mirror", ra.member + ", " + rb.member);
        co_return co_await write_local(c, cc, ex, entered, std::move(res), keep_alive);
    }
    bool none = !ra.accepted() && !rb.accepted();
    std::string code = none ? "MIRROR_FAILED" : "MIRROR_PARTIAL_FAILURE";
    ex->error = code + ": " + leg_json(ra) + " " + leg_json(rb);
    base::get_logger("nsqgw")->warn("pool {}: {} {} - {}", p.name(), ex->method,
                                    ex->upstream_target, ex->error);
    http::response res = http::response::error(502, code);
    std::string accepted, failed;
    for (const leg_result* r : {&ra, &rb}) {
        std::string& list = r->accepted() ? accepted : failed;
        list += (list.empty() ? "" : ",") + leg_json(*r);
    }
    res.body = "{\"message\":\"" + code + "\",\"accepted\":[" + accepted + "],\"failed\":[" +
               failed + "]}";
    co_return co_await write_local(c, cc, ex, entered, std::move(res), keep_alive);
}

}  // namespace nsqpp::gateway
