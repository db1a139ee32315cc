#include "nsqadmin/http_api.h"

#include <arpa/inet.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "config/go_syntax.h"
#include "http/url.h"
#include "nsqadmin/api_handlers.h"
#include "nsqadmin/assets.h"
#include "nsqadmin/compress.h"
#if NSQPP_NSQADMIN_METRICS
#include "nsqadmin/metrics_endpoint.h"
#endif

namespace nsqpp::nsqadmin {
namespace json = boost::json;
using http::request;
using http::response;

namespace {

response html(std::string body) {
    response r;
    r.status = 200;
    r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    r.body = std::move(body);
    return r;
}

response static_asset(const context& ctx, const request& req) {
    std::string name = req.param("asset").value_or("");
    response r;
    if (!ctx.opts.dev_static_dir.empty()) {
        if (name.find("..") == std::string::npos && name.find('/') == std::string::npos) {
            std::ifstream in(ctx.opts.dev_static_dir + "/" + name, std::ios::binary);
            if (in) {
                std::ostringstream ss;
                ss << in.rdbuf();
                r.body = ss.str();
                r.headers.emplace_back("Content-Type", std::string(content_type_for(name)));
                return r;
            }
        }
        return response::plain(404, "NOT_FOUND");
    }
    const asset* a = find_asset(name);
    if (!a) return response::plain(404, "NOT_FOUND");
    r.body = std::string(a->data);
    r.headers.emplace_back("Content-Type", std::string(content_type_for(name)));
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
}

// Is "ip:port" inside `cidr`? (IPv4 and IPv6.)
bool in_cidr(const std::string& remote, const std::string& cidr, bool& bad_remote) {
    std::string ip = remote.substr(0, remote.rfind(':'));
    if (ip.size() >= 2 && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
    auto slash = cidr.find('/');
    std::string net = cidr.substr(0, slash);
    int bits = std::atoi(cidr.c_str() + slash + 1);
    unsigned char a[16] = {}, b[16] = {};
    int family = net.find(':') == std::string::npos ? AF_INET : AF_INET6;
    if (inet_pton(family, net.c_str(), b) != 1) return false;
    if (inet_pton(family, ip.c_str(), a) != 1) {
        bad_remote = inet_pton(family == AF_INET ? AF_INET6 : AF_INET, ip.c_str(), a) != 1;
        return false;
    }
    for (int i = 0; i < bits; ++i) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
    }
    return true;
}

std::string json_string_list(const std::vector<std::string>& items) {
    json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return json::serialize(a);
}

// GET/PUT /config/:opt (spec §11).
response config_option(context& ctx, const request& req) {
    if (!ctx.opts.allow_config_from_cidr.empty()) {
        bool bad_remote = false;
        if (!in_cidr(req.remote_address, ctx.opts.allow_config_from_cidr, bad_remote)) {
            return bad_remote ? response::error(400, "INVALID_REMOTE_ADDR")
                              : response::error(403, "FORBIDDEN");
        }
    }
    std::string opt = req.param("opt").value_or("");
    if (req.method == "PUT") {
        if (req.body.empty() || req.body.size() > (1u << 20)) {
            return response::error(413, "INVALID_VALUE");
        }
        if (opt == "nsqlookupd_http_addresses") {
            boost::system::error_code ec;
            json::value v = json::parse(req.body, ec);
            if (ec || !v.is_array()) return response::error(400, "INVALID_VALUE");
            std::vector<std::string> list;
            for (const auto& e : v.as_array()) {
                if (!e.is_string()) return response::error(400, "INVALID_VALUE");
                list.emplace_back(e.as_string());
            }
            ctx.set_lookupds(std::move(list));
        } else if (opt == "log_level") {
            if (!base::parse_log_level(req.body)) return response::error(400, "INVALID_VALUE");
            ctx.set_log_level(req.body);
        } else {
            return response::error(400, "INVALID_OPTION");
        }
    }
    const options& o = ctx.opts;
    auto ns = [](nanoseconds d) { return response::json(200, std::to_string(d.count())); };
    auto text = [](const std::string& s) { return response::text(200, s); };
    auto flag = [](bool b) { return response::json(200, b ? "true" : "false"); };
    if (opt == "nsqlookupd_http_addresses")
        return response::json(200, json_string_list(ctx.lookupds()));
    if (opt == "nsqd_http_addresses")
        return response::json(200, json_string_list(o.nsqd_http_addresses));
    if (opt == "admin_users") return response::json(200, json_string_list(o.admin_users));
    if (opt == "log_level") {
        auto level = base::parse_log_level(ctx.log_level()).value_or(base::log_level::info);
        return response::json(200, std::to_string(static_cast<int>(level) + 1));
    }
    if (opt == "http_address") return text(o.http_address);
    if (opt == "base_path") return text(o.base_path);
    if (opt == "log_prefix") return text(o.log_prefix);
    if (opt == "graphite_url") return text(o.graphite_url);
    if (opt == "proxy_graphite") return flag(o.proxy_graphite);
    if (opt == "statsd_prefix") return text(o.statsd_prefix);
    if (opt == "statsd_counter_format") return text(o.statsd_counter_format);
    if (opt == "statsd_gauge_format") return text(o.statsd_gauge_format);
    if (opt == "statsd_interval") return ns(o.statsd_interval);
    if (opt == "notification_http_endpoint") return text(o.notification_http_endpoint);
    if (opt == "http_client_connect_timeout") return ns(o.http_client_connect_timeout);
    if (opt == "http_client_request_timeout") return ns(o.http_client_request_timeout);
    if (opt == "allow_config_from_cidr") return text(o.allow_config_from_cidr);
    if (opt == "acl_http_header") return text(o.acl_http_header);
    return response::error(400, "INVALID_OPTION");
}

// "<status> <METHOD> <request-uri> (<remote addr>) <elapsed>" at INFO for every request.
http::middleware log_requests(context& ctx) {
    return [&ctx](request& req, const http::handler& next) {
        auto start = std::chrono::steady_clock::now();
        response res = next(req);
        auto elapsed = std::chrono::steady_clock::now() - start;
        std::string uri = http::escape_path(req.path);
        if (!req.raw_query.empty()) uri += "?" + req.raw_query;
        ctx.log->info("{} {} {} ({}) {}", res.status, req.method, uri, req.remote_address,
                      config::format_go_duration(elapsed));
        return res;
    };
}

}  // namespace

std::string index_document(const context& ctx, const request& req) {
    const options& o = ctx.opts;
    std::string bp = o.base_path == "/" ? "" : o.base_path;
    int64_t statsd_s = std::chrono::duration_cast<std::chrono::seconds>(o.statsd_interval).count();
    int64_t history_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(o.history_interval).count();
    std::string globals;
    auto add = [&globals](const char* name, const std::string& value) {
        globals += "var " + std::string(name) + " = " + value + ";\n";
    };
    add("USER_AGENT", http::json_quote("nsqadmin/v1.3.0"));
    add("VERSION", http::json_quote("1.3.0"));
    add("GRAPHITE_URL", http::json_quote(o.proxy_graphite ? "" : o.graphite_url));
    add("GRAPH_ENABLED", o.graphite_url.empty() ? "false" : "true");
    add("STATSD_COUNTER_FORMAT", http::json_quote(o.statsd_counter_format));
    add("STATSD_GAUGE_FORMAT", http::json_quote(o.statsd_gauge_format));
    add("STATSD_PREFIX", http::json_quote(o.statsd_prefix));
    add("STATSD_INTERVAL", std::to_string(statsd_s));
    std::string lookupds = "[";
    for (const auto& l : ctx.lookupds())
        lookupds += (lookupds.size() > 1 ? "," : "") + http::json_quote(l);
    add("NSQLOOKUPD", lookupds + "]");
    add("IS_ADMIN", ctx.is_admin(req) ? "true" : "false");
    add("BASE_PATH", http::json_quote(o.base_path));
    add("HISTORY_INTERVAL_MS", std::to_string(history_ms));
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>nsqadmin</title>\n"
           "<link rel=\"icon\" type=\"image/svg+xml\" href=\"" +
           bp +
           "/static/favicon.svg\">\n"
           "<link rel=\"stylesheet\" href=\"" +
           bp +
           "/static/main.css\">\n"
           "<script>\n" +
           globals +
           "</script>\n</head>\n<body>\n<div id=\"app\"></div>\n"
           "<script src=\"" +
           bp + "/static/main.js\"></script>\n</body>\n</html>\n";
}

void register_http_api(http::router& r, context& ctx) {
    using handler_fn = response (*)(context&, const request&);
    struct route {
        const char* method;
        const char* path;
        handler_fn handle;
    };
    static const route routes[] = {
        {"GET", "/api/topics", get_topics},
        {"GET", "/api/topics/:topic", get_topic},
        {"GET", "/api/topics/:topic/:channel", get_channel},
        {"GET", "/api/nodes", get_nodes},
        {"GET", "/api/nodes/:node", get_node},
        {"GET", "/api/counter", get_counter},
        {"GET", "/api/graphite", get_graphite},
        {"GET", "/api/history", get_history},
        {"POST", "/api/topics", create_topic_channel},
        {"POST", "/api/topics/:topic", topic_action},
        {"POST", "/api/topics/:topic/:channel", channel_action},
        {"DELETE", "/api/topics/:topic", delete_topic},
        {"DELETE", "/api/topics/:topic/:channel", delete_channel},
        {"DELETE", "/api/nodes/:node", tombstone_topic_producer},
        {"GET", "/config/:opt", config_option},
        {"PUT", "/config/:opt", config_option},
        {"GET", "/ping", [](context&, const request&) { return response::plain(200, "OK"); }},
        {"GET", "/static/:asset", [](context& c, const request& q) { return static_asset(c, q); }},
        {"GET", "/fonts/:asset", [](context& c, const request& q) { return static_asset(c, q); }},
    };
    static const char* pages[] = {
        "/",      "/topics",      "/topics/:topic", "/topics/:topic/:channel",
        "/nodes", "/nodes/:node", "/counter",       "/lookup"};
    std::string bp = ctx.opts.base_path == "/" ? "" : ctx.opts.base_path;
    r.use(log_requests(ctx));
    r.use(compress_responses());
    for (const route& rt : routes) {
        handler_fn handle = rt.handle;
        r.add(rt.method, bp + rt.path, [&ctx, handle](request& req) { return handle(ctx, req); });
    }
    if (ctx.opts.proxy_graphite) {  // root-relative, not under the base path (spec §9.1)
        r.add("GET", "/render", [&ctx](request& req) { return proxy_graphite(ctx, req); });
    }
#if NSQPP_NSQADMIN_METRICS
    r.add("GET", bp + "/metrics", [&ctx](request&) { return metrics_response(ctx); });
#endif
    for (const char* page : pages) {
        std::string path = bp + page;
        if (path.size() > 1 && path.back() == '/') path.pop_back();
        r.add("GET", path, [&ctx](request& req) { return html(index_document(ctx, req)); });
    }
}

}  // namespace nsqpp::nsqadmin
