#include "tests/integration/client/client_fixture.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace nsqpp::client_test {

std::string tcp_address(const nsqd::nsqd& n) { return "127.0.0.1:" + std::to_string(n.tcp_port()); }

std::string http_address(const nsqlookupd::nsqlookupd& l) {
    return "127.0.0.1:" + std::to_string(l.http_port());
}

client::config quiet_config() {
    client::config c;
    const char* env = std::getenv("NSQPP_CLIENT_TEST_LOG");
    c.log_level = env && *env == '1' ? client::log_level::debug : client::log_level::none;
    return c;
}

namespace {

int64_t int_field(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return -1;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    return -1;
}

const boost::json::object* find_topic(const boost::json::value& v, const std::string& topic) {
    if (!v.is_object()) return nullptr;
    const auto* ts = v.as_object().if_contains("topics");
    if (ts == nullptr || !ts->is_array()) return nullptr;
    for (const auto& t : ts->as_array()) {
        if (!t.is_object()) continue;
        const auto* name = t.as_object().if_contains("topic_name");
        if (name && name->is_string() && name->as_string() == topic) return &t.as_object();
    }
    return nullptr;
}

}  // namespace

channel_stats stats_of(const nsqd::nsqd& n, const std::string& topic, const std::string& channel) {
    channel_stats out;
    auto v = cluster_test::get_json(n.http_port(), "/stats?format=json&topic=" + topic);
    if (!v) return out;
    const auto* t = find_topic(*v, topic);
    if (t == nullptr) return out;
    const auto* cs = t->if_contains("channels");
    if (cs == nullptr || !cs->is_array()) return out;
    for (const auto& c : cs->as_array()) {
        if (!c.is_object()) continue;
        const auto& o = c.as_object();
        const auto* name = o.if_contains("channel_name");
        if (!name || !name->is_string() || name->as_string() != channel) continue;
        out.depth = int_field(o, "depth");
        out.in_flight = int_field(o, "in_flight_count");
        out.deferred = int_field(o, "deferred_count");
        out.requeue = int_field(o, "requeue_count");
        out.timeout = int_field(o, "timeout_count");
        out.messages = int_field(o, "message_count");
    }
    return out;
}

int64_t topic_depth(const nsqd::nsqd& n, const std::string& topic) {
    auto v = cluster_test::get_json(n.http_port(), "/stats?format=json&topic=" + topic);
    if (!v) return -1;
    const auto* t = find_topic(*v, topic);
    return t ? int_field(*t, "depth") : -1;
}

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

void collector::add(const std::string& body) {
    {
        std::lock_guard lock(mu_);
        ++counts_[body];
        ++total_;
    }
    cv_.notify_all();
}

size_t collector::total() const {
    std::lock_guard lock(mu_);
    return total_;
}

size_t collector::distinct() const {
    std::lock_guard lock(mu_);
    return counts_.size();
}

std::map<std::string, int> collector::counts() const {
    std::lock_guard lock(mu_);
    return counts_;
}

bool collector::wait_for_total(size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return total_ >= n; });
}

}  // namespace nsqpp::client_test
