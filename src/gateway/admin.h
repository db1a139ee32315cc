#pragma once
// The admin listener's routes: GET /ping, GET /metrics (Prometheus text: request metrics and
// upstream health), GET /stats (pools and members as JSON).
#include "gateway/core.h"
#include "http/router.h"

namespace nsqpp::gateway {

http::router make_admin_router(const core* c);
std::string metrics_text(const core& c);
std::string stats_json(const core& c);

}  // namespace nsqpp::gateway
