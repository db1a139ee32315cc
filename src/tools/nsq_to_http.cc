#include "tools/nsq_to_http.h"

#include <signal.h>

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>

#include "config/option_set.h"
#include "nsqpp/consumer.h"
#include "tools/cli.h"
#include "tools/client_setup.h"
#include "tools/host_pool.h"
#include "tools/signal_watcher.h"
#include "tools/timer_stats.h"

namespace nsqpp::tools {
namespace {

void validate(nsq_to_http_options& o) {
    if (!o.headers.empty()) {
        auto parsed = parse_custom_headers(o.headers);
        if (!parsed) throw fatal_error("--header value format should be 'key=value'");
        o.parsed_headers = std::move(*parsed);
    }
    if (o.topic.empty() || o.channel.empty()) {
        throw fatal_error("--topic and --channel are required");
    }
    if (o.content_type != "application/octet-stream") {
        if (o.post_addresses.empty()) throw fatal_error("--content-type only used with --post");
        if (o.content_type.empty()) throw fatal_error("--content-type requires a value when used");
    }
    require_one_discovery(o.nsqd_tcp_addresses, o.lookupd_http_addresses);
    if (o.get_addresses.empty() && o.post_addresses.empty()) {
        throw fatal_error("--get or --post required");
    }
    if (!o.get_addresses.empty() && !o.post_addresses.empty()) {
        throw fatal_error("use --get or --post not both");
    }
    for (const auto& g : o.get_addresses) {
        if (count_percent_s(g) != 1) {
            throw fatal_error("invalid GET address - must be a printf string");
        }
    }
    if (o.sample > 1.0 || o.sample < 0.0) {
        throw fatal_error("ERROR: --sample must be between 0.0 and 1.0");
    }
}

void log_line(const std::string& line) { go_log(std::cerr, line); }

// The per-message work: destination choice, request(s), timing statistics.
class publish_handler {
  public:
    explicit publish_handler(const nsq_to_http_options& o)
        : opts_(o),
          addresses_(o.post_addresses.empty() ? o.get_addresses : o.post_addresses),
          fanout_(o.mode != "hostpool" && o.mode != "epsilon-greedy" && o.mode != "round-robin"),
          pool_(addresses_.size(), o.mode != "round-robin"),
          aggregate_("[aggregate]:", static_cast<int>(o.status_every), log_line) {
        settings_.post = !o.post_addresses.empty();
        settings_.content_type = o.content_type;
        settings_.custom_headers = o.parsed_headers;
        settings_.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
            o.connect_timeout + o.request_timeout);
        int every = addresses_.size() > 1 ? static_cast<int>(o.status_every) : 0;
        for (const auto& a : addresses_) {
            per_address_.push_back(std::make_unique<timer_stats>("[" + a + "]:", every, log_line));
        }
    }

    client::error handle(client::message& m) {
        if (opts_.sample < 1.0 && !sampled()) return {};
        auto start = std::chrono::steady_clock::now();
        if (fanout_) {
            for (size_t i = 0; i < addresses_.size(); ++i) {
                auto st = std::chrono::steady_clock::now();
                if (auto err = http_publish(settings_, addresses_[i], m.body()); !err.empty()) {
                    return client::error(err);
                }
                per_address_[i]->record(std::chrono::steady_clock::now() - st);
            }
        } else {
            size_t i = pool_.pick();
            auto err = http_publish(settings_, addresses_[i], m.body());
            pool_.mark(i, err.empty());
            if (!err.empty()) return client::error(err);
            per_address_[i]->record(std::chrono::steady_clock::now() - start);
        }
        aggregate_.record(std::chrono::steady_clock::now() - start);
        return {};
    }

  private:
    bool sampled() {
        std::lock_guard lock(rng_mutex_);
        return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) <= opts_.sample;
    }

    const nsq_to_http_options& opts_;
    std::vector<std::string> addresses_;
    bool fanout_;
    host_pool pool_;
    http_publish_settings settings_;
    timer_stats aggregate_;
    std::vector<std::unique_ptr<timer_stats>> per_address_;
    std::mutex rng_mutex_;
    std::mt19937_64 rng_{std::random_device{}()};
};

