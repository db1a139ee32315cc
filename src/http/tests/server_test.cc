// The server over real sockets on 127.0.0.1: routing semantics, query parsing, middlewares,
// exceptions, body limits, concurrency across workers, stop.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "http/client.h"
#include "http/tests/test_support.h"

namespace nsqpp::http {
namespace {

using namespace std::chrono_literals;
using test::raw_client;
using test::test_server;

constexpr size_t msg_limit = 16;

std::string echo_query(request& req) {
    std::string out = req.query_valid ? "valid" : "invalid";
    for (auto& [k, v] : req.query) out += "|" + k + "=" + v;
    return out;
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        r.add("GET", "/ping", [](request&) { return response::plain(200, "OK"); });
        r.add("POST", "/pub",
              [this](request& req) {
                  ++pub_calls;
                  return response::text(200, "got " + std::to_string(req.body.size()));
              },
              {msg_limit, "MSG_TOO_BIG"});
        r.add("POST", "/echo", [](request& req) { return response::text(200, req.body); });
        r.add("GET", "/query", [](request& req) {
            if (!req.query_valid) return response::error(400, "INVALID_REQUEST");
            return response::text(200, echo_query(req));
        });
        r.add("GET", "/boom", [](request&) -> response { throw std::runtime_error("boom"); });
        r.add("GET", "/config/:opt", [](request& req) {
            return response::text(200, *req.param("opt") + " from " + req.remote_address);
        });
    }
    router r;
    std::atomic<int> pub_calls{0};
};

TEST_F(ServerTest, UnknownPathIs404Json) {
    test_server s(r);
    auto res = fetch("GET", "127.0.0.1", s.port(), "/nope");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.body, R"({"message":"NOT_FOUND"})");
    EXPECT_EQ(res.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(res.header("X-NSQ-Content-Type"), "nsq; version=1.0");
    EXPECT_TRUE(res.header("Date").has_value());
}

TEST_F(ServerTest, HeaderNamesAreWrittenInGoCanonicalForm) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    auto res = c.read_response();
    EXPECT_NE(res.head.find("\r\nX-Nsq-Content-Type: nsq; version=1.0\r\n"), std::string::npos)
        << res.head;
    EXPECT_NE(res.head.find("\r\nContent-Length: 23\r\n"), std::string::npos) << res.head;
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
    test_server s(r);
    auto res = fetch("PUT", "127.0.0.1", s.port(), "/pub");
    EXPECT_EQ(res.status, 405);
    EXPECT_EQ(res.header("Allow"), "OPTIONS, POST");
    EXPECT_EQ(res.body, R"({"message":"METHOD_NOT_ALLOWED"})");
    auto head = fetch("HEAD", "127.0.0.1", s.port(), "/ping");
    EXPECT_EQ(head.status, 405);
    EXPECT_EQ(head.header("Allow"), "GET, OPTIONS");
    EXPECT_EQ(head.body, "");
}

TEST_F(ServerTest, OptionsIs200EmptyWithAllow) {
    test_server s(r);
    auto res = fetch("OPTIONS", "127.0.0.1", s.port(), "/config/x");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "");
    EXPECT_EQ(res.header("Allow"), "GET, OPTIONS");
    EXPECT_EQ(res.header("Content-Length"), "0");
    EXPECT_EQ(res.header("Content-Type"), std::nullopt);
}

TEST_F(ServerTest, RedirectsKeepTheQuery) {
    test_server s(r);
    auto get = fetch("GET", "127.0.0.1", s.port(), "/Ping/?a=1&b=%20");
    EXPECT_EQ(get.status, 301);
    EXPECT_EQ(get.header("Location"), "/ping?a=1&b=%20");
    auto post = fetch("POST", "127.0.0.1", s.port(), "/pub/?topic=t", "x");
    EXPECT_EQ(post.status, 307);
    EXPECT_EQ(post.header("Location"), "/pub?topic=t");
    EXPECT_EQ(pub_calls, 0);
}

TEST_F(ServerTest, QueryParsing) {
    test_server s(r);
    auto res = fetch("GET", "127.0.0.1", s.port(), "/query?topic=a+b&topic=second&x=%41%2b");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "valid|topic=a b|topic=second|x=A+");
    auto bad = fetch("GET", "127.0.0.1", s.port(), "/query?topic=%zz");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.body, R"({"message":"INVALID_REQUEST"})");
}

TEST_F(ServerTest, ParamsAndRemoteAddress) {
    test_server s(r);
    auto res = fetch("GET", "127.0.0.1", s.port(), "/config/log_level");
    EXPECT_EQ(res.status, 200);
    EXPECT_TRUE(res.body.starts_with("log_level from 127.0.0.1:")) << res.body;
}

TEST_F(ServerTest, MiddlewaresWrapEveryRequestInOrder) {
    std::mutex mu;
    std::vector<std::string> trace;
    auto layer = [&](std::string name) {
        return [&, name](request& req, const handler& next) {
            {
                std::lock_guard lock(mu);
                trace.push_back(name + ">" + req.path);
            }
            auto res = next(req);
            std::lock_guard lock(mu);
            trace.push_back("<" + name + std::to_string(res.status));
            return res;
        };
    };
    r.use(layer("a"));
    r.use(layer("b"));
    test_server s(r);
    EXPECT_EQ(fetch("GET", "127.0.0.1", s.port(), "/ping").status, 200);
    EXPECT_EQ(fetch("GET", "127.0.0.1", s.port(), "/nope").status, 404);
    std::lock_guard lock(mu);
    EXPECT_EQ(trace, (std::vector<std::string>{"a>/ping", "b>/ping", "<b200", "<a200", "a>/nope",
                                               "b>/nope", "<b404", "<a404"}));
}

