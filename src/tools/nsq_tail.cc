#include "tools/nsq_tail.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>

#include "config/option_set.h"
#include "nsqpp/consumer.h"
#include "tools/cli.h"
#include "tools/client_setup.h"
#include "tools/signal_watcher.h"

namespace nsqpp::tools {
namespace {

std::mutex stdout_mutex;

// Writes all of `data` to stdout unbuffered; false on error.
bool write_stdout(const std::string& data) {
    std::lock_guard lock(stdout_mutex);
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        left -= static_cast<size_t>(n);
    }
    return true;
}

std::string random_channel() {
    std::random_device rd;
    std::uniform_int_distribution<int> dist(0, 999998);
    return fmt::format("tail{:06}#ephemeral", dist(rd));
}

void validate(const nsq_tail_options& o) {
    require_one_discovery(o.nsqd_tcp_addresses, o.lookupd_http_addresses);
    if (o.topics.empty()) throw fatal_error("--topic required");
}

}  // namespace

std::string tail_line(const std::string& topic, const std::string& body, bool print_topic) {
    std::string line;
    line.reserve(body.size() + topic.size() + 4);
    if (print_topic) line.append(topic).append(" | ");
    line.append(body).push_back('\n');
    return line;
}

std::optional<nsq_tail_options> parse_nsq_tail(int argc, const char* const* argv, int* exit_code,
                                               std::ostream& out, std::ostream& err) {
    nsq_tail_options o;
    bool show_version = false;
    config::option_set set("nsq_tail");
    set.add_bool("version", "", "print version string", &show_version);
    set.add_string("channel", "", "NSQ channel", &o.channel);
    set.add_int("max-in-flight", "", "max number of messages to allow in flight", &o.max_in_flight);
    set.add_int("n", "", "total messages to show (will wait if starved)", &o.total_messages);
    set.add_bool("print-topic", "", "print topic name where message was received", &o.print_topic);
    set.add_string_list("nsqd-tcp-address", "", "nsqd TCP address (may be given multiple times)",
                        &o.nsqd_tcp_addresses);
    set.add_string_list("lookupd-http-address", "",
                        "lookupd HTTP address (may be given multiple times)",
                        &o.lookupd_http_addresses);
    set.add_string_list("topic", "", "NSQ topic (may be given multiple times)", &o.topics);
    set.add_string_list("consumer-opt", "",
                        "option to passthrough to nsq.Consumer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.consumer_opts);
    if (auto code = parse_flags(set, argc, argv, err)) {
        *exit_code = *code;
        return std::nullopt;
    }
    client::config probe;
    if (auto msg = apply_client_opts(probe, o.consumer_opts, "consumer-opt"); !msg.empty()) {
        err << msg << '\n' << set.usage();
        *exit_code = 2;
        return std::nullopt;
    }
    if (show_version) {
        out << version_line("nsq_tail") << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
    if (o.channel.empty()) o.channel = random_channel();
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

int nsq_tail_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_nsq_tail(argc, argv, &exit_code, std::cout, std::cerr);
    if (!opts) return exit_code;
    std::mutex mutex;
    std::condition_variable cv;
    bool stop = false;
    signal_watcher signals({SIGINT, SIGTERM}, [&](int) {
        std::lock_guard lock(mutex);
        stop = true;
        cv.notify_all();
    });
    return run_tool(std::cerr, [&] {
        client::config cfg;
        apply_client_opts(cfg, opts->consumer_opts, "consumer-opt");
        cfg.user_agent = user_agent("nsq_tail");
        int64_t max_in_flight = opts->max_in_flight;
        if (opts->total_messages > 0 && opts->total_messages < max_in_flight) {
            max_in_flight = opts->total_messages;
        }
        cfg.max_in_flight = static_cast<int>(max_in_flight);
        std::vector<std::unique_ptr<client::consumer>> consumers;
        for (const auto& topic : opts->topics) {
            write_stdout(fmt::format("Adding consumer for topic: {}\n", topic));
            try {
                consumers.push_back(std::make_unique<client::consumer>(topic, opts->channel, cfg));
            } catch (const std::invalid_argument& e) {
                throw fatal_error(e.what());
            }
            auto count = std::make_shared<std::atomic<int64_t>>(0);
            int64_t total = opts->total_messages;
            bool print_topic = opts->print_topic;
            consumers.back()->add_handler([topic, count, total, print_topic](client::message& m) {
                if (!write_stdout(tail_line(topic, m.body(), print_topic))) {
                    go_log(std::cerr, "ERROR: failed to write to os.Stdout");
                    ::_exit(1);
                }
                if (total > 0 && ++*count >= total) ::_exit(0);
                return client::error{};
            });
            connect_consumer(*consumers.back(), opts->nsqd_tcp_addresses,
                             opts->lookupd_http_addresses);
        }
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return stop; });
        }
        for (auto& c : consumers) c->stop();
        for (auto& c : consumers) c->wait();
        return 0;
    });
}

}  // namespace nsqpp::tools
