#pragma once
// A pool's periodic tasks on a worker: active health checks (GET health.path on every member)
// and member discovery from nsqlookupd (/nodes → broadcast_address:http_port of each nsqd).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/pool.h"

namespace nsqpp::gateway {

// Members named by an nsqlookupd /nodes answer (NSQ ≥ 1.0 `{"producers":[...]}` or the
// legacy `{"data":{"producers":[...]}}`), sorted; nullopt when the body is not such JSON.
std::optional<std::vector<member_config>> parse_nodes(const std::string& body);

// One round of active checks on every member of `p` (also used by tests).
boost::asio::awaitable<void> check_pool_health(pool* p);
// One lookupd refresh of `p`; returns false when no lookupd answered (members kept).
boost::asio::awaitable<bool> refresh_from_lookupd(pool* p);
// Blocking form of refresh_from_lookupd, used at start-up.
bool refresh_from_lookupd_now(pool* p);

class background_tasks {
  public:
    // Starts the loops each pool needs on `ex`.
    void start(const std::vector<pool*>& pools, boost::asio::any_io_executor ex);
    // Cancels every loop (thread-safe, idempotent).
    void stop();
    ~background_tasks();

    struct state;

  private:
    std::shared_ptr<state> state_;
};

}  // namespace nsqpp::gateway
