#include "nsqadmin/notify.h"

#include <unistd.h>

#include <boost/json.hpp>

#include "base/log.h"
#include "http/client.h"

namespace nsqpp::nsqadmin {

std::optional<endpoint_url> parse_endpoint_url(const std::string& url) {
    endpoint_url out;
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
        out.tls = true;
        out.port = 443;
    } else {
        return std::nullopt;
    }
    auto slash = rest.find_first_of("/?");
    std::string hostport = rest.substr(0, slash);
    if (slash != std::string::npos) out.target = rest.substr(slash);
    if (!out.target.empty() && out.target[0] == '?') out.target = "/" + out.target;
    auto at = hostport.rfind('@');
    if (at != std::string::npos) {
        out.userinfo = hostport.substr(0, at);
        hostport = hostport.substr(at + 1);
    }
    std::string host = hostport;
    auto close = hostport.rfind(']');
    auto colon = hostport.rfind(':');
    if (colon != std::string::npos && (close == std::string::npos || colon > close)) {
        host = hostport.substr(0, colon);
        std::string port = hostport.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        int p = std::stoi(port);
        if (p <= 0 || p > 65535) return std::nullopt;
        out.port = static_cast<uint16_t>(p);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) return std::nullopt;
    out.host = host;
    return out;
}

namespace {

std::string local_hostname() {
    char buf[256] = {0};
    if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
    return buf;
}

// The user of an HTTP Basic Authorization header, or "".
std::string basic_auth_user(const http::request& req) {
    auto h = req.header("Authorization");
    if (!h || h->rfind("Basic ", 0) != 0) return "";
    std::string in = h->substr(6);
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int bits = 0;
    uint32_t acc = 0;
    for (char c : in) {
        if (c == '=') break;
        auto pos = alphabet.find(c);
        if (pos == std::string::npos) return "";
        acc = (acc << 6) | static_cast<uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    auto colon = out.find(':');
    return colon == std::string::npos ? "" : out.substr(0, colon);
}

}  // namespace

std::string notification_json(const std::string& action, const std::string& topic,
                              const std::string& channel, const std::string& node,
                              const http::request& req, int64_t now) {
    boost::json::object o;
    o["action"] = action;
    o["topic"] = topic;
    if (!channel.empty()) o["channel"] = channel;
    if (!node.empty()) o["node"] = node;
    o["timestamp"] = now;
    std::string user = basic_auth_user(req);
    if (!user.empty()) o["user"] = user;
    o["remote_ip"] = req.remote_address;
    o["user_agent"] = req.header("User-Agent").value_or("");
    bool https = req.tls || req.header("X-Scheme").value_or("") == "https";
    std::string url =
        std::string(https ? "https" : "http") + "://" + req.header("Host").value_or("") + req.path;
    if (!req.raw_query.empty()) url += "?" + req.raw_query;
    o["url"] = url;
    o["via"] = local_hostname();
    return boost::json::serialize(o);
}

notifier::notifier(std::string endpoint, std::chrono::milliseconds timeout,
                   std::shared_ptr<spdlog::logger> log)
    : endpoint_(std::move(endpoint)), timeout_(timeout), log_(std::move(log)) {
    if (endpoint_.empty()) return;
    url_ = parse_endpoint_url(endpoint_);
    if (!url_) {
        log_->error("invalid --notification-http-endpoint {}; notifications disabled", endpoint_);
        return;
    }
    thread_ = std::thread([this] { run(); });
}

notifier::~notifier() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void notifier::send(std::string body) {
    if (!url_) return;
    {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(body));
    }
    cv_.notify_one();
}

void notifier::run() {
    for (;;) {
        std::string body;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            body = std::move(queue_.front());
            queue_.pop_front();
        }
        http::fetch_request f;
        f.method = "POST";
        f.host = url_->host;
        f.port = url_->port;
        f.target = url_->target;
        f.tls = url_->tls;
        f.body = std::move(body);
        f.headers = {{"Content-Type", "application/json"}, {"User-Agent", "nsqadmin/v1.3.0"}};
        f.timeout = timeout_;
        try {
            http::fetch(f);
        } catch (const std::exception& e) {
            log_->error("failed to POST notification - {}", e.what());
        }
    }
}

}  // namespace nsqpp::nsqadmin
