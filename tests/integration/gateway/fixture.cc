#include "tests/integration/gateway/fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>

namespace nsqpp::gateway_test {
namespace json = boost::json;

bool eventually(const std::function<bool()>& cond, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

namespace {
std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

http::response echo_response(const std::string& name, http::request& req) {
    json::object o;
    o["backend"] = name;
    o["method"] = req.method;
    o["target"] = req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query);
    o["body"] = req.body;
    json::object h;
    for (const auto& [k, v] : req.headers) {
        std::string key = lower(k);
        if (h.contains(key)) {
            h[key] = std::string(h[key].as_string().c_str()) + "," + v;
        } else {
            h[key] = v;
        }
    }
    o["headers"] = h;
    http::response r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}, {"X-Backend", name}};
    r.body = json::serialize(o);
    return r;
}
}  // namespace

backend::backend(std::string name, int workers) : name_(std::move(name)), pool_(workers) {
    http::router r;
    auto echo_h = [this](http::request& req) {
        ++hits;
        return echo_response(name_, req);
    };
    for (const char* m : {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"}) {
        r.add(m, "/", echo_h);
        r.add(m, "/echo", echo_h);
        r.add(m, "/echo/:a", echo_h);
        r.add(m, "/echo/:a/:b", echo_h);
        r.add(m, "/pub", echo_h);
    }
    r.add("GET", "/status/:code", [this](http::request& req) {
        ++hits;
        http::response res = http::response::plain(std::stoi(*req.param("code")), "status");
        res.headers.emplace_back("X-Backend", name_);
        return res;
    });
    r.add("GET", "/sleep/:ms", [this](http::request& req) {
        ++hits;
        std::this_thread::sleep_for(milliseconds(std::stoi(*req.param("ms"))));
        return http::response::plain(200, "slept");
    });
    r.add("GET", "/health", [this](http::request&) {
        return http::response::plain(healthy ? 200 : 500, healthy ? "OK" : "SICK");
    });
    r.add("GET", "/ping", [](http::request&) { return http::response::plain(200, "OK"); });
    server_ = std::make_unique<http::server>(pool_.executors(), r, 64 << 20);
    port_ = server_->listen("127.0.0.1", 0);
    server_->start();
    pool_.start();
}

backend::~backend() {
    server_->stop();
    pool_.join(2000ms);
}

uint16_t dead_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

std::unique_ptr<gateway::gateway> start_gateway(gateway::gateway_config cfg, int workers) {
    cfg.http_address = "127.0.0.1:0";
    cfg.admin_address = "127.0.0.1:0";
    cfg.worker_threads = workers;
    auto g = std::make_unique<gateway::gateway>(std::move(cfg));
    g->start();
    return g;
}

gateway::gateway_config one_pool(const std::vector<std::string>& members, std::string balancer) {
    gateway::gateway_config cfg;
    gateway::pool_config p;
    p.name = "default";
    p.balancer = std::move(balancer);
    for (const auto& m : members) p.members.push_back({m, 1});
    cfg.pools.push_back(p);
    return cfg;
}

client::client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd_);
        fd_ = -1;
        return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

client::~client() {
    if (fd_ >= 0) ::close(fd_);
}

bool client::send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

bool client::fill(milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
}

std::string client::read_some(milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        if (!fill(std::max(left, 1ms))) break;
    }
    return std::exchange(buf_, "");
}

bool client::closed_by_peer(milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    return n <= 0;
}

std::optional<reply> client::read(milliseconds timeout, bool head) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = [&] {
        return std::max(1ms, std::chrono::duration_cast<milliseconds>(
                                 deadline - std::chrono::steady_clock::now()));
    };
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline || !fill(left())) return std::nullopt;
    }
    reply r;
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
        size_t e = head_text.find("\r\n", pos);
        if (e == std::string::npos) e = head_text.size();
        std::string line = head_text.substr(pos, e - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            std::string k = lower(line.substr(0, colon));
            r.headers[k] = r.headers.count(k) ? r.headers[k] + "," + v : v;
        }
        pos = e + 2;
    }
    if (head || r.status == 204 || r.status == 304 || r.status / 100 == 1) return r;
    if (lower(r.header("transfer-encoding")) == "chunked") {
        for (;;) {
            size_t le;
            while ((le = buf_.find("\r\n")) == std::string::npos) {
                if (!fill(left())) return std::nullopt;
            }
            size_t size = std::stoul(buf_.substr(0, le), nullptr, 16);
            while (buf_.size() < le + 2 + size + 2) {
                if (!fill(left())) return std::nullopt;
            }
            r.body += buf_.substr(le + 2, size);
            buf_.erase(0, le + 2 + size + 2);
            if (size == 0) break;
        }
        return r;
    }
    if (r.headers.count("content-length")) {
        size_t len = std::stoul(r.header("content-length"));
        while (buf_.size() < len) {
            if (!fill(left())) return std::nullopt;
        }
        r.body = buf_.substr(0, len);
        buf_.erase(0, len);
        return r;
    }
    while (fill(left())) {
    }  // body until close
    r.body = std::exchange(buf_, "");
    return r;
}

std::optional<reply> client::request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string req = method + " " + target + " HTTP/1.1\r\n";
    bool host = false;
    for (const auto& [k, v] : headers) {
        req += k + ": " + v + "\r\n";
        host |= lower(k) == "host";
    }
    if (!host) req += "Host: gw.test\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    if (!send(req)) return std::nullopt;
    return read(10s, method == "HEAD");
}

std::optional<reply> call(uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
    client c(port);
    if (!c.open()) return std::nullopt;
    return c.request(method, target, body, headers);
}

std::map<std::string, std::string> echo(const reply& r) {
    std::map<std::string, std::string> out;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return out;
    for (const auto& [k, val] : v.as_object()) {
        if (val.is_string()) out[std::string(k)] = val.as_string().c_str();
    }
    if (const auto* h = v.as_object().if_contains("headers"); h && h->is_object()) {
        for (const auto& [k, val] : h->as_object()) {
            if (val.is_string()) out["h:" + std::string(k)] = val.as_string().c_str();
        }
    }
    return out;
}

}  // namespace nsqpp::gateway_test