TEST_F(ServerTest, HandlerExceptionIs500AndConnectionSurvives) {
    test_server s(r);
    raw_client c(s.port());
    c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = c.read_response();
    EXPECT_EQ(first.status, 500);
    EXPECT_EQ(first.body, R"({"message":"INTERNAL_ERROR"})");
    EXPECT_EQ(c.read_response().body, "OK");
}

TEST_F(ServerTest, ContentLengthOverRouteLimitIs413WithoutCallingHandler) {
    test_server s(r);
    auto ok = fetch("POST", "127.0.0.1", s.port(), "/pub", std::string(msg_limit, 'x'));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "got 16");
    auto res = fetch("POST", "127.0.0.1", s.port(), "/pub", std::string(msg_limit + 1, 'x'));
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.body, R"({"message":"MSG_TOO_BIG"})");
    EXPECT_EQ(res.header("Connection"), "close");
    EXPECT_EQ(pub_calls, 1);
}

TEST_F(ServerTest, HugeBodyStillGets413NotAReset) {
    test_server s(r);
    auto res = fetch("POST", "127.0.0.1", s.port(), "/pub", std::string(4 << 20, 'x'));
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.body, R"({"message":"MSG_TOO_BIG"})");
}

TEST_F(ServerTest, ChunkedBodyOverRouteLimitIs413) {
    test_server s(r);
    {
        raw_client c(s.port());
        c.send(
            "POST /pub HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
        auto res = c.read_response();
        EXPECT_EQ(res.status, 200);
        EXPECT_EQ(res.body, "got 16");
    }
    raw_client c(s.port());
    c.send(
        "POST /pub HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "8\r\n12345678\r\n9\r\n123456789\r\n0\r\n\r\n");
    auto res = c.read_response();
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.body, R"({"message":"MSG_TOO_BIG"})");
    EXPECT_TRUE(c.closed_within(5s));
    EXPECT_EQ(pub_calls, 1);
}

TEST_F(ServerTest, DefaultLimitAppliesToOtherRoutes) {
    test_server s(r, 1, 32);
    EXPECT_EQ(fetch("POST", "127.0.0.1", s.port(), "/echo", std::string(32, 'e')).status, 200);
    auto res = fetch("POST", "127.0.0.1", s.port(), "/echo", std::string(33, 'e'));
    EXPECT_EQ(res.status, 413);
    EXPECT_EQ(res.body, R"({"message":"BODY_TOO_BIG"})");
    // the route's own limit wins over the default, both ways
    EXPECT_EQ(fetch("POST", "127.0.0.1", s.port(), "/pub", std::string(17, 'e')).status, 413);
}

TEST_F(ServerTest, TooBigIsSeenByMiddlewares) {
    std::atomic<int> seen{0};
    r.use([&seen](request& req, const handler& next) {
        auto res = next(req);
        if (res.status == 413 && req.path == "/pub") ++seen;
        return res;
    });
    test_server s(r);
    EXPECT_EQ(fetch("POST", "127.0.0.1", s.port(), "/pub", std::string(100, 'x')).status, 413);
    EXPECT_EQ(seen, 1);
}

TEST_F(ServerTest, ConcurrentClientsOnTwoWorkers) {
    std::mutex mu;
    std::set<std::thread::id> threads;
    r.add("GET", "/who", [&](request& req) {
        std::lock_guard lock(mu);
        threads.insert(std::this_thread::get_id());
        return response::text(200, req.query_value("n").value_or(""));
    });
    test_server s(r, 2);
    std::atomic<int> good{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                std::string n = std::to_string(t * 100 + i);
                auto res = fetch("GET", "127.0.0.1", s.port(), "/who?n=" + n);
                if (res.status == 200 && res.body == n) ++good;
            }
        });
    }
    for (auto& c : clients) c.join();
    EXPECT_EQ(good, 100);
    std::lock_guard lock(mu);
    EXPECT_EQ(threads.size(), 2u);  // round-robin hands connections to both workers
}

TEST_F(ServerTest, StopWithConnectedClientsDoesNotHang) {
    test_server s(r, 2);
    raw_client idle(s.port());
    raw_client partial(s.port());
    partial.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf");
    raw_client served(s.port());
    served.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(served.read_response().status, 200);
    for (int i = 0; i < 200 && s.get().connection_count() < 3; ++i)
        std::this_thread::sleep_for(5ms);
    EXPECT_EQ(s.get().connection_count(), 3u);
    EXPECT_TRUE(s.shutdown(10s));
    EXPECT_TRUE(idle.closed_within(5s));
    EXPECT_TRUE(partial.closed_within(5s));
    EXPECT_TRUE(served.closed_within(5s));
}

TEST_F(ServerTest, StopIsIdempotentAndRefusesNewConnections) {
    test_server s(r);
    uint16_t port = s.port();
    s.get().stop();
    s.get().stop();
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i) {  // the close is posted: give it a moment
                fetch("GET", "127.0.0.1", port, "/ping", "", {}, 1s);
                std::this_thread::sleep_for(10ms);
            }
        },
        std::system_error);
    EXPECT_TRUE(s.shutdown());
}

TEST_F(ServerTest, ListenOnABusyPortThrows) {
    test_server s(r);
    auto listen_busy = [&](server& other) { other.listen("127.0.0.1", s.port()); };
    EXPECT_THROW(test_server(r, 1, 1024, listen_busy), std::system_error);
}

TEST_F(ServerTest, FetchToAClosedPortThrows) {
    uint16_t port;
    {
        test_server s(r);
        port = s.port();
    }
    EXPECT_THROW(fetch("GET", "127.0.0.1", port, "/ping"), std::system_error);
}

}  // namespace
}  // namespace nsqpp::http
