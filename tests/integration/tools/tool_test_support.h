#pragma once
// Helpers for the tool tests: the built tool binaries run as child processes against nsqd
// started in-process on 127.0.0.1:0, HTTP publishing/inspection of that nsqd, polling.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nsqd/nsqd.h"
#include "nsqlookupd/nsqlookupd.h"
#include "tests/support/process.h"

namespace nsqpp::test {

using namespace std::chrono_literals;

// Polls `pred` every 20 ms until it is true or `timeout` passes.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return pred();
}

// nsqlookupd on 127.0.0.1:0, and an nsqd registered with it (broadcast address 127.0.0.1).
std::unique_ptr<nsqlookupd::nsqlookupd> start_lookupd();
std::unique_ptr<nsqd::nsqd> start_nsqd_for(const nsqlookupd::nsqlookupd& l);
std::string http_address(const nsqlookupd::nsqlookupd& l);
// True once lookupd's /lookup?topic= lists a producer.
bool lookupd_has_producer(const nsqlookupd::nsqlookupd& l, const std::string& topic);

std::string tcp_address(const nsqd::nsqd& d);   // "127.0.0.1:<tcp port>"
std::string http_address(const nsqd::nsqd& d);  // "127.0.0.1:<http port>"

// POST /pub, /mpub (newline separated) or /channel/create on `d`; fails the test on non-200.
void http_pub(const nsqd::nsqd& d, const std::string& topic, const std::string& body);
void http_mpub(const nsqd::nsqd& d, const std::string& topic,
               const std::vector<std::string>& bodies);
void create_channel(const nsqd::nsqd& d, const std::string& topic, const std::string& channel);

// A channel's counters from /stats (-1 when the channel does not exist).
struct channel_state {
    int64_t depth = -1;
    int64_t in_flight = -1;
    int64_t message_count = -1;
    int64_t requeue_count = -1;
    int64_t client_count = -1;
};
channel_state channel_stats(const nsqd::nsqd& d, const std::string& topic,
                            const std::string& channel);
// The topic's message_count (-1 when it does not exist).
int64_t topic_message_count(const nsqd::nsqd& d, const std::string& topic);

// A new temporary directory (removed at process exit by the support library).
std::string temp_dir();
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);

// Runs `binary args...` through /bin/sh with stdin from `stdin_path` and stdout to
// `stdout_path` (when non-empty); stderr goes to `log_path`.
std::unique_ptr<child_process> spawn_redirected(const std::string& binary,
                                                const std::vector<std::string>& args,
                                                const std::string& stdin_path,
                                                const std::string& stdout_path,
                                                const std::string& log_path);

// Lines of `text` (without the trailing newline).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace nsqpp::test
