#include "tools/to_nsq.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "config/option_set.h"
#include "nsqpp/producer.h"
#include "tools/cli.h"
#include "tools/client_setup.h"
#include "tools/record_reader.h"
#include "tools/signal_watcher.h"

namespace nsqpp::tools {
namespace {

using producer_list = std::vector<std::unique_ptr<client::producer>>;

void publish_all(producer_list& producers, const std::string& topic, const std::string& body) {
    for (auto& p : producers) {
        if (auto err = p->publish(topic, body)) throw fatal_error(err.message());
    }
}

// Reads stdin until EOF or `stop`, publishing each record.
void pump_stdin(const to_nsq_options& o, producer_list& producers, std::atomic<bool>& stop) {
    record_splitter splitter(o.delimiter[0]);
    std::optional<token_bucket> bucket;
    if (o.rate > 0) bucket.emplace(o.rate);
    auto emit = [&](const std::string& record) {
        if (bucket) std::this_thread::sleep_for(bucket->take());
        publish_all(producers, o.topic, record);
    };
    char buf[65536];
    while (!stop.load()) {
        pollfd pfd{STDIN_FILENO, POLLIN, 0};
        int ready = ::poll(&pfd, 1, 100);
        if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fatal_error(std::string("read stdin: ") + std::strerror(errno));
        if (n == 0) {
            splitter.finish(emit);
            return;
        }
        splitter.feed(std::string_view(buf, static_cast<size_t>(n)), emit);
    }
}

}  // namespace

std::optional<to_nsq_options> parse_to_nsq(int argc, const char* const* argv, int* exit_code,
                                           std::ostream& err) {
    to_nsq_options o;
    config::option_set set("to_nsq");
    set.add_string("topic", "", "NSQ topic to publish to", &o.topic);
    set.add_string("delimiter", "", "character to split input from stdin", &o.delimiter);
    set.add_string_list("nsqd-tcp-address", "",
                        "destination nsqd TCP address (may be given multiple times)",
                        &o.nsqd_tcp_addresses);
    set.add_string_list("producer-opt", "",
                        "option to passthrough to nsq.Producer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.producer_opts);
    set.add_int("rate", "", "Throttle messages to n/second. 0 to disable", &o.rate);
    if (auto code = parse_flags(set, argc, argv, err)) {
        *exit_code = *code;
        return std::nullopt;
    }
    client::config probe;
    if (auto msg = apply_client_opts(probe, o.producer_opts, "producer-opt"); !msg.empty()) {
        err << msg << '\n' << set.usage();
        *exit_code = 2;
        return std::nullopt;
    }
    *exit_code = 1;
    if (o.topic.empty()) {
        go_log(err, "--topic required");
        return std::nullopt;
    }
    if (o.delimiter.size() != 1) {
        go_log(err, "--delimiter must be a single byte");
        return std::nullopt;
    }
    if (o.nsqd_tcp_addresses.empty()) {
        go_log(err, "--nsqd-tcp-address required");
        return std::nullopt;
    }
    *exit_code = 0;
    return o;
}

int to_nsq_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_to_nsq(argc, argv, &exit_code, std::cerr);
    if (!opts) return exit_code;
    std::atomic<bool> stop{false};
    signal_watcher signals({SIGINT, SIGTERM}, [&](int) { stop = true; });
    return run_tool(std::cerr, [&] {
        client::config cfg;
        apply_client_opts(cfg, opts->producer_opts, "producer-opt");
        cfg.user_agent = user_agent("to_nsq");
        producer_list producers;
        for (const auto& addr : opts->nsqd_tcp_addresses) {
            try {
                producers.push_back(std::make_unique<client::producer>(addr, cfg));
            } catch (const std::exception& e) {
                throw fatal_error(std::string("failed to create nsq.Producer - ") + e.what());
            }
        }
        pump_stdin(*opts, producers, stop);
        for (auto& p : producers) p->stop();
        return 0;
    });
}

}  // namespace nsqpp::tools
