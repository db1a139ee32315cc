#pragma once
// Response compression as NSQ's nsqadmin does it (gorilla CompressHandler, spec §3.1): when the
// request's Accept-Encoding lists gzip or deflate (the first of the two in list order wins),
// the body is compressed and Content-Encoding + Vary: Accept-Encoding are set.
#include <optional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace nsqpp::nsqadmin {

// "gzip", "deflate" or nullopt for an Accept-Encoding header value.
std::optional<std::string> pick_encoding(std::string_view accept_encoding);

// gzip (RFC 1952) or raw deflate (RFC 1951, as Go's compress/flate) of `data`.
std::string compress_body(std::string_view data, bool gzip);

// The middleware compressing every response.
http::middleware compress_responses();

}  // namespace nsqpp::nsqadmin
