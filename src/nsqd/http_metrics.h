#pragma once
// GET /metrics (nsqpp extension): the Prometheus text exposition of the same nsqd_stats
// snapshot /stats renders (ctx.collect_stats), plus process metrics and nsq_build_info.
#include "http/request.h"
#include "metrics/exposition.h"
#include "nsqd/context.h"
#include "nsqd/stats.h"

namespace nsqpp::nsqd {

// Adds nsqd's families for `s` to `e`: totals, per topic and per channel (labels topic,
// channel), e2e latency summaries, and per-client series when `per_client` (s must then have
// been collected with include_clients). Pure function of its inputs (unit-testable).
void add_nsqd_metrics(metrics::exposition& e, const nsqd_stats& s, bool per_client);

// GET /metrics: collects with include_clients = --metrics-per-client, include_mem = false.
// 500 INTERNAL_ERROR when no collector is installed.
http::response handle_metrics(context& ctx, const http::request& req);

}  // namespace nsqpp::nsqd
