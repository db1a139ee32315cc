#include "nsqd/http_config.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <variant>
#include <vector>

#include "base/log.h"
#include "nsqd/http_stats.h"
#include "wire/go_json.h"

namespace nsqpp::nsqd {
namespace {

using http::request;
using http::response;

// ---- renderings ----

response string_value(const std::string& s) {
    // Go's V1 responder writes the string as-is; net/http sniffs text/plain for a non-empty
    // body and sets no Content-Type for an empty one.
    return s.empty() ? response::empty() : response::text(200, s);
}

response json_value(std::string json) { return response::json(200, std::move(json)); }

response string_list_value(const std::vector<std::string>& list) {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        out += http::json_quote(list[i]);
    }
    return json_value(out + "]");
}

response float_list_value(const std::vector<double>& list) {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        out += go_json_float(list[i]);
    }
    return json_value(out + "]");
}

// lg.LogLevel: DEBUG=1 .. FATAL=5.
int log_level_number(const std::string& level) {
    const char* names[] = {"debug", "info", "warn", "error", "fatal"};
    for (int i = 0; i < 5; ++i) {
        if (level == names[i]) return i + 1;
    }
    return 2;
}

// Go's net.JoinHostPort then statsd.HostKey ('.' and ':' → '_').
std::string statsd_host_key(const std::string& host, int64_t port) {
    std::string joined = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    joined += ":" + std::to_string(port);
    for (char& c : joined) {
        if (c == '.' || c == ':') c = '_';
    }
    return joined;
}

int64_t broadcast_tcp_port(const context& ctx) {
    return ctx.opts.broadcast_tcp_port ? ctx.opts.broadcast_tcp_port : ctx.tcp_port.load();
}

int64_t broadcast_http_port(const context& ctx) {
    return ctx.opts.broadcast_http_port ? ctx.opts.broadcast_http_port : ctx.http_port.load();
}

// ---- options whose value is not the plain options field ----

response log_level_value(const context& ctx) {
    return json_value(std::to_string(log_level_number(ctx.log_level())));
}

response node_id_value(const context& ctx) {
    return json_value(std::to_string(ctx.topics.config().node_id));
}

response broadcast_address_value(const context& ctx) { return string_value(ctx.broadcast_address); }

// 0 in the options means "the bound port" (nsqd rewrites its options at start-up).
response broadcast_tcp_port_value(const context& ctx) {
    return json_value(std::to_string(broadcast_tcp_port(ctx)));
}

response broadcast_http_port_value(const context& ctx) {
    return json_value(std::to_string(broadcast_http_port(ctx)));
}

response lookupd_addresses_value(const context& ctx) {
    return string_list_value(ctx.lookupd_tcp_addresses());
}

// Expanded at start-up: every "%s" → host key, then a trailing '.' (§10.1).
response statsd_prefix_value(const context& ctx) {
    std::string prefix = ctx.opts.statsd_prefix;
    if (prefix.empty()) return string_value(prefix);
    std::string key = statsd_host_key(ctx.broadcast_address, broadcast_http_port(ctx));
    std::string out;
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (prefix.compare(i, 2, "%s") == 0) {
            out += key;
            ++i;
        } else {
            out += prefix[i];
        }
    }
    if (out.back() != '.') out += '.';
    return string_value(out);
}

// TLSNotRequired = 0, TLSRequiredExceptHTTP = 1, TLSRequired = 2.
response tls_required_value(const context& ctx) {
    const std::string& v = ctx.opts.tls_required;
    return json_value(v == "true" ? "2" : v == "tcp-https" ? "1" : "0");
}

// crypto/tls version numbers.
response tls_min_version_value(const context& ctx) {
    const std::string& v = ctx.opts.tls_min_version;
    int n = v == "tls1.3" ? 772 : v == "tls1.2" ? 771 : v == "tls1.1" ? 770 : 769;
    return json_value(std::to_string(n));
}

using field = std::variant<std::string options::*, int64_t options::*, bool options::*,
                           nanoseconds options::*, std::vector<std::string> options::*,
                           std::vector<double> options::*, response (*)(const context&)>;

struct entry {
    std::string_view key;
    field value;
};

