#pragma once
// An in-process nsqlookupd on 127.0.0.1:0 per test, V1 clients and HTTP helpers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "http/client.h"
#include "nsqlookupd/nsqlookupd.h"
#include "nsqlookupd/options.h"
#include "v1_client.h"

namespace nsqpp::lookupd_test {

using steady = std::chrono::steady_clock;

// Polls `cond` every 10 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& cond, milliseconds timeout = 3s) {
    auto deadline = steady::now() + timeout;
    for (;;) {
        if (cond()) return true;
        if (steady::now() >= deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
}

// Starts nsqlookupd with options() on workers() threads for every test.
class lookupd_fixture : public ::testing::Test {
  protected:
    virtual nsqlookupd::options options() const { return {}; }
    virtual int workers() const { return 2; }

    void SetUp() override {
        nsqlookupd::options o = options();
        o.tcp_address = "127.0.0.1:0";
        o.http_address = "127.0.0.1:0";
        o.worker_threads = workers();
        daemon_ = std::make_unique<nsqlookupd::nsqlookupd>(o);
        daemon_->start();
        tcp_port_ = daemon_->tcp_port();
        http_port_ = daemon_->http_port();
        ASSERT_NE(tcp_port_, 0);
        ASSERT_NE(http_port_, 0);
    }
    void TearDown() override {
        if (daemon_) daemon_->stop();
        daemon_.reset();
    }

    // Connection with the magic sent.
    v1_client connect() {
        v1_client c;
        c.connect(tcp_port_);
        c.send("  V1");
        return c;
    }
    // An identified nsqd (IDENTIFY answered with JSON).
    v1_client nsqd(std::string_view broadcast, int tcp_port = 4150, int http_port = 4151) {
        v1_client c = connect();
        c.send(identify_command(nsqd_identify_json(broadcast, tcp_port, http_port)));
        auto reply = c.read_response();
        EXPECT_TRUE(reply && reply->rfind("{\"broadcast_address\":", 0) == 0)
            << (reply ? *reply : "<no reply>");
        return c;
    }
    // Sends `line` + "\n" and expects OK.
    static ::testing::AssertionResult command(v1_client& c, std::string_view line) {
        c.send(std::string(line) + "\n");
        return c.expect_response("OK");
    }

    http::client_response get(const std::string& target) {
        return http::fetch("GET", "127.0.0.1", http_port_, target);
    }
    http::client_response post(const std::string& target, const std::string& body = "") {
        return http::fetch("POST", "127.0.0.1", http_port_, target, body);
    }
    http::client_response request(const std::string& method, const std::string& target) {
        return http::fetch(method, "127.0.0.1", http_port_, target);
    }
    // GET `target` as parsed JSON (a failure when the status is not 200).
    boost::json::value get_json(const std::string& target) {
        auto r = get(target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        boost::system::error_code ec;
        auto v = boost::json::parse(r.body, ec);
        EXPECT_FALSE(ec) << r.body;
        return v;
    }
    // The remote addresses of /lookup?topic=`topic`'s producers ("" on error), sorted.
    std::vector<std::string> lookup_producers(const std::string& topic) {
        std::vector<std::string> out;
        auto v = get_json("/lookup?topic=" + topic);
        if (!v.is_object() || !v.as_object().contains("producers")) return {"<error>"};
        for (const auto& p : v.as_object().at("producers").as_array()) {
            out.emplace_back(p.as_object().at("remote_address").as_string().c_str());
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::vector<std::string> node_addresses() {
        std::vector<std::string> out;
        boost::json::value v = get_json("/nodes");
        for (const auto& p : v.as_object().at("producers").as_array()) {
            out.emplace_back(p.as_object().at("remote_address").as_string().c_str());
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    std::unique_ptr<nsqlookupd::nsqlookupd> daemon_;
    uint16_t tcp_port_ = 0;
    uint16_t http_port_ = 0;
};

// The same fixture run with 1 and 3 worker threads.
class lookupd_workers_fixture : public lookupd_fixture, public ::testing::WithParamInterface<int> {
  protected:
    int workers() const override { return GetParam(); }
};

}  // namespace nsqpp::lookupd_test
