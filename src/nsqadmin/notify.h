#pragma once
// Admin-action notifications (spec/nsqadmin.md §8): a JSON POST per action to
// --notification-http-endpoint, sent in order by one background thread so the API response is
// never delayed. Failures are logged and dropped (no retry, no crash).
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "http/request.h"

namespace spdlog {
class logger;
}

namespace nsqpp::nsqadmin {

// "http[s]://host[:port]/path?query" split for the HTTP client; nullopt when unparsable.
struct endpoint_url {
    bool tls = false;
    std::string host;
    uint16_t port = 80;
    std::string target = "/";
    std::string userinfo;  // "user:password" before '@', if any
};
std::optional<endpoint_url> parse_endpoint_url(const std::string& url);

// The notification body for `action` caused by `req` (spec §8 fields, empty ones omitted).
std::string notification_json(const std::string& action, const std::string& topic,
                              const std::string& channel, const std::string& node,
                              const http::request& req, int64_t now);

class notifier {
  public:
    // `endpoint` "" disables notifications.
    notifier(std::string endpoint, std::chrono::milliseconds timeout,
             std::shared_ptr<spdlog::logger> log);
    ~notifier();  // drains the queue (bounded by the timeout per request), then joins
    notifier(const notifier&) = delete;
    notifier& operator=(const notifier&) = delete;

    bool enabled() const { return url_.has_value(); }
    void send(std::string body);  // queues; never blocks on the network

  private:
    void run();

    std::optional<endpoint_url> url_;
    std::string endpoint_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace nsqpp::nsqadmin
