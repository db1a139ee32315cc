#include "nsqadmin/context.h"

#include <chrono>

#include "base/log.h"

namespace nsqpp::nsqadmin {

namespace {
std::chrono::milliseconds ms(nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}
}  // namespace

context::context(options o, std::shared_ptr<spdlog::logger> l)
    : opts(std::move(o)),
      log(std::move(l)),
      up(ms(opts.http_client_request_timeout), !opts.http_client_tls_insecure_skip_verify),
      notify(opts.notification_http_endpoint, ms(opts.http_client_request_timeout), log),
      hist(static_cast<size_t>(std::max<int64_t>(1, opts.history_samples))),
      lookupds_(opts.nsqlookupd_http_addresses),
      log_level_(opts.log_level) {}

cluster_info context::cluster() { return cluster_info(up, lookupds(), opts.nsqd_http_addresses); }

std::vector<std::string> context::lookupds() const {
    std::lock_guard lock(mu_);
    return lookupds_;
}

void context::set_lookupds(std::vector<std::string> addresses) {
    std::lock_guard lock(mu_);
    lookupds_ = std::move(addresses);
}

std::string context::log_level() const {
    std::lock_guard lock(mu_);
    return log_level_;
}

void context::set_log_level(std::string level) {
    auto parsed = base::parse_log_level(level);
    if (!parsed) return;
    base::set_level(*log, *parsed);
    std::lock_guard lock(mu_);
    log_level_ = std::move(level);
}

bool context::is_admin(const http::request& req) const {
    if (opts.admin_users.empty()) return true;
    auto user = req.header(opts.acl_http_header);
    if (!user) return false;
    for (const auto& u : opts.admin_users) {
        if (u == *user) return true;
    }
    return false;
}

void context::notify_action(const std::string& action, const std::string& topic,
                            const std::string& channel, const std::string& node,
                            const http::request& req) {
    if (!notify.enabled()) return;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    notify.send(notification_json(action, topic, channel, node, req, now));
}

}  // namespace nsqpp::nsqadmin
