#include "tools/nsq_to_nsq.h"

#include <signal.h>

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>

#include "config/option_set.h"
#include "nsqpp/consumer.h"
#include "nsqpp/producer.h"
#include "tools/cli.h"
#include "tools/client_setup.h"
#include "tools/host_pool.h"
#include "tools/signal_watcher.h"
#include "tools/timer_stats.h"
#include "wire/names.h"

namespace nsqpp::tools {
namespace {

void validate(const nsq_to_nsq_options& o) {
    if (o.topics.empty() || o.channel.empty()) {
        throw fatal_error("--topic and --channel are required");
    }
    for (const auto& t : o.topics) {
        if (!wire::is_valid_topic_name(t)) throw fatal_error("--topic is invalid");
    }
    if (!o.destination_topic.empty() && !wire::is_valid_topic_name(o.destination_topic)) {
        throw fatal_error("--destination-topic is invalid");
    }
    if (!wire::is_valid_channel_name(o.channel)) throw fatal_error("--channel is invalid");
    require_one_discovery(o.nsqd_tcp_addresses, o.lookupd_http_addresses);
    if (o.destination_addresses.empty()) {
        throw fatal_error("--destination-nsqd-tcp-address required");
    }
}

void log_line(const std::string& line) { go_log(std::cerr, line); }

// Filters each message and publishes it asynchronously; FIN on the destination's OK, REQ on
// its error or a lost connection.
class republisher {
  public:
    republisher(const nsq_to_nsq_options& o, const client::config& producer_cfg)
        : opts_(o),
          pool_(o.destination_addresses.size(), o.mode == "hostpool" || o.mode == "epsilon-greedy"),
          aggregate_("[aggregate]:", static_cast<int>(o.status_every), log_line) {
        int every = o.destination_addresses.size() > 1 ? static_cast<int>(o.status_every) : 0;
        for (const auto& addr : o.destination_addresses) {
            try {
                producers_.push_back(std::make_unique<client::producer>(addr, producer_cfg));
            } catch (const std::exception& e) {
                throw fatal_error(std::string("failed creating producer ") + e.what());
            }
            per_address_.push_back(
                std::make_unique<timer_stats>("[" + addr + "]:", every, log_line));
        }
    }

    client::error handle(client::message& m, const std::string& destination_topic) {
        auto filtered = apply_json_filter(opts_.filter, m.body());
        if (!filtered.log.empty()) log_line(filtered.log);
        if (filtered.action == json_filter_result::drop) return {};
        if (filtered.action == json_filter_result::requeue) return client::error("backoff");
        m.disable_auto_response();
        auto msg = m.shared_from_this();
        size_t i = pool_.pick();
        auto start = std::chrono::steady_clock::now();
        auto done = [this, msg, i, start](const client::error& err) {
            pool_.mark(i, !err);
            if (err) {
                log_line("ERROR: publishing message - " + err.message());
                msg->requeue();
                return;
            }
            msg->finish();
            auto took = std::chrono::steady_clock::now() - start;
            per_address_[i]->record(took);
            aggregate_.record(took);
        };
        producers_[i]->publish_async(destination_topic, std::move(filtered.body), std::move(done));
        return {};
    }

    void stop() {
        for (auto& p : producers_) p->stop();
    }

  private:
    const nsq_to_nsq_options& opts_;
    host_pool pool_;
    timer_stats aggregate_;
    std::vector<std::unique_ptr<client::producer>> producers_;
    std::vector<std::unique_ptr<timer_stats>> per_address_;
};

void register_flags(config::option_set& set, nsq_to_nsq_options& o, bool* show_version) {
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("channel", "", "nsq channel", &o.channel);
    set.add_string(
        "destination-topic", "",
        "use this destination topic for all consumed topics (default is consumed topic name)",
        &o.destination_topic);
    set.add_int("max-in-flight", "", "max number of messages to allow in flight", &o.max_in_flight);
    set.add_int("status-every", "",
                "the # of requests between logging status (per destination), 0 disables",
                &o.status_every);
    set.add_string(
        "mode", "",
        "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy",
        &o.mode);
    set.add_string("require-json-field", "",
                   "for JSON messages: only pass messages that contain this field",
                   &o.filter.require_field);
    set.add_string(
        "require-json-value", "",
        "for JSON messages: only pass messages in which the required field has this value",
        &o.filter.require_value);
    set.add_string_list("whitelist-json-field", "",
                        "for JSON messages: pass this field (may be given multiple times)",
                        &o.filter.whitelist);
    set.add_string_list("nsqd-tcp-address", "", "nsqd TCP address (may be given multiple times)",
                        &o.nsqd_tcp_addresses);
    set.add_string_list("destination-nsqd-tcp-address", "",
                        "destination nsqd TCP address (may be given multiple times)",
                        &o.destination_addresses);
    set.add_string_list("lookupd-http-address", "",
                        "lookupd HTTP address (may be given multiple times)",
                        &o.lookupd_http_addresses);
    set.add_string_list("topic", "", "nsq topic (may be given multiple times)", &o.topics);
    set.add_string_list("consumer-opt", "",
                        "option to passthrough to nsq.Consumer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.consumer_opts);
    set.add_string_list("producer-opt", "",
                        "option to passthrough to nsq.Producer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.producer_opts);
}

}  // namespace

std::optional<nsq_to_nsq_options> parse_nsq_to_nsq(int argc, const char* const* argv,
                                                   int* exit_code, std::ostream& out,
                                                   std::ostream& err) {
    nsq_to_nsq_options o;
    bool show_version = false;
    config::option_set set("nsq_to_nsq");
    register_flags(set, o, &show_version);
    if (auto code = parse_flags(set, argc, argv, err)) {
        *exit_code = *code;
        return std::nullopt;
    }
    client::config probe;
    std::string msg = apply_client_opts(probe, o.consumer_opts, "consumer-opt");
    if (msg.empty()) msg = apply_client_opts(probe, o.producer_opts, "producer-opt");
    if (!msg.empty()) {
        err << msg << '\n' << set.usage();
        *exit_code = 2;
        return std::nullopt;
    }
    if (show_version) {
        out << version_line("nsq_to_nsq") << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
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

int nsq_to_nsq_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_nsq_to_nsq(argc, argv, &exit_code, std::cout, std::cerr);
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
        if (auto w = status_every_warning(static_cast<int>(opts->status_every))) log_line(*w);
        client::config ccfg, pcfg;
        apply_client_opts(ccfg, opts->consumer_opts, "consumer-opt");
        apply_client_opts(pcfg, opts->producer_opts, "producer-opt");
        ccfg.user_agent = pcfg.user_agent = user_agent("nsq_to_nsq");
        ccfg.max_in_flight = static_cast<int>(opts->max_in_flight);
        auto publisher = std::make_shared<republisher>(*opts, pcfg);
        std::vector<std::unique_ptr<client::consumer>> consumers;
        for (const auto& topic : opts->topics) {
            consumers.push_back(std::make_unique<client::consumer>(topic, opts->channel, ccfg));
            std::string dest = opts->destination_topic.empty() ? topic : opts->destination_topic;
            consumers.back()->add_handler(
                [publisher, dest](client::message& m) { return publisher->handle(m, dest); },
                static_cast<int>(opts->destination_addresses.size()));
        }
        for (auto& c : consumers) {
            connect_consumer(*c, opts->nsqd_tcp_addresses, opts->lookupd_http_addresses);
        }
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return stop; });
        }
        for (auto& c : consumers) c->stop();
        for (auto& c : consumers) c->wait();
        publisher->stop();
        return 0;
    });
}

}  // namespace nsqpp::tools
