// The proxy core over real sockets: forwarding, headers, routing, keep-alive both ways,
// streaming, failover, health, 502/504, extension points.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "gateway/pool.h"
#include "tests/integration/gateway/fixture.h"

namespace nsqpp::gateway_test {
namespace {

class Proxy : public ::testing::TestWithParam<int> {};  // gateway worker threads

TEST_P(Proxy, ForwardsRequestAndAddsForwardedHeadersWithoutHopByHop) {
    backend b("b1");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    auto r = call(g->http_port(), "POST", "/echo/x?topic=t&a=%20", "hello body",
                  {{"Host", "api.example.com"},
                   {"X-Custom", "yes"},
                   {"Connection", "keep-alive, X-Hop"},
                   {"X-Hop", "drop me"},
                   {"Keep-Alive", "timeout=5"},
                   {"Proxy-Authorization", "secret"},
                   {"X-Forwarded-For", "10.1.1.1"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("x-backend"), "b1");
    auto e = echo(*r);
    EXPECT_EQ(e["method"], "POST");
    EXPECT_EQ(e["target"], "/echo/x?topic=t&a=%20");
    EXPECT_EQ(e["body"], "hello body");
    EXPECT_EQ(e["h:x-custom"], "yes");
    EXPECT_EQ(e["h:host"], "api.example.com");
    EXPECT_EQ(e["h:x-forwarded-for"], "10.1.1.1, 127.0.0.1");
    EXPECT_EQ(e["h:x-forwarded-host"], "api.example.com");
    EXPECT_EQ(e["h:x-forwarded-proto"], "http");
    EXPECT_EQ(e.count("h:x-hop"), 0u);
    EXPECT_EQ(e.count("h:keep-alive"), 0u);
    EXPECT_EQ(e.count("h:proxy-authorization"), 0u);
}

TEST_P(Proxy, RoutesByHostAndLongestPrefixWithRewrite) {
    backend a("a"), b("b"), c("c");
    gateway::gateway_config cfg;
    for (auto [name, be] : {std::pair{"pa", &a}, {"pb", &b}, {"pc", &c}}) {
        gateway::pool_config p;
        p.name = name;
        p.members = {{be->address(), 1}};
        cfg.pools.push_back(p);
    }
    gateway::route any;
    any.pool_name = "pa";
    gateway::route api;
    api.path_prefix = "/api/";
    api.rewrite = "/echo/";
    api.pool_name = "pb";
    api.pass_host = false;
    gateway::route host;
    host.host = "*.nsq.test";
    host.pool_name = "pc";
    cfg.routes = {any, api, host};
    auto g = start_gateway(cfg, GetParam());

    auto r1 = call(g->http_port(), "GET", "/echo");
    ASSERT_TRUE(r1);
    EXPECT_EQ(echo(*r1)["backend"], "a");
    auto r2 = call(g->http_port(), "GET", "/api/v1?x=1");
    ASSERT_TRUE(r2);
    auto e2 = echo(*r2);
    EXPECT_EQ(e2["backend"], "b");
    EXPECT_EQ(e2["target"], "/echo/v1?x=1");
    EXPECT_EQ(e2["h:host"], b.address());  // pass_host = false
    auto r3 = call(g->http_port(), "GET", "/echo", "", {{"Host", "eu.nsq.test:4180"}});
    ASSERT_TRUE(r3);
    EXPECT_EQ(echo(*r3)["backend"], "c");
}

TEST_P(Proxy, NoRouteIs404) {
    backend b("b");
    auto cfg = one_pool({b.address()});
    gateway::route r;
    r.path_prefix = "/only/";
    r.pool_name = "default";
    cfg.routes = {r};
    auto g = start_gateway(cfg, GetParam());
    auto res = call(g->http_port(), "GET", "/elsewhere");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_NE(res->body.find("NO_ROUTE"), std::string::npos);
}

TEST_P(Proxy, KeepAliveBothWaysReusesOneUpstreamConnection) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), 1);
    client c(g->http_port());
    for (int i = 0; i < 20; ++i) {
        auto r =
            c.request(i % 2 ? "GET" : "POST", "/echo?i=" + std::to_string(i), i % 2 ? "" : "body");
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(echo(*r)["target"], "/echo?i=" + std::to_string(i));
    }
    EXPECT_EQ(b.connections(), 1u);  // the upstream connection was kept and reused
    EXPECT_EQ(b.hits.load(), 20);
}

TEST_P(Proxy, HeadAndStatusCodesPassThrough) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    client c(g->http_port());
    auto h = c.request("HEAD", "/echo");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200);
    EXPECT_TRUE(h->body.empty());
    for (int code : {201, 204, 404, 500, 503}) {
        auto r = c.request("GET", "/status/" + std::to_string(code));
        ASSERT_TRUE(r) << code;
        EXPECT_EQ(r->status, code);  // upstream answers are not the gateway's errors
    }
}

