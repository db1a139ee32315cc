#pragma once
// nsqd's HTTP API as one route table (spec §6): /ping, /info, /pub, /mpub (here), /stats
// (http_stats), /topic/* and /channel/* (http_admin), /config/:opt (http_config).
// The deprecated 0.x endpoints and Go's /debug/pprof are not served (404).
#include "http/router.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// Adds every nsqd route and the logging middleware to `r`; `ctx` must outlive the router.
void register_http_api(http::router& r, context& ctx);

}  // namespace nsqpp::nsqd
