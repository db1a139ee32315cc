#include "bench/load/common.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "wire/endian.h"
#include "wire/stream_codec.h"

namespace nsqpp::bench {

// ---- flags ---------------------------------------------------------------------------------

flags& flags::add(const std::string& name, const std::string& def, const std::string& help) {
    entries_[name] = entry{def, help, false};
    order_.push_back(name);
    return *this;
}

void flags::parse(int argc, char** argv, const char* what) {
    auto usage = [&](int code) {
        std::fprintf(code ? stderr : stdout, "Usage of %s: %s\n", argv[0], what);
        for (const auto& n : order_) {
            const auto& e = entries_[n];
            std::fprintf(code ? stderr : stdout, "  --%s=%s\n        %s\n", n.c_str(),
                         e.value.c_str(), e.help.c_str());
        }
        std::exit(code);
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help" || a == "-help") usage(0);
        if (a.size() < 2 || a[0] != '-') {
            std::fprintf(stderr, "unexpected argument %s\n", a.c_str());
            usage(2);
        }
        a.erase(0, a[1] == '-' ? 2 : 1);
        std::string name = a;
        std::string value;
        if (auto eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            std::fprintf(stderr, "flag needs an argument: --%s\n", name.c_str());
            usage(2);
        }
        auto it = entries_.find(name);
        if (it == entries_.end()) {
            std::fprintf(stderr, "flag provided but not defined: --%s\n", name.c_str());
            usage(2);
        }
        it->second.value = value;
        it->second.given = true;
    }
}

std::string flags::str(const std::string& name) const { return entries_.at(name).value; }

int64_t flags::i64(const std::string& name) const {
    const std::string& v = entries_.at(name).value;
    char* end = nullptr;
    long long x = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0') {
        std::fprintf(stderr, "invalid value %s for --%s\n", v.c_str(), name.c_str());
        std::exit(2);
    }
    return x;
}

double flags::f64(const std::string& name) const {
    const std::string& v = entries_.at(name).value;
    char* end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') {
        std::fprintf(stderr, "invalid value %s for --%s\n", v.c_str(), name.c_str());
        std::exit(2);
    }
    return x;
}

std::chrono::nanoseconds flags::duration(const std::string& name) const {
    auto d = parse_duration(entries_.at(name).value);
    if (!d) {
        std::fprintf(stderr, "invalid duration %s for --%s\n", entries_.at(name).value.c_str(),
                     name.c_str());
        std::exit(2);
    }
    return *d;
}

bool flags::set(const std::string& name) const { return entries_.at(name).given; }

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
    if (s == "0") return std::chrono::nanoseconds{0};
    if (s.empty()) return std::nullopt;
    double total = 0;
    while (!s.empty()) {
        size_t i = 0;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) {
            ++i;
        }
        if (i == 0) return std::nullopt;
        double v = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
        s.remove_prefix(i);
        size_t j = 0;
        while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
        std::string_view unit = s.substr(0, j);
        s.remove_prefix(j);
        double mult = 0;
        if (unit == "ns")
            mult = 1;
        else if (unit == "us" || unit == "µs")
            mult = 1e3;
        else if (unit == "ms")
            mult = 1e6;
        else if (unit == "s")
            mult = 1e9;
        else if (unit == "m")
            mult = 60e9;
        else if (unit == "h")
            mult = 3600e9;
        else
            return std::nullopt;
        total += v * mult;
    }
    return std::chrono::nanoseconds{static_cast<int64_t>(total)};
}

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- protocol ------------------------------------------------------------------------------

namespace {
void append_u32(std::string& out, uint32_t v) {
    char b[4];
    wire::put_u32be(b, v);
    out.append(b, 4);
}
}  // namespace

void append_pub(std::string& out, std::string_view topic, std::string_view body) {
    out.append("PUB ").append(topic).push_back('\n');
    append_u32(out, static_cast<uint32_t>(body.size()));
    out.append(body);
}

void append_mpub(std::string& out, std::string_view topic, const std::vector<std::string>& bodies) {
    size_t len = 4;
    for (const auto& b : bodies) len += 4 + b.size();
    out.append("MPUB ").append(topic).push_back('\n');
    append_u32(out, static_cast<uint32_t>(len));
    append_u32(out, static_cast<uint32_t>(bodies.size()));
    for (const auto& b : bodies) {
        append_u32(out, static_cast<uint32_t>(b.size()));
        out.append(b);
    }
}