TEST_P(Proxy, LargeBodiesAreStreamedBothWays) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    std::string big(3 << 20, 'x');
    for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
    // Content-Length body (over the buffering threshold: streamed).
    auto r = call(g->http_port(), "PUT", "/echo", big);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(echo(*r)["body"], big);
    // Chunked request body.
    client c(g->http_port());
    std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string expect;
    for (int i = 0; i < 50; ++i) {
        std::string part(10000, static_cast<char>('A' + i % 26));
        expect += part;
        char size[16];
        std::snprintf(size, sizeof size, "%zx", part.size());
        req += std::string(size) + "\r\n" + part + "\r\n";
    }
    req += "0\r\n\r\n";
    ASSERT_TRUE(c.send(req));
    auto cr = c.read();
    ASSERT_TRUE(cr);
    EXPECT_EQ(cr->status, 200);
    EXPECT_EQ(echo(*cr)["body"].size(), expect.size()) << cr->body.substr(0, 300);
    EXPECT_EQ(echo(*cr)["body"], expect);
}

// A raw upstream that answers with a chunked body in two parts and sends the second part only
// after the test saw the first one through the gateway: proves the response is streamed.
TEST_P(Proxy, ResponseBodyIsForwardedBeforeTheUpstreamFinishes) {
    int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::listen(lfd, 4);
    socklen_t len = sizeof a;
    ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
    uint16_t port = ntohs(a.sin_port);
    std::atomic<bool> first_seen{false};
    std::thread upstream([&] {
        int fd = ::accept(lfd, nullptr, nullptr);
        char buf[4096];
        ::recv(fd, buf, sizeof buf, 0);
        std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n";
        ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
        eventually([&] { return first_seen.load(); }, 20s);
        std::string rest = "6\r\nsecond\r\n0\r\n\r\n";
        ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
        ::recv(fd, buf, sizeof buf, 0);
        ::close(fd);
    });
    {
        auto g = start_gateway(one_pool({"127.0.0.1:" + std::to_string(port)}), GetParam());
        client c(g->http_port());
        ASSERT_TRUE(c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
        std::string got;
        ASSERT_TRUE(eventually(
            [&] {
                got += c.read_some(50ms);
                return got.find("first") != std::string::npos;
            },
            10s))
            << got;
        EXPECT_EQ(got.find("second"), std::string::npos);
        first_seen = true;
        ASSERT_TRUE(eventually(
            [&] {
                got += c.read_some(50ms);
                return got.find("0\r\n\r\n") != std::string::npos;
            },
            10s))
            << got;
        EXPECT_NE(got.find("second"), std::string::npos);
    }
    upstream.join();
    ::close(lfd);
}

// An upstream that answers one request with a body delimited by closing the connection.
TEST_P(Proxy, CloseDelimitedUpstreamBodyIsReframedForKeepAliveClients) {
    int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::listen(lfd, 4);
    socklen_t len = sizeof a;
    ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
    std::thread upstream([&] {
        for (int i = 0; i < 2; ++i) {
            int fd = ::accept(lfd, nullptr, nullptr);
            char buf[4096];
            ::recv(fd, buf, sizeof buf, 0);
            std::string res =
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close-" + std::to_string(i);
            ::send(fd, res.data(), res.size(), MSG_NOSIGNAL);
            ::close(fd);
        }
    });
    {
        auto g =
            start_gateway(one_pool({"127.0.0.1:" + std::to_string(ntohs(a.sin_port))}), GetParam());
        client c(g->http_port());
        for (int i = 0; i < 2; ++i) {
            auto r = c.request("GET", "/x");
            ASSERT_TRUE(r) << i;
            EXPECT_EQ(r->status, 200);
            EXPECT_EQ(r->body, "until-close-" + std::to_string(i));
            EXPECT_EQ(r->header("transfer-encoding"), "chunked");
        }
    }
    upstream.join();
    ::close(lfd);
}

TEST_P(Proxy, FailedConnectIsRetriedOnAnotherMember) {
    backend b("live");
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    auto cfg = one_pool({dead, b.address()});
    cfg.pools[0].max_fails = 1000;  // keep the dead member in rotation
    auto g = start_gateway(cfg, GetParam());
    for (int i = 0; i < 10; ++i) {
        auto r = call(g->http_port(), "GET", "/echo");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200) << r->body;
        EXPECT_EQ(echo(*r)["backend"], "live");
    }
    auto* p = g->find_pool("default");
    uint64_t failures = 0;
    const auto balancer = p->current();  // alive while iterating
    for (const auto& m : balancer->members()) {
        if (m->address() == dead) failures = m->failures.load();
    }
    EXPECT_GE(failures, 4u);  // round robin sent about half the first attempts there
}

