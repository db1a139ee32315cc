#pragma once
// nsqadmin's route table (spec/nsqadmin.md §3.2) under --base-path: UI pages (index
// document), static assets, /ping, /api/*, /config/:opt, and the request-logging middleware.
#include <string>

#include "http/router.h"
#include "nsqadmin/context.h"

namespace nsqpp::nsqadmin {

// Adds every route to `r`; `ctx` must outlive the router.
void register_http_api(http::router& r, context& ctx);

// The index document with the UI's globals (spec §10.1) for this request.
std::string index_document(const context& ctx, const http::request& req);

}  // namespace nsqpp::nsqadmin
