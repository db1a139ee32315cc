#pragma once
// GET /metrics (nsqpp extension): nsqlookupd's registration DB in the Prometheus text
// exposition format (producers, topics, channels, tombstones), plus process metrics and
// nsq_build_info.
#include "http/request.h"
#include "metrics/exposition.h"
#include "nsqlookupd/context.h"

namespace nsqpp::nsqlookupd {

// Adds nsqlookupd's families for the DB's content at `ctx.now()` to `e`.
void add_lookupd_metrics(metrics::exposition& e, const context& ctx);

http::response handle_metrics(const context& ctx);

}  // namespace nsqpp::nsqlookupd
