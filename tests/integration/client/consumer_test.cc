// Consumer against in-process nsqd: every message once, requeue + backoff, max_attempts, manual
// TOUCH, graceful stop, direct reconnect, name/config validation.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "tests/integration/client/client_fixture.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::client_test {
namespace {

using client::error;
using client::message;

void publish_n(const nsqd::nsqd& n, const std::string& topic, int count,
               const std::string& prefix = "m") {
    client::producer p(tcp_address(n), quiet_config());
    std::vector<std::string> batch;
    for (int i = 0; i < count; ++i) {
        batch.push_back(prefix + std::to_string(i));
        if (batch.size() == 100 || i + 1 == count) {
            ASSERT_FALSE(p.multi_publish(topic, batch));
            batch.clear();
        }
    }
}

TEST(Consumer, ConsumesEveryMessageExactlyOnce) {
    auto nsqd = test::start_nsqd();
    publish_n(*nsqd, "once", 1000);
    auto cfg = quiet_config();
    cfg.max_in_flight = 50;
    collector got;
    client::consumer c("once", "ch", cfg);
    c.add_handler(
        [&](message& m) {
            got.add(m.body());
            return error{};
        },
        4);
    ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
    EXPECT_EQ(c.connect_to_nsqd(tcp_address(*nsqd)).message(), "already connected");
    ASSERT_TRUE(got.wait_for_total(1000));
    EXPECT_EQ(got.distinct(), 1000u);
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "once", "ch");
        return s.depth == 0 && s.in_flight == 0;
    }));
    c.stop();
    c.wait();
    EXPECT_EQ(got.total(), 1000u);
    auto st = c.stats();
    EXPECT_EQ(st.messages_received, 1000u);
    EXPECT_EQ(st.messages_finished, 1000u);
    EXPECT_EQ(st.connections, 0);
}

TEST(Consumer, FailedMessagesAreRequeuedWithBackoff) {
    auto nsqd = test::start_nsqd();
    publish_n(*nsqd, "requeue", 1, "only");
    auto cfg = quiet_config();
    cfg.max_in_flight = 10;
    cfg.default_requeue_delay = 50ms;
    cfg.backoff_multiplier = 200ms;  // first backoff: 400 ms
    std::mutex mu;
    std::vector<std::pair<uint16_t, std::chrono::steady_clock::time_point>> deliveries;
    client::consumer c("requeue", "ch", cfg);
    c.add_handler([&](message& m) {
        std::lock_guard lock(mu);
        deliveries.emplace_back(m.attempts(), std::chrono::steady_clock::now());
        return m.attempts() == 1 ? error("try again") : error{};
    });
    ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mu);
        return deliveries.size() >= 2;
    }));
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "requeue", "ch");
        return s.depth == 0 && s.in_flight == 0 && s.deferred == 0;
    }));
    std::lock_guard lock(mu);
    ASSERT_EQ(deliveries.size(), 2u);
    EXPECT_EQ(deliveries[0].first, 1);
    EXPECT_EQ(deliveries[1].first, 2);
    // The second delivery waited for the backoff (RDY 0 for 400 ms, then RDY 1).
    EXPECT_GE(deliveries[1].second - deliveries[0].second, 350ms);
    EXPECT_EQ(stats_of(*nsqd, "requeue", "ch").requeue, 1);
    EXPECT_EQ(c.stats().messages_requeued, 1u);
}

class failing_handler : public client::handler {
  public:
    error handle_message(message& m) override {
        ++calls;
        return error("always fails");
    }
    void log_failed_message(message& m) override {
        failed_attempts = m.attempts();
        ++failed;
    }
    std::atomic<int> calls{0}, failed{0}, failed_attempts{0};
};

