// nsqd connection: the handshake (dial, magic, IDENTIFY, TLS, snappy/deflate, AUTH).
// (g++ 12 coroutine rules as in connection.cc: no co_await inside conditions or assignments,
// no class-type temporaries as arguments of an awaited call.)
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <cstring>

#include "client/commands.h"
#include "client/connection.h"
#include "wire/endian.h"

namespace nsqpp::client::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

int tls_version(const std::string& name) {
    if (name == "ssl3.0") return SSL3_VERSION;
    if (name == "tls1.1") return TLS1_1_VERSION;
    if (name == "tls1.2") return TLS1_2_VERSION;
    return TLS1_VERSION;
}

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

bool split_host_port(std::string_view address, std::string& host, std::string& port) {
    if (!address.empty() && address.front() == '[') {
        auto close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() ||
            address[close + 1] != ':') {
            return false;
        }
        host = std::string(address.substr(1, close - 1));
        port = std::string(address.substr(close + 2));
    } else {
        auto colon = address.rfind(':');
        if (colon == std::string_view::npos) return false;
        host = std::string(address.substr(0, colon));
        port = std::string(address.substr(colon + 1));
        if (host.find(':') != std::string::npos) return false;
    }
    return !port.empty();
}

std::shared_ptr<asio::ssl::context> make_tls_context(const config& cfg) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    try {
        SSL_CTX_set_min_proto_version(ctx->native_handle(), tls_version(cfg.tls.min_version));
        if (!cfg.tls.root_ca_file.empty()) {
            ctx->load_verify_file(cfg.tls.root_ca_file);
        } else {
            ctx->set_default_verify_paths();
        }
        if (!cfg.tls.cert_file.empty() && !cfg.tls.key_file.empty()) {
            ctx->use_certificate_chain_file(cfg.tls.cert_file);
            ctx->use_private_key_file(cfg.tls.key_file, asio::ssl::context::pem);
        }
        ctx->set_verify_mode(cfg.tls.insecure_skip_verify ? asio::ssl::verify_none
                                                          : asio::ssl::verify_peer);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("invalid TLS configuration - ") + e.what());
    }
    return ctx;
}

awaitable<error> connection::handshake(std::shared_ptr<connection> self) {
    asio::co_spawn(
        self->ex_, [self] { return watchdog(self); }, asio::detached);
    error err = co_await self->dial();
    if (!err) {
        error ierr = co_await self->identify();
        err = ierr;
    }
    if (!err && self->features_.auth_required) {
        error aerr = co_await self->authenticate();
        err = aerr;
    }
    if (!err && self->closed_) err = self->closed_error();
    if (err) self->close(err.message());
    co_return err;
}

error connection::closed_error() const {
    if (close_reason_.empty()) return error("closing");
    return error(close_reason_);
}

awaitable<error> connection::dial() {
    std::string host, port;
    if (!split_host_port(address_, host, port)) {
        co_return error("address " + address_ + ": missing port in address");
    }
    tcp::resolver resolver(ex_);
    auto [rec, results] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec) co_return error("dial tcp " + address_ + ": " + rec.message());
    if (results.empty()) co_return error("dial tcp " + address_ + ": no such host");
    boost::system::error_code ec;
    tcp::endpoint target = results.begin()->endpoint();
    socket_.open(target.protocol(), ec);
    if (!ec && !cfg_.local_addr.empty()) {
        std::string lhost = cfg_.local_addr, lport = "0";
        split_host_port(cfg_.local_addr, lhost, lport);
        auto addr = asio::ip::make_address(lhost, ec);
        if (!ec) socket_.bind(tcp::endpoint(addr, static_cast<uint16_t>(std::stoi(lport))), ec);
    }
    if (ec) co_return error("dial tcp " + address_ + ": " + ec.message());
    asio::steady_timer timer(ex_);
    timer.expires_after(cfg_.dial_timeout);
    auto connect = socket_.async_connect(target, use_tuple);
    auto timeout = timer.async_wait(use_tuple);
    auto result = co_await (std::move(connect) || std::move(timeout));
    if (result.index() == 1) co_return error("dial tcp " + address_ + ": i/o timeout");
    ec = std::get<0>(std::get<0>(result));
    if (ec) co_return error("dial tcp " + address_ + ": " + ec.message());
    socket_.set_option(tcp::no_delay(true), ec);
    last_read_ = std::chrono::steady_clock::now();
    bool wrote = co_await write_raw(magic_v2);
    if (!wrote) co_return error("failed to write magic - " + ec_.message());
    co_return error{};
}

