#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "wire/stream_codec.h"

namespace nsqpp::test {

using clock = std::chrono::steady_clock;

std::string be32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    std::string out(4, '\0');
    out[0] = static_cast<char>(u >> 24);
    out[1] = static_cast<char>(u >> 16);
    out[2] = static_cast<char>(u >> 8);
    out[3] = static_cast<char>(u);
    return out;
}

std::string cmd(std::string_view line) {
    std::string out(line);
    out += '\n';
    return out;
}

std::string cmd_with_body(std::string_view line, std::string_view body) {
    std::string out = cmd(line);
    out += be32(static_cast<int32_t>(body.size()));
    out += body;
    return out;
}

std::string mpub_body(const std::vector<std::string>& messages) {
    std::string out = be32(static_cast<int32_t>(messages.size()));
    for (const auto& m : messages) {
        out += be32(static_cast<int32_t>(m.size()));
        out += m;
    }
    return out;
}

std::string describe(const frame& f) {
    switch (f.type) {
        case wire::frame_type::response:
            return "response \"" + f.data + "\"";
        case wire::frame_type::error:
            return "error \"" + f.data + "\"";
        case wire::frame_type::message: {
            auto m = wire::decode_message(f.data);
            if (!m) return "short message frame (" + std::to_string(f.data.size()) + " bytes)";
            return "message id=" + std::string(m->id) + " attempts=" + std::to_string(m->attempts) +
                   " body=\"" + std::string(m->body) + "\"";
        }
    }
    return "frame type " + std::to_string(static_cast<int32_t>(f.type)) + " \"" + f.data + "\"";
}

struct raw_client::layers {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    std::unique_ptr<wire::stream_encoder> encoder;
    std::unique_ptr<wire::stream_decoder> decoder;
    ~layers() {
        if (ssl) SSL_free(ssl);
        if (ctx) SSL_CTX_free(ctx);
    }
};

raw_client::raw_client() = default;
raw_client::~raw_client() { close(); }

