#pragma once
// State shared by nsqadmin's HTTP handlers: options, logger, the upstream client, the
// notifier, the polling history, and the run-time mutable options (/config).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/request.h"
#include "nsqadmin/cluster_info.h"
#include "nsqadmin/history.h"
#include "nsqadmin/notify.h"
#include "nsqadmin/options.h"
#include "nsqadmin/upstream.h"

namespace spdlog {
class logger;
}

namespace nsqpp::nsqadmin {

struct context {
    context(options o, std::shared_ptr<spdlog::logger> l);

    const options opts;  // as started (lookupd list and log level below may change)
    std::shared_ptr<spdlog::logger> log;
    upstream up;
    notifier notify;
    history hist;

    // A cluster view for one request (snapshot of the current lookupd list).
    cluster_info cluster();
    std::vector<std::string> lookupds() const;
    void set_lookupds(std::vector<std::string> addresses);
    std::string log_level() const;
    void set_log_level(std::string level);

    // Privileged request (spec §7): no admin users configured, or the ACL header names one.
    bool is_admin(const http::request& req) const;
    // Queues a notification for `action` (no-op without an endpoint).
    void notify_action(const std::string& action, const std::string& topic,
                       const std::string& channel, const std::string& node,
                       const http::request& req);

  private:
    mutable std::mutex mu_;
    std::vector<std::string> lookupds_;
    std::string log_level_;
};

}  // namespace nsqpp::nsqadmin
