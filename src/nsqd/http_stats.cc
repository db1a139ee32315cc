#include "nsqd/http_stats.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <iterator>
#include <string_view>

namespace nsqpp::nsqd {
namespace {

using http::json_quote;
using std::chrono::nanoseconds;

// ---- JSON (§7.2) ----

void append_e2e(std::string& o, const e2e_latency_stats& e) {
    fmt::format_to(std::back_inserter(o), "{{\"count\":{},\"percentiles\":", e.count);
    if (!e.percentiles) {
        o += "null}";
        return;
    }
    o += '[';
    for (size_t i = 0; i < e.percentiles->size(); ++i) {
        const auto& [quantile, value] = (*e.percentiles)[i];
        if (i) o += ',';
        fmt::format_to(std::back_inserter(o), "{{\"quantile\":{},\"value\":{}}}",
                       go_json_float(quantile), go_json_float(value));
    }
    o += "]}";
}

void append_client(std::string& o, const client_stats& c) {
    auto out = std::back_inserter(o);
    fmt::format_to(out,
                   "{{\"client_id\":{},\"hostname\":{},\"version\":{},\"remote_address\":{},"
                   "\"state\":{},\"ready_count\":{},\"in_flight_count\":{},\"message_count\":{},"
                   "\"finish_count\":{},\"requeue_count\":{},\"connect_ts\":{},"
                   "\"sample_rate\":{},\"deflate\":{},\"snappy\":{},\"user_agent\":{}",
                   json_quote(c.client_id), json_quote(c.hostname), json_quote(c.version),
                   json_quote(c.remote_address), c.state, c.ready_count, c.in_flight_count,
                   c.message_count, c.finish_count, c.requeue_count, c.connect_ts, c.sample_rate,
                   c.deflate, c.snappy, json_quote(c.user_agent));
    // omitempty fields
    if (c.authed) o += ",\"authed\":true";
    if (!c.auth_identity.empty()) o += ",\"auth_identity\":" + json_quote(c.auth_identity);
    if (!c.auth_identity_url.empty()) {
        o += ",\"auth_identity_url\":" + json_quote(c.auth_identity_url);
    }
    if (!c.pub_counts.empty()) {
        o += ",\"pub_counts\":[";
        for (size_t i = 0; i < c.pub_counts.size(); ++i) {
            if (i) o += ',';
            fmt::format_to(out, "{{\"topic\":{},\"count\":{}}}", json_quote(c.pub_counts[i].first),
                           c.pub_counts[i].second);
        }
        o += ']';
    }
    fmt::format_to(out,
                   ",\"tls\":{},\"tls_cipher_suite\":{},\"tls_version\":{},"
                   "\"tls_negotiated_protocol\":{},\"tls_negotiated_protocol_is_mutual\":{}}}",
                   c.tls, json_quote(c.tls_cipher_suite), json_quote(c.tls_version),
                   json_quote(c.tls_negotiated_protocol), c.tls_negotiated_protocol_is_mutual);
}

// `null` for nullopt, else a JSON array of clients.
void append_clients(std::string& o, const std::optional<std::vector<client_stats>>& clients) {
    if (!clients) {
        o += "null";
        return;
    }
    o += '[';
    for (size_t i = 0; i < clients->size(); ++i) {
        if (i) o += ',';
        append_client(o, (*clients)[i]);
    }
    o += ']';
}

void append_channel(std::string& o, const channel_stats& c) {
    fmt::format_to(std::back_inserter(o),
                   "{{\"channel_name\":{},\"depth\":{},\"backend_depth\":{},"
                   "\"in_flight_count\":{},\"deferred_count\":{},\"message_count\":{},"
                   "\"requeue_count\":{},\"timeout_count\":{},\"client_count\":{},\"clients\":",
                   json_quote(c.channel_name), c.depth, c.backend_depth, c.in_flight_count,
                   c.deferred_count, c.message_count, c.requeue_count, c.timeout_count,
                   c.client_count);
    append_clients(o, c.clients);
    fmt::format_to(std::back_inserter(o), ",\"paused\":{},\"e2e_processing_latency\":", c.paused);
    append_e2e(o, c.e2e_processing_latency);
    o += '}';
}

void append_topic(std::string& o, const topic_stats& t) {
    o += "{\"topic_name\":" + json_quote(t.topic_name) + ",\"channels\":[";
    for (size_t i = 0; i < t.channels.size(); ++i) {
        if (i) o += ',';
        append_channel(o, t.channels[i]);
    }
    fmt::format_to(std::back_inserter(o),
                   "],\"depth\":{},\"backend_depth\":{},\"message_count\":{},"
                   "\"message_bytes\":{},\"paused\":{},\"e2e_processing_latency\":",
                   t.depth, t.backend_depth, t.message_count, t.message_bytes, t.paused);
    append_e2e(o, t.e2e_processing_latency);
    o += '}';
}

void append_memory(std::string& o, const memory_stats& m) {
    fmt::format_to(std::back_inserter(o),
                   "{{\"heap_objects\":{},\"heap_idle_bytes\":{},\"heap_in_use_bytes\":{},"
                   "\"heap_released_bytes\":{},\"gc_pause_usec_100\":{},\"gc_pause_usec_99\":{},"
                   "\"gc_pause_usec_95\":{},\"next_gc_bytes\":{},\"gc_total_runs\":{}}}",
                   m.heap_objects, m.heap_idle_bytes, m.heap_in_use_bytes, m.heap_released_bytes,
                   m.gc_pause_usec_100, m.gc_pause_usec_99, m.gc_pause_usec_95, m.next_gc_bytes,
                   m.gc_total_runs);
}

// ---- text (§7.4) ----

// Go's %-<width>s: left-justified, padded with spaces to `width` runes (not bytes).
std::string pad_right(std::string_view s, size_t width) {
    size_t runes = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++runes;
    }
    std::string out(s);
    if (runes < width) out.append(width - runes, ' ');
    return out;
}

// The port of an "ip:port" / "[ipv6]:port" address as Go's net.SplitHostPort gives it ("" on
// error).
std::string_view remote_port(std::string_view addr) {
    size_t colon = addr.rfind(':');
    if (colon == std::string_view::npos) return {};
    std::string_view host = addr.substr(0, colon);
    if (!host.empty() && host.front() == '[') {
        if (host.back() != ']') return {};
    } else if (host.find(':') != std::string_view::npos) {
        return {};  // "too many colons"
    }
    return addr.substr(colon + 1);
}

// Go's quantile.Result.String(): every value in human units, joined by ", ".
std::string e2e_text(const e2e_latency_stats& e) {
    std::string out;
    if (!e.percentiles) return out;
    for (const auto& [quantile, value] : *e.percentiles) {
        if (!out.empty()) out += ", ";
        double v = value;
        std::string_view unit = "ns";
        if (v > 1e9) {
            v /= 1e9;
            unit = "s";
        } else if (v > 1e6) {
            v /= 1e6;
            unit = "ms";
        } else if (v > 1e3) {
            v /= 1e3;
            unit = "us";
        }
        out += fmt::format("{:.1f}{}", v, unit);
    }
    return out;
}

// Connection age: now - connect_ts, truncated to whole seconds.
std::string connected_for(const client_stats& c, std::chrono::system_clock::time_point now) {
    auto age = now.time_since_epoch() - std::chrono::seconds(c.connect_ts);
    return go_duration(std::chrono::duration_cast<std::chrono::seconds>(age));
}

// ClientV2Stats.String(): the producer form when the client has pub_counts.
std::string client_text(const client_stats& c, std::chrono::system_clock::time_point now) {
    std::string id =
        fmt::format("{}:{} {}", c.hostname, remote_port(c.remote_address), c.user_agent);
    if (!c.pub_counts.empty()) {
        uint64_t total = 0;
        std::string topics;
        for (const auto& [topic, count] : c.pub_counts) {
            total += count;
            if (!topics.empty()) topics += ',';
            topics += fmt::format("{}={}", topic, count);
        }
        return fmt::format("[{} {}] msgs: {:<8} topics: {} connected: {}", c.version,
                           pad_right(id, 21), total, topics, connected_for(c, now));
    }
    return fmt::format(
        "[{} {}] state: {} inflt: {:<4} rdy: {:<4} fin: {:<8} re-q: {:<8} msgs: {:<8} "
        "connected: {}",
        c.version, pad_right(id, 21), c.state, c.in_flight_count, c.ready_count, c.finish_count,
        c.requeue_count, c.message_count, connected_for(c, now));
}

// time.RFC3339 in the local time zone: "2026-11-25T07:59:32Z" or "...T08:59:32+01:00".
std::string rfc3339_local(int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::string zone = "Z";
    if (tm.tm_gmtoff != 0) {
        long off = tm.tm_gmtoff;
        char sign = off < 0 ? '-' : '+';
        off = off < 0 ? -off : off;
        zone = fmt::format("{}{:02}:{:02}", sign, off / 3600, (off % 3600) / 60);
    }
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

void append_memory_text(std::string& o, const memory_stats& m) {
    const std::pair<std::string_view, int64_t> rows[] = {
        {"heap_objects", m.heap_objects},           {"heap_idle_bytes", m.heap_idle_bytes},
        {"heap_in_use_bytes", m.heap_in_use_bytes}, {"heap_released_bytes", m.heap_released_bytes},
        {"gc_pause_usec_100", m.gc_pause_usec_100}, {"gc_pause_usec_99", m.gc_pause_usec_99},
        {"gc_pause_usec_95", m.gc_pause_usec_95},   {"next_gc_bytes", m.next_gc_bytes},
        {"gc_total_runs", m.gc_total_runs},
    };
    o += "\nMemory:\n";
    for (const auto& [name, value] : rows) {
        fmt::format_to(std::back_inserter(o), "   {:<25}\t{}\n", name, value);
    }
}

void append_topic_text(std::string& o, const topic_stats& t,
                       std::chrono::system_clock::time_point now) {
    auto out = std::back_inserter(o);
    fmt::format_to(out, "\n{}[{}] depth: {:<5} be-depth: {:<5} msgs: {:<8} e2e%: {}\n",
                   t.paused ? "*P " : "   ", pad_right(t.topic_name, 15), t.depth, t.backend_depth,
                   t.message_count, e2e_text(t.e2e_processing_latency));
    for (const channel_stats& c : t.channels) {
        fmt::format_to(out,
                       "{}[{}] depth: {:<5} be-depth: {:<5} inflt: {:<4} def: {:<4} re-q: {:<5} "
                       "timeout: {:<5} msgs: {:<8} e2e%: {}\n",
                       c.paused ? "   *P " : "      ", pad_right(c.channel_name, 25), c.depth,
                       c.backend_depth, c.in_flight_count, c.deferred_count, c.requeue_count,
                       c.timeout_count, c.message_count, e2e_text(c.e2e_processing_latency));
        if (!c.clients) continue;
        for (const client_stats& cl : *c.clients) o += "        " + client_text(cl, now) + "\n";
    }
}

bool parse_bool_param(const std::optional<std::string>& v, bool fallback) {
    if (!v) return fallback;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    return fallback;
}

// A filter value: absent and empty both mean "no filter" (Go's ReqParams.Get gives "").
std::optional<std::string> filter_value(const http::request& req, std::string_view key) {
    auto v = req.query_value(key);
    if (v && v->empty()) return std::nullopt;
    return v;
}

}  // namespace

std::string go_json_float(double v) {
    char buf[64];
    double a = std::fabs(v);
    bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
    auto res = std::to_chars(buf, buf + sizeof buf, v,
                             exponent ? std::chars_format::scientific : std::chars_format::fixed);
    std::string s(buf, res.ptr);
    if (exponent) {  // Go cleans "e-07" up to "e-7"
        size_t n = s.size();
        if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    }
    return s;
}

std::string go_duration(nanoseconds d) {
    uint64_t u = static_cast<uint64_t>(d.count());
    bool neg = d.count() < 0;
    if (neg) u = -u;
    // The fraction of u / 10^prec without trailing zeros (and without '.' when zero); u becomes
    // the integer part.
    auto frac = [&u](int prec) {
        std::string digits;
        bool print = false;
        for (int i = 0; i < prec; ++i) {
            char digit = static_cast<char>('0' + u % 10);
            print = print || digit != '0';
            if (print) digits.insert(digits.begin(), digit);
            u /= 10;
        }
        return print ? "." + digits : digits;
    };
    std::string out;
    if (u < 1'000'000'000) {
        if (u == 0) return "0s";
        std::string unit;
        int prec = 0;
        if (u < 1'000) {
            unit = "ns";
        } else if (u < 1'000'000) {
            unit = "\u00b5s";
            prec = 3;
        } else {
            unit = "ms";
            prec = 6;
        }
        std::string f = frac(prec);
        out = std::to_string(u) + f + unit;
    } else {
        std::string f = frac(9);
        out = std::to_string(u % 60) + f + "s";
        u /= 60;
        if (u > 0) {
            out = std::to_string(u % 60) + "m" + out;
            u /= 60;
            if (u > 0) out = std::to_string(u) + "h" + out;
        }
    }
    return neg ? "-" + out : out;
}

std::string render_stats_json(const nsqd_stats& s) {
    std::string o;
    o.reserve(1024);
    fmt::format_to(std::back_inserter(o), "{{\"version\":{},\"health\":{},\"start_time\":{},",
                   json_quote(s.version), json_quote(s.health), s.start_time);
    o += "\"topics\":";
    if (!s.topics) {
        o += "null";
    } else {
        o += '[';
        for (size_t i = 0; i < s.topics->size(); ++i) {
            if (i) o += ',';
            append_topic(o, (*s.topics)[i]);
        }
        o += ']';
    }
    if (s.memory) {
        o += ",\"memory\":";
        append_memory(o, *s.memory);
    }
    o += ",\"producers\":";
    // Go marshals an empty producer slice as null too (it is nil when there are none).
    if (s.producers && s.producers->empty()) {
        o += "null";
    } else {
        append_clients(o, s.producers);
    }
    if (s.durable) {  // nsqpp --durability=fsync only
        const auto& d = *s.durable;
        fmt::format_to(std::back_inserter(o),
                       ",\"durable\":{{\"corruptions\":{},\"lost_records\":{},"
                       "\"committed_lsn\":{},\"segments\":{},\"disk_bytes\":{},"
                       "\"checkpoints\":{}}}",
                       d.corruptions, d.lost_records, d.committed_lsn, d.segments, d.disk_bytes,
                       d.checkpoints);
    }
    o += '}';
    return o;
}

std::string render_stats_text(const nsqd_stats& s, std::chrono::system_clock::time_point now) {
    std::string o;
    auto out = std::back_inserter(o);
    auto uptime = now.time_since_epoch() - std::chrono::seconds(s.start_time);
    fmt::format_to(out, "nsqd v{} (built w/nsqpp)\nstart_time {}\nuptime {}\n\nHealth: {}\n",
                   s.version, rfc3339_local(s.start_time),
                   go_duration(std::chrono::duration_cast<nanoseconds>(uptime)), s.health);
    if (s.memory) append_memory_text(o, *s.memory);
    if (!s.topics || s.topics->empty()) {
        o += "\nTopics: None\n";
    } else {
        o += "\nTopics:";
        for (const topic_stats& t : *s.topics) append_topic_text(o, t, now);
    }
    if (!s.producers || s.producers->empty()) {
        o += "\nProducers: None\n";
    } else {
        o += "\nProducers:\n";
        for (const client_stats& c : *s.producers) o += "   " + client_text(c, now) + "\n";
    }
    return o;
}

http::response handle_stats(context& ctx, const http::request& req) {
    if (!req.query_valid) return http::response::error(400, "INVALID_REQUEST");
    auto format = req.query_value("format");
    bool json = format && *format == "json";
    stats_filter filter;
    filter.topic = filter_value(req, "topic");
    filter.channel = filter_value(req, "channel");
    filter.include_clients = parse_bool_param(req.query_value("include_clients"), true);
    filter.include_mem = parse_bool_param(req.query_value("include_mem"), true);
    if (!ctx.collect_stats) {
        ctx.log->error("/stats: no stats collector installed");
        return http::response::error(500, "INTERNAL_ERROR");
    }
    nsqd_stats s = ctx.collect_stats(filter);
    s.version = nsq_version;
    std::string health = ctx.health();
    s.health = health.empty() ? "OK" : "NOK - " + health;
    s.start_time = ctx.start_time;
    if (!filter.include_mem) s.memory.reset();
    if (json) return http::response::json(200, render_stats_json(s));
    return http::response::text(200, render_stats_text(s, std::chrono::system_clock::now()));
}

}  // namespace nsqpp::nsqd
