#include "tools/nsq_stat.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "config/option_set.h"
#include "tools/cli.h"
#include "tools/cluster_query.h"
#include "tools/stat_format.h"

namespace nsqpp::tools {
namespace {

void validate(const nsq_stat_options& o) {
    if (o.topic.empty() || o.channel.empty()) {
        throw fatal_error("--topic and --channel are required");
    }
    if (o.interval.count() <= 0) throw fatal_error("--interval should be positive");
    if (o.connect_timeout.count() <= 0) {
        throw fatal_error("--http-client-connect-timeout should be positive");
    }
    if (o.request_timeout.count() <= 0) {
        throw fatal_error("--http-client-request-timeout should be positive");
    }
    if (o.count && *o.count <= 0) throw fatal_error("--count should be positive");
    require_one_discovery(o.nsqd_http_addresses, o.lookupd_http_addresses, "--nsqd-http-address");
    for (const auto& a : o.nsqd_http_addresses) {
        if (a.rfind("http", 0) == 0) {
            throw fatal_error("--nsqd-http-address error - address should not contain scheme");
        }
    }
    for (const auto& a : o.lookupd_http_addresses) {
        if (a.rfind("http", 0) == 0) {
            throw fatal_error("--lookupd-http-address error - address should not contain scheme");
        }
    }
}

void exit_now(int) { ::_exit(0); }

}  // namespace

std::optional<nsq_stat_options> parse_nsq_stat(int argc, const char* const* argv, int* exit_code,
                                               std::ostream& out, std::ostream& err) {
    nsq_stat_options o;
    bool show_version = false;
    int64_t count = 0;
    config::option_set set("nsq_stat");
    set.add_bool("version", "", "print version", &show_version);
    set.add_string("topic", "", "NSQ topic", &o.topic);
    set.add_string("channel", "", "NSQ channel", &o.channel);
    set.add_duration("interval", "", "duration of time between polling/printing output",
                     &o.interval);
    set.add_duration("http-client-connect-timeout", "", "timeout for HTTP connect",
                     &o.connect_timeout);
    set.add_duration("http-client-request-timeout", "", "timeout for HTTP request",
                     &o.request_timeout);
    set.add_string_list("nsqd-http-address", "", "nsqd HTTP address (may be given multiple times)",
                        &o.nsqd_http_addresses);
    set.add_string_list("lookupd-http-address", "",
                        "lookupd HTTP address (may be given multiple times)",
                        &o.lookupd_http_addresses);
    set.add_int("count", "", "number of reports", &count);
    set.set_usage("count", "value", std::nullopt);
    if (auto code = parse_flags(set, argc, argv, err)) {
        *exit_code = *code;
        return std::nullopt;
    }
    if (show_version) {
        out << version_line("nsq_stat") << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
    if (set.was_set("count")) o.count = count;
    try {
        validate(o);
    } catch (const fatal_error& e) {
        go_log(err, e.what());
        *exit_code = 1;
        return std::nullopt;
    }
    *exit_code = 0;
    return o;
}

int run_nsq_stat(const nsq_stat_options& opts, std::ostream& out) {
    http_timeouts timeouts{opts.connect_timeout, opts.request_timeout};
    double seconds = std::chrono::duration<double>(opts.interval).count();
    std::optional<channel_counters> previous;
    for (int64_t i = 0; !opts.count || *opts.count >= i; ++i) {
        std::vector<std::string> producers;
        try {
            producers =
                opts.lookupd_http_addresses.empty()
                    ? nsqd_topic_producers(opts.nsqd_http_addresses, opts.topic, timeouts)
                    : lookupd_topic_producers(opts.lookupd_http_addresses, opts.topic, timeouts);
        } catch (const std::exception& e) {
            throw fatal_error(fmt::format("ERROR: failed to get topic producers - {}", e.what()));
        }
        std::optional<channel_counters> current;
        try {
            current = nsqd_channel_stats(producers, opts.topic, opts.channel, timeouts);
        } catch (const std::exception& e) {
            throw fatal_error(fmt::format("ERROR: failed to get nsqd stats - {}", e.what()));
        }
        if (!current) {
            throw fatal_error(
                fmt::format("ERROR: failed to find channel({}) in stats metadata for topic({})",
                            opts.channel, opts.topic));
        }
        if (i % 25 == 0) out << stat_header();
        if (previous) out << stat_row(*previous, *current, seconds);
        out.flush();
        previous = current;
        if (opts.count && i == *opts.count) break;  // NSQ sleeps once more; no need to
        std::this_thread::sleep_for(opts.interval);
    }
    return 0;
}

int nsq_stat_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_nsq_stat(argc, argv, &exit_code, std::cout, std::cerr);
    if (!opts) return exit_code;
    struct sigaction sa {};
    sa.sa_handler = exit_now;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGHUP, SIGINT, SIGTERM}) sigaction(sig, &sa, nullptr);
    return run_tool(std::cerr, [&] { return run_nsq_stat(*opts, std::cout); });
}

}  // namespace nsqpp::tools
