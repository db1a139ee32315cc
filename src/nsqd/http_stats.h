#pragma once
// GET /stats (spec §7): query parsing, and nsqd_stats rendered as nsqd 1.3.0's JSON
// (format=json) or its human-readable text (default). The renderers are pure functions of the
// collected stats (and of `now` for the text format's ages), so they are unit-tested on
// hand-built structs.
#include <chrono>
#include <string>

#include "http/request.h"
#include "nsqd/context.h"
#include "nsqd/stats.h"

namespace nsqpp::nsqd {

// Compact JSON, field for field as nsqd 1.3.0 emits it: key order, `null` vs `[]`, omitted
// `memory` and omitempty client fields (authed, auth_identity, auth_identity_url, pub_counts).
std::string render_stats_json(const nsqd_stats& s);

// The text format (§7.4). `now` gives the uptime and the clients' "connected" ages.
std::string render_stats_text(const nsqd_stats& s, std::chrono::system_clock::time_point now);

// Go's encoding/json rendering of a float64: shortest round-trip digits, fixed notation for
// 1e-6 <= |v| < 1e21 ("1", "0.99", "1735074"), else exponent form ("1e-7", "1e+21").
std::string go_json_float(double v);

// Go's time.Duration.String(): "0s", "1.5ms", "45.409104593s", "1m5s", "2h0m10s", "1µs".
std::string go_duration(std::chrono::nanoseconds d);

// GET /stats: parses format/topic/channel/include_clients/include_mem (400 INVALID_REQUEST for
// an unparsable query), asks ctx.collect_stats, fills version/health/start_time from `ctx` and
// renders. 500 INTERNAL_ERROR when no collector is installed.
http::response handle_stats(context& ctx, const http::request& req);

}  // namespace nsqpp::nsqd
