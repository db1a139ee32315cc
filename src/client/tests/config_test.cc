// config: go-nsq defaults, set-by-name parsing, ranges and validation.
#include "nsqpp/config.h"

#include <gtest/gtest.h>

namespace nsqpp::client {
namespace {

using namespace std::chrono_literals;

TEST(Config, DefaultsAreGoNsqs) {
    config c;
    EXPECT_EQ(c.dial_timeout, 1s);
    EXPECT_EQ(c.read_timeout, 60s);
    EXPECT_EQ(c.write_timeout, 1s);
    EXPECT_EQ(c.lookupd_poll_interval, 60s);
    EXPECT_DOUBLE_EQ(c.lookupd_poll_jitter, 0.3);
    EXPECT_EQ(c.max_requeue_delay, 15min);
    EXPECT_EQ(c.default_requeue_delay, 90s);
    EXPECT_EQ(c.backoff_strategy, backoff_strategy::exponential);
    EXPECT_EQ(c.max_backoff_duration, 2min);
    EXPECT_EQ(c.backoff_multiplier, 1s);
    EXPECT_EQ(c.max_attempts, 5);
    EXPECT_EQ(c.low_rdy_idle_timeout, 10s);
    EXPECT_EQ(c.low_rdy_timeout, 30s);
    EXPECT_EQ(c.rdy_redistribute_interval, 5s);
    EXPECT_EQ(c.heartbeat_interval, 30s);
    EXPECT_EQ(c.sample_rate, 0);
    EXPECT_FALSE(c.tls_v1);
    EXPECT_FALSE(c.deflate);
    EXPECT_EQ(c.deflate_level, 6);
    EXPECT_FALSE(c.snappy);
    EXPECT_EQ(c.output_buffer_size, 16384);
    EXPECT_EQ(c.output_buffer_timeout, 250ms);
    EXPECT_EQ(c.max_in_flight, 1);
    EXPECT_EQ(c.msg_timeout, 0ms);
    EXPECT_TRUE(c.skip_lookupd_authorization);
    EXPECT_FALSE(c.hostname.empty());
    EXPECT_EQ(c.client_id, c.hostname.substr(0, c.hostname.find('.')));
    EXPECT_EQ(c.user_agent.rfind("nsqpp/", 0), 0u);
    EXPECT_FALSE(c.validate());
}

TEST(Config, SetByNameParsesEveryKind) {
    config c;
    EXPECT_FALSE(c.set("max_in_flight", "200"));
    EXPECT_EQ(c.max_in_flight, 200);
    EXPECT_FALSE(c.set("max-in-flight", "300"));  // '-' for '_'
    EXPECT_EQ(c.max_in_flight, 300);
    EXPECT_FALSE(c.set("read_timeout", "1m30s"));
    EXPECT_EQ(c.read_timeout, 90s);
    EXPECT_FALSE(c.set("write_timeout", "2500"));  // integer = milliseconds
    EXPECT_EQ(c.write_timeout, 2500ms);
    EXPECT_FALSE(c.set("snappy", "true"));
    EXPECT_TRUE(c.snappy);
    EXPECT_FALSE(c.set("snappy", "0"));
    EXPECT_FALSE(c.snappy);
    EXPECT_FALSE(c.set("deflate", "t"));
    EXPECT_TRUE(c.deflate);
    EXPECT_FALSE(c.set("lookupd_poll_jitter", "0.5"));
    EXPECT_DOUBLE_EQ(c.lookupd_poll_jitter, 0.5);
    EXPECT_FALSE(c.set("backoff_strategy", "full_jitter"));
    EXPECT_EQ(c.backoff_strategy, backoff_strategy::full_jitter);
    EXPECT_FALSE(c.set("user_agent", "tool/1.0"));
    EXPECT_EQ(c.user_agent, "tool/1.0");
    EXPECT_FALSE(c.set("tls_insecure_skip_verify", "true"));
    EXPECT_TRUE(c.tls.insecure_skip_verify);
    EXPECT_FALSE(c.set("tls_min_version", "tls1.2"));
    EXPECT_EQ(c.tls.min_version, "tls1.2");
    EXPECT_FALSE(c.set("max_attempts", "65535"));
    EXPECT_EQ(c.max_attempts, 65535);
    EXPECT_FALSE(c.set("heartbeat_interval", "-1"));
    EXPECT_EQ(c.heartbeat_interval, -1ms);
}

TEST(Config, SetRejectsBadNamesValuesAndRanges) {
    config c;
    EXPECT_EQ(c.set("no_such_option", "1").message(), "invalid option no_such_option");
    EXPECT_EQ(c.set("max_in_flight", "-1").message(), "invalid max_in_flight ! -1 < 0");
    EXPECT_EQ(c.set("read_timeout", "50ms").message(), "invalid read_timeout ! 50ms < 100ms");
    EXPECT_EQ(c.set("read_timeout", "6m").message(), "invalid read_timeout ! 6m0s > 5m0s");
    EXPECT_EQ(c.set("sample_rate", "100").message(), "invalid sample_rate ! 100 > 99");
    EXPECT_EQ(c.set("deflate_level", "0").message(), "invalid deflate_level ! 0 < 1");
    EXPECT_EQ(c.set("max_attempts", "65536").message(), "invalid max_attempts ! 65536 > 65535");
    EXPECT_EQ(c.set("lookupd_poll_jitter", "1.5").message(),
              "invalid lookupd_poll_jitter ! 1.5 > 1");
    EXPECT_EQ(c.set("rdy_redistribute_interval", "6s").message(),
              "invalid rdy_redistribute_interval ! 6s > 5s");
    EXPECT_TRUE(c.set("max_in_flight", "abc"));
    EXPECT_TRUE(c.set("read_timeout", "soon"));
    EXPECT_TRUE(c.set("snappy", "maybe"));
    EXPECT_TRUE(c.set("backoff_strategy", "linear"));
    // A rejected value leaves the option unchanged.
    EXPECT_EQ(c.max_in_flight, 1);
    EXPECT_EQ(c.read_timeout, 60s);
}

TEST(Config, SetFlagTakesTheToolsForm) {
    config c;
    EXPECT_FALSE(c.set_flag("max_in_flight,50"));
    EXPECT_EQ(c.max_in_flight, 50);
    EXPECT_FALSE(c.set_flag("snappy"));
    EXPECT_TRUE(c.snappy);
    EXPECT_EQ(c.set_flag("bogus,1").message(), "invalid option bogus");
}

TEST(Config, ValidateChecksCrossFieldRules) {
    config c;
    c.heartbeat_interval = 90s;
    EXPECT_EQ(c.validate().message(), "HeartbeatInterval 1m30s must be less than ReadTimeout 1m0s");
    c = config{};
    c.max_in_flight = -5;
    EXPECT_EQ(c.validate().message(), "invalid max_in_flight ! -5 < 0");
    c = config{};
    c.deflate = c.snappy = true;
    EXPECT_TRUE(c.validate());
}

TEST(Config, OptionNamesCoverTheIssueList) {
    auto names = config::option_names();
    for (const char* n : {"read_timeout",
                          "write_timeout",
                          "lookupd_poll_interval",
                          "lookupd_poll_jitter",
                          "max_requeue_delay",
                          "default_requeue_delay",
                          "backoff_strategy",
                          "max_backoff_duration",
                          "backoff_multiplier",
                          "max_attempts",
                          "low_rdy_idle_timeout",
                          "rdy_redistribute_interval",
                          "client_id",
                          "hostname",
                          "user_agent",
                          "heartbeat_interval",
                          "sample_rate",
                          "tls_v1",
                          "deflate",
                          "deflate_level",
                          "snappy",
                          "output_buffer_size",
                          "output_buffer_timeout",
                          "max_in_flight",
                          "msg_timeout",
                          "auth_secret"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    }
}

}  // namespace
}  // namespace nsqpp::client
