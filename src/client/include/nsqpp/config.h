#pragma once
// Producer/consumer configuration with go-nsq v1.1.0's option names, defaults and ranges
// (shared/spec/client.md §2). A config is copied into each producer/consumer and validated there.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "nsqpp/error.h"

namespace nsqpp::client {

using duration = std::chrono::milliseconds;

enum class backoff_strategy { exponential, full_jitter };

enum class log_level { debug = 0, info = 1, warn = 2, error = 3, none = 4 };

// Receives every log line at or above config::log_level. `text` is go-nsq's line without the
// date, e.g. "INF    1 [topic/channel] (127.0.0.1:4150) connecting to nsqd".
using log_function = std::function<void(log_level level, std::string_view text)>;

struct tls_options {
    std::string root_ca_file;            // tls_root_ca_file: CA bundle (PEM); empty = system CAs
    bool insecure_skip_verify = false;   // tls_insecure_skip_verify
    std::string cert_file;               // tls_cert (client certificate, PEM)
    std::string key_file;                // tls_key
    std::string min_version = "tls1.0";  // tls_min_version: ssl3.0 | tls1.0 | tls1.1 | tls1.2
    std::string server_name;             // SNI / verification name; empty = the nsqd host
};

struct config {
    // Fills client_id (short hostname) and hostname from the machine's host name.
    config();

    duration dial_timeout{1000};
    duration read_timeout{60'000};  // 100ms..5m, >= heartbeat_interval
    duration write_timeout{1000};   // 100ms..5m
    std::string local_addr;         // "ip" or "ip:port" to bind when dialing; empty = any

    duration lookupd_poll_interval{60'000};  // 10ms..5m
    double lookupd_poll_jitter = 0.3;        // 0..1
    duration lookupd_poll_timeout{60'000};

    duration max_requeue_delay{15 * 60'000};  // 0..60m
    duration default_requeue_delay{90'000};   // 0..60m
    client::backoff_strategy backoff_strategy = client::backoff_strategy::exponential;
    duration max_backoff_duration{120'000};  // 0..60m; 0 disables backoff
    duration backoff_multiplier{1000};       // 0..60m
    uint16_t max_attempts = 5;               // 0 = unlimited

    duration low_rdy_idle_timeout{10'000};     // 1s..5m
    duration low_rdy_timeout{30'000};          // 1s..5m
    duration rdy_redistribute_interval{5000};  // 1ms..5s

    std::string client_id;   // IDENTIFY client_id / short_id
    std::string hostname;    // IDENTIFY hostname / long_id
    std::string user_agent;  // default "nsqpp/<version>"

    duration heartbeat_interval{30'000};  // -1 disables (producers only)
    int32_t sample_rate = 0;              // 0..99

    bool tls_v1 = false;
    tls_options tls;

    bool deflate = false;
    int deflate_level = 6;  // 1..9
    bool snappy = false;

    int64_t output_buffer_size = 16384;   // -1 disables buffering in nsqd
    duration output_buffer_timeout{250};  // -1 disables the timeout

    int max_in_flight = 1;    // >= 0
    duration msg_timeout{0};  // 0 = nsqd's default
    std::string auth_secret;
    bool skip_lookupd_authorization = true;  // true: send "Authorization: Bearer <secret>"

    client::log_level log_level = client::log_level::info;
    log_function logger;  // empty = stderr with Go's "2006/01/02 15:04:05 " prefix

    // Sets an option by its go-nsq name ("max_in_flight" or "max-in-flight"). Durations take Go
    // syntax ("250ms", "1m30s") or an integer = milliseconds; booleans true/false/1/0/t/f;
    // tls_* options as listed above. Errors: "invalid option <name>", "invalid <option> ! <v> <
    // <min>" / "... > <max>", or a parse error naming the option.
    error set(std::string_view name, std::string_view value);

    // The NSQ tools' --consumer-opt / --producer-opt form: "name,value" or "name" (= true).
    error set_flag(std::string_view opt);

    // Every range of §2.1, heartbeat_interval <= read_timeout ("HeartbeatInterval <h> must be
    // less than ReadTimeout <r>"), deflate and snappy not both set.
    error validate() const;

    // The option names `set` accepts (with '_').
    static std::vector<std::string> option_names();
};

}  // namespace nsqpp::client
