#pragma once
// GET/PUT /config/:opt (spec §6.8): every option by its config-file key, rendered as nsqd
// 1.3.0 renders its Options fields; PUT of nsqlookupd_tcp_addresses and log_level.
#include <optional>
#include <string_view>

#include "http/request.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// The current value of config key `key` as GET /config/<key> answers it (200), or nullopt for
// a key that is not an option with a flag. Strings: raw text (empty: 200 with no body and no
// Content-Type); numbers, booleans, lists: JSON; durations: integer nanoseconds; log_level:
// 1..5; tls_required: 0/1/2; tls_min_version: 769..772; statsd_prefix: expanded (§10.1).
std::optional<http::response> config_value(const context& ctx, std::string_view key);

// GET /config/:opt: the value, or 400 INVALID_OPTION.
http::response handle_config_get(context& ctx, const http::request& req);

// PUT /config/:opt: body empty or longer than --max-msg-size → 413 INVALID_VALUE (the route's
// body limit covers the too-long case before the handler); nsqlookupd_tcp_addresses (JSON array
// of strings) or log_level (debug|info|warn|error|fatal, any case), else 400 INVALID_VALUE;
// other options → 400 INVALID_OPTION. Success: the new value as for GET.
http::response handle_config_put(context& ctx, const http::request& req);

}  // namespace nsqpp::nsqd
