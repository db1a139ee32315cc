// nsqd's flag table and command-line handling (spec/nsqd.md §8).
#include "nsqd/options_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace nsqpp::nsqd {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct run_result {
    std::optional<options> opts;
    int exit_code = -1;
    std::string out;
    std::string err;
};

run_result run(std::vector<const char*> args) {
    args.insert(args.begin(), "nsqd");
    std::ostringstream out;
    std::ostringstream err;
    run_result r;
    r.opts = parse_command_line(static_cast<int>(args.size()), args.data(), &r.exit_code, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

class temp_file {
  public:
    explicit temp_file(const std::string& content) {
        static std::atomic<int> counter{0};
        dir_ =
            fs::temp_directory_path() / ("nsqpp-nsqd-options-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter++));
        fs::create_directories(dir_);
        path_ = (dir_ / "nsqd.cfg").string();
        std::ofstream(path_) << content;
    }
    ~temp_file() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    const std::string& path() const { return path_; }

  private:
    fs::path dir_;
    std::string path_;
};

// Every flag of spec §8.2 with a valid value; none may be rejected.
TEST(nsqd_options, every_flag_of_the_spec_is_accepted) {
    const std::vector<const char*> args = {
        "--version=false",
        "--config=",
        "--log-level=debug",
        "--log-prefix=[x] ",
        "--verbose",
        "--node-id=5",
        "--worker-id",
        "--tcp-address=127.0.0.1:0",
        "--http-address=",
        "--https-address=127.0.0.1:0",
        "--broadcast-address=host",
        "--broadcast-tcp-port=1",
        "--broadcast-http-port=2",
        "--lookupd-tcp-address=a:4160",
        "--auth-http-address=http://auth/x",
        "--http-client-connect-timeout=3s",
        "--http-client-request-timeout=6s",
        "--data-path=/tmp",
        "--mem-queue-size=1",
        "--max-bytes-per-file=2",
        "--sync-every=3",
        "--sync-timeout=4s",
        "--queue-scan-worker-pool-max=5",
        "--queue-scan-selection-count=6",
        "--msg-timeout=7s",
        "--max-msg-timeout=8m",
        "--max-msg-size=9",
        "--max-req-timeout=10h",
        "--max-body-size=11",
        "--max-heartbeat-interval=12s",
        "--max-rdy-count=13",
        "--max-output-buffer-size=14",
        "--max-output-buffer-timeout=15s",
        "--min-output-buffer-timeout=16ms",
        "--output-buffer-timeout=17ms",
        "--max-channel-consumers=18",
        "--statsd-address=127.0.0.1:8125",
        "--statsd-interval=19s",
        "--statsd-mem-stats=false",
        "--statsd-prefix=p.%s",
        "--statsd-udp-packet-size=20",
        "--statsd-exclude-ephemeral",
        "--e2e-processing-latency-percentile=0.5",
        "--e2e-processing-latency-window-time=21m",
        "--tls-cert=c.pem",
        "--tls-key=k.pem",
        "--tls-client-auth-policy=require",
        "--tls-root-ca-file=ca.pem",
        "--tls-required=tcp-https",
        "--tls-min-version=TLS1.2",
        "--deflate=false",
        "--max-deflate-level=9",
        "--snappy=false",
        "--worker-threads=3",
    };
    run_result r = run(args);
    ASSERT_TRUE(r.opts.has_value()) << r.err;
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    const options& o = *r.opts;
    EXPECT_EQ(o.log_level, "debug");
    EXPECT_EQ(o.log_prefix, "[x] ");
    EXPECT_EQ(o.node_id, 5);
    EXPECT_EQ(o.tcp_address, "127.0.0.1:0");
    EXPECT_EQ(o.http_address, "");
    EXPECT_EQ(o.https_address, "127.0.0.1:0");
    EXPECT_EQ(o.broadcast_address, "host");
    EXPECT_EQ(o.broadcast_tcp_port, 1);
    EXPECT_EQ(o.broadcast_http_port, 2);
    EXPECT_EQ(o.lookupd_tcp_addresses, std::vector<std::string>{"a:4160"});
    EXPECT_EQ(o.auth_http_addresses, std::vector<std::string>{"http://auth/x"});
    EXPECT_EQ(o.http_client_connect_timeout, 3s);
    EXPECT_EQ(o.http_client_request_timeout, 6s);
    EXPECT_EQ(o.data_path, "/tmp");
    EXPECT_EQ(o.mem_queue_size, 1);
    EXPECT_EQ(o.max_bytes_per_file, 2);
    EXPECT_EQ(o.sync_every, 3);
    EXPECT_EQ(o.sync_timeout, 4s);
    EXPECT_EQ(o.queue_scan_worker_pool_max, 5);
    EXPECT_EQ(o.queue_scan_selection_count, 6);
    EXPECT_EQ(o.msg_timeout, 7s);
    EXPECT_EQ(o.max_msg_timeout, 8min);
    EXPECT_EQ(o.max_msg_size, 9);
    EXPECT_EQ(o.max_req_timeout, 10h);
    EXPECT_EQ(o.max_body_size, 11);
    EXPECT_EQ(o.max_heartbeat_interval, 12s);
    EXPECT_EQ(o.max_rdy_count, 13);
    EXPECT_EQ(o.max_output_buffer_size, 14);
    EXPECT_EQ(o.max_output_buffer_timeout, 15s);
    EXPECT_EQ(o.min_output_buffer_timeout, 16ms);
    EXPECT_EQ(o.output_buffer_timeout, 17ms);
    EXPECT_EQ(o.max_channel_consumers, 18);
    EXPECT_EQ(o.statsd_address, "127.0.0.1:8125");
    EXPECT_EQ(o.statsd_interval, 19s);
    EXPECT_FALSE(o.statsd_mem_stats);
    EXPECT_EQ(o.statsd_prefix, "p.%s");
    EXPECT_EQ(o.statsd_udp_packet_size, 20);
    EXPECT_TRUE(o.statsd_exclude_ephemeral);
    EXPECT_EQ(o.e2e_processing_latency_percentiles, std::vector<double>{0.5});
    EXPECT_EQ(o.e2e_processing_latency_window_time, 21min);
    EXPECT_EQ(o.tls_cert, "c.pem");
    EXPECT_EQ(o.tls_key, "k.pem");
    EXPECT_EQ(o.tls_client_auth_policy, "require");
    EXPECT_EQ(o.tls_root_ca_file, "ca.pem");
    EXPECT_EQ(o.tls_required, "tcp-https");
    EXPECT_EQ(o.tls_min_version, "tls1.2");
    EXPECT_FALSE(o.deflate);
    EXPECT_EQ(o.max_deflate_level, 9);
    EXPECT_FALSE(o.snappy);
    EXPECT_EQ(o.worker_threads, 3);
}

TEST(nsqd_options, defaults_without_arguments) {
    run_result r = run({});
    ASSERT_TRUE(r.opts.has_value());
    EXPECT_EQ(r.exit_code, 0);
    const options def;
    EXPECT_EQ(r.opts->tcp_address, def.tcp_address);
    EXPECT_EQ(r.opts->msg_timeout, 60s);
    EXPECT_EQ(r.opts->node_id, -1);
    EXPECT_EQ(r.opts->tls_required, "false");
    EXPECT_EQ(r.opts->tls_min_version, "tls1.0");
    EXPECT_EQ(r.opts->log_level, "info");
}

TEST(nsqd_options, version_prints_to_stdout_and_exits_0) {
    run_result r = run({"--version"});
    EXPECT_FALSE(r.opts.has_value());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "nsqd v1.3.0 (built w/nsqpp)\n");
    EXPECT_EQ(r.err, "");
}

TEST(nsqd_options, help_prints_usage_to_stderr_and_exits_0) {
    for (const char* h : {"-h", "--help", "-help"}) {
        run_result r = run({h});
        EXPECT_FALSE(r.opts.has_value());
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err.rfind("Usage of nsqd:\n", 0), 0u);
    }
}

TEST(nsqd_options, usage_shows_go_style_defaults) {
    run_result r = run({"-h"});
    const std::string& u = r.err;
    EXPECT_NE(u.find("  -msg-timeout duration\n"
                     "    \tdefault duration to wait before auto-requeing a message "
                     "(default 1m0s)\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -log-level value\n"
                     "    \tset log verbosity: debug, info, warn, error, or fatal "
                     "(default INFO)\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -log-prefix string\n    \tlog message prefix (default \"[nsqd] \")\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -snappy\n    \tenable snappy feature negotiation (client compression) "
                     "(default true)\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -tls-min-version value\n"), std::string::npos);
    EXPECT_NE(u.find("(default 769)\n"), std::string::npos);
    EXPECT_NE(u.find("  -tls-required\n    \trequire TLS for client connections (true, false, "
                     "tcp-https)\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -node-id int\n    \tunique part for message IDs, (int) in range "
                     "[0,1024) (default is hash of hostname)\n"),
              std::string::npos);
    EXPECT_NE(u.find("  -lookupd-tcp-address value\n"), std::string::npos);
    EXPECT_NE(u.find("  -worker-threads int\n"), std::string::npos);
    // Sorted by name.
    EXPECT_LT(u.find("  -auth-http-address"), u.find("  -broadcast-address"));
    EXPECT_LT(u.find("  -tls-required"), u.find("  -verbose"));
}

TEST(nsqd_options, unknown_flag_exits_2_with_message_and_usage) {
    run_result r = run({"--nope"});
    EXPECT_FALSE(r.opts.has_value());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("flag provided but not defined: -nope\nUsage of nsqd:\n", 0), 0u);
}

