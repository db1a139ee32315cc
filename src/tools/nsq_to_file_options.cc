#include "tools/nsq_to_file_options.h"

#include <fmt/format.h>

#include <ostream>

#include "base/log.h"
#include "config/option_set.h"
#include "tools/cli.h"

namespace nsqpp::tools {
namespace {

void register_flags(config::option_set& set, nsq_to_file_options& o, bool* show_version) {
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("log-level", "", "set log verbosity: debug, info, warn, error, or fatal",
                   &o.log_level);
    set.add_string("log-prefix", "", "log message prefix", &o.log_prefix);
    set.add_string("channel", "", "nsq channel", &o.channel);
    set.add_int("max-in-flight", "", "max number of messages to allow in flight", &o.max_in_flight);
    set.add_string("output-dir", "", "directory to write output files to", &o.output_dir);
    set.add_string("work-dir", "", "directory for in-progress files before moving to output-dir",
                   &o.work_dir);
    set.add_string("datetime-format", "",
                   "strftime compatible format for <DATETIME> in filename format",
                   &o.datetime_format);
    set.add_string("filename-format", "",
                   "output filename format (<TOPIC>, <HOST>, <PID>, <DATETIME>, <REV> are "
                   "replaced. <REV> is increased when file already exists)",
                   &o.filename_format);
    set.add_string("host-identifier", "",
                   "value to output in log filename in place of hostname. <SHORT_HOST> and "
                   "<HOSTNAME> are valid replacement tokens",
                   &o.host_identifier);
    set.add_int("gzip-level", "", "gzip compression level (1-9, 1=BestSpeed, 9=BestCompression)",
                &o.gzip_level);
    set.add_bool("gzip", "", "gzip output files.", &o.gzip);
    set.add_bool("skip-empty-files", "", "skip writing empty files", &o.skip_empty_files);
    set.add_duration("topic-refresh", "", "how frequently the topic list should be refreshed",
                     &o.topic_refresh);
    set.add_string("topic-pattern", "", "only log topics matching the following pattern",
                   &o.topic_pattern);
    set.add_int("rotate-size", "", "rotate the file when it grows bigger than `rotate-size` bytes",
                &o.rotate_size);
    set.add_duration("rotate-interval", "", "rotate the file every duration", &o.rotate_interval);
    set.add_duration("sync-interval", "", "sync file to disk every duration", &o.sync_interval);
    set.add_duration("http-client-connect-timeout", "", "timeout for HTTP connect",
                     &o.connect_timeout);
    set.add_duration("http-client-request-timeout", "", "timeout for HTTP request",
                     &o.request_timeout);
    set.add_string_list("nsqd-tcp-address", "", "nsqd TCP address (may be given multiple times)",
                        &o.nsqd_tcp_addresses);
    set.add_string_list("lookupd-http-address", "",
                        "lookupd HTTP address (may be given multiple times)",
                        &o.lookupd_http_addresses);
    set.add_string_list("topic", "", "nsq topic (may be given multiple times)", &o.topics);
    set.add_string_list("consumer-opt", "",
                        "option to passthrough to nsq.Consumer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.consumer_opts);
}

void validate(nsq_to_file_options& o, const std::vector<std::string>& rest) {
    if (!rest.empty()) {
        std::string list;
        for (const auto& a : rest) list += (list.empty() ? "" : " ") + a;
        throw fatal_error(fmt::format("unknown arguments: [{}]", list));
    }
    if (!base::parse_log_level(o.log_level)) throw fatal_error("--log-level is invalid");
    if (o.channel.empty()) throw fatal_error("--channel is required");
    if (o.connect_timeout.count() <= 0) {
        throw fatal_error("--http-client-connect-timeout should be positive");
    }
    if (o.request_timeout.count() <= 0) {
        throw fatal_error("--http-client-request-timeout should be positive");
    }
    if (o.nsqd_tcp_addresses.empty() && o.lookupd_http_addresses.empty()) {
        throw fatal_error("--nsqd-tcp-address or --lookupd-http-address required.");
    }
    if (!o.nsqd_tcp_addresses.empty() && !o.lookupd_http_addresses.empty()) {
        throw fatal_error("use --nsqd-tcp-address or --lookupd-http-address not both");
    }
    if (o.gzip_level < 1 || o.gzip_level > 9) {
        throw fatal_error(
            fmt::format("invalid --gzip-level value ({}), should be 1-9", o.gzip_level));
    }
    if (o.topics.empty() && o.topic_pattern.empty()) {
        throw fatal_error("--topic or --topic-pattern required");
    }
    if (o.topics.empty() && o.lookupd_http_addresses.empty()) {
        throw fatal_error("--lookupd-http-address must be specified when no --topic specified");
    }
    if (o.topic_refresh.count() <= 0 && o.topics.empty()) {
        throw fatal_error("--topic-refresh should be positive");
    }
    if (o.sync_interval.count() <= 0) throw fatal_error("--sync-interval should be positive");
    if (o.work_dir.empty()) o.work_dir = o.output_dir;
}

}  // namespace

std::optional<nsq_to_file_options> parse_nsq_to_file(int argc, const char* const* argv,
                                                     int* exit_code, std::ostream& out,
                                                     std::ostream& err) {
    nsq_to_file_options o;
    bool show_version = false;
    config::option_set set("nsq_to_file");
    register_flags(set, o, &show_version);
    if (auto code = parse_flags(set, argc, argv, err)) {
        *exit_code = *code;
        return std::nullopt;
    }
    try {
        // Go checks positional arguments and the log level before --version.
        if (!set.remaining_args().empty() || !base::parse_log_level(o.log_level)) {
            validate(o, set.remaining_args());
        }
        if (show_version) {
            out << version_line("nsq_to_file") << '\n';
            *exit_code = 0;
            return std::nullopt;
        }
        validate(o, set.remaining_args());
    } catch (const fatal_error& e) {
        go_log(err, e.what());
        *exit_code = 1;
        return std::nullopt;
    }
    *exit_code = 0;
    return o;
}

}  // namespace nsqpp::tools
