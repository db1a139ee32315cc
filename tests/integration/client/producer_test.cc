// Producer against an in-process nsqd: PUB/MPUB/DPUB sync and async, ordered replies, server
// errors verbatim, connect errors, ping, stop, reconnect after an nsqd restart.
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "tests/integration/client/client_fixture.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::client_test {
namespace {

using client::error;

// Reads `n` messages over a raw subscriber (FINs them) and returns their bodies.
std::multiset<std::string> read_bodies(uint16_t port, const std::string& topic, size_t n,
                                       std::chrono::milliseconds timeout = 10s) {
    auto sub = test::subscribe(port, topic, "check", 100);
    std::multiset<std::string> bodies;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (bodies.size() < n && std::chrono::steady_clock::now() < deadline) {
        auto m = sub.read_message(timeout);
        if (!m) break;
        bodies.insert(m->body);
        sub.send(test::cmd("FIN " + m->id));
    }
    return bodies;
}

TEST(Producer, PublishesSyncAsyncMultiAndDeferred) {
    auto nsqd = test::start_nsqd();
    client::producer p(tcp_address(*nsqd), quiet_config());
    EXPECT_FALSE(p.is_connected());
    ASSERT_FALSE(p.publish("prod", "sync")) << "publish";
    EXPECT_TRUE(p.is_connected());
    auto fut = p.publish_async("prod", "future");
    std::promise<error> cb;
    p.publish_async("prod", "callback", [&cb](const error& e) { cb.set_value(e); });
    EXPECT_FALSE(p.multi_publish("prod", {"m1", "m2", "m3"}));
    auto mfut = p.multi_publish_async("prod", {"m4", "m5"});
    EXPECT_FALSE(p.deferred_publish("prod", 300ms, "deferred"));
    auto dfut = p.deferred_publish_async("prod", 100ms, "deferred-async");
    EXPECT_FALSE(fut.get());
    EXPECT_FALSE(cb.get_future().get());
    EXPECT_FALSE(mfut.get());
    EXPECT_FALSE(dfut.get());

    std::multiset<std::string> expected = {
        "sync", "future", "callback", "m1", "m2", "m3", "m4", "m5", "deferred", "deferred-async"};
    EXPECT_EQ(read_bodies(nsqd->tcp_port(), "prod", expected.size()), expected);
}

TEST(Producer, RepliesMatchRequestsInOrder) {
    auto nsqd = test::start_nsqd();
    client::producer p(tcp_address(*nsqd), quiet_config());
    constexpr int n = 2000;
    std::vector<std::future<error>> futures;
    std::atomic<int> ok{0};
    for (int i = 0; i < n; ++i) {
        if (i % 2 == 0) {
            futures.push_back(p.publish_async("ordered", "m" + std::to_string(i)));
        } else {
            p.publish_async("ordered", "m" + std::to_string(i), [&ok](const error& e) {
                if (!e) ++ok;
            });
        }
    }
    for (auto& f : futures) EXPECT_FALSE(f.get());
    EXPECT_TRUE(eventually([&] { return ok.load() == n / 2; }));
    EXPECT_TRUE(eventually([&] { return topic_depth(*nsqd, "ordered") == n; }));
}

TEST(Producer, ServerErrorsAreReturnedVerbatimAndTheNextPublishReconnects) {
    auto nsqd = test::start_nsqd();
    client::producer p(tcp_address(*nsqd), quiet_config());
    auto err = p.publish("bad!topic", "x");
    EXPECT_EQ(err.message(), R"(E_BAD_TOPIC PUB topic name "bad!topic" is not valid)");
    // nsqd closed the connection after the fatal error; a later publish reconnects (one may
    // still fail with "not connected" while the close is being noticed).
    bool published = eventually([&] { return !p.publish("good", "y"); });
    EXPECT_TRUE(published);
    EXPECT_EQ(p.multi_publish("good", {}).message().rfind("E_BAD_BODY", 0), 0u);
}

TEST(Producer, ConnectFailureIsReturnedToTheCaller) {
    uint16_t port = free_port();
    auto cfg = quiet_config();
    client::producer p("127.0.0.1:" + std::to_string(port), cfg);
    auto err = p.publish("t", "x");
    ASSERT_TRUE(err);
    EXPECT_EQ(err.message().rfind("dial tcp 127.0.0.1:", 0), 0u) << err.message();
    EXPECT_TRUE(p.ping());
    client::producer bad("no-port", cfg);
    EXPECT_NE(bad.connect().message().find("missing port"), std::string::npos);
}

TEST(Producer, AnHttpPortIsReportedClearly) {
    auto nsqd = test::start_nsqd();
    auto cfg = quiet_config();
    cfg.read_timeout = 5s;
    cfg.heartbeat_interval = 1s;
    client::producer p("127.0.0.1:" + std::to_string(nsqd->http_port()), cfg);
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(p.publish("t", "x").message(),
              "failed to IDENTIFY - unexpected HTTP response, a nsqd TCP endpoint is required");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // not a read timeout
}

TEST(Producer, InvalidConfigThrows) {
    auto cfg = quiet_config();
    cfg.heartbeat_interval = 2min;
    EXPECT_THROW(client::producer("127.0.0.1:1", cfg), std::invalid_argument);
}

TEST(Producer, PingAndStop) {
    auto nsqd = test::start_nsqd();
    client::producer p(tcp_address(*nsqd), quiet_config());
    EXPECT_FALSE(p.ping());
    EXPECT_TRUE(p.is_connected());
    EXPECT_FALSE(p.publish("t", "x"));
    p.stop();
    EXPECT_EQ(p.publish("t", "y").message(), "stopped");
    EXPECT_EQ(p.publish_async("t", "z").get().message(), "stopped");
    p.stop();  // idempotent
}

TEST(Producer, ConcurrentPublishersShareOneConnection) {
    auto nsqd = test::start_nsqd();
    client::producer p(tcp_address(*nsqd), quiet_config());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                if (p.publish("shared", std::to_string(t) + ":" + std::to_string(i))) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(topic_depth(*nsqd, "shared"), 400);
}

TEST(Producer, ReconnectsAfterNsqdRestart) {
    uint16_t port = free_port();
    std::string dir = test::make_temp_dir();
    auto start = [&] {
        nsqd::options o;
        o.tcp_address = "127.0.0.1:" + std::to_string(port);
        o.http_address = "127.0.0.1:0";
        o.https_address = "";
        o.data_path = dir;
        o.worker_threads = 2;
        auto d = std::make_unique<nsqd::nsqd>(o);
        d->start();
        return d;
    };
    auto nsqd = start();
    client::producer p("127.0.0.1:" + std::to_string(port), quiet_config());
    ASSERT_FALSE(p.publish("restart", "before"));
    nsqd->stop();
    nsqd.reset();
    // While nsqd is down, publishes fail (first "not connected", then dial errors).
    EXPECT_TRUE(eventually([&] { return static_cast<bool>(p.publish("restart", "lost")); }));
    EXPECT_FALSE(p.is_connected());
    nsqd = start();
    EXPECT_TRUE(eventually([&] { return !p.publish("restart", "after"); }));
    auto bodies = read_bodies(nsqd->tcp_port(), "restart", 2);
    EXPECT_EQ(bodies.count("before"), 1u);
    EXPECT_EQ(bodies.count("after"), 1u);
}

}  // namespace
}  // namespace nsqpp::client_test