void append_identify(std::string& out, std::string_view json) {
    out.append("IDENTIFY\n");
    append_u32(out, static_cast<uint32_t>(json.size()));
    out.append(json);
}

connection::connection(const std::string& address) : buf_(1 << 20) {
    auto colon = address.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "bad address %s (want host:port)\n", address.c_str());
        std::exit(2);
    }
    std::string host = address.substr(0, colon);
    std::string port = address.substr(colon + 1);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        std::fprintf(stderr, "resolve %s: %s\n", address.c_str(), gai_strerror(rc));
        std::exit(1);
    }
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        fd_ = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd_ < 0) continue;
        if (::connect(fd_, ai->ai_addr, ai->ai_addrlen) == 0) break;
        ::close(fd_);
        fd_ = -1;
    }
    freeaddrinfo(res);
    if (fd_ < 0) {
        std::fprintf(stderr, "connect %s: %s\n", address.c_str(), std::strerror(errno));
        std::exit(1);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!write_all("  V2")) {
        std::fprintf(stderr, "write magic to %s failed\n", address.c_str());
        std::exit(1);
    }
}

struct connection::layers {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    std::unique_ptr<wire::stream_encoder> encoder;
    std::unique_ptr<wire::stream_decoder> decoder;
    std::string encoded;
    ~layers() {
        if (ssl) SSL_free(ssl);
        if (ctx) SSL_CTX_free(ctx);
    }
};

connection::~connection() {
    layers_.reset();
    if (fd_ >= 0) ::close(fd_);
}

