#pragma once
// nsqd's HTTP API as one route table (spec §6). This issue: /ping, /info, /pub, /mpub.
#include "http/router.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// Adds every nsqd route and the logging middleware to `r`; `ctx` must outlive the router.
void register_http_api(http::router& r, context& ctx);

}  // namespace nsqpp::nsqd
