#pragma once
// The V2 command protocol, sans I/O: parses commands out of an input buffer, executes them
// against the topics and appends the reply frames to client_v2::out. The socket side
// (client_connection) only moves bytes.
#include <chrono>
#include <string_view>

#include "nsqd/client_v2.h"
#include "nsqd/context.h"

namespace nsqpp::nsqd {

// Command lines longer than this close the connection without an error frame (NSQ's
// 16 KiB read buffer).
inline constexpr size_t max_line_length = 16384;

// Gives a new client the server's defaults (heartbeat, msg timeout, output buffering).
void init_client(const context& ctx, client_v2& client);

// Executes every complete command at the start of `in`. Returns the number of bytes consumed.
// When a command is incomplete sets client.need_bytes to the input size it needs from the
// first unconsumed byte; sets client.close_after_flush after a fatal error (the reply frame
// is in client.out) and `drop` when the connection must close at once without a reply.
size_t process_input(context& ctx, client_v2& client, std::string_view in,
                     std::chrono::steady_clock::time_point now, bool& drop);

// Leaves the subscribed channel (and deletes an ephemeral channel/topic left without
// consumers). Called once when the connection ends.
void unsubscribe(context& ctx, client_v2& client);

// The JSON reply to IDENTIFY with feature_negotiation (keys in NSQ's order).
std::string identify_response_json(const context& ctx, const client_v2& client);

}  // namespace nsqpp::nsqd
