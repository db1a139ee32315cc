#pragma once
// The HTTP side of AUTH (spec §3.3): queries the auth servers for a client whose protocol
// handler set `client_v2::auth_pending`, without blocking the worker thread, and completes the
// pending AUTH command or TTL re-authorization.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "nsqd/auth.h"
#include "nsqd/client_v2.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// Queries the configured auth servers (starting at a random one, trying each in turn) with the
// client's secret, then calls finish_pending_auth. Runs on the connection's executor; never
// throws.
boost::asio::awaitable<void> run_pending_auth(context& ctx, client_v2& client);

// Completes the pending query with the auth server's answer (`state`), or with `error` when
// every auth server failed: stores the state, appends the AUTH reply or the fatal error frame
// to client.out and clears client.auth_pending.
void finish_pending_auth(const context& ctx, client_v2& client, std::optional<auth_state> state,
                         const std::string& error);

}  // namespace nsqpp::nsqd
