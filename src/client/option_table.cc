// go-nsq's option names, parsers and ranges (shared/spec/client.md §2.1, §2.2).
#include "client/option_table.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "config/go_syntax.h"

namespace nsqpp::client::detail {
namespace {

namespace gosyn = nsqpp::config;

using namespace std::chrono_literals;
using std::chrono::duration_cast;

error bad_value(std::string_view name, std::string_view value, std::string_view why) {
    return error(fmt::format("failed to set {} ({}) - {}", name, value, why));
}

template <class T>
option_entry int_option(std::string_view name, T config::*member, int64_t min,
                        int64_t max = std::numeric_limits<T>::max()) {
    auto range = [name, min, max](int64_t v) -> error {
        if (v < min) return error(fmt::format("invalid {} ! {} < {}", name, v, min));
        if (v > max) return error(fmt::format("invalid {} ! {} > {}", name, v, max));
        return {};
    };
    return {name,
            [name, member, range](config& c, std::string_view value) -> error {
                auto parsed = gosyn::parse_go_int_base(value, 10);
                if (parsed.error != gosyn::int_error::none) {
                    return bad_value(name, value, "invalid integer");
                }
                if (auto err = range(parsed.value)) return err;
                c.*member = static_cast<T>(parsed.value);
                return {};
            },
            [member, range](const config& c) { return range(static_cast<int64_t>(c.*member)); }};
}

option_entry duration_option(std::string_view name, duration config::*member,
                             std::optional<duration> min = std::nullopt,
                             std::optional<duration> max = std::nullopt) {
    auto range = [name, min, max](duration v) -> error {
        if (min && v < *min) {
            return error(fmt::format("invalid {} ! {} < {}", name, format_duration(v),
                                     format_duration(*min)));
        }
        if (max && v > *max) {
            return error(fmt::format("invalid {} ! {} > {}", name, format_duration(v),
                                     format_duration(*max)));
        }
        return {};
    };
    return {name,
            [name, member](config& c, std::string_view value) -> error {
                auto d = parse_duration(value);
                if (!d) return bad_value(name, value, "invalid duration");
                c.*member = *d;
                return {};
            },
            [member, range](const config& c) { return range(c.*member); }};
}

option_entry bool_option(std::string_view name, bool config::*member) {
    return {name,
            [name, member](config& c, std::string_view value) -> error {
                auto b = gosyn::parse_go_bool(value);
                if (!b) {
                    auto i = gosyn::parse_go_int_base(value, 10);
                    if (i.error != gosyn::int_error::none) {
                        return bad_value(name, value, "invalid boolean");
                    }
                    b = i.value != 0;
                }
                c.*member = *b;
                return {};
            },
            [](const config&) { return error{}; }};
}

option_entry string_option(std::string_view name, std::string config::*member) {
    return {name,
            [member](config& c, std::string_view value) -> error {
                c.*member = std::string(value);
                return {};
            },
            [](const config&) { return error{}; }};
}

option_entry tls_string_option(std::string_view name, std::string tls_options::*member) {
    return {name,
            [member](config& c, std::string_view value) -> error {
                c.tls.*member = std::string(value);
                return {};
            },
            [](const config&) { return error{}; }};
}

error set_backoff_strategy(config& c, std::string_view value) {
    if (value == "" || value == "exponential") {
        c.backoff_strategy = backoff_strategy::exponential;
    } else if (value == "full_jitter") {
        c.backoff_strategy = backoff_strategy::full_jitter;
    } else {
        return error(fmt::format("unknown backoff strategy {}", value));
    }
    return {};
}

error set_tls_min_version(config& c, std::string_view value) {
    if (value != "ssl3.0" && value != "tls1.0" && value != "tls1.1" && value != "tls1.2") {
        return error(fmt::format("unknown tls_min_version {}", value));
    }
    c.tls.min_version = std::string(value);
    return {};
}

error set_tls_skip_verify(config& c, std::string_view value) {
    auto b = gosyn::parse_go_bool(value);
    if (!b) return bad_value("tls_insecure_skip_verify", value, "invalid boolean");
    c.tls.insecure_skip_verify = *b;
    return {};
}

error set_sample_rate(config& c, std::string_view value) {
    auto parsed = gosyn::parse_go_int_base(value, 10);
    if (parsed.error != gosyn::int_error::none) {
        return bad_value("sample_rate", value, "invalid integer");
    }
    if (parsed.value < 0) return error(fmt::format("invalid sample_rate ! {} < 0", parsed.value));
    if (parsed.value > 99) return error(fmt::format("invalid sample_rate ! {} > 99", parsed.value));
    c.sample_rate = static_cast<int32_t>(parsed.value);
    return {};
}

error check_jitter(const config& c) {
    if (!(c.lookupd_poll_jitter >= 0)) {
        return error(fmt::format("invalid lookupd_poll_jitter ! {} < 0", c.lookupd_poll_jitter));
    }
    if (c.lookupd_poll_jitter > 1) {
        return error(fmt::format("invalid lookupd_poll_jitter ! {} > 1", c.lookupd_poll_jitter));
    }
    return {};
}

error set_jitter(config& c, std::string_view value) {
    auto f = gosyn::parse_go_float(value);
    if (!f) return bad_value("lookupd_poll_jitter", value, "invalid float");
    config copy = c;
    copy.lookupd_poll_jitter = *f;
    if (auto err = check_jitter(copy)) return err;
    c.lookupd_poll_jitter = *f;
    return {};
}

std::vector<option_entry> make_table() {
    auto none = [](const config&) { return error{}; };
    constexpr duration hour{3600'000};
    std::vector<option_entry> t;
    t.push_back(duration_option("dial_timeout", &config::dial_timeout));
    t.push_back(duration_option("read_timeout", &config::read_timeout, 100ms, 5min));
    t.push_back(duration_option("write_timeout", &config::write_timeout, 100ms, 5min));
    t.push_back(string_option("local_addr", &config::local_addr));
    t.push_back(
        duration_option("lookupd_poll_interval", &config::lookupd_poll_interval, 10ms, 5min));
    t.push_back({"lookupd_poll_jitter", set_jitter, check_jitter});
    t.push_back(duration_option("lookupd_poll_timeout", &config::lookupd_poll_timeout));
    t.push_back(duration_option("max_requeue_delay", &config::max_requeue_delay, 0ms, hour));
    t.push_back(
        duration_option("default_requeue_delay", &config::default_requeue_delay, 0ms, hour));
    t.push_back({"backoff_strategy", set_backoff_strategy, none});
    t.push_back(duration_option("max_backoff_duration", &config::max_backoff_duration, 0ms, hour));
    t.push_back(duration_option("backoff_multiplier", &config::backoff_multiplier, 0ms, hour));
    t.push_back(int_option("max_attempts", &config::max_attempts, 0, 65535));
    t.push_back(duration_option("low_rdy_idle_timeout", &config::low_rdy_idle_timeout, 1s, 5min));
    t.push_back(duration_option("low_rdy_timeout", &config::low_rdy_timeout, 1s, 5min));
    t.push_back(
        duration_option("rdy_redistribute_interval", &config::rdy_redistribute_interval, 1ms, 5s));
    t.push_back(string_option("client_id", &config::client_id));
    t.push_back(string_option("hostname", &config::hostname));
    t.push_back(string_option("user_agent", &config::user_agent));
    t.push_back(duration_option("heartbeat_interval", &config::heartbeat_interval));
    t.push_back({"sample_rate", set_sample_rate, [](const config& c) {
                     if (c.sample_rate < 0 || c.sample_rate > 99) {
                         return error(fmt::format("invalid sample_rate ! {} {} {}", c.sample_rate,
                                                  c.sample_rate < 0 ? "<" : ">",
                                                  c.sample_rate < 0 ? 0 : 99));
                     }
                     return error{};
                 }});
    t.push_back(bool_option("tls_v1", &config::tls_v1));
    t.push_back(tls_string_option("tls_root_ca_file", &tls_options::root_ca_file));
    t.push_back({"tls_insecure_skip_verify", set_tls_skip_verify, none});
    t.push_back(tls_string_option("tls_cert", &tls_options::cert_file));
    t.push_back(tls_string_option("tls_key", &tls_options::key_file));
    t.push_back({"tls_min_version", set_tls_min_version, none});
    t.push_back(bool_option("deflate", &config::deflate));
    t.push_back(int_option("deflate_level", &config::deflate_level, 1, 9));
    t.push_back(bool_option("snappy", &config::snappy));
    t.push_back(int_option("output_buffer_size", &config::output_buffer_size,
                           std::numeric_limits<int64_t>::min()));
    t.push_back(duration_option("output_buffer_timeout", &config::output_buffer_timeout));
    t.push_back(int_option("max_in_flight", &config::max_in_flight, 0));
    t.push_back(duration_option("msg_timeout", &config::msg_timeout, 0ms));
    t.push_back(string_option("auth_secret", &config::auth_secret));
    t.push_back(bool_option("skip_lookupd_authorization", &config::skip_lookupd_authorization));
    return t;
}

}  // namespace

const std::vector<option_entry>& option_table() {
    static const std::vector<option_entry> table = make_table();
    return table;
}

const option_entry* find_option(std::string_view name) {
    for (const auto& opt : option_table()) {
        if (opt.name == name) return &opt;
    }
    return nullptr;
}

std::string format_duration(duration d) {
    return gosyn::format_go_duration(duration_cast<std::chrono::nanoseconds>(d));
}

std::optional<duration> parse_duration(std::string_view text) {
    auto ms = gosyn::parse_go_int_base(text, 10);
    if (ms.error == gosyn::int_error::none) return duration(ms.value);
    auto ns = gosyn::parse_go_duration(text);
    if (!ns) return std::nullopt;
    return duration_cast<duration>(*ns);
}

}  // namespace nsqpp::client::detail
