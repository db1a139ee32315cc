// Client sessions: read request heads, run the onion, route, dispatch to proxy or mirror.
#include "gateway/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct registration {
    std::shared_ptr<connection_set> set;
    uint64_t id;
    ~registration() {
        if (id) set->remove(id);
    }
};

void fill_exchange(exchange& ex, const request_parser& rp) {
    const auto& h = rp.get();
    ex.method = std::string(h.method_string());
    ex.target = std::string(h.target());
    auto q = ex.target.find('?');
    ex.path = ex.target.substr(0, q);
    if (q != std::string::npos) ex.raw_query = ex.target.substr(q + 1);
    ex.http_version = h.version() == 10 ? 10 : 11;
    for (const auto& f : h)
        ex.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    ex.content_length =
        rp.content_length() ? std::optional<uint64_t>(*rp.content_length()) : std::nullopt;
    ex.chunked = rp.chunked();
}

// Routing and the request-rewrite step; may set ex.reply.
void route_exchange(const core& c, exchange& ex) {
    const route* r = c.routes.match(ex.header("Host").value_or(""), ex.path);
    if (!r || !r->target) {
        ex.reply = http::response::error(404, "NO_ROUTE");
        return;
    }
    ex.matched_route = r;
    ex.target_pool = r->target;
    ex.upstream_target = rewrite_target(*r, ex.target);
    for (const auto& name : r->remove_headers) ex.remove_header(name);
    for (const auto& [name, value] : r->set_headers) ex.set_header(name, value);
    for (const auto& rw : c.rewriters) {
        rw(ex);
        if (ex.reply) return;
    }
    if (!ex.target_pool) {
        ex.reply = http::response::error(404, "NO_ROUTE");
        return;
    }
    ex.hash_key = ex.target_pool->hash_key(ex);
}

// Half-closes and drains briefly so the client reads our answer instead of a reset.
asio::awaitable<void> linger_close(client_conn* cc) {
    error_code ec;
    cc->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    cc->stream.expires_after(std::chrono::milliseconds(500));
    size_t drained = 0;
    while (drained < (1 << 20)) {
        auto [rec, n] = co_await cc->stream.async_read_some(asio::buffer(cc->scratch), use_tuple);
        if (rec) break;
        drained += n;
    }
    cc->stream.socket().close(ec);
}

asio::awaitable<void> answer_bad_request(client_conn* cc, const char* status_line) {
    std::string msg = std::string(status_line) +
                      "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                      "Content-Length: 11\r\n\r\nBad Request";
    cc->stream.expires_after(std::chrono::seconds(5));
    co_await asio::async_write(cc->stream, asio::buffer(msg), use_tuple);
    co_await linger_close(cc);
}

}  // namespace

uint64_t connection_set::add(client_conn* c, asio::any_io_executor ex) {
    std::lock_guard lock(mu_);
    if (closed_) return 0;
    uint64_t id = next_++;
    conns_.emplace(id, std::make_pair(c, std::move(ex)));
    return id;
}

void connection_set::remove(uint64_t id) {
    std::lock_guard lock(mu_);
    conns_.erase(id);
}

void connection_set::close_all() {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [id, entry] : conns_) {
        asio::post(entry.second, [this, id = id] {
            std::lock_guard inner(mu_);
            auto it = conns_.find(id);
            if (it == conns_.end()) return;
            error_code ec;
            it->second.first->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
            it->second.first->stream.socket().close(ec);
        });
    }
}

size_t connection_set::size() const {
    std::lock_guard lock(mu_);
    return conns_.size();
}

asio::awaitable<bool> write_local(const core* c, client_conn* cc, exchange* ex, size_t entered,
                                  http::response res, bool keep_alive) {
    response_head head{res.status, std::move(res.headers)};
    run_on_response(c->chain, entered, *ex, head);
    bhttp::response<bhttp::string_body> msg;
    msg.version(ex->http_version);
    msg.result(static_cast<unsigned>(head.status));
    for (auto& [name, value] : head.headers) msg.insert(name, value);
    bool no_body = head.status / 100 == 1 || head.status == 204 || head.status == 304;
    if (!no_body) {
        ex->bytes_out = ex->method == "HEAD" ? 0 : res.body.size();
        msg.body() = std::move(res.body);
        msg.prepare_payload();
    }
    msg.keep_alive(keep_alive);
    ex->status = head.status;
    cc->stream.expires_after(c->client_write_timeout);
    error_code ec;
    if (ex->method == "HEAD") {
        bhttp::response_serializer<bhttp::string_body> sr(msg);
        auto [wec, n] = co_await bhttp::async_write_header(cc->stream, sr, use_tuple);
        ec = wec;
    } else {
        auto [wec, n] = co_await bhttp::async_write(cc->stream, msg, use_tuple);
        ec = wec;
    }
    co_return !ec && keep_alive;
}