TEST_P(Proxy, AllMembersDownGives502WithClearBody) {
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    auto g = start_gateway(one_pool({dead}), GetParam());
    auto r = call(g->http_port(), "GET", "/echo");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
    EXPECT_NE(r->body.find("UPSTREAM_CONNECT_FAILED"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find(dead), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("refused"), std::string::npos) << r->body;
}

TEST_P(Proxy, SlowUpstreamGives504) {
    backend b("slow");
    auto cfg = one_pool({b.address()});
    cfg.pools[0].limits.read_timeout = 300ms;
    auto g = start_gateway(cfg, GetParam());
    auto r = call(g->http_port(), "GET", "/sleep/3000");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 504);
    EXPECT_NE(r->body.find("UPSTREAM_TIMEOUT"), std::string::npos) << r->body;
}

TEST_P(Proxy, PassiveHealthTakesAFailingMemberOut) {
    backend b("live");
    std::string dead = "127.0.0.1:" + std::to_string(dead_port());
    auto cfg = one_pool({dead, b.address()});
    cfg.pools[0].max_fails = 1;
    cfg.pools[0].fail_timeout = 60s;
    auto g = start_gateway(cfg, GetParam());
    for (int i = 0; i < 10; ++i) {
        auto r = call(g->http_port(), "GET", "/echo");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
    }
    const auto balancer = g->find_pool("default")->current();
    for (const auto& m : balancer->members()) {
        if (m->address() == dead) {
            EXPECT_EQ(m->failures.load(), 1u);  // out after one failure, not tried again
            EXPECT_FALSE(m->available());
        }
    }
}

TEST_P(Proxy, ActiveHealthChecksMarkMembersDownAndUp) {
    backend a("a"), b("b");
    auto cfg = one_pool({a.address(), b.address()});
    cfg.pools[0].health.path = "/health";
    cfg.pools[0].health.interval = 50ms;
    auto g = start_gateway(cfg, GetParam());
    auto member_of = [&](const std::string& addr) -> gateway::member* {
        const auto balancer = g->find_pool("default")->current();
        for (const auto& m : balancer->members()) {
            if (m->address() == addr) return m.get();
        }
        return nullptr;
    };
    a.healthy = false;
    ASSERT_TRUE(eventually([&] { return !member_of(a.address())->probe_ok(); }));
    int before = a.hits.load();
    for (int i = 0; i < 10; ++i) {
        auto r = call(g->http_port(), "GET", "/echo");
        ASSERT_TRUE(r);
        EXPECT_EQ(echo(*r)["backend"], "b");
    }
    EXPECT_EQ(a.hits.load(), before);
    a.healthy = true;
    ASSERT_TRUE(eventually([&] { return member_of(a.address())->probe_ok(); }));
    std::set<std::string> seen;
    for (int i = 0; i < 10; ++i)
        seen.insert(echo(*call(g->http_port(), "GET", "/echo"))["backend"]);
    EXPECT_EQ(seen.size(), 2u);
}

