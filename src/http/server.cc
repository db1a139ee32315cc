#include "http/server.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <unordered_map>

#include "base/log.h"
#include "http/url.h"

namespace nsqpp::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr size_t max_header_bytes = (1 << 20) + 4096;         // Go's DefaultMaxHeaderBytes + slack
constexpr auto linger_time = std::chrono::milliseconds(500);  // Go's rstAvoidanceDelay

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// "Mon, 02 Jan 2006 15:04:05 GMT" (http.TimeFormat), independent of the C locale.
std::string http_date() {
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

// Go's textproto.CanonicalMIMEHeaderKey: "x-nsq-content-type" → "X-Nsq-Content-Type".
std::string canonical_header_key(std::string_view key) {
    std::string out(key);
    for (char c : out) {
        bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!token) return out;
    }
    bool upper = true;
    for (char& c : out) {
        if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        upper = c == '-';
    }
    return out;
}

std::string format_endpoint(const tcp::endpoint& ep) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
        addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    }
    std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return host + ":" + std::to_string(ep.port());
}

bool is_bad_request(const error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

struct connection_base {
    explicit connection_base(asio::any_io_executor ex) : executor(std::move(ex)) {}
    virtual ~connection_base() = default;
    virtual void close() = 0;  // only on `executor`
    asio::any_io_executor executor;
    uint64_t id = 0;
};

template <class Stream>
struct connection final : connection_base {
    connection(asio::any_io_executor ex, Stream s, std::shared_ptr<asio::ssl::context> ctx)
        : connection_base(std::move(ex)), tls(std::move(ctx)), stream(std::move(s)) {}
    void close() override { beast::get_lowest_layer(stream).close(); }

    std::shared_ptr<asio::ssl::context> tls;  // outlives `stream`
    Stream stream;
    beast::flat_buffer buffer;
    std::string remote;
};

// The request-reading outcome of one round on a connection.
enum class step { serve, respond_and_close, close };

struct connection_info {
    bool keep_alive = true;  // Beast's rules: HTTP/1.1 unless "close", HTTP/1.0 if "keep-alive"
    bool http10 = false;
};

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
    impl(std::vector<asio::any_io_executor> exs, const router& r, size_t limit)
        : executors(std::move(exs)),
          routes(r),
          default_body_limit(limit),
          acceptor(executors.at(0)) {}

    std::vector<asio::any_io_executor> executors;
    const router routes;
    const size_t default_body_limit;
    std::shared_ptr<asio::ssl::context> tls;
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
    tcp::acceptor acceptor;  // used on executors[0] only once started
    size_t next_executor = 0;
    bool started = false;  // start() is idempotent (caller's thread, before/while serving)

    mutable std::mutex mu;
    bool stopped = false;
    uint64_t next_id = 1;
    std::unordered_map<uint64_t, std::weak_ptr<connection_base>> connections;

    bool add_connection(const std::shared_ptr<connection_base>& c) {
        std::lock_guard lock(mu);
        if (stopped) return false;
        c->id = next_id++;
        connections.emplace(c->id, c);
        return true;
    }
    void remove_connection(uint64_t id) {
        std::lock_guard lock(mu);
        connections.erase(id);
    }
    bool is_stopped() const {
        std::lock_guard lock(mu);
        return stopped;
    }
};