awaitable<error> connection::identify() {
    std::string cmd = encode_identify(cfg_);
    bool wrote = co_await write_raw(cmd);
    if (!wrote) co_return error("failed to IDENTIFY - " + ec_.message());
    auto f = co_await read_frame();
    if (!f) co_return error("failed to IDENTIFY - " + close_reason_);
    if (f->first == wire::frame_type::error) co_return error("failed to IDENTIFY - " + f->second);
    if (f->first != wire::frame_type::response) {
        co_return error("failed to IDENTIFY - unexpected frame type");
    }
    if (f->second.empty() || f->second[0] != '{') co_return error{};  // old nsqd: plain OK
    boost::system::error_code jec;
    auto v = boost::json::parse(f->second, jec);
    if (jec || !v.is_object()) co_return error("failed to IDENTIFY - invalid JSON response");
    const auto& o = v.as_object();
    auto get_int = [&](const char* key, int64_t def) -> int64_t {
        auto* p = o.if_contains(key);
        if (p == nullptr) return def;
        if (p->is_int64()) return p->as_int64();
        if (p->is_uint64()) return static_cast<int64_t>(p->as_uint64());
        if (p->is_double()) return static_cast<int64_t>(p->as_double());
        return def;
    };
    auto get_bool = [&](const char* key) {
        auto* p = o.if_contains(key);
        return p != nullptr && p->is_bool() && p->as_bool();
    };
    features_.max_rdy_count = get_int("max_rdy_count", 0);
    features_.tls_v1 = get_bool("tls_v1");
    features_.deflate = get_bool("deflate");
    features_.snappy = get_bool("snappy");
    features_.auth_required = get_bool("auth_required");
    features_.deflate_level = static_cast<int>(get_int("deflate_level", cfg_.deflate_level));

    if (features_.tls_v1) {
        error terr = co_await upgrade_tls();
        if (terr) co_return terr;
    }
    if (features_.deflate || features_.snappy) {
        enable_compression(features_.snappy, features_.deflate_level);
        auto ok = co_await read_frame();
        if (!ok || ok->first != wire::frame_type::response || ok->second != "OK") {
            co_return error(features_.snappy ? "invalid response from Snappy upgrade"
                                             : "invalid response from Deflate upgrade");
        }
    }
    co_return error{};
}

awaitable<error> connection::upgrade_tls() {
    if (in_end_ != in_begin_) co_return error("invalid response from TLS upgrade");
    if (!tls_ctx_) tls_ctx_ = make_tls_context(cfg_);
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_ctx_);
    std::string host, port;
    split_host_port(address_, host, port);
    std::string name = cfg_.tls.server_name;
    if (name.empty()) name = host;
    if (!is_ip_literal(name)) SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str());
    if (!cfg_.tls.insecure_skip_verify) {
        tls_->set_verify_callback(asio::ssl::host_name_verification(name));
    }
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (ec) co_return error("TLS handshake failed - " + ec.message());
    auto ok = co_await read_frame();
    if (!ok || ok->first != wire::frame_type::response || ok->second != "OK") {
        co_return error("invalid response from TLS upgrade");
    }
    co_return error{};
}

awaitable<error> connection::authenticate() {
    if (cfg_.auth_secret.empty()) co_return error("Auth Required");
    auto send = send_now(encode_command_with_body("AUTH", cfg_.auth_secret));
    bool sent = co_await std::move(send);
    if (!sent) {
        co_return error("Error authenticating " + ec_.message());
    }
    auto f = co_await read_frame();
    if (!f) co_return error("Error authenticating " + close_reason_);
    if (f->first == wire::frame_type::error) co_return error("Error authenticating " + f->second);
    log_.log_conn(log_level::info, address_, "Auth accepted: {}", f->second);
    co_return error{};
}

void connection::enable_compression(bool snappy, int level) {
    if (snappy) {
        encoder_ = wire::make_snappy_encoder();
        decoder_ = wire::make_snappy_decoder();
    } else {
        encoder_ = wire::make_deflate_encoder(level);
        decoder_ = wire::make_deflate_decoder();
    }
    // Bytes already read after the IDENTIFY response are compressed.
    if (in_end_ > in_begin_) {
        decoder_->append_input(std::string_view(in_.data() + in_begin_, in_end_ - in_begin_));
    }
    in_begin_ = in_end_ = 0;
}

}  // namespace nsqpp::client::detail
