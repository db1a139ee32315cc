#include "tests/integration/cluster/cluster.h"

#include <algorithm>
#include <thread>

#include "tests/support/test_nsqd.h"
#include "wire/frame.h"

namespace nsqpp::cluster_test {
namespace json = boost::json;

bool eventually(const std::function<bool()>& cond, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

std::unique_ptr<nsqlookupd::nsqlookupd> start_lookupd(uint16_t tcp_port, uint16_t http_port,
                                                      int workers) {
    nsqlookupd::options o;
    o.tcp_address = "127.0.0.1:" + std::to_string(tcp_port);
    o.http_address = "127.0.0.1:" + std::to_string(http_port);
    o.broadcast_address = "127.0.0.1";
    o.worker_threads = workers;
    auto l = std::make_unique<nsqlookupd::nsqlookupd>(o);
    l->start();
    return l;
}

std::string tcp_address(const nsqlookupd::nsqlookupd& l) {
    return "127.0.0.1:" + std::to_string(l.tcp_port());
}

std::unique_ptr<nsqd::nsqd> start_nsqd_with(std::vector<std::string> lookupd_tcp_addresses,
                                            nsqd::options opts, int workers) {
    opts.broadcast_address = "127.0.0.1";
    opts.lookupd_tcp_addresses = std::move(lookupd_tcp_addresses);
    return test::start_nsqd(std::move(opts), workers);
}

std::string producer_key(const nsqd::nsqd& n) {
    return "127.0.0.1:" + std::to_string(n.tcp_port());
}

std::optional<http::client_response> get(uint16_t port, const std::string& target) {
    try {
        return http::fetch("GET", "127.0.0.1", port, target, "",
                           {{"Accept", "application/vnd.nsq; version=1.0"}}, 2s);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<json::value> get_json(uint16_t port, const std::string& target) {
    auto r = get(port, target);
    if (!r || r->status != 200) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(r->body, ec);
    if (ec) {
        ADD_FAILURE() << target << ": not JSON: " << r->body;
        return std::nullopt;
    }
    return v;
}

http::client_response post(uint16_t port, const std::string& target, const std::string& body) {
    return http::fetch("POST", "127.0.0.1", port, target, body);
}

http::client_response put(uint16_t port, const std::string& target, const std::string& body) {
    return http::fetch("PUT", "127.0.0.1", port, target, body);
}

namespace {
std::string str(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string().c_str()) : "";
}
int64_t num(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : -1;
}
std::vector<std::string> strings(const json::value* v) {
    std::vector<std::string> out;
    if (!v || !v->is_array()) return out;
    for (const auto& s : v->as_array()) {
        if (s.is_string()) out.emplace_back(s.as_string().c_str());
    }
    return out;
}
producer to_producer(const json::value& v) {
    producer p;
    if (!v.is_object()) return p;
    const auto& o = v.as_object();
    p.remote_address = str(o, "remote_address");
    p.hostname = str(o, "hostname");
    p.broadcast_address = str(o, "broadcast_address");
    p.tcp_port = num(o, "tcp_port");
    p.http_port = num(o, "http_port");
    p.version = str(o, "version");
    p.topics = strings(o.if_contains("topics"));
    return p;
}
}  // namespace

std::set<std::string> lookup_result::producer_keys() const {
    std::set<std::string> out;
    for (const auto& p : producers) out.insert(p.key());
    return out;
}

std::optional<lookup_result> lookup(uint16_t lookupd_http, const std::string& topic) {
    auto v = get_json(lookupd_http, "/lookup?topic=" + topic);
    if (!v || !v->is_object()) return std::nullopt;
    lookup_result r;
    r.channels = strings(v->as_object().if_contains("channels"));
    if (const auto* ps = v->as_object().if_contains("producers"); ps && ps->is_array()) {
        for (const auto& p : ps->as_array()) r.producers.push_back(to_producer(p));
    }
    return r;
}

std::set<std::string> lookup_keys(uint16_t lookupd_http, const std::string& topic) {
    auto r = lookup(lookupd_http, topic);
    return r ? r->producer_keys() : std::set<std::string>{};
}

std::map<std::string, producer> nodes(uint16_t lookupd_http) {
    std::map<std::string, producer> out;
    auto v = get_json(lookupd_http, "/nodes");
    if (!v || !v->is_object()) return out;
    if (const auto* ps = v->as_object().if_contains("producers"); ps && ps->is_array()) {
        for (const auto& p : ps->as_array()) {
            auto prod = to_producer(p);
            out[prod.key()] = prod;
        }
    }
    return out;
}

std::vector<std::string> topics(uint16_t lookupd_http) {
    auto v = get_json(lookupd_http, "/topics");
    if (!v || !v->is_object()) return {};
    auto out = strings(v->as_object().if_contains("topics"));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> channels(uint16_t lookupd_http, const std::string& topic) {
    auto v = get_json(lookupd_http, "/channels?topic=" + topic);
    if (!v || !v->is_object()) return {};
    auto out = strings(v->as_object().if_contains("channels"));
    std::sort(out.begin(), out.end());
    return out;
}

std::map<std::string, std::set<std::string>> debug_keys(uint16_t lookupd_http) {
    std::map<std::string, std::set<std::string>> out;
    auto v = get_json(lookupd_http, "/debug");
    if (!v || !v->is_object()) return out;
    for (const auto& [key, entries] : v->as_object()) {
        auto& ids = out[std::string(key)];
        if (!entries.is_array()) continue;
        for (const auto& e : entries.as_array()) {
            if (e.is_object()) ids.insert(str(e.as_object(), "id"));
        }
    }
    return out;
}

std::vector<std::string> nsqd_channels(const nsqd::nsqd& n, const std::string& topic) {
    std::vector<std::string> out;
    auto v = get_json(n.http_port(), "/stats?format=json&topic=" + topic);
    if (!v || !v->is_object()) return out;
    const auto* ts = v->as_object().if_contains("topics");
    if (!ts || !ts->is_array()) return out;
    for (const auto& t : ts->as_array()) {
        if (!t.is_object() || str(t.as_object(), "topic_name") != topic) continue;
        const auto* cs = t.as_object().if_contains("channels");
        if (!cs || !cs->is_array()) continue;
        for (const auto& c : cs->as_array()) {
            if (c.is_object()) out.push_back(str(c.as_object(), "channel_name"));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> drain(test::raw_client& c, milliseconds wait) {
    std::vector<std::string> bodies;
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) break;
        auto f = c.read_frame(left);
        if (!f) break;
        if (f->type != wire::frame_type::message) {
            ADD_FAILURE() << "unexpected frame " << test::describe(*f);
            continue;
        }
        auto m = wire::decode_message(f->data);
        if (!m) {
            ADD_FAILURE() << "short message frame";
            continue;
        }
        bodies.emplace_back(m->body);
        c.send(test::cmd("FIN " + std::string(m->id)));
    }
    return bodies;
}

}  // namespace nsqpp::cluster_test