raw_client::raw_client(raw_client&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      buf_(std::move(o.buf_)),
      eof_(o.eof_),
      layers_(std::move(o.layers_)),
      wire_sent_(o.wire_sent_),
      wire_received_(o.wire_received_) {}

raw_client& raw_client::operator=(raw_client&& o) noexcept {
    if (this != &o) {
        close();
        fd_ = std::exchange(o.fd_, -1);
        buf_ = std::move(o.buf_);
        eof_ = o.eof_;
        layers_ = std::move(o.layers_);
        wire_sent_ = o.wire_sent_;
        wire_received_ = o.wire_received_;
    }
    return *this;
}

namespace {
std::string openssl_error(const char* what) {
    unsigned long e = ERR_get_error();
    char buf[256] = {0};
    if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return std::string(what) + ": " + (e != 0 ? buf : std::strerror(errno));
}
}  // namespace

std::string raw_client::start_tls(const std::string& ca_file, const std::string& cert_file,
                                  const std::string& key_file, milliseconds timeout) {
    if (fd_ < 0) return "not connected";
    if (!layers_) layers_ = std::make_unique<layers>();
    auto& l = *layers_;
    l.ctx = SSL_CTX_new(TLS_client_method());
    if (!l.ctx) return openssl_error("SSL_CTX_new");
    if (!ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(l.ctx, ca_file.c_str(), nullptr) != 1) {
            return openssl_error("load CA");
        }
        SSL_CTX_set_verify(l.ctx, SSL_VERIFY_PEER, nullptr);
    }
    if (!cert_file.empty()) {
        if (SSL_CTX_use_certificate_chain_file(l.ctx, cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(l.ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            return openssl_error("client certificate");
        }
    }
    l.ssl = SSL_new(l.ctx);
    SSL_set_fd(l.ssl, fd_);
    auto deadline = clock::now() + timeout;
    for (;;) {
        int r = SSL_connect(l.ssl);
        if (r == 1) return "";
        int err = SSL_get_error(l.ssl, r);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            return openssl_error("SSL_connect");
        }
        auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return "TLS handshake timed out";
        pollfd p{fd_, static_cast<short>(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
        ::poll(&p, 1, static_cast<int>(left));
    }
}

void raw_client::use_snappy() {
    if (!layers_) layers_ = std::make_unique<layers>();
    layers_->encoder = wire::make_snappy_encoder();
    layers_->decoder = wire::make_snappy_decoder();
    std::string pending = std::move(buf_);
    buf_.clear();
    append_received(pending.data(), pending.size());
}

void raw_client::use_deflate(int level) {
    if (!layers_) layers_ = std::make_unique<layers>();
    layers_->encoder = wire::make_deflate_encoder(level);
    layers_->decoder = wire::make_deflate_decoder();
    std::string pending = std::move(buf_);
    buf_.clear();
    append_received(pending.data(), pending.size());
}

void raw_client::append_received(const char* data, size_t n) {
    if (!layers_ || !layers_->decoder) {
        buf_.append(data, n);
        return;
    }
    wire_received_ += n;
    auto& dec = *layers_->decoder;
    dec.append_input(std::string_view(data, n));
    char tmp[65536];
    while (size_t got = dec.read(tmp, sizeof tmp)) buf_.append(tmp, got);
    if (dec.failed()) {
        ADD_FAILURE() << "decoding nsqd's stream: " << dec.error();
        eof_ = true;
    }
}

bool raw_client::send_uncompressed(std::string_view bytes) {
    std::string error;
    return fd_ >= 0 && write_all(bytes, false, error, false);
}

bool raw_client::write_all(std::string_view bytes, bool nonblocking, std::string& error,
                           bool compress) {
    std::string encoded;
    if (compress && layers_ && layers_->encoder) {
        layers_->encoder->encode(bytes, encoded);
        wire_sent_ += encoded.size();
        bytes = encoded;
    }
    while (!bytes.empty()) {
        if (layers_ && layers_->ssl) {
            int n = SSL_write(layers_->ssl, bytes.data(), static_cast<int>(bytes.size()));
            if (n <= 0) {
                error = openssl_error("SSL_write");
                return false;
            }
            bytes.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(),
                           MSG_NOSIGNAL | (nonblocking ? MSG_DONTWAIT : 0));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            error = std::strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

ssize_t raw_client::read_some(char* out, size_t cap) {
    if (layers_ && layers_->ssl) {
        int n = SSL_read(layers_->ssl, out, static_cast<int>(cap));
        if (n > 0) return n;
        int err = SSL_get_error(layers_->ssl, n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return -2;
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        ERR_clear_error();
        return err == SSL_ERROR_SYSCALL && errno == 0 ? 0 : -1;
    }
    ssize_t n = ::recv(fd_, out, cap, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return -2;
    return n;
}

bool raw_client::connect(uint16_t port) {
    close();
    buf_.clear();
    eof_ = false;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        ADD_FAILURE() << "socket: " << std::strerror(errno);
        return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ADD_FAILURE() << "connect 127.0.0.1:" << port << ": " << std::strerror(errno);
        close();
        return false;
    }
    return true;
}

void raw_client::close() {
    layers_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void raw_client::shutdown_write() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void raw_client::send_magic() { send("  V2"); }

bool raw_client::try_send(std::string_view bytes) {
    if (fd_ < 0) return false;
    std::string error;
    return write_all(bytes, true, error);
}

bool raw_client::send(std::string_view bytes) {
    if (fd_ < 0) {
        ADD_FAILURE() << "send on a closed raw_client";
        return false;
    }
    std::string error;
    if (!write_all(bytes, false, error)) {
        ADD_FAILURE() << "send: " << error;
        return false;
    }
    return true;
}

bool raw_client::fill(clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    for (;;) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
        if (left < 0) return false;
        bool tls_buffered = layers_ && layers_->ssl && SSL_pending(layers_->ssl) > 0;
        if (!tls_buffered) {
            pollfd p{fd_, POLLIN, 0};
            int r = ::poll(&p, 1, static_cast<int>(left));
            if (r < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            if (r == 0) return false;
        }
        char tmp[65536];
        ssize_t n = read_some(tmp, sizeof tmp);
        if (n == -2) continue;
        if (n <= 0) {
            eof_ = true;  // a reset counts as closed by the peer
            return false;
        }
        size_t before = buf_.size();
        append_received(tmp, static_cast<size_t>(n));
        if (buf_.size() == before && !eof_) continue;  // compressed input without output yet
        return !eof_ || buf_.size() > before;
    }
}

std::optional<frame> raw_client::read_frame(milliseconds timeout, bool heartbeats) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        size_t consumed = 0;
        auto f = wire::decode_frame(buf_, consumed);
        if (f) {
            frame out{f->type, std::string(f->data)};
            buf_.erase(0, consumed);
            if (!heartbeats && out.type == wire::frame_type::response &&
                out.data == "_heartbeat_") {
                continue;
            }
            return out;
        }
        if (consumed == wire::frame_malformed) {
            ADD_FAILURE() << "malformed frame header from nsqd";
            return std::nullopt;
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

std::optional<std::string> raw_client::read_bytes(size_t n, milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (buf_.size() < n) {
        if (!fill(deadline)) return std::nullopt;
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
}

std::optional<received_message> raw_client::read_message(milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        ADD_FAILURE() << "no message frame within " << timeout.count() << " ms";
        return std::nullopt;
    }
    if (f->type != wire::frame_type::message) {
        ADD_FAILURE() << "expected a message frame, got " << describe(*f);
        return std::nullopt;
    }
    auto m = wire::decode_message(f->data);
    if (!m) {
        ADD_FAILURE() << "message frame too short: " << f->data.size() << " bytes";
        return std::nullopt;
    }
    return received_message{m->timestamp, m->attempts, std::string(m->id), std::string(m->body)};
}

bool raw_client::closed_by_peer(milliseconds timeout, std::string* discarded) {
    auto deadline = clock::now() + timeout;
    for (;;) {
        size_t consumed = 0;
        while (auto f = wire::decode_frame(buf_, consumed)) {
            if (discarded) *discarded += describe(frame{f->type, std::string(f->data)}) + "; ";
            buf_.erase(0, consumed);
        }
        if (eof_) return true;
        if (!fill(deadline) && !eof_) return false;
    }
}

::testing::AssertionResult raw_client::quiet_for(milliseconds window) {
    auto f = read_frame(window);
    if (!f) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "unexpected " << describe(*f);
}

::testing::AssertionResult raw_client::expect_response(std::string_view text,
                                                       milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        return ::testing::AssertionFailure()
               << "no frame within " << timeout.count() << " ms (expected response \"" << text
               << "\")" << (eof_ ? ", connection closed" : "");
    }
    if (f->type != wire::frame_type::response || f->data != text) {
        return ::testing::AssertionFailure()
               << "expected response \"" << text << "\", got " << describe(*f);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult raw_client::expect_error(std::string_view text, milliseconds timeout) {
    auto f = read_frame(timeout);
    if (!f) {
        return ::testing::AssertionFailure()
               << "no frame within " << timeout.count() << " ms (expected error \"" << text << "\")"
               << (eof_ ? ", connection closed" : "");
    }
    if (f->type != wire::frame_type::error || f->data != text) {
        return ::testing::AssertionFailure()
               << "expected error \"" << text << "\", got " << describe(*f);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult raw_client::expect_fatal(std::string_view text, milliseconds timeout) {
    auto r = expect_error(text, timeout);
    if (!r) return r;
    std::string extra;
    if (!closed_by_peer(timeout, &extra)) {
        return ::testing::AssertionFailure()
               << "error \"" << text << "\" received but the connection stayed open";
    }
    if (!extra.empty()) {
        return ::testing::AssertionFailure()
               << "frames after the fatal error \"" << text << "\": " << extra;
    }
    return ::testing::AssertionSuccess();
}

raw_client connect_v2(uint16_t port) {
    raw_client c;
    if (c.connect(port)) c.send_magic();
    return c;
}

raw_client subscribe(uint16_t port, std::string_view topic, std::string_view channel, int rdy,
                     std::string_view identify_json) {
    raw_client c = connect_v2(port);
    if (!c.is_open()) return c;
    if (!identify_json.empty()) {
        c.send(cmd_with_body("IDENTIFY", identify_json));
        EXPECT_TRUE(c.expect_response("OK")) << "IDENTIFY " << identify_json;
    }
    c.send(cmd("SUB " + std::string(topic) + " " + std::string(channel)));
    EXPECT_TRUE(c.expect_response("OK")) << "SUB " << topic << " " << channel;
    if (rdy >= 0) c.send(cmd("RDY " + std::to_string(rdy)));
    return c;
}

::testing::AssertionResult publish(uint16_t port, std::string_view topic, std::string_view body) {
    raw_client c = connect_v2(port);
    c.send(cmd_with_body("PUB " + std::string(topic), body));
    return c.expect_response("OK");
}

::testing::AssertionResult publish_many(uint16_t port, std::string_view topic,
                                        const std::vector<std::string>& bodies) {
    raw_client c = connect_v2(port);
    c.send(cmd_with_body("MPUB " + std::string(topic), mpub_body(bodies)));
    return c.expect_response("OK");
}

}  // namespace nsqpp::test
