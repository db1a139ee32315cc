#include "gateway/admin.h"

#include <fmt/format.h>

namespace nsqpp::gateway {

std::string metrics_text(const core& c) {
    std::string out;
    c.metrics.write(out);
    out += "# HELP nsqgw_upstream_up Whether a pool member is usable (1) or down (0).\n";
    out += "# TYPE nsqgw_upstream_up gauge\n";
    std::string active, requests, failures;
    for (const auto& [name, p] : c.pools) {
        auto bal = p->current();
        for (const auto& m : bal->members()) {
            auto labels = fmt::format("pool=\"{}\",member=\"{}\"", prometheus_label(name),
                                      prometheus_label(m->address()));
            out += fmt::format("nsqgw_upstream_up{{{}}} {}\n", labels, m->available() ? 1 : 0);
            active +=
                fmt::format("nsqgw_upstream_active_requests{{{}}} {}\n", labels, m->active.load());
            requests +=
                fmt::format("nsqgw_upstream_requests_total{{{}}} {}\n", labels, m->requests.load());
            failures +=
                fmt::format("nsqgw_upstream_failures_total{{{}}} {}\n", labels, m->failures.load());
        }
    }
    out += "# HELP nsqgw_upstream_active_requests Requests in progress per member.\n";
    out += "# TYPE nsqgw_upstream_active_requests gauge\n" + active;
    out += "# HELP nsqgw_upstream_requests_total Requests sent per member.\n";
    out += "# TYPE nsqgw_upstream_requests_total counter\n" + requests;
    out += "# HELP nsqgw_upstream_failures_total Connect, timeout and I/O failures per member.\n";
    out += "# TYPE nsqgw_upstream_failures_total counter\n" + failures;
    return out;
}

std::string stats_json(const core& c) {
    std::string out = "{\"pools\":[";
    bool first_pool = true;
    for (const auto& [name, p] : c.pools) {
        out += first_pool ? "" : ",";
        first_pool = false;
        const auto& cfg = p->config();
        out += "{\"name\":" + http::json_quote(name) +
               ",\"balancer\":" + http::json_quote(cfg.balancer) +
               ",\"mode\":" + (cfg.mode == pool_mode::mirror ? "\"mirror\"" : "\"proxy\"") +
               ",\"members\":[";
        bool first = true;
        // keep the balancer alive while iterating: a lookupd refresh may replace it meanwhile
        const auto balancer = p->current();
        for (const auto& m : balancer->members()) {
            out += first ? "" : ",";
            first = false;
            out += fmt::format(
                "{{\"address\":{},\"weight\":{},\"up\":{},\"probe_ok\":{},\"active\":{},"
                "\"requests\":{},\"failures\":{}}}",
                http::json_quote(m->address()), m->weight(), m->available(), m->probe_ok(),
                m->active.load(), m->requests.load(), m->failures.load());
        }
        out += "]}";
    }
    return out + "]}";
}

http::router make_admin_router(const core* c) {
    http::router r;
    r.add("GET", "/ping", [](http::request&) { return http::response::plain(200, "OK"); });
    r.add("GET", "/metrics", [c](http::request&) {
        http::response res;
        res.status = 200;
        res.headers = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}};
        res.body = metrics_text(*c);
        return res;
    });
    r.add("GET", "/stats", [c](http::request&) {
        http::response res;
        res.status = 200;
        res.headers = {{"Content-Type", "application/json; charset=utf-8"}};
        res.body = stats_json(*c);
        return res;
    });
    return r;
}

}  // namespace nsqpp::gateway