// Every option that has a flag, by config key (spec §8.2; options_table.cc).
const entry table[] = {
    {"log_level", &log_level_value},
    {"log_prefix", &options::log_prefix},
    {"id", &node_id_value},
    {"tcp_address", &options::tcp_address},
    {"http_address", &options::http_address},
    {"https_address", &options::https_address},
    {"broadcast_address", &broadcast_address_value},
    {"broadcast_tcp_port", &broadcast_tcp_port_value},
    {"broadcast_http_port", &broadcast_http_port_value},
    {"nsqlookupd_tcp_addresses", &lookupd_addresses_value},
    {"auth_http_addresses", &options::auth_http_addresses},
    {"http_client_connect_timeout", &options::http_client_connect_timeout},
    {"http_client_request_timeout", &options::http_client_request_timeout},
    {"data_path", &options::data_path},
    {"mem_queue_size", &options::mem_queue_size},
    {"max_bytes_per_file", &options::max_bytes_per_file},
    {"sync_every", &options::sync_every},
    {"sync_timeout", &options::sync_timeout},
    {"queue_scan_worker_pool_max", &options::queue_scan_worker_pool_max},
    {"queue_scan_selection_count", &options::queue_scan_selection_count},
    {"msg_timeout", &options::msg_timeout},
    {"max_msg_timeout", &options::max_msg_timeout},
    {"max_msg_size", &options::max_msg_size},
    {"max_req_timeout", &options::max_req_timeout},
    {"max_body_size", &options::max_body_size},
    {"max_heartbeat_interval", &options::max_heartbeat_interval},
    {"max_rdy_count", &options::max_rdy_count},
    {"max_output_buffer_size", &options::max_output_buffer_size},
    {"max_output_buffer_timeout", &options::max_output_buffer_timeout},
    {"min_output_buffer_timeout", &options::min_output_buffer_timeout},
    {"output_buffer_timeout", &options::output_buffer_timeout},
    {"max_channel_consumers", &options::max_channel_consumers},
    {"statsd_address", &options::statsd_address},
    {"statsd_interval", &options::statsd_interval},
    {"statsd_mem_stats", &options::statsd_mem_stats},
    {"statsd_prefix", &statsd_prefix_value},
    {"statsd_udp_packet_size", &options::statsd_udp_packet_size},
    {"statsd_exclude_ephemeral", &options::statsd_exclude_ephemeral},
    {"e2e_processing_latency_percentiles", &options::e2e_processing_latency_percentiles},
    {"e2e_processing_latency_window_time", &options::e2e_processing_latency_window_time},
    {"tls_cert", &options::tls_cert},
    {"tls_key", &options::tls_key},
    {"tls_client_auth_policy", &options::tls_client_auth_policy},
    {"tls_root_ca_file", &options::tls_root_ca_file},
    {"tls_required", &tls_required_value},
    {"tls_min_version", &tls_min_version_value},
    {"deflate", &options::deflate},
    {"max_deflate_level", &options::max_deflate_level},
    {"snappy", &options::snappy},
    {"metrics_per_client", &options::metrics_per_client},  // nsqpp
    {"worker_threads", &options::worker_threads},          // nsqpp
};

response render(const context& ctx, const field& f) {
    return std::visit(
        [&ctx](auto member) -> response {
            using M = decltype(member);
            if constexpr (std::is_same_v<M, response (*)(const context&)>) {
                return member(ctx);
            } else {
                const auto& v = ctx.opts.*member;
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    return string_value(v);
                } else if constexpr (std::is_same_v<T, int64_t>) {
                    return json_value(std::to_string(v));
                } else if constexpr (std::is_same_v<T, bool>) {
                    return json_value(v ? "true" : "false");
                } else if constexpr (std::is_same_v<T, nanoseconds>) {
                    return json_value(std::to_string(v.count()));
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    return string_list_value(v);
                } else {
                    return float_list_value(v);
                }
            }
        },
        f);
}

// ---- PUT ----

// Go's json.Unmarshal into a []string: an array of strings (or null: empty). Lone surrogate
// escapes become U+FFFD and invalid UTF-8 is kept (json_quote renders it as U+FFFD), as in Go.
std::optional<std::vector<std::string>> parse_string_array(std::string_view body) {
    const std::optional<std::string> fixed = wire::replace_lone_surrogate_escapes(body);
    boost::json::parse_options opts;
    opts.max_depth = 10000;
    opts.allow_invalid_utf8 = true;
    boost::system::error_code ec;
    boost::json::value v =
        boost::json::parse(fixed ? std::string_view(*fixed) : body, ec, {}, opts);
    if (ec) return std::nullopt;
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (!v.is_array()) return std::nullopt;
    for (const auto& item : v.as_array()) {
        if (!item.is_string()) return std::nullopt;
        out.emplace_back(item.as_string());
    }
    return out;
}

// lg.ParseLogLevel: exactly these five names, any case.
std::optional<std::string> parse_level_name(std::string_view body) {
    std::string lower(body);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (const char* name : {"debug", "info", "warn", "error", "fatal"}) {
        if (lower == name) return lower;
    }
    return std::nullopt;
}

}  // namespace

std::optional<response> config_value(const context& ctx, std::string_view key) {
    for (const entry& e : table) {
        if (e.key == key) return render(ctx, e.value);
    }
    return std::nullopt;
}

response handle_config_get(context& ctx, const request& req) {
    auto v = config_value(ctx, req.param("opt").value_or(""));
    return v ? *v : response::error(400, "INVALID_OPTION");
}

response handle_config_put(context& ctx, const request& req) {
    if (req.body.empty() || static_cast<int64_t>(req.body.size()) > ctx.opts.max_msg_size) {
        return response::error(413, "INVALID_VALUE");
    }
    std::string opt = req.param("opt").value_or("");
    if (opt == "nsqlookupd_tcp_addresses") {
        auto addrs = parse_string_array(req.body);
        if (!addrs) return response::error(400, "INVALID_VALUE");
        ctx.store_lookupd_tcp_addresses(*addrs);
        if (ctx.set_lookupd_addresses) ctx.set_lookupd_addresses(*addrs);
    } else if (opt == "log_level") {
        auto name = parse_level_name(req.body);
        auto level = name ? base::parse_log_level(*name) : std::nullopt;
        if (!level) return response::error(400, "INVALID_VALUE");
        ctx.store_log_level(*name);
        base::set_level(*ctx.log, *level);
    } else {
        return response::error(400, "INVALID_OPTION");
    }
    return handle_config_get(ctx, req);
}

}  // namespace nsqpp::nsqd
