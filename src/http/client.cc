#include "http/client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <system_error>
#include <type_traits>

#include "http/request.h"

namespace nsqpp::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

[[noreturn]] void fail(const error_code& ec, const std::string& what) {
    if (ec == beast::error::timeout) {
        throw std::system_error(std::make_error_code(std::errc::timed_out), what);
    }
    throw std::system_error(std::error_code(ec), what);
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

std::string host_header(const std::string& host, uint16_t port) {
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bhttp::request<bhttp::string_body> build_request(const fetch_request& req) {
    bhttp::request<bhttp::string_body> msg;
    msg.method_string(req.method);
    msg.target(req.target);
    msg.version(11);
    bool has_host = false, has_connection = false, has_length = false, chunked = false;
    for (const auto& [name, value] : req.headers) {
        msg.insert(name, value);
        has_host |= iequals(name, "Host");
        has_connection |= iequals(name, "Connection");
        has_length |= iequals(name, "Content-Length");
        chunked |= iequals(name, "Transfer-Encoding") && iequals(value, "chunked");
    }
    if (!has_host) msg.set(bhttp::field::host, host_header(req.host, req.port));
    if (!has_connection) msg.set(bhttp::field::connection, "close");
    msg.body() = req.body;
    bool method_has_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (!chunked && !has_length && (!req.body.empty() || method_has_body)) {
        msg.content_length(req.body.size());
    }
    return msg;
}

template <class Stream>
asio::awaitable<client_response> exchange(Stream* stream, fetch_request req) {
    auto msg = build_request(req);
    auto [wec, wn] = co_await bhttp::async_write(*stream, msg, use_tuple);
    if (wec) fail(wec, "write request");

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    if (req.method == "HEAD") parser.skip(true);
    auto [rec, rn] = co_await bhttp::async_read(*stream, buffer, parser, use_tuple);
    if (rec && !(rec == asio::ssl::error::stream_truncated && parser.is_done())) {
        fail(rec, "read response");
    }
    auto& res = parser.get();
    client_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    co_return out;
}

}  // namespace

std::optional<std::string> client_response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

asio::awaitable<client_response> async_fetch(fetch_request req) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [ec, endpoints] =
        co_await resolver.async_resolve(req.host, std::to_string(req.port), use_tuple);
    if (ec) fail(ec, "resolve " + req.host);

    beast::tcp_stream tcp_stream(ex);
    auto deadline = std::chrono::steady_clock::now() + req.timeout;  // the whole exchange
    if (req.connect_timeout.count() > 0 && req.connect_timeout < req.timeout) {
        tcp_stream.expires_after(req.connect_timeout);
    } else {
        tcp_stream.expires_at(deadline);
    }
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple);
    if (cec) fail(cec, "connect " + host_header(req.host, req.port));
    tcp_stream.expires_at(deadline);

    if (!req.tls) {
        auto res = co_await exchange(&tcp_stream, std::move(req));
        error_code ignored;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return res;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (!req.tls_ca_file.empty()) {
        req.tls_verify = true;
        error_code ca_ec;
        ctx.load_verify_file(req.tls_ca_file, ca_ec);
        if (ca_ec) fail(ca_ec, "load CA file " + req.tls_ca_file);
        ctx.set_verify_mode(asio::ssl::verify_peer);
    } else if (req.tls_verify) {
        ctx.set_default_verify_paths();
        ctx.set_verify_mode(asio::ssl::verify_peer);
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), ctx);
    if (!is_ip_literal(req.host))
        SSL_set_tlsext_host_name(stream.native_handle(), req.host.c_str());
    if (req.tls_verify) stream.set_verify_callback(asio::ssl::host_name_verification(req.host));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) fail(hec, "TLS handshake with " + host_header(req.host, req.port));
    co_return co_await exchange(&stream, std::move(req));
}

client_response fetch(const fetch_request& req) {
    asio::io_context ioc(1);
    std::exception_ptr error;
    client_response result;
    auto done = [&](std::exception_ptr e, client_response r) {
        error = e;
        result = std::move(r);
    };
    asio::co_spawn(ioc, async_fetch(req), std::move(done));
    ioc.run();
    if (error) std::rethrow_exception(error);
    return result;
}

client_response fetch(const std::string& method, const std::string& host, uint16_t port,
                      const std::string& target, const std::string& body,
                      std::vector<std::pair<std::string, std::string>> headers,
                      std::chrono::milliseconds timeout) {
    fetch_request req;
    req.method = method;
    req.host = host;
    req.port = port;
    req.target = target;
    req.body = body;
    req.headers = std::move(headers);
    req.timeout = timeout;
    return fetch(req);
}

}  // namespace nsqpp::http
