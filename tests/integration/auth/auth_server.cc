#include "tests/integration/auth/auth_server.h"

#include <boost/asio/ip/tcp.hpp>

#include "http/router.h"

namespace nsqpp::test {

std::optional<std::string> auth_request::value(const std::string& key) const {
    for (const auto& [k, v] : query) {
        if (k == key) return v;
    }
    return std::nullopt;
}

struct auth_server::state {
    mutable std::mutex mu;
    std::condition_variable cv;
    std::string body = R"({"ttl":3600,"authorizations":[]})";
    int status = 200;
    bool held = false;
    std::vector<auth_request> requests;

    http::response handle(http::request& req) {
        std::unique_lock lock(mu);
        requests.push_back({req.path, req.raw_query, req.query, req.header("Accept").value_or("")});
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(20), [this] { return !held; });
        return http::response::json(status, body);
    }
};

auth_server::auth_server(std::shared_ptr<boost::asio::ssl::context> tls)
    : state_(std::make_shared<state>()), work_(boost::asio::make_work_guard(io_)) {
    http::router r;
    auto s = state_;
    r.add("GET", "/auth", [s](http::request& req) { return s->handle(req); });
    r.add("GET", "/custom/check", [s](http::request& req) { return s->handle(req); });
    std::vector<boost::asio::any_io_executor> executors{io_.get_executor()};
    server_ = std::make_unique<http::server>(executors, r, 1 << 20);
    if (tls) server_->set_tls(std::move(tls));
    port_ = server_->listen("127.0.0.1", 0);
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
}

auth_server::~auth_server() {
    release();
    server_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
    server_.reset();
}

void auth_server::respond(std::string body, int status) {
    std::lock_guard lock(state_->mu);
    state_->body = std::move(body);
    state_->status = status;
}

void auth_server::hold() {
    std::lock_guard lock(state_->mu);
    state_->held = true;
}

void auth_server::release() {
    {
        std::lock_guard lock(state_->mu);
        state_->held = false;
    }
    state_->cv.notify_all();
}

std::vector<auth_request> auth_server::requests() const {
    std::lock_guard lock(state_->mu);
    return state_->requests;
}

size_t auth_server::request_count() const {
    std::lock_guard lock(state_->mu);
    return state_->requests.size();
}

bool auth_server::wait_for_requests(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mu);
    return state_->cv.wait_for(lock, timeout, [&] { return state_->requests.size() >= n; });
}

uint16_t closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

std::string entry(const std::string& topic, const std::string& channels_json,
                  const std::string& permissions_json) {
    return R"({"topic":")" + topic + R"(","channels":)" + channels_json + R"(,"permissions":)" +
           permissions_json + "}";
}

std::string answer(int64_t ttl, const std::vector<std::string>& entries,
                   const std::string& identity, const std::string& identity_url) {
    std::string list;
    for (const auto& e : entries) list += (list.empty() ? "" : ",") + e;
    return R"({"ttl":)" + std::to_string(ttl) + R"(,"identity":")" + identity +
           R"(","identity_url":")" + identity_url + R"(","authorizations":[)" + list + "]}";
}

}  // namespace nsqpp::test