TEST(Consumer, MessagesOverMaxAttemptsAreFinishedAndLogged) {
    auto nsqd = test::start_nsqd();
    publish_n(*nsqd, "attempts", 1);
    auto cfg = quiet_config();
    cfg.max_attempts = 2;
    cfg.default_requeue_delay = 10ms;
    cfg.max_backoff_duration = 0ms;  // no backoff: keep the test short
    client::consumer c("attempts", "ch", cfg);
    auto h = std::make_shared<failing_handler>();
    c.add_handler(h);
    ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
    ASSERT_TRUE(eventually([&] { return h->failed.load() == 1; }));
    EXPECT_EQ(h->calls.load(), 2);
    EXPECT_EQ(h->failed_attempts.load(), 3);
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "attempts", "ch");
        return s.depth == 0 && s.in_flight == 0 && s.deferred == 0;
    }));
    EXPECT_EQ(c.stats().messages_finished, 1u);
}

TEST(Consumer, ManualModeTouchKeepsAMessageAlive) {
    auto nsqd = test::start_nsqd();
    publish_n(*nsqd, "touch", 1);
    auto cfg = quiet_config();
    cfg.msg_timeout = 1000ms;
    std::mutex mu;
    std::vector<client::message_ptr> held;
    client::consumer c("touch", "ch", cfg);
    c.add_handler([&](message& m) {
        m.disable_auto_response();
        std::lock_guard lock(mu);
        held.push_back(m.shared_from_this());
        return error{};
    });
    ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mu);
        return !held.empty();
    }));
    client::message_ptr m;
    {
        std::lock_guard lock(mu);
        m = held.front();
    }
    // Hold it for 2.5 × the message timeout, touching every 250 ms.
    auto until = std::chrono::steady_clock::now() + 2500ms;
    while (std::chrono::steady_clock::now() < until) {
        m->touch();
        std::this_thread::sleep_for(250ms);
    }
    EXPECT_EQ(stats_of(*nsqd, "touch", "ch").timeout, 0);
    EXPECT_EQ(stats_of(*nsqd, "touch", "ch").in_flight, 1);
    m->finish();
    m->finish();  // answered once only
    m->requeue();
    EXPECT_TRUE(m->has_responded());
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "touch", "ch");
        return s.in_flight == 0 && s.depth == 0;
    }));
    std::lock_guard lock(mu);
    EXPECT_EQ(held.size(), 1u);  // never redelivered
    EXPECT_EQ(stats_of(*nsqd, "touch", "ch").requeue, 0);
}

TEST(Consumer, GracefulStopLeavesNoMessageInFlight) {
    auto nsqd = test::start_nsqd();
    publish_n(*nsqd, "stop", 300);
    auto cfg = quiet_config();
    cfg.max_in_flight = 40;
    collector got;
    client::consumer c("stop", "ch", cfg);
    c.add_handler(
        [&](message& m) {
            std::this_thread::sleep_for(5ms);
            got.add(m.body());
            return error{};
        },
        2);
    ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
    ASSERT_TRUE(got.wait_for_total(20));
    std::atomic<bool> notified{false};
    c.on_stopped([&] { notified = true; });
    c.stop();
    ASSERT_TRUE(c.wait_for(40s));
    EXPECT_TRUE(notified.load());
    auto st = c.stats();
    EXPECT_EQ(st.messages_received, st.messages_finished + st.messages_requeued);
    EXPECT_EQ(st.messages_received, got.total());
    auto s = stats_of(*nsqd, "stop", "ch");
    EXPECT_EQ(s.in_flight, 0);
    EXPECT_EQ(s.depth + static_cast<int64_t>(got.total()), 300);
    EXPECT_EQ(c.connect_to_nsqd(tcp_address(*nsqd)).message(), "consumer stopped");
}

