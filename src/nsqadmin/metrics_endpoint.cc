#include "nsqadmin/metrics_endpoint.h"

#include <algorithm>

#include "metrics/exposition.h"
#include "metrics/process.h"

namespace nsqpp::nsqadmin {

http::response metrics_response(context& ctx) {
    metrics::exposition e;
    auto& up = e.add_family("nsqadmin_upstream_up", metrics::metric_type::gauge,
                            "1 when the upstream (nsqlookupd or nsqd HTTP address) answered "
                            "nsqadmin's last request, else 0");
    auto& seconds =
        e.add_family("nsqadmin_upstream_last_request_seconds", metrics::metric_type::gauge,
                     "duration of nsqadmin's last request to the upstream");
    auto& requests = e.add_family("nsqadmin_upstream_requests_total", metrics::metric_type::counter,
                                  "requests nsqadmin made to the upstream");
    auto& failures = e.add_family("nsqadmin_upstream_failures_total", metrics::metric_type::counter,
                                  "requests to the upstream that got no HTTP answer");
    auto& last = e.add_family("nsqadmin_upstream_last_request_timestamp_seconds",
                              metrics::metric_type::gauge,
                              "Unix time of nsqadmin's last request to the upstream");
    std::vector<std::string> lookupds = ctx.lookupds();
    for (const upstream_health& h : ctx.up.health()) {
        bool is_lookupd = std::find(lookupds.begin(), lookupds.end(), h.address) != lookupds.end();
        metrics::label labels[] = {{"address", h.address},
                                   {"kind", is_lookupd ? "nsqlookupd" : "nsqd"}};
        up.add(labels, h.up);
        seconds.add(labels, h.last_seconds);
        requests.add(labels, h.requests);
        failures.add(labels, h.failures);
        last.add(labels, static_cast<double>(h.last_unix_ms) / 1000.0);
    }
    auto& points = e.add_family("nsqadmin_history_points", metrics::metric_type::gauge,
                                "samples kept for the cluster series of /api/history");
    points.add({}, static_cast<int64_t>(ctx.hist.series("cluster").size()));
    metrics::add_process_metrics(e, metrics::read_process_stats());
    metrics::add_build_info(e, "1.3.0");
    http::response r;
    r.body = e.render();
    r.headers.emplace_back("Content-Type", std::string(metrics::content_type));
    return r;
}

}  // namespace nsqpp::nsqadmin