TEST(nsqd_options, client_timeout_is_not_a_flag) {
    EXPECT_EQ(run({"--client-timeout=1s"}).exit_code, 2);
}

TEST(nsqd_options, bad_values_exit_2) {
    EXPECT_EQ(run({"--mem-queue-size=x"})
                  .err.rfind("invalid value \"x\" for flag -mem-queue-size: parse error\n", 0),
              0u);
    run_result level = run({"--log-level=loud"});
    EXPECT_EQ(level.exit_code, 2);
    EXPECT_EQ(level.err.rfind("invalid value \"loud\" for flag -log-level: invalid log level "
                              "'loud' (debug, info, warn, error, fatal)\n",
                              0),
              0u);
    run_result tls = run({"--tls-required=maybe"});
    EXPECT_EQ(tls.exit_code, 2);
    EXPECT_EQ(tls.err.rfind("invalid boolean value \"maybe\" for -tls-required: "
                            "strconv.ParseBool: parsing \"maybe\": invalid syntax\n",
                            0),
              0u);
    run_result version = run({"--tls-min-version=ssl3.0"});
    EXPECT_EQ(version.exit_code, 2);
    EXPECT_EQ(version.err.rfind("invalid value \"ssl3.0\" for flag -tls-min-version: unknown "
                                "tlsVersionOption \"ssl3.0\"\n",
                                0),
              0u);
}