bool connection::write_raw(std::string_view data) {
    while (!data.empty()) {
        if (layers_ && layers_->ssl) {
            int n = SSL_write(layers_->ssl, data.data(), static_cast<int>(data.size()));
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool connection::write_all(std::string_view data) {
    if (!layers_ || !layers_->encoder) return write_raw(data);
    layers_->encoded.clear();
    layers_->encoder->encode(data, layers_->encoded);
    return write_raw(layers_->encoded);
}

ssize_t connection::read_raw(char* out, size_t cap) {
    if (layers_ && layers_->ssl) {
        int n = SSL_read(layers_->ssl, out, static_cast<int>(cap));
        return n > 0 ? n : -1;
    }
    for (;;) {
        ssize_t n = ::recv(fd_, out, cap, 0);
        if (n < 0 && errno == EINTR) continue;
        return n > 0 ? n : -1;
    }
}

void add_transport_flags(flags& fl) {
    fl.add("tls", "false", "negotiate TLS (tls_v1; the certificate is not verified)")
        .add("snappy", "false", "negotiate snappy compression")
        .add("deflate", "false", "negotiate deflate compression")
        .add("deflate-level", "6", "deflate level to ask for (1-9)");
}

transport_options transport_from_flags(const flags& fl) {
    auto on = [&](const char* name) { return fl.str(name) == "true" || fl.str(name) == "1"; };
    return {on("tls"), on("snappy"), on("deflate"), static_cast<int>(fl.i64("deflate-level"))};
}

void connection::negotiate(const transport_options& t, std::string_view json) {
    std::string body(json.substr(0, json.rfind('}')));
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    if (body.size() > 1) body += ',';
    body += "\"feature_negotiation\":true,\"tls_v1\":" + std::string(t.tls ? "true" : "false") +
            ",\"snappy\":" + (t.snappy ? "true" : "false") +
            ",\"deflate\":" + (t.deflate ? "true" : "false") +
            ",\"deflate_level\":" + std::to_string(t.deflate_level) + "}";
    std::string cmd;
    append_identify(cmd, body);
    std::string reply = request(cmd, "IDENTIFY");
    auto negotiated = [&](const char* key) {
        return reply.find("\"" + std::string(key) + "\":true") != std::string::npos;
    };
    auto expect_ok = [&](const char* step) {
        std::string ok = request("", step);
        if (ok != "OK") {
            std::fprintf(stderr, "%s: expected OK, got %s\n", step, ok.c_str());
            std::exit(1);
        }
    };
    layers_ = std::make_unique<layers>();
    if (negotiated("tls_v1")) {
        if (head_ != tail_) {
            std::fprintf(stderr, "IDENTIFY: unexpected data before the TLS handshake\n");
            std::exit(1);
        }
        layers_->ctx = SSL_CTX_new(TLS_client_method());
        layers_->ssl = SSL_new(layers_->ctx);
        SSL_set_fd(layers_->ssl, fd_);
        if (SSL_connect(layers_->ssl) != 1) {
            std::fprintf(stderr, "TLS handshake failed\n");
            std::exit(1);
        }
        expect_ok("TLS");
    } else if (t.tls) {
        std::fprintf(stderr, "nsqd did not negotiate TLS (no --tls-cert?)\n");
        std::exit(1);
    }
    if (negotiated("snappy") || negotiated("deflate")) {
        bool snappy = negotiated("snappy");
        layers_->encoder =
            snappy ? wire::make_snappy_encoder() : wire::make_deflate_encoder(t.deflate_level);
        layers_->decoder = snappy ? wire::make_snappy_decoder() : wire::make_deflate_decoder();
        // bytes read together with the reply already belong to the compressed stream
        layers_->decoder->append_input(std::string_view(buf_.data() + head_, tail_ - head_));
        head_ = tail_ = 0;
        expect_ok(snappy ? "snappy" : "deflate");
    }
}

bool connection::fill(clock::time_point deadline) {
    if (head_ == tail_) {
        head_ = tail_ = 0;
    } else if (head_ > buf_.size() / 2 || tail_ == buf_.size()) {
        std::memmove(buf_.data(), buf_.data() + head_, tail_ - head_);
        tail_ -= head_;
        head_ = 0;
    }
    if (tail_ == buf_.size()) buf_.resize(buf_.size() * 2);  // a frame bigger than the buffer
    auto* dec = layers_ && layers_->decoder ? layers_->decoder.get() : nullptr;
    for (;;) {
        if (dec) {
            size_t got = dec->read(buf_.data() + tail_, buf_.size() - tail_);
            if (got > 0) {
                tail_ += got;
                return true;
            }
            if (dec->failed()) {
                std::fprintf(stderr, "decoding nsqd's stream: %s\n", dec->error().c_str());
                return false;
            }
        }
        bool tls_buffered = layers_ && layers_->ssl && SSL_pending(layers_->ssl) > 0;
        if (deadline != clock::time_point::max() && !tls_buffered) {
            auto left = deadline - clock::now();
            if (left <= clock::duration::zero()) {
                timed_out_ = true;
                return false;
            }
            pollfd p{fd_, POLLIN, 0};
            int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
            if (::poll(&p, 1, ms) == 0) {
                timed_out_ = true;
                return false;
            }
        }
        if (!dec) {
            ssize_t n = read_raw(buf_.data() + tail_, buf_.size() - tail_);
            if (n <= 0) return false;
            tail_ += static_cast<size_t>(n);
            return true;
        }
        char raw[65536];
        ssize_t n = read_raw(raw, sizeof raw);
        if (n <= 0) return false;
        dec->append_input(std::string_view(raw, static_cast<size_t>(n)));
    }
}

bool connection::frame_buffered() const {
    size_t consumed = 0;
    auto f = wire::decode_frame(std::string_view(buf_.data() + head_, tail_ - head_), consumed);
    return f.has_value();
}

std::optional<wire::frame> connection::next_frame(clock::time_point deadline) {
    timed_out_ = false;
    for (;;) {
        size_t consumed = 0;
        auto f = wire::decode_frame(std::string_view(buf_.data() + head_, tail_ - head_), consumed);
        if (f) {
            head_ += consumed;
            return f;
        }
        if (consumed == wire::frame_malformed) {
            std::fprintf(stderr, "malformed frame from nsqd\n");
            return std::nullopt;
        }
        if (!fill(deadline)) return std::nullopt;
    }
}

std::string connection::request(std::string_view command, const char* what) {
    if (!write_all(command)) {
        std::fprintf(stderr, "%s: write failed: %s\n", what, std::strerror(errno));
        std::exit(1);
    }
    for (;;) {
        auto f = next_frame(clock::now() + std::chrono::seconds(10));
        if (!f) {
            std::fprintf(stderr, "%s: %s\n", what, timed_out_ ? "no reply in 10s" : "EOF");
            std::exit(1);
        }
        if (is_heartbeat(*f)) {
            write_all("NOP\n");
            continue;
        }
        if (f->type == wire::frame_type::error) {
            std::fprintf(stderr, "%s: error %.*s\n", what, static_cast<int>(f->data.size()),
                         f->data.data());
            std::exit(1);
        }
        return std::string(f->data);
    }
}

void connection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

bool is_heartbeat(const wire::frame& f) {
    return f.type == wire::frame_type::response && f.data == "_heartbeat_";
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
        .count();
}

std::string make_body(size_t size, char fill) { return std::string(size, fill); }

}  // namespace nsqpp::bench
