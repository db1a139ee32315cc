#pragma once
// GET /metrics (nsqpp extension, Prometheus text format): nsqadmin's view of its upstreams —
// whether each nsqlookupd / nsqd answered its last request, how long it took, request and
// failure counts — plus history and process metrics. Only built when src/metrics exists.
#include "http/request.h"
#include "nsqadmin/context.h"

namespace nsqpp::nsqadmin {

http::response metrics_response(context& ctx);

}  // namespace nsqpp::nsqadmin
