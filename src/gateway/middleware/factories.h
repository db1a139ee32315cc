#pragma once
// One factory per middleware file (registry.cc maps names to them).
#include "gateway/middleware.h"

namespace nsqpp::gateway::mw {

middleware_ptr make_access_log(const settings& s, const middleware_env& env);
middleware_ptr make_request_id(const settings& s, const middleware_env& env);
middleware_ptr make_api_key_auth(const settings& s, const middleware_env& env);
middleware_ptr make_rate_limit(const settings& s, const middleware_env& env);
middleware_ptr make_cors(const settings& s, const middleware_env& env);
middleware_ptr make_body_limit(const settings& s, const middleware_env& env);
middleware_ptr make_metrics(const settings& s, const middleware_env& env);

}  // namespace nsqpp::gateway::mw
