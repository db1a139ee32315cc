#pragma once
// An auth server for tests: HTTP on 127.0.0.1:0 (src/http server on its own thread) whose
// answer each test sets and which records every request it receives.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/server.h"

namespace nsqpp::test {

struct auth_request {
    std::string path;
    std::string raw_query;
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    std::string accept;                                      // Accept header
    std::optional<std::string> value(const std::string& key) const;
};

class auth_server {
  public:
    // Serves GET /auth and GET /custom/check (over HTTPS with `tls`).
    explicit auth_server(std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
    ~auth_server();
    auth_server(const auth_server&) = delete;
    auth_server& operator=(const auth_server&) = delete;

    uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    // The answer to the next requests (status 200 unless given).
    void respond(std::string body, int status = 200);
    // While held, requests wait (up to 20 s) until release() before answering.
    void hold();
    void release();

    std::vector<auth_request> requests() const;
    size_t request_count() const;
    // Polls until at least `n` requests were received.
    bool wait_for_requests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  private:
    struct state;
    std::shared_ptr<state> state_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::unique_ptr<http::server> server_;
    std::thread thread_;
    uint16_t port_ = 0;
};

// A port on 127.0.0.1 where nothing listens (bound then closed).
uint16_t closed_port();

// An authorization entry as JSON.
std::string entry(const std::string& topic, const std::string& channels_json,
                  const std::string& permissions_json);
// A full answer: {"ttl":..,"identity":..,"identity_url":..,"authorizations":[entries...]}.
std::string answer(int64_t ttl, const std::vector<std::string>& entries,
                   const std::string& identity = "user", const std::string& identity_url = "");

}  // namespace nsqpp::test
