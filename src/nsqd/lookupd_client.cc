#include "nsqd/lookupd_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <exception>
#include <set>
#include <string_view>

#include "http/client.h"
#include "wire/names.h"

namespace nsqpp::nsqd {
namespace asio = boost::asio;

namespace {

struct channels_answer {
    bool ok = false;
    std::string error;
    std::vector<std::string> channels;
};

// A /channels response: 200 and {"channels":[...]}.
channels_answer parse_channels(const http::client_response& res) {
    channels_answer out;
    if (res.status != 200) {
        out.error = "got response " + std::to_string(res.status) + " \"" + res.body + "\"";
        return out;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    const boost::json::value* list = nullptr;
    if (!ec && v.is_object()) list = v.as_object().if_contains("channels");
    if (!list || !list->is_array()) {
        out.error = "invalid response \"" + res.body + "\"";
        return out;
    }
    for (const auto& c : list->as_array()) {
        if (c.is_string()) out.channels.emplace_back(c.as_string().c_str());
    }
    out.ok = true;
    return out;
}

std::string describe(const lookupd_http_address& a) {
    bool v6 = a.host.find(':') != std::string::npos;
    return (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

}  // namespace

std::string query_escape(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

lookupd_client::lookupd_client(context& ctx, asio::any_io_executor ex, lookup_peer_timing timing)
    : ctx_(ctx), ex_(std::move(ex)), timing_(timing) {}

lookupd_client::~lookupd_client() { stop(); }

void lookupd_client::install_hooks() {
    ctx_.lookupd_register = [this](const std::string& topic, const std::string& channel, bool add) {
        announce(topic, channel, add);
    };
    ctx_.lookupd_channels = [this](const std::string& topic) { return channels(topic); };
    ctx_.set_lookupd_addresses = [this](const std::vector<std::string>& addresses) {
        set_addresses(addresses);
    };
}

void lookupd_client::start() {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) return;
    started_ = true;
    for (const auto& address : ctx_.lookupd_tcp_addresses()) connect_locked(address);
}

void lookupd_client::stop() {
    std::map<std::string, std::shared_ptr<lookup_peer>> peers;
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
        peers.swap(peers_);
    }
    for (auto& [address, peer] : peers) peer->stop();
}

void lookupd_client::connect_locked(const std::string& address) {
    if (address.empty() || peers_.count(address)) return;
    ctx_.log->info("LOOKUP({}): adding peer", address);
    auto peer = std::make_shared<lookup_peer>(ctx_, ex_, address, timing_);
    peers_.emplace(address, peer);
    peer->start();
}

void lookupd_client::set_addresses(const std::vector<std::string>& addresses) {
    std::lock_guard lock(mu_);
    if (!started_ || stopped_) return;
    std::set<std::string> wanted(addresses.begin(), addresses.end());
    for (auto it = peers_.begin(); it != peers_.end();) {
        if (wanted.count(it->first)) {
            ++it;
            continue;
        }
        ctx_.log->info("LOOKUP({}): removing peer", it->first);
        it->second->stop();
        it = peers_.erase(it);
    }
    for (const auto& address : addresses) connect_locked(address);
}

void lookupd_client::announce(const std::string& topic, const std::string& channel, bool add) {
    std::string line = add ? "REGISTER " : "UNREGISTER ";
    line += topic;
    if (!channel.empty()) line += " " + channel;
    line += "\n";
    std::lock_guard lock(mu_);
    if (stopped_) return;
    for (auto& [address, peer] : peers_) peer->send(line);
}

std::vector<std::string> lookupd_client::channels(const std::string& topic) {
    std::vector<lookupd_http_address> lookupds;
    {
        std::lock_guard lock(mu_);
        if (stopped_) return {};
        for (auto& [address, peer] : peers_) {
            if (auto a = peer->http_address()) lookupds.push_back(std::move(*a));
        }
    }
    if (lookupds.empty()) {
        if (!ctx_.lookupd_tcp_addresses().empty()) {
            ctx_.log->error(
                "no available nsqlookupd to query for channels to pre-create for "
                "topic {}",
                topic);
        }
        return {};
    }

    // All lookupds at once on a private io_context (never one of nsqd's event loops).
    asio::io_context io(1);
    std::vector<channels_answer> answers(lookupds.size());
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        ctx_.opts.http_client_request_timeout);
    for (size_t i = 0; i < lookupds.size(); ++i) {
        http::fetch_request req;
        req.host = lookupds[i].host;
        req.port = lookupds[i].port;
        req.target = "/channels?topic=" + query_escape(topic);
        req.headers.emplace_back("Accept", "application/vnd.nsq; version=1.0");
        req.timeout = timeout;
        auto done = [answer = &answers[i]](std::exception_ptr e, http::client_response res) {
            if (!e) {
                *answer = parse_channels(res);
                return;
            }
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& err) {
                answer->error = err.what();
            }
        };
        asio::co_spawn(io, http::async_fetch(std::move(req)), std::move(done));
    }
    io.run();

    std::set<std::string> merged;
    size_t failed = 0;
    for (size_t i = 0; i < answers.size(); ++i) {
        if (!answers[i].ok) {
            ++failed;
            ctx_.log->warn("failed to query nsqlookupd http://{}/channels?topic={} - {}",
                           describe(lookupds[i]), topic, answers[i].error);
            continue;
        }
        for (auto& c : answers[i].channels) {
            if (!wire::is_ephemeral(c)) merged.insert(std::move(c));
        }
    }
    if (failed == answers.size()) {
        ctx_.log->warn("failed to get channels for topic {} from any nsqlookupd", topic);
    }
    return {merged.begin(), merged.end()};
}

}  // namespace nsqpp::nsqd
