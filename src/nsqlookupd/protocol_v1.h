#pragma once
// nsqlookupd's TCP protocol V1 (spec/nsqlookupd.md §3), sans I/O: checks the magic, parses
// command lines (and IDENTIFY's body) out of an input buffer, executes them against the
// registration DB and appends the response frames to client_v1::out. The socket side
// (connection.h) only moves bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "nsqlookupd/context.h"
#include "nsqlookupd/registration_db.h"

namespace nsqpp::nsqlookupd {

// A command line longer than this closes the connection without a reply (NSQ has no limit).
inline constexpr size_t max_line_length = 16384;
// An IDENTIFY body larger than this is refused with E_BAD_BODY (NSQ has no limit).
inline constexpr int32_t max_identify_body_size = 1 << 20;

inline constexpr std::string_view protocol_magic_v1 = "  V1";

// The protocol state of one connection (no socket).
struct client_v1 {
    std::string remote_address;       // "ip:port": the producer id once identified
    bool magic_read = false;          // the 4-byte magic was "  V1"
    std::shared_ptr<peer_info> peer;  // set by IDENTIFY
    std::string out;                  // response frames waiting to be written
    bool close_after_flush = false;   // a fatal error: write `out`, then close
    size_t need_bytes = 0;            // input size needed (from the first unconsumed byte)
    bool input_closed = false;        // peer sent EOF: an incomplete body is an error
};

// Appends one response frame: 4-byte big-endian size, then `data` (no frame type in V1).
void append_response(std::string& out, std::string_view data);

// Consumes the magic and every complete command at the start of `in`; returns the bytes
// consumed. When a command is incomplete sets client.need_bytes; after a fatal error the reply
// is in client.out and client.close_after_flush is set; sets `drop` when the connection must
// close at once without a reply (an over-long line).
size_t process_input(context& ctx, client_v1& client, std::string_view in, bool& drop);

// Removes the connection's producer from every key (spec §2.4). Call once when it ends.
void on_disconnect(context& ctx, client_v1& client);

// Go's strings.TrimSpace (Unicode white space at both ends).
std::string_view trim_space(std::string_view s);

}  // namespace nsqpp::nsqlookupd
