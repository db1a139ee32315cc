#include "http/tests/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nsqpp::http::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct test_server::workers {
    // io_contexts first: destroyed last (after the threads and guards).
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> threads;
};

test_server::test_server(const router& r, size_t n, size_t body_limit,
                         std::function<void(server&)> configure)
    : workers_(std::make_unique<workers>()) {
    std::vector<asio::any_io_executor> executors;
    for (size_t i = 0; i < n; ++i) {
        auto& ctx = workers_->contexts.emplace_back(std::make_unique<asio::io_context>(1));
        workers_->guards.emplace_back(ctx->get_executor());
        executors.push_back(ctx->get_executor());
    }
    server_ = std::make_unique<server>(executors, r, body_limit);
    if (configure) configure(*server_);
    port_ = server_->listen("127.0.0.1", 0);
    server_->start();
    for (auto& ctx : workers_->contexts) {
        workers_->threads.emplace_back([c = ctx.get()] { c->run(); });
    }
}

test_server::~test_server() { shutdown(); }

bool test_server::shutdown(std::chrono::milliseconds limit) {
    if (!server_) return true;
    server_->stop();
    workers_->guards.clear();
    bool clean = true;
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (auto& ctx : workers_->contexts) {
        while (!ctx->stopped()) {
            if (std::chrono::steady_clock::now() > deadline) {
                clean = false;
                ctx->stop();
                break;
            }
            std::this_thread::sleep_for(5ms);
        }
    }
    for (auto& t : workers_->threads) t.join();
    workers_->threads.clear();
    server_.reset();
    return clean;
}

std::optional<std::string> raw_response::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

raw_client::raw_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect");
    }
}

raw_client::~raw_client() {
    if (fd_ >= 0) ::close(fd_);
}

void raw_client::send(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) throw std::runtime_error("send failed");
        done += static_cast<size_t>(n);
    }
}

size_t raw_client::fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) throw std::runtime_error("read timeout");
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return 0;  // reset counts as closed
    buffer_.append(buf, static_cast<size_t>(n));
    return static_cast<size_t>(n);
}

raw_response raw_client::read_response(std::chrono::milliseconds timeout) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (fill(timeout) == 0) throw std::runtime_error("closed before the response header");
    }
    raw_response res;
    res.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    size_t line_end = res.head.find("\r\n");
    res.status_line = res.head.substr(0, line_end);
    res.status = std::stoi(res.status_line.substr(9, 3));
    for (size_t pos = line_end + 2; pos < res.head.size();) {
        size_t next = res.head.find("\r\n", pos);
        std::string line = res.head.substr(pos, next - pos);
        size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t value_start = line.find_first_not_of(' ', colon + 1);
        res.headers.emplace(name, value_start == std::string::npos ? "" : line.substr(value_start));
        pos = next + 2;
    }
    size_t length = std::stoul(res.header("content-length").value_or("0"));
    while (buffer_.size() < length) {
        if (fill(timeout) == 0) throw std::runtime_error("closed before the response body");
    }
    res.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return res;
}

std::string raw_client::read_exact(size_t n, std::chrono::milliseconds timeout) {
    while (buffer_.size() < n) {
        if (fill(timeout) == 0) throw std::runtime_error("closed early");
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

bool raw_client::closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        try {
            if (fill(left) == 0) return buffer_.empty();
        } catch (const std::runtime_error&) {
            return false;
        }
    }
}

std::shared_ptr<asio::ssl::context> make_test_tls_context() {
    namespace fs = std::filesystem;
    char dir_template[] = "/tmp/nsqpp-http-tls-XXXXXX";
    if (!::mkdtemp(dir_template)) return nullptr;
    fs::path dir(dir_template);
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " +
                      (dir / "k.pem").string() + " -out " + (dir / "c.pem").string() +
                      " -days 2 -subj /CN=localhost"
                      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1";
    std::shared_ptr<asio::ssl::context> ctx;
    if (std::system(cmd.c_str()) == 0) {
        ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        ctx->use_certificate_chain_file((dir / "c.pem").string());
        ctx->use_private_key_file((dir / "k.pem").string(), asio::ssl::context::pem);
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return ctx;
}

}  // namespace nsqpp::http::test
