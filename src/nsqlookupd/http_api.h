#pragma once
// nsqlookupd's HTTP API as one route table (spec/nsqlookupd.md §4).
#include "http/router.h"
#include "nsqlookupd/context.h"

namespace nsqpp::nsqlookupd {

// Adds every nsqlookupd route and the request-logging middleware to `r`; `ctx` must outlive
// the router.
void register_http_api(http::router& r, context& ctx);

}  // namespace nsqpp::nsqlookupd