TEST(Consumer, ReconnectsToADirectNsqdAfterItRestarts) {
    uint16_t port = free_port();
    std::string dir = test::make_temp_dir();
    auto start = [&] {
        nsqd::options o;
        o.tcp_address = "127.0.0.1:" + std::to_string(port);
        o.http_address = "127.0.0.1:0";
        o.https_address = "";
        o.data_path = dir;
        o.worker_threads = 1;
        auto d = std::make_unique<nsqd::nsqd>(o);
        d->start();
        return d;
    };
    auto nsqd = start();
    auto cfg = quiet_config();
    cfg.lookupd_poll_interval = 100ms;  // also the direct reconnect interval
    collector got;
    client::consumer c("recon", "ch", cfg);
    c.add_handler([&](message& m) {
        got.add(m.body());
        return error{};
    });
    ASSERT_FALSE(c.connect_to_nsqd("127.0.0.1:" + std::to_string(port)));
    publish_n(*nsqd, "recon", 1, "first");
    ASSERT_TRUE(got.wait_for_total(1));
    // The FIN reached nsqd (else the message, still in flight, is persisted and redelivered).
    ASSERT_TRUE(eventually([&] {
        auto s = stats_of(*nsqd, "recon", "ch");
        return s.in_flight == 0 && s.depth == 0;
    }));
    nsqd->stop();
    nsqd.reset();
    ASSERT_TRUE(eventually([&] { return c.stats().connections == 0; }));
    nsqd = start();
    ASSERT_TRUE(eventually([&] { return c.stats().connections == 1; }, 20s));
    publish_n(*nsqd, "recon", 1, "second");
    ASSERT_TRUE(got.wait_for_total(2));
    EXPECT_EQ(got.counts(), (std::map<std::string, int>{{"first0", 1}, {"second0", 1}}));
}

TEST(Consumer, RunsOnAUserSuppliedExecutor) {
    auto nsqd = test::start_nsqd();
    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::thread runner([&io] { io.run(); });
    {
        client::producer p(tcp_address(*nsqd), quiet_config(), io.get_executor());
        ASSERT_FALSE(p.multi_publish("userex", {"1", "2", "3"}));
        auto cfg = quiet_config();
        cfg.max_in_flight = 5;
        collector got;
        client::consumer c("userex", "ch", cfg, io.get_executor());
        c.add_handler([&](message& m) {
            got.add(m.body());
            return error{};
        });
        ASSERT_FALSE(c.connect_to_nsqd(tcp_address(*nsqd)));
        ASSERT_TRUE(got.wait_for_total(3));
        c.stop();
        ASSERT_TRUE(c.wait_for(30s));
        p.stop();
    }
    guard.reset();
    runner.join();  // every coroutine of the producer and consumer has ended
}

TEST(Consumer, ValidatesNamesHandlersAndConfig) {
    auto cfg = quiet_config();
    EXPECT_THROW(client::consumer("bad topic", "ch", cfg), std::invalid_argument);
    EXPECT_THROW(client::consumer("t", "bad/channel", cfg), std::invalid_argument);
    cfg.max_in_flight = -1;
    EXPECT_THROW(client::consumer("t", "c", cfg), std::invalid_argument);
    client::consumer c("t", "c#ephemeral", quiet_config());
    EXPECT_EQ(c.connect_to_nsqd("127.0.0.1:1").message(), "no handlers");
    c.add_handler([](message&) { return error{}; });
    EXPECT_TRUE(c.connect_to_nsqd("127.0.0.1:1"));  // refused
    EXPECT_EQ(c.connect_to_nsqlookupd("127.0.0.1").message(), "missing port");
}

TEST(Consumer, MaxInFlightSpreadsOverConnections) {
    auto a = test::start_nsqd();
    auto b = test::start_nsqd();
    auto cfg = quiet_config();
    cfg.max_in_flight = 10;
    std::atomic<int> current{0}, peak{0};
    collector got;
    client::consumer c("spread", "ch", cfg);
    c.add_handler(
        [&](message& m) {
            int now = ++current;
            int p = peak.load();
            while (now > p && !peak.compare_exchange_weak(p, now)) {
            }
            std::this_thread::sleep_for(1ms);
            --current;
            got.add(m.body());
            return error{};
        },
        16);
    ASSERT_FALSE(c.connect_to_nsqds({tcp_address(*a), tcp_address(*b)}));
    // Published after both connections have their share (a RDY lowered later cannot recall
    // messages already delivered).
    publish_n(*a, "spread", 200, "a");
    publish_n(*b, "spread", 200, "b");
    ASSERT_TRUE(got.wait_for_total(400));
    EXPECT_EQ(got.distinct(), 400u);
    EXPECT_LE(peak.load(), 10);
    EXPECT_EQ(c.stats().connections, 2);
}

}  // namespace
}  // namespace nsqpp::client_test
