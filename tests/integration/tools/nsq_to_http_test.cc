// nsq_to_http (the binary) against a local HTTP sink (src/http server on 127.0.0.1:0): GET and
// POST, round-robin and fan-out, non-2xx → requeue and retry.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "http/router.h"
#include "http/server.h"
#include "tests/integration/tools/tool_test_support.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

struct received {
    std::string method;
    std::string path;
    std::string msg;  // GET: the "msg" query value; POST: the body
    std::string content_type;
    std::string user_agent;
    std::string custom;  // X-Test header
};

// An HTTP server recording every request; the first `fail_first` requests get a 500.
class http_sink {
  public:
    explicit http_sink(int fail_first = 0) : fail_left_(fail_first) {
        http::router r;
        auto record = [this](http::request& req) {
            received rec{req.method,
                         req.path,
                         req.method == "GET" ? req.query_value("msg").value_or("") : req.body,
                         req.header("Content-Type").value_or(""),
                         req.header("User-Agent").value_or(""),
                         req.header("X-Test").value_or("")};
            std::lock_guard lock(mutex_);
            if (fail_left_ > 0) {
                --fail_left_;
                ++failed_;
                return http::response::plain(500, "nope");
            }
            got_.push_back(rec);
            return http::response::plain(200, "ok");
        };
        for (const char* path : {"/a", "/b"}) {
            r.add("GET", path, record);
            r.add("POST", path, record);
        }
        server_ = std::make_unique<http::server>(
            std::vector<boost::asio::any_io_executor>{ioc_.get_executor()}, r, 1 << 20);
        port_ = server_->listen("127.0.0.1", 0);
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~http_sink() {
        server_->stop();
        guard_.reset();
        ioc_.stop();
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    std::vector<received> requests() {
        std::lock_guard lock(mutex_);
        return got_;
    }
    size_t count() {
        std::lock_guard lock(mutex_);
        return got_.size();
    }
    int failed() {
        std::lock_guard lock(mutex_);
        return failed_;
    }

  private:
    boost::asio::io_context ioc_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
        ioc_.get_executor()};
    std::unique_ptr<http::server> server_;
    uint16_t port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<received> got_;
    int fail_left_;
    int failed_ = 0;
};

std::vector<std::string> bodies(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("m " + std::to_string(i) + "&x=/?%");
    return out;
}

std::vector<std::string> sorted_msgs(const std::vector<received>& r, const std::string& path) {
    std::vector<std::string> out;
    for (const auto& x : r) {
        if (path.empty() || x.path == path) out.push_back(x.msg);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void stop_clean(child_process& p) {
    p.signal(SIGTERM);
    auto rc = p.wait(60s);
    ASSERT_TRUE(rc.has_value()) << p.log();
    EXPECT_EQ(*rc, 0) << p.log();
}

TEST(NsqToHttp, PostRoundRobinSplitsMessages) {
    auto d = start_nsqd();
    http_sink sink;
    auto msgs = bodies(10);
    http_mpub(*d, "post_rr", msgs);
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_HTTP_BIN,
        {"--topic", "post_rr", "--nsqd-tcp-address", tcp_address(*d), "--post", sink.url("/a"),
         "--post", sink.url("/b"), "--mode", "round-robin", "--content-type", "text/plain",
         "--header", "X-Test: yes", "--status-every", "5"},
        "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return sink.count() == 10; })) << p->log();
    ASSERT_TRUE(
        wait_until([&] { return channel_stats(*d, "post_rr", "nsq_to_http").in_flight == 0; }));
    stop_clean(*p);
    auto got = sink.requests();
    EXPECT_EQ(sorted_msgs(got, "/a").size(), 5u);
    EXPECT_EQ(sorted_msgs(got, "/b").size(), 5u);
    std::sort(msgs.begin(), msgs.end());
    EXPECT_EQ(sorted_msgs(got, ""), msgs);
    for (const auto& r : got) {
        EXPECT_EQ(r.method, "POST");
        EXPECT_EQ(r.content_type, "text/plain");
        EXPECT_EQ(r.user_agent, "nsq_to_http v1.3.0");
        EXPECT_EQ(r.custom, "yes");
    }
    EXPECT_NE(p->log().find("Warning: use more than 100 status values"), std::string::npos);
    EXPECT_NE(p->log().find("[aggregate]: finished 5 - 99th: "), std::string::npos) << p->log();
    EXPECT_EQ(channel_stats(*d, "post_rr", "nsq_to_http").depth, 0);
}

TEST(NsqToHttp, GetFanoutSendsEveryMessageEverywhere) {
    auto d = start_nsqd();
    http_sink sink;
    auto msgs = bodies(6);
    http_mpub(*d, "get_fan", msgs);
    std::string dir = temp_dir();
    auto p = spawn_redirected(
        NSQ_TO_HTTP_BIN,
        {"--topic", "get_fan", "--nsqd-tcp-address", tcp_address(*d), "--get",
         sink.url("/a?msg=%s"), "--get", sink.url("/b?msg=%s"), "--mode", "all", "-n", "3"},
        "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return sink.count() == 12; })) << p->log();
    ASSERT_TRUE(
        wait_until([&] { return channel_stats(*d, "get_fan", "nsq_to_http").in_flight == 0; }));
    stop_clean(*p);
    auto got = sink.requests();
    std::sort(msgs.begin(), msgs.end());
    EXPECT_EQ(sorted_msgs(got, "/a"), msgs);  // query-escaped and decoded back intact
    EXPECT_EQ(sorted_msgs(got, "/b"), msgs);
    for (const auto& r : got) {
        EXPECT_EQ(r.method, "GET");
        EXPECT_EQ(r.content_type, "");
    }
}

TEST(NsqToHttp, FailedRequestsAreRequeuedAndRetried) {
    auto d = start_nsqd();
    http_sink sink(3);
    auto msgs = bodies(2);
    http_mpub(*d, "retry", msgs);
    std::string dir = temp_dir();
    auto p = spawn_redirected(NSQ_TO_HTTP_BIN,
                              {"--topic", "retry", "--nsqd-tcp-address", tcp_address(*d), "--post",
                               sink.url("/a"), "--consumer-opt", "default_requeue_delay,0",
                               "--consumer-opt", "max_backoff_duration,0", "-n", "1"},
                              "", "", dir + "/log");
    ASSERT_TRUE(wait_until([&] { return sink.count() == 2; })) << p->log();
    ASSERT_TRUE(wait_until([&] {
        auto st = channel_stats(*d, "retry", "nsq_to_http");
        return st.in_flight == 0 && st.depth == 0;
    }));
    stop_clean(*p);
    EXPECT_EQ(sink.failed(), 3);
    EXPECT_EQ(channel_stats(*d, "retry", "nsq_to_http").requeue_count, 3);
    std::sort(msgs.begin(), msgs.end());
    EXPECT_EQ(sorted_msgs(sink.requests(), ""), msgs);
}

TEST(NsqToHttp, FlagValidation) {
    struct tc {
        std::vector<std::string> args;
        int code;
        std::string text;
    };
    std::vector<std::string> base = {"--topic", "t", "--nsqd-tcp-address", "a:1"};
    auto with = [&](std::vector<std::string> extra) {
        auto v = base;
        v.insert(v.end(), extra.begin(), extra.end());
        return v;
    };
    std::vector<tc> cases = {
        {with({}), 1, "--get or --post required"},
        {with({"--get", "http://h/%s", "--post", "http://h/"}), 1, "use --get or --post not both"},
        {with({"--get", "http://h/"}), 1, "invalid GET address - must be a printf string"},
        {with({"--post", "http://h/", "--sample", "2"}), 1,
         "ERROR: --sample must be between 0.0 and 1.0"},
        {with({"--get", "http://h/%s", "--content-type", "x/y"}), 1,
         "--content-type only used with --post"},
        {with({"--post", "http://h/", "--header", "bad"}), 1,
         "--header value format should be 'key=value'"},
        {{"--post", "http://h/"}, 1, "--topic and --channel are required"},
        {{"--topic", "t", "--post", "http://h/"},
         1,
         "--nsqd-tcp-address or --lookupd-http-address required"},
        {{"--version"}, 0, "nsq_to_http v1.3.0"},
    };
    std::string dir = temp_dir();
    for (const auto& c : cases) {
        child_process p(NSQ_TO_HTTP_BIN, c.args, dir + "/log");
        auto rc = p.wait(30s);
        ASSERT_TRUE(rc.has_value()) << c.text;
        EXPECT_EQ(*rc, c.code) << c.text << "\n" << p.log();
        EXPECT_NE(p.log().find(c.text), std::string::npos) << p.log();
    }
}

}  // namespace
}  // namespace nsqpp::test
