#pragma once
// Builds /stats data (stats.h) from the topics and a snapshot of the connected clients.
#include <vector>

#include "nsqd/client_connection.h"
#include "nsqd/context.h"
#include "nsqd/stats.h"

namespace nsqpp::nsqd {

nsqd_stats collect_stats(const context& ctx,
                         const std::vector<client_connection::snapshot_t>& clients,
                         const stats_filter& filter);

}  // namespace nsqpp::nsqd
