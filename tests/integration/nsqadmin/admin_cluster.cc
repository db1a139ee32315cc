#include "tests/integration/nsqadmin/admin_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nsqpp::nsqadmin_test {
namespace json = boost::json;

std::string api_reply::message() const {
    if (!json.is_object()) return "";
    const json::value* m = json.as_object().if_contains("message");
    return m && m->is_string() ? std::string(m->as_string()) : "";
}

const json::object& api_reply::obj() const {
    static const json::object empty;
    return json.is_object() ? json.as_object() : empty;
}

api_reply call(uint16_t port, const std::string& method, const std::string& target,
               const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
    api_reply out;
    try {
        auto r = http::fetch(method, "127.0.0.1", port, target, body, std::move(headers), 20s);
        out.status = r.status;
        out.body = r.body;
        boost::system::error_code ec;
        json::value v = json::parse(r.body, ec);
        if (!ec) out.json = std::move(v);
    } catch (const std::exception& e) {
        ADD_FAILURE() << method << " " << target << ": " << e.what();
    }
    return out;
}

std::unique_ptr<nsqadmin::nsqadmin> start_admin(nsqadmin::options opts) {
    opts.http_address = "127.0.0.1:0";
    if (opts.worker_threads == 0) opts.worker_threads = 2;
    auto a = std::make_unique<nsqadmin::nsqadmin>(std::move(opts));
    a->start();
    return a;
}

uint16_t dead_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

void admin_cluster::SetUp() {
    lookupd_ = cluster_test::start_lookupd();
    for (int i = 0; i < 2; ++i) {
        nsqds_.push_back(cluster_test::start_nsqd_with({cluster_test::tcp_address(*lookupd_)}));
    }
    ASSERT_TRUE(eventually([&] { return cluster_test::nodes(lookupd_->http_port()).size() == 2; }))
        << "the 2 nsqd never registered with nsqlookupd";
}

void admin_cluster::TearDown() {
    admin_.reset();
    nsqds_.clear();
    lookupd_.reset();
}

void admin_cluster::start_admin_with(nsqadmin::options opts) {
    opts.nsqlookupd_http_addresses = {"127.0.0.1:" + std::to_string(lookupd_->http_port())};
    if (opts.history_interval == nsqadmin::options{}.history_interval) opts.history_interval = 0s;
    admin_ = start_admin(std::move(opts));
}

void admin_cluster::create_on(size_t i, const std::string& topic, const std::string& channel) {
    uint16_t port = nsqds_[i]->http_port();
    auto r = cluster_test::post(port, "/topic/create?topic=" + topic);
    ASSERT_EQ(r.status, 200) << r.body;
    if (!channel.empty()) {
        r = cluster_test::post(port, "/channel/create?topic=" + topic + "&channel=" + channel);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    std::string key = cluster_test::producer_key(*nsqds_[i]);
    ASSERT_TRUE(eventually([&] {
        return cluster_test::lookup_keys(lookupd_->http_port(), topic).count(key) == 1 &&
               (channel.empty() || [&] {
                   auto cs = cluster_test::channels(lookupd_->http_port(), topic);
                   return std::find(cs.begin(), cs.end(), channel) != cs.end();
               }());
    })) << "lookupd never listed nsqd "
        << i << " for " << topic;
}

void admin_cluster::publish(size_t i, const std::string& topic, const std::string& body) {
    auto r = cluster_test::post(nsqds_[i]->http_port(), "/pub?topic=" + topic, body);
    ASSERT_EQ(r.status, 200) << r.body;
}

std::string admin_cluster::node_id(size_t i) const {
    return "127.0.0.1:" + std::to_string(nsqds_[i]->http_port());
}

json::value admin_cluster::nsqd_topic(size_t i, const std::string& topic) {
    auto stats =
        cluster_test::get_json(nsqds_[i]->http_port(), "/stats?format=json&topic=" + topic);
    if (!stats) return nullptr;
    const json::value& ts = stats->as_object().at("topics");
    if (!ts.is_array() || ts.as_array().empty()) return nullptr;
    return ts.as_array()[0];
}

json::value admin_cluster::nsqd_channel(size_t i, const std::string& topic,
                                        const std::string& channel) {
    json::value t = nsqd_topic(i, topic);
    if (t.is_null()) return nullptr;
    for (const auto& c : t.as_object().at("channels").as_array()) {
        if (c.as_object().at("channel_name").as_string() == channel) return c;
    }
    return nullptr;
}

}  // namespace nsqpp::nsqadmin_test