asio::awaitable<void> serve_client(core* c, std::shared_ptr<connection_set> set, tcp::socket socket,
                                   size_t worker) {
    error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true), ec);
    auto ex_exec = socket.get_executor();
    client_conn cc(std::move(socket), worker);
    cc.fast.deadline.attach(c->sweepers.at(worker), cc.fast.sock);
    uint64_t id = set->add(&cc, ex_exec);
    registration reg{std::move(set), id};
    if (!reg.id) co_return;
    std::string client_ip = remote.address().to_string();
    std::string client_port = std::to_string(remote.port());

    for (;;) {
        request_parser rp;
        rp.header_limit(static_cast<uint32_t>(c->header_limit));
        rp.body_limit(boost::none);
        error_code rec = co_await fast_read(cc.fast, cc.buffer, rp, true, c->client_idle_timeout);
        if (rec == bhttp::error::header_limit) {
            co_await answer_bad_request(&cc, "HTTP/1.1 431 Request Header Fields Too Large");
            co_return;
        }
        if (rec) {
            bool protocol_error =
                rec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                rec != bhttp::error::end_of_stream && rec != bhttp::error::partial_message;
            if (protocol_error) co_await answer_bad_request(&cc, "HTTP/1.1 400 Bad Request");
            co_return;
        }
        exchange ex;
        ex.headers = std::move(cc.spare_headers);  // empty, with the last request's capacity
        ex.headers.reserve(16);
        ex.client_ip = client_ip;
        ex.client_port = client_port;
        fill_exchange(ex, rp);
        bool keep = rp.get().keep_alive();

        size_t entered = run_on_request(c->chain, ex);
        if (!ex.reply) route_exchange(*c, ex);
        if (ex.reply) {
            if (!rp.is_done()) keep = false;  // unread body: answer, then close
            http::response res = std::move(*ex.reply);
            keep = co_await write_local(c, &cc, &ex, entered, std::move(res), keep);
            if (!rp.is_done()) co_await linger_close(&cc);
        } else {
            if (!rp.is_done() &&
                bhttp::token_list(rp.get()[bhttp::field::expect]).exists("100-continue")) {
                static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await asio::async_write(cc.stream, asio::buffer(cont), use_tuple);
            }
            if (ex.target_pool->config().mode == pool_mode::mirror) {
                keep = co_await mirror_exchange(c, &cc, &rp, &ex, entered, keep);
            } else {
                keep = co_await proxy_exchange(c, &cc, &rp, &ex, entered, keep);
            }
        }
        run_on_complete(c->chain, entered, ex);
        ex.headers.clear();
        cc.spare_headers = std::move(ex.headers);
        if (!keep) {
            // An answer given before the whole body was read: let the client read it.
            if (!rp.is_done() && cc.stream.socket().is_open()) co_await linger_close(&cc);
            break;
        }
    }
    cc.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

void remove_hop_by_hop(bhttp::fields& f) {
    // Headers named in Connection are hop-by-hop too.
    std::vector<std::string> named;
    for (auto token : bhttp::token_list(f[bhttp::field::connection])) {
        named.emplace_back(token);
    }
    for (const auto& n : named) f.erase(n);
    for (auto field :
         {bhttp::field::connection, bhttp::field::keep_alive, bhttp::field::proxy_connection,
          bhttp::field::proxy_authenticate, bhttp::field::proxy_authorization, bhttp::field::te,
          bhttp::field::trailer, bhttp::field::transfer_encoding, bhttp::field::upgrade}) {
        f.erase(field);
    }
}

}  // namespace nsqpp::gateway

namespace nsqpp::gateway {
namespace {
constexpr auto use_tuple_rb = boost::asio::as_tuple(boost::asio::use_awaitable);
}

boost::asio::awaitable<boost::system::error_code> read_body(client_conn* cc, request_parser* rp,
                                                            std::string* out, uint64_t limit) {
    auto& body = rp->get().body();
    while (!rp->is_done()) {
        body.data = cc->scratch.data();
        body.size = cc->scratch.size();
        cc->stream.expires_after(std::chrono::seconds(60));
        auto [ec, n] = co_await bhttp::async_read_some(cc->stream, cc->buffer, *rp, use_tuple_rb);
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec) co_return ec;
        size_t got = cc->scratch.size() - body.size;
        if (limit && out->size() + got > limit) co_return bhttp::error::body_limit;
        out->append(cc->scratch.data(), got);
    }
    body.data = nullptr;
    body.size = 0;
    co_return error_code{};
}

}  // namespace nsqpp::gateway
