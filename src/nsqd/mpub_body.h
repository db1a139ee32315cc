#pragma once
// The body of HTTP /mpub (spec §6.6): newline-separated text or NSQ's binary layout.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/message.h"

namespace nsqpp::nsqd {

// Parses `body` into messages; returns "" or the error message for a 413 ("BAD_BODY",
// "BAD_MESSAGE", "MSG_TOO_BIG"). Nothing is returned in `out` on error.
std::string parse_mpub_body(std::string_view body, bool binary, int64_t max_body_size,
                            int64_t max_msg_size, std::vector<broker::message_ptr>& out);

}  // namespace nsqpp::nsqd
