#pragma once
// nsq_to_file's per-topic worker (spec/tools.md §2.3-2.4): a consumer whose messages are
// appended to a rotating_file and FINished only after the data is synced to disk.
#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nsqpp/config.h"
#include "nsqpp/consumer.h"
#include "tools/nsq_to_file_options.h"
#include "tools/rotating_file.h"

namespace nsqpp::tools {

class file_logger {
  public:
    // Creates the consumer and connects it. Throws std::runtime_error (bad filename format,
    // invalid topic, connection failure).
    file_logger(const nsq_to_file_options& opts, std::string topic, const client::config& cfg,
                std::shared_ptr<spdlog::logger> log);
    ~file_logger();

    // The router loop: returns once the consumer has stopped and the file is closed. I/O
    // errors are fatal (logged, process exit 1), as in NSQ.
    void run();
    void terminate();  // graceful stop: CLS, sync, close, move (thread-safe)
    void hup();        // sync and close the current file (thread-safe)

  private:
    struct events {
        std::deque<client::message_ptr> messages;
        bool term = false;
        bool hup = false;
        bool stopped = false;
    };
    struct event {
        enum kind_t { tick, stopped, term, hup, message } kind;
        client::message_ptr msg;
    };
    // Waits for the next event (or `deadline` → tick, when `ticking`).
    event next_event(bool ticking, std::chrono::steady_clock::time_point deadline);
    void loop();
    void sync_pending(std::vector<client::message_ptr>& pending);

    const nsq_to_file_options& opts_;
    std::string topic_;
    std::string tag_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<rotating_file> file_;
    std::unique_ptr<client::consumer> consumer_;

    std::mutex mutex_;
    std::condition_variable cv_;
    events events_;
};

}  // namespace nsqpp::tools
