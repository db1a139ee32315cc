#pragma once
// Shared fixture for the nsqd integration tests: one daemon per test, raw clients, HTTP helpers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"
#include "nsqd/nsqd.h"
#include "nsqd/options.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"
#include "wire/frame.h"

namespace nsqpp::test {

using steady = std::chrono::steady_clock;
using namespace std::string_literals;

inline int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline int64_t ms_since(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t).count();
}

// True when `id` is 16 lowercase hex characters (spec §2.9).
inline bool is_wire_id(const std::string& id) {
    if (id.size() != 16) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// Base fixture: starts nsqd with options() on workers() threads for every test.
class nsqd_fixture : public ::testing::Test {
  protected:
    virtual nsqd::options options() const { return {}; }
    virtual int workers() const { return 2; }

    void SetUp() override {
        daemon_ = start_nsqd(options(), workers());
        tcp_port_ = daemon_->tcp_port();
        http_port_ = daemon_->http_port();
        ASSERT_NE(tcp_port_, 0);
    }
    void TearDown() override {
        if (daemon_) daemon_->stop();
        daemon_.reset();
    }

    raw_client connect() { return connect_v2(tcp_port_); }
    raw_client sub(std::string_view topic, std::string_view channel, int rdy = -1,
                   std::string_view identify_json = {}) {
        return subscribe(tcp_port_, topic, channel, rdy, identify_json);
    }
    ::testing::AssertionResult pub(std::string_view topic, std::string_view body) {
        return publish(tcp_port_, topic, body);
    }
    ::testing::AssertionResult mpub(std::string_view topic, const std::vector<std::string>& b) {
        return publish_many(tcp_port_, topic, b);
    }

    http::client_response http_get(const std::string& target) {
        return http::fetch("GET", "127.0.0.1", http_port_, target);
    }
    http::client_response http_post(const std::string& target, const std::string& body = "") {
        return http::fetch("POST", "127.0.0.1", http_port_, target, body);
    }
    http::client_response http_request(const std::string& method, const std::string& target,
                                       const std::string& body = "") {
        return http::fetch(method, "127.0.0.1", http_port_, target, body);
    }

    std::unique_ptr<nsqd::nsqd> daemon_;
    uint16_t tcp_port_ = 0;
    uint16_t http_port_ = 0;
};

// Helpers for the protocol error tests.
class protocol_fixture : public nsqd_fixture {
  protected:
    // New connection (magic sent), `bytes` sent, then exactly this fatal error and a close.
    ::testing::AssertionResult fatal_after(std::string_view bytes, std::string_view error) {
        raw_client c = connect();
        c.send(bytes);
        return c.expect_fatal(error);
    }
    // A subscribed connection (topic t, channel c) for commands that need that state.
    raw_client subscribed() { return sub("t", "c"); }
    // The connection still works: PUB answers OK.
    static ::testing::AssertionResult still_usable(raw_client& c) {
        c.send(cmd_with_body("PUB alive", "x"));
        return c.expect_response("OK");
    }
};

// Receives `n` messages (FINing each unless fin is false) and returns their bodies.
inline std::vector<std::string> receive_bodies(raw_client& c, size_t n, bool fin = true,
                                               milliseconds timeout = default_timeout) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) {
        auto m = c.read_message(timeout);
        if (!m) break;
        out.push_back(m->body);
        if (fin) c.send(cmd("FIN " + m->id));
    }
    return out;
}

}  // namespace nsqpp::test