TEST_P(Proxy, MalformedRequestGets400) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    client c(g->http_port());
    ASSERT_TRUE(c.send("NOT A REQUEST\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(b.hits.load(), 0);
}

TEST_P(Proxy, RequestRewriterAndResponseModifierExtensionPoints) {
    backend a("a"), b("b");
    gateway::gateway_config cfg = one_pool({a.address()});
    gateway::pool_config other;
    other.name = "other";
    other.members = {{b.address(), 1}};
    cfg.pools.push_back(other);
    cfg.http_address = "127.0.0.1:0";
    cfg.admin_address = "";
    cfg.worker_threads = GetParam();
    gateway::gateway g(cfg);
    g.add_request_rewriter([&g](gateway::exchange& ex) {
        if (ex.header("X-Canary")) ex.target_pool = g.find_pool("other");
        ex.upstream_target = "/echo/rewritten";
        ex.set_header("X-Added", "1");
        if (ex.path == "/forbidden") ex.reply = http::response::error(403, "FORBIDDEN");
    });
    g.add_response_modifier([](gateway::exchange& ex, gateway::response_head& res) {
        res.set_header("X-Served-By", ex.upstream_address);
        res.remove_header("X-Backend");
    });
    g.start();
    auto r = call(g.http_port(), "GET", "/anything", "", {{"X-Canary", "1"}});
    ASSERT_TRUE(r);
    auto e = echo(*r);
    EXPECT_EQ(e["backend"], "b");
    EXPECT_EQ(e["target"], "/echo/rewritten");
    EXPECT_EQ(e["h:x-added"], "1");
    EXPECT_EQ(r->header("x-served-by"), b.address());
    EXPECT_EQ(r->header("x-backend"), "");
    auto f = call(g.http_port(), "GET", "/forbidden");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->status, 403);
}

TEST_P(Proxy, StopClosesClientConnections) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    client c(g->http_port());
    ASSERT_TRUE(c.request("GET", "/echo"));
    ASSERT_TRUE(eventually([&] { return g->connection_count() == 1; }));
    g->stop();
    EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST_P(Proxy, RequestHeadInPiecesAndPipelinedRequestsAreServed) {
    backend b("b");
    auto g = start_gateway(one_pool({b.address()}), GetParam());
    client c(g->http_port());
    ASSERT_TRUE(c.send("GET /echo/pie"));
    std::this_thread::sleep_for(30ms);
    ASSERT_TRUE(c.send("ces HTTP/1.1\r\nHo"));
    std::this_thread::sleep_for(30ms);
    ASSERT_TRUE(c.send("st: gw.test\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(echo(*r)["target"], "/echo/pieces");
    // Two requests in one write: both answered, in order, on the same connection.
    ASSERT_TRUE(c.send("GET /echo/one HTTP/1.1\r\nHost: gw.test\r\n\r\n"
                       "POST /echo/two HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 3\r\n\r\nabc"));
    auto one = c.read();
    auto two = c.read();
    ASSERT_TRUE(one && two);
    EXPECT_EQ(echo(*one)["target"], "/echo/one");
    EXPECT_EQ(echo(*two)["target"], "/echo/two");
    EXPECT_EQ(echo(*two)["body"], "abc");
}

TEST_P(Proxy, IdleClientConnectionIsClosedAfterTheIdleTimeout) {
    backend b("b");
    auto cfg = one_pool({b.address()});
    cfg.client_idle_timeout = 400ms;
    auto g = start_gateway(cfg, GetParam());
    client busy(g->http_port());
    client idle(g->http_port());
    ASSERT_TRUE(idle.request("GET", "/echo"));
    auto start = std::chrono::steady_clock::now();
    // `busy` keeps sending within the timeout and stays open.
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(150ms);
        ASSERT_TRUE(busy.request("GET", "/echo")) << i;
    }
    EXPECT_TRUE(idle.closed_by_peer(3s));
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, 350ms);
    EXPECT_TRUE(busy.request("GET", "/echo"));
}

INSTANTIATE_TEST_SUITE_P(Workers, Proxy, ::testing::Values(1, 3));

}  // namespace
}  // namespace nsqpp::gateway_test