void register_flags(config::option_set& set, nsq_to_http_options& o, bool* show_version,
                    std::string* sample) {
    set.add_bool("version", "", "print version string", show_version);
    set.add_string("topic", "", "nsq topic", &o.topic);
    set.add_string("channel", "", "nsq channel", &o.channel);
    set.add_int("max-in-flight", "", "max number of messages to allow in flight", &o.max_in_flight);
    set.add_int("n", "", "number of concurrent publishers", &o.concurrency);
    set.add_string(
        "mode", "",
        "the upstream request mode options: round-robin, hostpool (default), epsilon-greedy",
        &o.mode);
    set.add_string("sample", "", "% of messages to publish (float b/w 0 -> 1)", sample);
    set.set_validator("sample", [](std::string& v) {
        return config::parse_go_float(v) ? std::string() : std::string("parse error");
    });
    set.set_usage("sample", "float", "1");
    set.add_int("status-every", "",
                "the # of requests between logging status (per handler), 0 disables",
                &o.status_every);
    set.add_string("content-type", "", "the Content-Type used for POST requests", &o.content_type);
    set.add_duration("http-client-connect-timeout", "", "timeout for HTTP connect",
                     &o.connect_timeout);
    set.add_duration("http-client-request-timeout", "", "timeout for HTTP request",
                     &o.request_timeout);
    set.add_string_list("nsqd-tcp-address", "", "nsqd TCP address (may be given multiple times)",
                        &o.nsqd_tcp_addresses);
    set.add_string_list("lookupd-http-address", "",
                        "lookupd HTTP address (may be given multiple times)",
                        &o.lookupd_http_addresses);
    set.add_string_list("get", "",
                        "HTTP address to make a GET request to. '%s' will be printf replaced with "
                        "data (may be given multiple times)",
                        &o.get_addresses);
    set.add_string_list("post", "",
                        "HTTP address to make a POST request to.  data will be in the body (may be "
                        "given multiple times)",
                        &o.post_addresses);
    set.add_string_list(
        "header", "", "Custom header for HTTP requests (may be given multiple times)", &o.headers);
    set.add_string_list("consumer-opt", "",
                        "option to passthrough to nsq.Consumer (may be given multiple times, "
                        "http://godoc.org/github.com/nsqio/go-nsq#Config)",
                        &o.consumer_opts);
}

}  // namespace

std::optional<nsq_to_http_options> parse_nsq_to_http(int argc, const char* const* argv,
                                                     int* exit_code, std::ostream& out,
                                                     std::ostream& err) {
    nsq_to_http_options o;
    bool show_version = false;
    std::string sample = "1";
    config::option_set set("nsq_to_http");
    register_flags(set, o, &show_version, &sample);
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
        out << version_line("nsq_to_http") << '\n';
        *exit_code = 0;
        return std::nullopt;
    }
    o.sample = config::parse_go_float(sample).value_or(1.0);
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

int nsq_to_http_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_nsq_to_http(argc, argv, &exit_code, std::cout, std::cerr);
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
        client::config cfg;
        apply_client_opts(cfg, opts->consumer_opts, "consumer-opt");
        cfg.user_agent = user_agent("nsq_to_http");
        cfg.max_in_flight = static_cast<int>(opts->max_in_flight);
        auto handler = std::make_shared<publish_handler>(*opts);
        std::unique_ptr<client::consumer> consumer;
        try {
            consumer = std::make_unique<client::consumer>(opts->topic, opts->channel, cfg);
        } catch (const std::invalid_argument& e) {
            throw fatal_error(e.what());
        }
        consumer->add_handler([handler](client::message& m) { return handler->handle(m); },
                              static_cast<int>(std::max<int64_t>(opts->concurrency, 1)));
        consumer->on_stopped([&] {
            std::lock_guard lock(mutex);
            stop = true;
            cv.notify_all();
        });
        connect_consumer(*consumer, opts->nsqd_tcp_addresses, opts->lookupd_http_addresses);
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return stop; });
        }
        consumer->stop();
        consumer->wait();
        return 0;
    });
}

}  // namespace nsqpp::tools
