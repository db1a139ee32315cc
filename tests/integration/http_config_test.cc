// GET/PUT /config/:opt (spec §6.8): every option by config key with NSQ's renderings, the two
// writable options and the errors.
#include <unistd.h>

#include <string>
#include <vector>

#include "base/log.h"
#include "tests/integration/fixture.h"

namespace nsqpp::test {
namespace {

class http_config : public nsqd_fixture {
  protected:
    void TearDown() override {
        base::set_level(*base::get_logger("nsqd"), base::log_level::info);  // PUT log_level
        nsqd_fixture::TearDown();
    }

    http::client_response get(const std::string& opt) { return http_get("/config/" + opt); }
    http::client_response put(const std::string& opt, const std::string& body) {
        return http_request("PUT", "/config/" + opt, body);
    }
    // 200 with this JSON body and NSQ's JSON headers.
    static ::testing::AssertionResult is_json(const http::client_response& r,
                                              std::string_view body) {
        if (r.status != 200 || r.body != body) {
            return ::testing::AssertionFailure()
                   << "expected 200 " << body << ", got " << r.status << " " << r.body;
        }
        if (r.header("Content-Type") != "application/json; charset=utf-8" ||
            r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure()
                   << "Content-Type: " << r.header("Content-Type").value_or("<none>");
        }
        return ::testing::AssertionSuccess();
    }
    // 200 with this raw text body (strings are not JSON-quoted).
    static ::testing::AssertionResult is_text(const http::client_response& r,
                                              std::string_view body) {
        if (r.status != 200 || r.body != body) {
            return ::testing::AssertionFailure()
                   << "expected 200 " << body << ", got " << r.status << " " << r.body;
        }
        auto type = r.header("Content-Type");
        if (body.empty() ? type.has_value() : type != "text/plain; charset=utf-8") {
            return ::testing::AssertionFailure() << "Content-Type: " << type.value_or("<none>");
        }
        if (r.header("X-NSQ-Content-Type") != "nsq; version=1.0") {
            return ::testing::AssertionFailure() << "no X-NSQ-Content-Type";
        }
        return ::testing::AssertionSuccess();
    }
    static ::testing::AssertionResult is_error(const http::client_response& r, int status,
                                               std::string_view text) {
        std::string body = R"({"message":")" + std::string(text) + R"("})";
        if (r.status != status || r.body != body) {
            return ::testing::AssertionFailure()
                   << "expected " << status << " " << body << ", got " << r.status << " " << r.body;
        }
        return ::testing::AssertionSuccess();
    }
    static std::string hostname() {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        return host;
    }
};

TEST_F(http_config, defaults_render_as_nsq_renders_its_options) {
    // strings: raw text
    EXPECT_TRUE(is_text(get("tcp_address"), "127.0.0.1:0"));  // as configured, not the bound port
    EXPECT_TRUE(is_text(get("http_address"), "127.0.0.1:0"));
    EXPECT_TRUE(is_text(get("https_address"), ""));  // empty: no body, no Content-Type
    EXPECT_TRUE(is_text(get("log_prefix"), "[nsqd] "));
    EXPECT_TRUE(is_text(get("data_path"), daemon_->opts().data_path));
    EXPECT_TRUE(is_text(get("broadcast_address"), hostname()));  // defaults to the hostname
    EXPECT_TRUE(is_text(get("statsd_address"), ""));
    EXPECT_TRUE(is_text(get("tls_cert"), ""));
    EXPECT_TRUE(is_text(get("tls_client_auth_policy"), ""));
    // numbers
    EXPECT_TRUE(is_json(get("mem_queue_size"), "10000"));
    EXPECT_TRUE(is_json(get("max_bytes_per_file"), "104857600"));
    EXPECT_TRUE(is_json(get("sync_every"), "2500"));
    EXPECT_TRUE(is_json(get("max_msg_size"), "1048576"));
    EXPECT_TRUE(is_json(get("max_body_size"), "5242880"));
    EXPECT_TRUE(is_json(get("max_rdy_count"), "2500"));
    EXPECT_TRUE(is_json(get("max_output_buffer_size"), "65536"));
    EXPECT_TRUE(is_json(get("max_channel_consumers"), "0"));
    EXPECT_TRUE(is_json(get("queue_scan_worker_pool_max"), "4"));
    EXPECT_TRUE(is_json(get("queue_scan_selection_count"), "20"));
    EXPECT_TRUE(is_json(get("statsd_udp_packet_size"), "508"));
    EXPECT_TRUE(is_json(get("max_deflate_level"), "6"));
    EXPECT_TRUE(is_json(get("worker_threads"), "2"));
    // bound ports when the broadcast ports are not set
    EXPECT_TRUE(is_json(get("broadcast_tcp_port"), std::to_string(tcp_port_)));
    EXPECT_TRUE(is_json(get("broadcast_http_port"), std::to_string(http_port_)));
    // durations: nanoseconds
    EXPECT_TRUE(is_json(get("msg_timeout"), "60000000000"));
    EXPECT_TRUE(is_json(get("max_msg_timeout"), "900000000000"));
    EXPECT_TRUE(is_json(get("max_req_timeout"), "3600000000000"));
    EXPECT_TRUE(is_json(get("sync_timeout"), "2000000000"));
    EXPECT_TRUE(is_json(get("max_heartbeat_interval"), "60000000000"));
    EXPECT_TRUE(is_json(get("max_output_buffer_timeout"), "30000000000"));
    EXPECT_TRUE(is_json(get("min_output_buffer_timeout"), "25000000"));
    EXPECT_TRUE(is_json(get("output_buffer_timeout"), "250000000"));
    EXPECT_TRUE(is_json(get("http_client_connect_timeout"), "2000000000"));
    EXPECT_TRUE(is_json(get("http_client_request_timeout"), "5000000000"));
    EXPECT_TRUE(is_json(get("statsd_interval"), "60000000000"));
    EXPECT_TRUE(is_json(get("e2e_processing_latency_window_time"), "600000000000"));
    // booleans
    EXPECT_TRUE(is_json(get("deflate"), "true"));
    EXPECT_TRUE(is_json(get("snappy"), "true"));
    EXPECT_TRUE(is_json(get("statsd_mem_stats"), "true"));
    EXPECT_TRUE(is_json(get("statsd_exclude_ephemeral"), "false"));
    // lists
    EXPECT_TRUE(is_json(get("nsqlookupd_tcp_addresses"), "[]"));
    EXPECT_TRUE(is_json(get("auth_http_addresses"), "[]"));
    EXPECT_TRUE(is_json(get("e2e_processing_latency_percentiles"), "[]"));
    // NSQ's enumerations as numbers
    EXPECT_TRUE(is_json(get("log_level"), "2"));  // info
    EXPECT_TRUE(is_json(get("tls_required"), "0"));
    EXPECT_TRUE(is_json(get("tls_min_version"), "769"));  // tls1.0
    // id: the hostname-derived node id, a number in [0, 1024)
    auto id = get("id");
    ASSERT_EQ(id.status, 200);
    EXPECT_EQ(id.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_THAT(id.body, ::testing::MatchesRegex("[0-9]+"));
    EXPECT_LT(std::stol(id.body), 1024);
    // statsd_prefix: "nsq.%s" expanded with <broadcast address>_<http port>, dots replaced
    std::string key = hostname() + "_" + std::to_string(http_port_);
    for (char& c : key) {
        if (c == '.' || c == ':') c = '_';
    }
    EXPECT_TRUE(is_text(get("statsd_prefix"), "nsq." + key + "."));
}

TEST_F(http_config, unknown_options_and_flag_names_are_invalid) {
    for (const char* opt : {"nope", "queue_scan_interval", "client_timeout", "verbose", "config",
                            "version", "worker_id", "node_id", "log-level", "mem-queue-size",
                            "MEM_QUEUE_SIZE", "lookupd_tcp_address", "tls_root_ca"}) {
        EXPECT_TRUE(is_error(get(opt), 400, "INVALID_OPTION")) << opt;
    }
    EXPECT_TRUE(is_error(http_get("/config"), 404, "NOT_FOUND"));
    EXPECT_TRUE(is_error(http_get("/config/"), 404, "NOT_FOUND"));
    EXPECT_TRUE(is_error(http_get("/config/a/b"), 404, "NOT_FOUND"));
}

TEST_F(http_config, wrong_method_is_405) {
    auto r = http_post("/config/log_level", "debug");
    EXPECT_TRUE(is_error(r, 405, "METHOD_NOT_ALLOWED"));
    EXPECT_EQ(r.header("Allow"), "GET, OPTIONS, PUT");
    EXPECT_TRUE(is_json(get("log_level"), "2"));
}

TEST_F(http_config, put_body_checks_come_first) {
    for (const char* opt : {"log_level", "nsqlookupd_tcp_addresses", "mem_queue_size", "nope"}) {
        EXPECT_TRUE(is_error(put(opt, ""), 413, "INVALID_VALUE")) << opt;
        EXPECT_TRUE(is_error(put(opt, std::string(1048577, 'x')), 413, "INVALID_VALUE")) << opt;
    }
    // exactly --max-msg-size bytes is read, then the option is checked
    EXPECT_TRUE(is_error(put("nope", std::string(1048576, 'x')), 400, "INVALID_OPTION"));
    EXPECT_TRUE(is_error(put("log_level", std::string(1048576, 'x')), 400, "INVALID_VALUE"));
}

TEST_F(http_config, only_two_options_are_writable) {
    for (const char* opt : {"mem_queue_size", "msg_timeout", "tcp_address", "id", "nope",
                            "auth_http_addresses", "log_prefix"}) {
        EXPECT_TRUE(is_error(put(opt, "1"), 400, "INVALID_OPTION")) << opt;
    }
    EXPECT_TRUE(is_json(get("mem_queue_size"), "10000"));
}

TEST_F(http_config, put_log_level) {
    auto logger = base::get_logger("nsqd");
    EXPECT_TRUE(is_json(put("log_level", "DEBUG"), "1"));
    EXPECT_TRUE(is_json(get("log_level"), "1"));
    EXPECT_TRUE(logger->should_log(spdlog::level::debug));
    EXPECT_TRUE(is_json(put("log_level", "Warn"), "3"));
    EXPECT_FALSE(logger->should_log(spdlog::level::info));
    EXPECT_TRUE(logger->should_log(spdlog::level::warn));
    EXPECT_TRUE(is_json(put("log_level", "error"), "4"));
    EXPECT_TRUE(is_json(put("log_level", "fatal"), "5"));
    EXPECT_TRUE(is_json(put("log_level", "info"), "2"));
    EXPECT_TRUE(logger->should_log(spdlog::level::info));
    EXPECT_FALSE(logger->should_log(spdlog::level::debug));
    for (const char* bad : {"warning", "debug\n", " info", "trace", "2", "\"info\""}) {
        EXPECT_TRUE(is_error(put("log_level", bad), 400, "INVALID_VALUE")) << bad;
    }
    EXPECT_TRUE(is_json(get("log_level"), "2"));
}

TEST_F(http_config, put_lookupd_addresses) {
    for (const char* bad : {"not json", "[\"a:1\",1]", "\"a:1\"", "{}", "[\"a:1\"", "[[]]",
                            "[\"a:1\"] x", "[\"a:1\",]"}) {
        EXPECT_TRUE(is_error(put("nsqlookupd_tcp_addresses", bad), 400, "INVALID_VALUE")) << bad;
    }
    EXPECT_TRUE(is_json(get("nsqlookupd_tcp_addresses"), "[]"));

    EXPECT_TRUE(is_json(put("nsqlookupd_tcp_addresses", R"( ["127.0.0.1:1", "host<2>:3"] )"),
                        R"(["127.0.0.1:1","host\u003c2\u003e:3"])"));
    EXPECT_TRUE(
        is_json(get("nsqlookupd_tcp_addresses"), R"(["127.0.0.1:1","host\u003c2\u003e:3"])"));
    EXPECT_TRUE(is_json(put("nsqlookupd_tcp_addresses", "[]"), "[]"));
    EXPECT_TRUE(is_json(put("nsqlookupd_tcp_addresses", "null"), "[]"));
    EXPECT_TRUE(is_json(get("nsqlookupd_tcp_addresses"), "[]"));
}

class http_config_custom : public http_config {
  protected:
    nsqd::options options() const override {
        nsqd::options o;
        o.node_id = 42;
        o.mem_queue_size = 123;
        o.msg_timeout = std::chrono::milliseconds(12500);
        o.broadcast_address = "my.host";
        o.broadcast_tcp_port = 7000;
        o.statsd_prefix = "stats.%s.x.%s";
        o.e2e_processing_latency_percentiles = {1.0, 0.99, 0.5};
        o.tls_min_version = "tls1.2";
        o.deflate = false;
        o.max_deflate_level = 9;
        o.log_prefix = "[custom] ";
        return o;
    }
};

TEST_F(http_config_custom, configured_values) {
    EXPECT_TRUE(is_json(get("id"), "42"));
    EXPECT_TRUE(is_json(get("mem_queue_size"), "123"));
    EXPECT_TRUE(is_json(get("msg_timeout"), "12500000000"));
    EXPECT_TRUE(is_text(get("broadcast_address"), "my.host"));
    EXPECT_TRUE(is_json(get("broadcast_tcp_port"), "7000"));
    EXPECT_TRUE(is_json(get("broadcast_http_port"), std::to_string(http_port_)));
    std::string key = "my_host_" + std::to_string(http_port_);
    EXPECT_TRUE(is_text(get("statsd_prefix"), "stats." + key + ".x." + key + "."));
    EXPECT_TRUE(is_json(get("e2e_processing_latency_percentiles"), "[1,0.99,0.5]"));
    EXPECT_TRUE(is_json(get("tls_min_version"), "771"));
    EXPECT_TRUE(is_json(get("deflate"), "false"));
    EXPECT_TRUE(is_json(get("max_deflate_level"), "9"));
    EXPECT_TRUE(is_text(get("log_prefix"), "[custom] "));
}

}  // namespace
}  // namespace nsqpp::test
