#include "gateway/head_writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <sys/uio.h>

#include <array>
#include <cerrno>

#include "gateway/route.h"
#include "http/request.h"

namespace nsqpp::gateway {
namespace asio = boost::asio;

namespace {

bool token_in(std::string_view list, std::string_view name) {
    size_t pos = 0;
    while (pos < list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string_view::npos) comma = list.size();
        std::string_view t = list.substr(pos, comma - pos);
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (http::iequals(t, name)) return true;
        pos = comma + 1;
    }
    return false;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

}  // namespace

bool is_hop_by_hop(std::string_view name, std::string_view connection) {
    static constexpr std::string_view fixed[] = {"Connection",
                                                 "Keep-Alive",
                                                 "Proxy-Connection",
                                                 "Proxy-Authenticate",
                                                 "Proxy-Authorization",
                                                 "TE",
                                                 "Trailer",
                                                 "Transfer-Encoding",
                                                 "Upgrade"};
    for (auto f : fixed) {
        if (http::iequals(f, name)) return true;
    }
    return !connection.empty() && token_in(connection, name);
}

void append_request_head(std::string& out, const exchange& ex, const member& m, size_t body_size) {
    out.append(ex.method);
    out.push_back(' ');
    out.append(ex.upstream_target);
    out.append(" HTTP/1.1\r\n");
    std::string_view connection;
    const std::string* host = nullptr;
    const std::string* xff = nullptr;
    for (const auto& [k, v] : ex.headers) {
        if (http::iequals(k, "Connection")) connection = v;
    }
    bool pass_host = !ex.matched_route || ex.matched_route->pass_host;
    for (const auto& [k, v] : ex.headers) {
        if (is_hop_by_hop(k, connection) || http::iequals(k, "Content-Length") ||
            http::iequals(k, "Expect") || http::iequals(k, "X-Forwarded-Host") ||
            http::iequals(k, "X-Forwarded-Proto")) {
            continue;
        }
        if (http::iequals(k, "Host")) {
            host = &v;
            if (!pass_host) continue;
        }
        if (http::iequals(k, "X-Forwarded-For")) {
            xff = &v;
            continue;
        }
        append_field(out, k, v);
    }
    if (!host || !pass_host) append_field(out, "Host", m.address());
    if (xff) {
        out.append("X-Forwarded-For: ")
            .append(*xff)
            .append(", ")
            .append(ex.client_ip)
            .append("\r\n");
    } else {
        append_field(out, "X-Forwarded-For", ex.client_ip);
    }
    if (host) append_field(out, "X-Forwarded-Host", *host);
    out.append("X-Forwarded-Proto: http\r\n");
    if (body_size > 0 || ex.content_length || ex.chunked) {
        append_field(out, "Content-Length", std::to_string(body_size));
    }
    out.append("\r\n");
}

void append_response_head(std::string& out, int version, int status, std::string_view reason,
                          const http::header_list& headers, int64_t content_length, bool chunked,
                          bool keep_alive) {
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.append(std::to_string(status));
    out.push_back(' ');
    if (reason.empty()) {
        auto r =
            boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
        out.append(r.data(), r.size());
    } else {
        out.append(reason);
    }
    out.append("\r\n");
    std::string_view connection;
    for (const auto& [k, v] : headers) {
        if (http::iequals(k, "Connection")) connection = v;
    }
    for (const auto& [k, v] : headers) {
        if (is_hop_by_hop(k, connection) || http::iequals(k, "Content-Length")) continue;
        append_field(out, k, v);
    }
    if (chunked) {
        out.append("Transfer-Encoding: chunked\r\n");
    } else if (content_length >= 0) {
        append_field(out, "Content-Length", std::to_string(content_length));
    }
    if (!keep_alive) {
        out.append("Connection: close\r\n");
    } else if (version == 10) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
}

bool write_now(asio::ip::tcp::socket& sock, asio::const_buffer& a, asio::const_buffer& b,
               boost::system::error_code& ec) {
    if (!sock.non_blocking()) sock.non_blocking(true, ec);
    for (;;) {
        iovec iov[2];
        int count = 0;
        if (a.size() > 0) iov[count++] = {const_cast<void*>(a.data()), a.size()};
        if (b.size() > 0) iov[count++] = {const_cast<void*>(b.data()), b.size()};
        if (count == 0) return true;
        ssize_t n = ::writev(sock.native_handle(), iov, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
            ec.assign(errno, boost::system::system_category());
            return true;
        }
        size_t done = static_cast<size_t>(n);
        size_t from_a = std::min(done, a.size());
        a += from_a;
        b += done - from_a;
    }
}

asio::awaitable<boost::system::error_code> write_rest(boost::beast::tcp_stream& stream,
                                                      asio::const_buffer a, asio::const_buffer b,
                                                      std::chrono::milliseconds timeout) {
    std::array<asio::const_buffer, 2> rest{a, b};
    stream.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, rest, asio::as_tuple(asio::use_awaitable));
    stream.expires_never();
    co_return ec;
}

}  // namespace nsqpp::gateway
