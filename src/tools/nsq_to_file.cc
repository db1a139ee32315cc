#include "tools/nsq_to_file.h"

#include <signal.h>

#include <condition_variable>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>

#include "base/log.h"
#include "tools/cli.h"
#include "tools/client_setup.h"
#include "tools/cluster_query.h"
#include "tools/file_logger.h"
#include "tools/nsq_to_file_options.h"
#include "tools/signal_watcher.h"

namespace nsqpp::tools {
namespace {

// Go's TopicDiscoverer: one file_logger (and router thread) per allowed topic; with no --topic,
// polls the lookupds' /topics every --topic-refresh; forwards SIGHUP / SIGINT / SIGTERM.
class topic_discoverer {
  public:
    topic_discoverer(const nsq_to_file_options& opts, client::config cfg,
                     std::shared_ptr<spdlog::logger> log)
        : opts_(opts), cfg_(std::move(cfg)), log_(std::move(log)) {
        if (!opts_.topic_pattern.empty()) pattern_.emplace(opts_.topic_pattern);
    }

    void signal(int sig) {
        std::lock_guard lock(mutex_);
        if (sig == SIGHUP) {
            hup_ = true;
        } else {
            term_ = true;
        }
        cv_.notify_all();
    }

    void run() {
        update_topics(opts_.topics);
        auto interval =
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(opts_.topic_refresh);
        auto next = std::chrono::steady_clock::now() + interval;
        for (;;) {
            std::unique_lock lock(mutex_);
            bool woke = opts_.topics.empty()
                            ? cv_.wait_until(lock, next, [&] { return term_ || hup_; })
                            : (cv_.wait(lock, [&] { return term_ || hup_; }), true);
            if (term_) break;
            if (hup_) {
                hup_ = false;
                for (auto& [name, t] : topics_) t.logger->hup();
                continue;
            }
            if (woke) continue;
            lock.unlock();
            next += interval;
            refresh();
        }
        for (auto& [name, t] : topics_) t.logger->terminate();
        for (auto& [name, t] : topics_) t.thread.join();
        topics_.clear();
    }

  private:
    struct running {
        std::unique_ptr<file_logger> logger;
        std::thread thread;
    };

    void refresh() {
        try {
            update_topics(lookupd_topics(opts_.lookupd_http_addresses,
                                         {opts_.connect_timeout, opts_.request_timeout}));
        } catch (const std::exception& e) {
            log_->error("could not retrieve topic list: {}", e.what());
        }
    }

    void update_topics(const std::vector<std::string>& topics) {
        for (const auto& topic : topics) {
            if (topics_.count(topic) != 0) continue;
            if (pattern_ && !std::regex_search(topic, *pattern_)) {
                log_->warn("skipping topic {} (doesn't match pattern {})", topic,
                           opts_.topic_pattern);
                continue;
            }
            try {
                auto logger = std::make_unique<file_logger>(opts_, topic, cfg_, log_);
                file_logger* raw = logger.get();
                running r{std::move(logger), std::thread([raw] { raw->run(); })};
                topics_.emplace(topic, std::move(r));
            } catch (const std::exception& e) {
                log_->error("couldn't create logger for new topic {}: {}", topic, e.what());
            }
        }
    }

    const nsq_to_file_options& opts_;
    client::config cfg_;
    std::shared_ptr<spdlog::logger> log_;
    std::optional<std::regex> pattern_;
    std::map<std::string, running> topics_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool term_ = false;
    bool hup_ = false;
};

}  // namespace

int nsq_to_file_main(int argc, char** argv) {
    int exit_code = 0;
    auto opts = parse_nsq_to_file(argc, argv, &exit_code, std::cout, std::cerr);
    if (!opts) return exit_code;
    auto log = base::make_logger("nsq_to_file", opts->log_prefix,
                                 base::parse_log_level(opts->log_level).value());
    std::optional<std::regex> probe;
    try {
        if (!opts->topic_pattern.empty()) probe.emplace(opts->topic_pattern);
    } catch (const std::regex_error& e) {
        go_log(std::cerr, std::string("invalid --topic-pattern: ") + e.what());
        return 1;
    }
    client::config cfg;
    for (const auto& opt : opts->consumer_opts) cfg.set_flag(opt);  // invalid ones ignored
    cfg.user_agent = user_agent("nsq_to_file");
    cfg.max_in_flight = static_cast<int>(opts->max_in_flight);
    topic_discoverer discoverer(*opts, cfg, log);
    signal_watcher signals({SIGHUP, SIGINT, SIGTERM}, [&](int sig) { discoverer.signal(sig); });
    discoverer.run();
    return 0;
}

}  // namespace nsqpp::tools