namespace {

using impl_ptr = std::shared_ptr<server::impl>;

// Unregisters the connection when the session coroutine's frame goes away (also when the
// io_context is destroyed with the coroutine suspended).
struct registration {
    impl_ptr self;
    uint64_t id;
    ~registration() { self->remove_connection(id); }
};

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

bhttp::response<bhttp::string_body> to_beast(response& res, bool keep_alive, bool http10) {
    bhttp::response<bhttp::string_body> msg;
    msg.version(11);
    msg.result(static_cast<unsigned>(res.status));
    for (auto& [name, value] : res.headers) msg.insert(canonical_header_key(name), value);
    if (msg.find(bhttp::field::date) == msg.end()) msg.set(bhttp::field::date, http_date());
    bool no_body = res.status / 100 == 1 || res.status == 204 || res.status == 304;
    if (!no_body) {
        msg.body() = std::move(res.body);
        msg.prepare_payload();
    }
    msg.keep_alive(keep_alive);
    if (keep_alive && http10) msg.set(bhttp::field::connection, "keep-alive");
    return msg;
}

template <class Stream>
asio::awaitable<error_code> write_response(std::shared_ptr<connection<Stream>> conn, impl_ptr self,
                                           response res, bool head, bool keep_alive, bool http10) {
    auto msg = to_beast(res, keep_alive, http10);
    beast::get_lowest_layer(conn->stream).expires_after(self->idle_timeout);
    if (head) {
        bhttp::response_serializer<bhttp::string_body> sr(msg);
        auto [ec, n] = co_await bhttp::async_write_header(conn->stream, sr, use_tuple);
        co_return ec;
    }
    auto [ec, n] = co_await bhttp::async_write(conn->stream, msg, use_tuple);
    co_return ec;
}

// Half-closes and drains what the client still sends for a short while, so that closing
// with unread input does not reset the connection before the client reads our response.
template <class Stream>
asio::awaitable<void> close_gracefully(std::shared_ptr<connection<Stream>> conn) {
    auto& lowest = beast::get_lowest_layer(conn->stream);
    lowest.expires_after(linger_time);
    if constexpr (is_tls<Stream>) {
        [[maybe_unused]] auto [ec] = co_await conn->stream.async_shutdown(use_tuple);
    } else {
        error_code ec;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
        std::array<char, 4096> scratch;
        while (!ec) {
            auto [read_ec, n] = co_await lowest.async_read_some(asio::buffer(scratch), use_tuple);
            ec = read_ec;
        }
    }
    lowest.close();
}

template <class Stream>
asio::awaitable<void> write_and_close(std::shared_ptr<connection<Stream>> conn, impl_ptr self,
                                      response res) {
    auto ec = co_await write_response(conn, self, std::move(res), false, false, false);
    if (!ec) co_await close_gracefully(conn);
}

response too_big(const router& routes, request& req, const route_options* opts) {
    std::string message = opts && !opts->too_big_message.empty() ? opts->too_big_message
                                                                 : std::string("BODY_TOO_BIG");
    return routes.reject(req, response::error(413, message));
}

// Reads one request (header first, then the body within the route's limit) into `req`.
// On failure `out` holds the response to send before closing (if any).
template <class Stream>
asio::awaitable<step> read_request(std::shared_ptr<connection<Stream>> conn, impl_ptr self,
                                   request* req, response* out, connection_info* info) {
    auto& lowest = beast::get_lowest_layer(conn->stream);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(max_header_bytes);
    parser.body_limit(boost::none);  // checked against the route's limit below
    lowest.expires_after(self->idle_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(conn->stream, conn->buffer, parser, use_tuple);
    if (ec == bhttp::error::header_limit) {
        *out = response::plain(431, "431 Request Header Fields Too Large");
        co_return step::respond_and_close;
    }
    if (ec) {
        if (!is_bad_request(ec)) co_return step::close;
        *out = response::plain(400, "400 Bad Request");
        co_return step::respond_and_close;
    }
    auto& header = parser.get();
    req->method = std::string(header.method_string());
    if (!parse_target(header.target(), *req)) {
        *out = response::plain(400, "400 Bad Request");
        co_return step::respond_and_close;
    }
    for (const auto& field : header) {
        req->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req->remote_address = conn->remote;
    req->tls = is_tls<Stream>;
    info->keep_alive = header.keep_alive();
    info->http10 = header.version() < 11;

    const route_options* opts = self->routes.options_for(req->method, req->path);
    size_t limit = opts && opts->max_body ? opts->max_body : self->default_body_limit;
    if (auto length = parser.content_length(); length && *length > limit) {
        *out = too_big(self->routes, *req, opts);
        co_return step::respond_and_close;
    }
    if (!parser.is_done()) {
        parser.body_limit(limit);
        if (header.version() >= 11 && iequals(header[bhttp::field::expect], "100-continue")) {
            static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [wec, wn] =
                co_await asio::async_write(conn->stream, asio::buffer(cont), use_tuple);
            if (wec) co_return step::close;
        }
        lowest.expires_after(self->idle_timeout);
        auto [bec, bn] = co_await bhttp::async_read(conn->stream, conn->buffer, parser, use_tuple);
        if (bec == bhttp::error::body_limit) {
            *out = too_big(self->routes, *req, opts);
            co_return step::respond_and_close;
        }
        if (bec) co_return step::close;
    }
    req->body = std::move(parser.get().body());
    co_return step::serve;
}

template <class Stream>
asio::awaitable<void> run_session(std::shared_ptr<connection<Stream>> conn, impl_ptr self) {
    registration reg{self, conn->id};
    auto& lowest = beast::get_lowest_layer(conn->stream);
    if constexpr (is_tls<Stream>) {
        lowest.expires_after(self->idle_timeout);
        auto [ec] =
            co_await conn->stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec) {
            lowest.close();
            co_return;
        }
    }
    for (;;) {
        request req;
        response res;
        connection_info info;
        step s = co_await read_request(conn, self, &req, &res, &info);
        if (s == step::close) break;
        if (s == step::respond_and_close) {
            co_await write_and_close(conn, self, std::move(res));
            co_return;
        }
        res = self->routes.dispatch(req);
        if (auto c = res.header("Connection"); c && iequals(*c, "close")) info.keep_alive = false;
        auto ec = co_await write_response(conn, self, std::move(res), req.method == "HEAD",
                                          info.keep_alive, info.http10);
        if (ec) break;
        if (!info.keep_alive) {
            co_await close_gracefully(conn);
            co_return;
        }
    }
    lowest.close();
}

template <class Stream>
void spawn_session(const impl_ptr& self, Stream stream, std::string remote) {
    auto ex = beast::get_lowest_layer(stream).get_executor();
    auto conn = std::make_shared<connection<Stream>>(ex, std::move(stream), self->tls);
    conn->remote = std::move(remote);
    if (!self->add_connection(conn)) {
        conn->close();
        return;
    }
    asio::co_spawn(ex, run_session(conn, self), asio::detached);
}

asio::awaitable<void> accept_loop(impl_ptr self) {
    auto log = base::get_logger("http");
    for (;;) {
        auto& ex = self->executors[self->next_executor++ % self->executors.size()];
        auto [ec, socket] = co_await self->acceptor.async_accept(ex, use_tuple);
        if (self->is_stopped() || !self->acceptor.is_open()) break;
        if (ec) {
            // e.g. EMFILE: back off briefly rather than spin (as Go's http.Server does)
            log->error("HTTP accept failed: {}", ec.message());
            asio::steady_timer timer(self->executors[0], std::chrono::milliseconds(100));
            co_await timer.async_wait(use_tuple);
            continue;
        }
        error_code ep_ec;
        auto remote = socket.remote_endpoint(ep_ec);
        std::string remote_str = ep_ec ? std::string() : format_endpoint(remote);
        if (self->tls) {
            spawn_session(self, tls_stream(beast::tcp_stream(std::move(socket)), *self->tls),
                          std::move(remote_str));
        } else {
            spawn_session(self, beast::tcp_stream(std::move(socket)), std::move(remote_str));
        }
    }
}

tcp::endpoint resolve_listen_endpoint(const asio::any_io_executor& ex, const std::string& host,
                                      uint16_t port) {
    if (host.empty()) return {tcp::v6(), port};
    error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (!ec) return {addr, port};
    tcp::resolver resolver(ex);
    auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
        throw std::system_error(
            ec ? std::error_code(ec) : std::make_error_code(std::errc::invalid_argument),
            "resolve " + host);
    }
    return results.begin()->endpoint();
}

}  // namespace

