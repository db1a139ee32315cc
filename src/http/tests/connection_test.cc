// Connection-level behaviour: keep-alive, pipelining, Connection: close, HTTP/1.0,
// 100-continue, malformed requests, idle timeout, TLS.
#include <gtest/gtest.h>

#include <system_error>
#include <thread>

#include "http/client.h"
#include "http/server.h"
#include "http/tests/test_support.h"

namespace nsqpp::http {
namespace {

using namespace std::chrono_literals;
using test::raw_client;
using test::test_server;

class ConnectionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        r.add("GET", "/ping", [](request&) { return response::plain(200, "OK"); });
        r.add("POST", "/echo", [](request& req) { return response::text(200, req.body); });
        r.add("GET", "/bye", [](request&) {
            auto res = response::text(200, "bye");
            res.headers.emplace_back("Connection", "close");
            return res;
        });
        r.add("GET", "/scheme",
              [](request& req) { return response::text(200, req.tls ? "https" : "http"); });
    }
    router r;
};

TEST_F(ConnectionTest, KeepAliveServesTwoRequestsOnOneConnection) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = c.read_response();
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, "OK");
    EXPECT_EQ(first.header("connection"), std::nullopt);
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    auto second = c.read_response();
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.body, "hello");
    EXPECT_EQ(s.get().connection_count(), 1u);
}

TEST_F(ConnectionTest, PipelinedRequestsAnsweredInOrder) {
    test_server s(r);
    raw_client c(s.port());
    c.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthree");
    EXPECT_EQ(c.read_response().body, "one");
    EXPECT_EQ(c.read_response().body, "two");
    EXPECT_EQ(c.read_response().body, "three");
}

TEST_F(ConnectionTest, ConnectionCloseIsHonoured) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto res = c.read_response();
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.header("connection"), "close");
    EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(ConnectionTest, HandlerCanCloseTheConnection) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /bye HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "bye");
    EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(ConnectionTest, Http10ClosesUnlessKeepAlive) {
    test_server s(r);
    {
        raw_client c(s.port());
        c.send("GET /ping HTTP/1.0\r\n\r\n");
        auto res = c.read_response();
        EXPECT_EQ(res.status, 200);
        EXPECT_TRUE(res.status_line.starts_with("HTTP/1.1 200"));
        EXPECT_TRUE(c.closed_within(5s));
    }
    raw_client c(s.port());
    c.send("GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto res = c.read_response();
    EXPECT_EQ(res.header("connection"), "keep-alive");
    c.send("GET /ping HTTP/1.0\r\n\r\n");
    EXPECT_EQ(c.read_response().body, "OK");
}

TEST_F(ConnectionTest, ExpectContinueGets100BeforeTheBody) {
    test_server s(r);
    raw_client c(s.port());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(c.read_exact(25), "HTTP/1.1 100 Continue\r\n\r\n");
    c.send("body");
    auto res = c.read_response();
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "body");
}

TEST_F(ConnectionTest, MalformedRequestsGet400AndClose) {
    test_server s(r);
    for (std::string bad : {"GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", "NOT HTTP AT ALL\r\n\r\n",
                            "GET /ping HTTP/1.1\r\nContent-Length: x\r\n\r\n"}) {
        raw_client c(s.port());
        c.send(bad);
        auto res = c.read_response();
        EXPECT_EQ(res.status, 400) << bad;
        EXPECT_EQ(res.body, "400 Bad Request");
        EXPECT_TRUE(c.closed_within(5s));
    }
}

TEST_F(ConnectionTest, HugeHeaderGets431) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1100 * 1024, 'a') + "\r\n\r\n");
    auto res = c.read_response();
    EXPECT_EQ(res.status, 431);
}

TEST_F(ConnectionTest, IdleConnectionsTimeOut) {
    test_server s(r, 1, 1 << 20, [](server& srv) { srv.set_idle_timeout(200ms); });
    raw_client c(s.port());
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 200);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_within(5s));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    for (int i = 0; i < 200 && s.get().connection_count() > 0; ++i) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(s.get().connection_count(), 0u);
}

TEST_F(ConnectionTest, TlsServesHttps) {
    auto tls = test::make_test_tls_context();
    if (!tls) GTEST_SKIP() << "openssl CLI unavailable";
    test_server s(r, 1, 1 << 20, [&](server& srv) { srv.set_tls(tls); });
    fetch_request req;
    req.host = "127.0.0.1";
    req.port = s.port();
    req.target = "/scheme";
    req.tls = true;
    auto res = fetch(req);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "https");
    req.tls_verify = true;  // self-signed: verification must fail
    EXPECT_THROW(fetch(req), std::system_error);
    req.tls = false;  // plain HTTP to a TLS port fails
    req.tls_verify = false;
    req.timeout = 2s;
    EXPECT_THROW(fetch(req), std::system_error);
}

TEST_F(ConnectionTest, PlainServerMarksRequestsAsHttp) {
    test_server s(r);
    EXPECT_EQ(fetch("GET", "127.0.0.1", s.port(), "/scheme").body, "http");
}

TEST_F(ConnectionTest, FetchTimesOut) {
    r.add("GET", "/slow", [](request&) {
        std::this_thread::sleep_for(600ms);
        return response::empty();
    });
    test_server s(r);
    try {
        fetch("GET", "127.0.0.1", s.port(), "/slow", "", {}, 100ms);
        ADD_FAILURE() << "no timeout";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::make_error_code(std::errc::timed_out));
    }
}

}  // namespace
}  // namespace nsqpp::http