TEST(nsqd_options, normalizations) {
    run_result r = run({"--log-level=WARN", "--tls-required", "--tls-min-version="});
    ASSERT_TRUE(r.opts.has_value()) << r.err;
    EXPECT_EQ(r.opts->log_level, "warn");
    EXPECT_EQ(r.opts->tls_required, "true");
    EXPECT_EQ(r.opts->tls_min_version, "tls1.0");
    r = run({"--tls-required=F"});
    EXPECT_EQ(r.opts->tls_required, "false");
}

TEST(nsqd_options, unparsable_percentile_exits_1_without_usage) {
    run_result r = run({"--e2e-processing-latency-percentile=0.9,abc"});
    EXPECT_FALSE(r.opts.has_value());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(" Could not parse: abc\n"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Usage of"), std::string::npos);
}

TEST(nsqd_options, percentiles_are_sorted_descending) {
    run_result r = run({"--e2e-processing-latency-percentile=0.5,1.0",
                        "--e2e-processing-latency-percentile=0.99"});
    ASSERT_TRUE(r.opts.has_value());
    EXPECT_EQ(r.opts->e2e_processing_latency_percentiles, (std::vector<double>{1.0, 0.99, 0.5}));
}

TEST(nsqd_options, stray_positional_disables_later_flags) {
    run_result r =
        run({"-tcp-address=127.0.0.1:9150", "-snappy", "false", "-http-address=127.0.0.1:9151"});
    ASSERT_TRUE(r.opts.has_value());
    EXPECT_EQ(r.opts->tcp_address, "127.0.0.1:9150");
    EXPECT_TRUE(r.opts->snappy);
    EXPECT_EQ(r.opts->http_address, "0.0.0.0:4151");
}

TEST(nsqd_options, config_file_with_flag_precedence) {
    temp_file cfg(
        "log_level = \"ERROR\"\n"
        "id = 12\n"
        "tcp_address = \"127.0.0.1:1\"\n"
        "http_address = \"127.0.0.1:2\"\n"
        "nsqlookupd_tcp_addresses = [\"127.0.0.1:4160\"]\n"
        "auth_http_addresses = \"a:1,b:2\"\n"
        "msg_timeout = 12000\n"
        "e2e_processing_latency_percentiles = [1.0, 0.99, 0.95]\n"
        "tls_required = true\n"
        "tls_min_version = \"TLS1.3\"\n"
        "statsd_mem_stats = 0\n"
        "worker_threads = 2\n"
        "unknown_key = \"ignored\"\n");
    std::string config_flag = "--config=" + cfg.path();
    run_result r = run({config_flag.c_str(), "--tcp-address=127.0.0.1:9"});
    ASSERT_TRUE(r.opts.has_value()) << r.err;
    const options& o = *r.opts;
    EXPECT_EQ(o.log_level, "error");
    EXPECT_EQ(o.node_id, 12);
    EXPECT_EQ(o.tcp_address, "127.0.0.1:9");  // flag wins
    EXPECT_EQ(o.http_address, "127.0.0.1:2");
    EXPECT_EQ(o.lookupd_tcp_addresses, std::vector<std::string>{"127.0.0.1:4160"});
    EXPECT_EQ(o.auth_http_addresses, (std::vector<std::string>{"a:1", "b:2"}));
    EXPECT_EQ(o.msg_timeout, 12s);
    EXPECT_EQ(o.e2e_processing_latency_percentiles, (std::vector<double>{1.0, 0.99, 0.95}));
    EXPECT_EQ(o.tls_required, "true");
    EXPECT_EQ(o.tls_min_version, "tls1.3");
    EXPECT_TRUE(o.statsd_mem_stats);  // integer 0 → true (NSQ's inverted coercion)
    EXPECT_EQ(o.worker_threads, 2);
    EXPECT_EQ(o.mem_queue_size, 10000);  // default
}

TEST(nsqd_options, bad_config_file_exits_1) {
    run_result missing = run({"--config=/nonexistent/nsqd.cfg"});
    EXPECT_FALSE(missing.opts.has_value());
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(missing.err.rfind("[nsqd] ", 0), 0u);
    EXPECT_NE(missing.err.find(" FATAL: failed to load config file /nonexistent/nsqd.cfg - open "
                               "/nonexistent/nsqd.cfg: no such file or directory\n"),
              std::string::npos)
        << missing.err;

    temp_file cfg("log_level = \"loud\"\n");
    std::string config_flag = "--config=" + cfg.path();
    run_result bad = run({config_flag.c_str()});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("failed to load config file " + cfg.path() +
                           " - invalid value \"loud\" for log_level - invalid log level 'loud'"),
              std::string::npos)
        << bad.err;
}

TEST(nsqd_options, version_wins_over_a_bad_config_file) {
    run_result r = run({"--config=/nonexistent/nsqd.cfg", "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "nsqd v1.3.0 (built w/nsqpp)\n");
}

TEST(nsqd_options, register_options_binds_to_the_given_struct) {
    config::option_set set("nsqd");
    options opts;
    opts.mem_queue_size = 77;  // the caller's default is kept and shown
    std::string config_path;
    bool version = false;
    register_options(set, opts, &config_path, &version);
    EXPECT_NE(set.usage().find("number of messages to keep in memory (per topic/channel) "
                               "(default 77)"),
              std::string::npos);
    const char* argv[] = {"nsqd", "--config", "x.cfg", "--version", "--mem-queue-size=3"};
    EXPECT_EQ(set.parse_args(5, argv).result, config::option_set::parse_outcome::ok);
    EXPECT_EQ(config_path, "x.cfg");
    EXPECT_TRUE(version);
    EXPECT_EQ(opts.mem_queue_size, 3);
    EXPECT_TRUE(set.was_set("mem-queue-size"));
}

}  // namespace
}  // namespace nsqpp::nsqd