server::server(std::vector<asio::any_io_executor> executors, const router& r,
               size_t default_body_limit)
    : impl_(std::make_shared<impl>(std::move(executors), r, default_body_limit)) {}

server::~server() { stop(); }

void server::set_tls(std::shared_ptr<asio::ssl::context> tls) { impl_->tls = std::move(tls); }

void server::set_idle_timeout(std::chrono::steady_clock::duration timeout) {
    impl_->idle_timeout = timeout;
}

uint16_t server::listen(const std::string& host, uint16_t port) {
    auto endpoint = resolve_listen_endpoint(impl_->executors[0], host, port);
    auto& acceptor = impl_->acceptor;
    error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec && host.empty()) acceptor.set_option(asio::ip::v6_only(false), ec);
    if (ec && host.empty()) {  // no IPv6 here: all IPv4 interfaces
        error_code ignored;
        acceptor.close(ignored);
        endpoint = tcp::endpoint(tcp::v4(), port);
        ec = {};
        acceptor.open(endpoint.protocol(), ec);
    }
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error_code ignored;
        acceptor.close(ignored);
        throw std::system_error(std::error_code(ec), "listen " + host + ":" + std::to_string(port));
    }
    return acceptor.local_endpoint().port();
}

void server::start() {
    if (impl_->started || impl_->is_stopped() || !impl_->acceptor.is_open()) return;
    impl_->started = true;
    // Not detached: an accept loop that dies must say so (it once died silently).
    asio::co_spawn(impl_->executors[0], accept_loop(impl_),
                   base::log_failure{"http", "HTTP accept loop"});
}

void server::stop() {
    std::vector<std::shared_ptr<connection_base>> open;
    {
        std::lock_guard lock(impl_->mu);
        if (impl_->stopped) return;
        impl_->stopped = true;
        for (auto& [id, weak] : impl_->connections) {
            if (auto c = weak.lock()) open.push_back(std::move(c));
        }
    }
    asio::post(impl_->executors[0], [self = impl_] {
        error_code ignored;
        self->acceptor.close(ignored);
    });
    for (auto& c : open) {
        auto ex = c->executor;
        asio::post(ex, [c = std::move(c)] { c->close(); });
    }
}

size_t server::connection_count() const {
    std::lock_guard lock(impl_->mu);
    return impl_->connections.size();
}

}  // namespace nsqpp::http
