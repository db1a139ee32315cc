#include "tests/integration/tools/tool_test_support.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "http/client.h"
#include "tests/support/test_nsqd.h"

namespace nsqpp::test {
namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

void post(const nsqd::nsqd& d, const std::string& target, const std::string& body) {
    auto res = http::fetch("POST", "127.0.0.1", d.http_port(), target, body);
    ASSERT_EQ(res.status, 200) << target << ": " << res.body;
}

boost::json::value stats_json(const nsqd::nsqd& d, const std::string& topic) {
    auto res = http::fetch("GET", "127.0.0.1", d.http_port(),
                           "/stats?format=json&include_clients=false&topic=" + topic);
    return boost::json::parse(res.body);
}

}  // namespace

std::unique_ptr<nsqlookupd::nsqlookupd> start_lookupd() {
    nsqlookupd::options o;
    o.tcp_address = "127.0.0.1:0";
    o.http_address = "127.0.0.1:0";
    o.broadcast_address = "127.0.0.1";
    o.worker_threads = 1;
    auto l = std::make_unique<nsqlookupd::nsqlookupd>(o);
    l->start();
    return l;
}

std::unique_ptr<nsqd::nsqd> start_nsqd_for(const nsqlookupd::nsqlookupd& l) {
    nsqd::options o;
    o.broadcast_address = "127.0.0.1";
    o.lookupd_tcp_addresses = {"127.0.0.1:" + std::to_string(l.tcp_port())};
    return start_nsqd(o);
}

std::string http_address(const nsqlookupd::nsqlookupd& l) {
    return "127.0.0.1:" + std::to_string(l.http_port());
}

bool lookupd_has_producer(const nsqlookupd::nsqlookupd& l, const std::string& topic) {
    try {
        auto res = http::fetch("GET", "127.0.0.1", l.http_port(), "/lookup?topic=" + topic);
        if (res.status != 200) return false;
        auto doc = boost::json::parse(res.body);
        return !doc.at("producers").as_array().empty();
    } catch (const std::exception&) {
        return false;
    }
}

std::string tcp_address(const nsqd::nsqd& d) { return "127.0.0.1:" + std::to_string(d.tcp_port()); }
std::string http_address(const nsqd::nsqd& d) {
    return "127.0.0.1:" + std::to_string(d.http_port());
}

void http_pub(const nsqd::nsqd& d, const std::string& topic, const std::string& body) {
    post(d, "/pub?topic=" + topic, body);
}

void http_mpub(const nsqd::nsqd& d, const std::string& topic,
               const std::vector<std::string>& bodies) {
    std::string body;
    for (const auto& b : bodies) body += b + "\n";
    post(d, "/mpub?topic=" + topic, body);
}

void create_channel(const nsqd::nsqd& d, const std::string& topic, const std::string& channel) {
    post(d, "/topic/create?topic=" + topic, "");
    post(d, "/channel/create?topic=" + topic + "&channel=" + channel, "");
}

channel_state channel_stats(const nsqd::nsqd& d, const std::string& topic,
                            const std::string& channel) {
    channel_state out;
    auto doc = stats_json(d, topic);
    const auto& topics = doc.as_object().at("topics");
    if (!topics.is_array()) return out;
    for (const auto& t : topics.as_array()) {
        if (t.at("topic_name").as_string() != topic) continue;
        for (const auto& c : t.at("channels").as_array()) {
            if (c.at("channel_name").as_string() != channel) continue;
            out.depth = c.at("depth").to_number<int64_t>();
            out.in_flight = c.at("in_flight_count").to_number<int64_t>();
            out.message_count = c.at("message_count").to_number<int64_t>();
            out.requeue_count = c.at("requeue_count").to_number<int64_t>();
            out.client_count = c.at("client_count").to_number<int64_t>();
        }
    }
    return out;
}

int64_t topic_message_count(const nsqd::nsqd& d, const std::string& topic) {
    auto doc = stats_json(d, topic);
    const auto& topics = doc.as_object().at("topics");
    if (!topics.is_array()) return -1;
    for (const auto& t : topics.as_array()) {
        if (t.at("topic_name").as_string() == topic) {
            return t.at("message_count").to_number<int64_t>();
        }
    }
    return -1;
}

std::string temp_dir() { return make_temp_dir(); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

std::unique_ptr<child_process> spawn_redirected(const std::string& binary,
                                                const std::vector<std::string>& args,
                                                const std::string& stdin_path,
                                                const std::string& stdout_path,
                                                const std::string& log_path) {
    std::string cmd = "exec " + shell_quote(binary);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    if (!stdin_path.empty()) cmd += " < " + shell_quote(stdin_path);
    if (!stdout_path.empty()) cmd += " > " + shell_quote(stdout_path);
    return std::make_unique<child_process>("/bin/sh", std::vector<std::string>{"-c", cmd},
                                           log_path);
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) out.push_back(line);
    return out;
}

}  // namespace nsqpp::test
